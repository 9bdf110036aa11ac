"""Two-hop exploration over the logic graph (DESIGN.md; paper App. B.6).

From seed roles T(0) with weights w_t (summing to 1):
  C(1): w_c = Σ_t w_t · P(c|t) over U2I; keep w_c > δ, the top ``branch``; renormalize.
  T(1): w_t' = Σ_c w_c · P(t'|c) over I2U; drop T(0); keep the top ``k``; renormalize.
Each chain t → c → t' carries the share of w_t' it contributes, so the chains into t' sum to w_t'.

`explore_weights` is the pure arithmetic over edge lists and `rank_candidates` scores the items that
carry T(1); `explore_over` runs the two hops through any edge source (the store, or the API's in-memory
read model), so the database path and the read-model path share every formula. Ties are broken by key,
so results are deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from graph.model import LogicKind, Source
from graph.store import GraphStore
from rolegraph.errors import InvalidInput

Edge = tuple[str, str, float]
#: fetches the U2I or I2U edges out of the given source tags: (kind, keys) -> [(src, dst, weight)]
Hop = Callable[[LogicKind, Sequence[str]], list[Edge]]


@dataclass(frozen=True)
class Chain:
    """One path role → topic → new role and the weight it contributes to the new role."""

    role: str
    topic: str
    new_role: str
    contribution: float


@dataclass(frozen=True)
class Exploration:
    """T(0), C(1), T(1) as key → weight (each sums to 1 unless empty) and the chains behind T(1)."""

    seeds: dict[str, float]
    topics: dict[str, float]
    roles: dict[str, float]
    chains: list[Chain]


def normalize_seeds(weights: Mapping[str, float]) -> dict[str, float]:
    """Seed weights scaled to sum to 1; raises InvalidInput for negative weights or a zero sum."""
    if any(w < 0 for w in weights.values()):
        raise InvalidInput("seed weights must be non-negative")
    total = sum(weights.values())
    if not weights or total <= 0:
        raise InvalidInput("at least one seed with a positive weight is needed")
    return {k: w / total for k, w in weights.items()}


def _top(weights: Mapping[str, float], n: int) -> dict[str, float]:
    # only positive weights: a zero-weight edge carries no mass (and would divide by zero below)
    ranked = sorted(((k, w) for k, w in weights.items() if w > 0), key=lambda kv: (-kv[1], kv[0]))[:n]
    total = sum(w for _, w in ranked)
    return {k: w / total for k, w in ranked} if total > 0 else {}


def topic_weights(
    t0: Mapping[str, float], u2i: Iterable[Edge], *, delta: float, branch: int
) -> tuple[dict[str, float], dict[str, float]]:
    """(raw w_c for every topic reached, C(1) after δ, top-b and renormalization) from normalized seeds."""
    raw_c: dict[str, float] = defaultdict(float)
    for t, c, p in u2i:
        if t in t0:
            raw_c[c] += t0[t] * p
    return raw_c, _top({c: w for c, w in raw_c.items() if w > delta}, branch)


def explore_weights(
    seeds: Mapping[str, float], u2i: Iterable[Edge], i2u: Iterable[Edge], *, delta: float, branch: int, k: int
) -> Exploration:
    """The exploration arithmetic over the U2I edges out of the seeds and the I2U edges out of C(1).

    A chain's contribution is w_t · P(c|t) · s_c · P(t'|c) · s_t', where s_c and s_t' are the
    renormalization factors of C(1) and T(1); the chains into t' therefore sum to w_t'.
    """
    t0 = normalize_seeds(seeds)
    hop1 = [(t, c, p) for t, c, p in u2i if t in t0]
    raw_c, c1 = topic_weights(t0, hop1, delta=delta, branch=branch)
    hop2 = [(c, t2, p) for c, t2, p in i2u if c in c1 and t2 not in t0]
    raw_t: dict[str, float] = defaultdict(float)
    for c, t2, p in hop2:
        raw_t[t2] += c1[c] * p
    t1 = _top(raw_t, k)
    into_c: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for t, c, p in hop1:
        if c in c1:
            into_c[c].append((t, t0[t] * p * c1[c] / raw_c[c]))
    chains = [Chain(t, c, t2, w_tc * p * t1[t2] / raw_t[t2]) for c, t2, p in hop2 if t2 in t1 for t, w_tc in into_c[c]]
    chains.sort(key=lambda ch: (-ch.contribution, ch.new_role, ch.topic, ch.role))
    return Exploration(t0, c1, t1, chains)


def explore_over(
    hop: Hop, seeds: Mapping[str, float], *, delta: float = 0.0, branch: int = 20, k: int = 10
) -> Exploration:
    """Two-hop exploration from weighted seed roles, with the edges read through ``hop``."""
    if not 1 <= k <= 100 or not 1 <= branch <= 1000 or not 0 <= delta < 1:
        raise InvalidInput("need 1 ≤ k ≤ 100, 1 ≤ branch ≤ 1000 and 0 ≤ delta < 1")
    t0 = normalize_seeds(seeds)
    u2i = hop(LogicKind.U2I, list(t0))
    _, c1 = topic_weights(t0, u2i, delta=delta, branch=branch)
    i2u = hop(LogicKind.I2U, list(c1)) if c1 else []
    return explore_weights(t0, u2i, i2u, delta=delta, branch=branch, k=k)


def explore(
    store: GraphStore,
    seeds: Mapping[str, float],
    *,
    source: Source = Source.DISTILLED,
    delta: float = 0.0,
    branch: int = 20,
    k: int = 10,
) -> Exploration:
    """Two-hop exploration from weighted seed roles over G* (``source=distilled``) or G (``llm``)."""
    return explore_over(lambda kind, keys: store.logic_hop(kind, keys, source), seeds, delta=delta, branch=branch, k=k)


# ----------------------------------------------------------------- candidate items
@dataclass(frozen=True)
class Candidate:
    """An item carrying T(1) roles: score Σ w_t' · P(t'|i), and the roles it carries in T(1) order."""

    item: str
    score: float
    roles: list[str]


def view_p(by_source: Mapping[str, float], source: Source) -> float:
    """P(role|item) in one graph view: the item's edge of that view's source when it has one, else the
    largest of its other edges (an LLM-tagged item has ``llm`` edges, the others ``distilled`` ones)."""
    own = by_source.get(Source(source).value)
    return own if own is not None else max(by_source.values())


def rank_candidates(
    roles: Mapping[str, float],
    items_of: Callable[[str], Iterable[tuple[str, float]]],
    limit: int,
    exclude: Iterable[str] = (),
) -> list[Candidate]:
    """The ``limit`` items with the highest Σ_{t'} w_t' · P(t'|i) over the weighted ``roles``, other than
    ``exclude``; ``items_of(role)`` gives (item, P(role|item)) pairs. Best first, ties by item id."""
    if limit < 1 or not roles:
        return []
    excluded = set(exclude)
    score: dict[str, float] = defaultdict(float)
    carried: dict[str, list[str]] = defaultdict(list)
    for role, w in roles.items():
        for item, p in items_of(role):
            if item not in excluded:
                score[item] += w * p
                carried[item].append(role)
    best = sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [Candidate(item, s, carried[item]) for item, s in best]
