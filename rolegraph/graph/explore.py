"""Two-hop exploration over the logic graph (docs/design.md; paper App. B.6).

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

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from rolegraph.errors import InvalidInput
from rolegraph.graph.model import LogicKind, Source
from rolegraph.graph.store import GraphStore

Edge = tuple[str, str, float]
#: fetches the U2I or I2U edges out of the given source tags: (kind, keys) -> [(src, dst, weight)]
Hop = Callable[[LogicKind, Sequence[str]], list[Edge]]


class Chain(NamedTuple):
    """One path role → topic → new role and the weight it contributes to the new role (a named tuple:
    a request builds up to a thousand)."""

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
    kept = [(k, w) for k, w in weights.items() if w > 0]
    if len(kept) > n:
        # the n-th largest weight bounds the top n; only the entries at or above it are sorted by
        # (weight, key), so ties at the bound are still broken by key
        bound = heapq.nlargest(n, (w for _, w in kept))[-1]
        kept = [kw for kw in kept if kw[1] >= bound]
    ranked = sorted(kept, key=lambda kv: (-kv[1], kv[0]))[:n]
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
    seeds: Mapping[str, float],
    u2i: Iterable[Edge],
    i2u: Iterable[Edge],
    *,
    delta: float,
    branch: int,
    k: int,
    chains: int | None = None,
) -> Exploration:
    """The exploration arithmetic over the U2I edges out of the seeds and the I2U edges out of C(1).

    A chain's contribution is w_t · P(c|t) · s_c · P(t'|c) · s_t', where s_c and s_t' are the
    renormalization factors of C(1) and T(1); the chains into t' therefore sum to w_t'. With ``chains``
    only that many of the strongest chains are returned.
    """
    t0 = normalize_seeds(seeds)
    hop1 = [(t, c, p) for t, c, p in u2i if t in t0]
    raw_c, c1 = topic_weights(t0, hop1, delta=delta, branch=branch)
    return _second_hop(t0, hop1, raw_c, c1, i2u, k=k, chains=chains)


def _second_hop(
    t0: dict[str, float],
    hop1: list[Edge],
    raw_c: Mapping[str, float],
    c1: dict[str, float],
    i2u: Iterable[Edge],
    *,
    k: int,
    chains: int | None,
) -> Exploration:
    """T(1) and the chains from C(1) and the I2U edges out of it (the rest of `explore_weights`)."""
    hop2 = [(c, t2, p) for c, t2, p in i2u if c in c1 and t2 not in t0]
    raw_t: dict[str, float] = defaultdict(float)
    for c, t2, p in hop2:
        raw_t[t2] += c1[c] * p
    t1 = _top(raw_t, k)
    return Exploration(t0, c1, t1, _chains(t0, c1, t1, raw_c, raw_t, hop1, hop2, chains))


def _block(shape: tuple[int, int], cells: list[tuple[int, int, float]]) -> tuple[np.ndarray, np.ndarray]:
    """A dense matrix summing the (row, column, value) cells, and where cells are."""
    present = np.zeros(shape, bool)
    if not cells:
        return np.zeros(shape), present
    rows, cols, vals = zip(*cells, strict=True)
    flat = np.asarray(rows) * shape[1] + np.asarray(cols)
    present.flat[flat] = True
    return np.bincount(flat, weights=vals, minlength=shape[0] * shape[1]).reshape(shape), present


def _chains(
    t0: dict[str, float],
    c1: dict[str, float],
    t1: dict[str, float],
    raw_c: Mapping[str, float],
    raw_t: Mapping[str, float],
    hop1: list[Edge],
    hop2: list[Edge],
    limit: int | None,
) -> list[Chain]:
    """The chains t → c → t' into T(1), strongest first (ties by t', c, t), as dense blocks
    a[t, c] = w_t · P(c|t) · s_c and b[c, t'] = P(t'|c) · s_t' whose outer product is every contribution."""
    ts, cs, rs = sorted(t0), sorted(c1), sorted(t1)  # key order, so index order breaks ties by key
    ti, ci, ri = ({k: n for n, k in enumerate(keys)} for keys in (ts, cs, rs))
    a, has_a = _block((len(ts), len(cs)), [(ti[t], ci[c], t0[t] * p * c1[c] / raw_c[c]) for t, c, p in hop1 if c in ci])
    b, has_b = _block((len(cs), len(rs)), [(ci[c], ri[t2], p * t1[t2] / raw_t[t2]) for c, t2, p in hop2 if t2 in ri])
    weight = a[:, :, None] * b[None, :, :]  # [T0, C1, T1]
    t_ix, c_ix, r_ix = np.nonzero(has_a[:, :, None] & has_b[None, :, :])
    w = weight[t_ix, c_ix, r_ix]
    order = np.lexsort((t_ix, c_ix, r_ix, -w))[:limit]
    return [Chain(ts[t_ix[n]], cs[c_ix[n]], rs[r_ix[n]], float(w[n])) for n in order.tolist()]


def check_bounds(*, delta: float, branch: int, k: int) -> None:
    """The exploration parameters' bounds, one definition for every exploration path."""
    if not 1 <= k <= 100 or not 1 <= branch <= 1000 or not 0 <= delta < 1:
        raise InvalidInput("need 1 ≤ k ≤ 100, 1 ≤ branch ≤ 1000 and 0 ≤ delta < 1")


def explore_over(
    hop: Hop,
    seeds: Mapping[str, float],
    *,
    delta: float = 0.0,
    branch: int = 20,
    k: int = 10,
    chains: int | None = None,
) -> Exploration:
    """Two-hop exploration from weighted seed roles, with the edges read through ``hop`` (at most
    ``chains`` chains, the strongest, when given)."""
    check_bounds(delta=delta, branch=branch, k=k)
    t0 = normalize_seeds(seeds)
    hop1 = [(t, c, p) for t, c, p in hop(LogicKind.U2I, list(t0)) if t in t0]
    raw_c, c1 = topic_weights(t0, hop1, delta=delta, branch=branch)
    i2u = hop(LogicKind.I2U, list(c1)) if c1 else []
    return _second_hop(t0, hop1, raw_c, c1, i2u, k=k, chains=chains)


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


@dataclass(frozen=True)
class RoleItems:
    """Which items carry which roles in one graph view: per role, the items' columns (into ``items``,
    which is in id order) and P(role|item), as arrays."""

    items: list[str]
    col: dict[str, int]  # item id -> its column
    by_role: dict[str, tuple[np.ndarray, np.ndarray]]  # role -> (columns [n] int64, p [n] float64)

    @classmethod
    def build(cls, pairs: Mapping[str, Iterable[tuple[str, float]]]) -> RoleItems:
        """From role -> (item, P(role|item)) pairs."""
        items = sorted({i for ps in pairs.values() for i, _ in ps})
        col = {i: n for n, i in enumerate(items)}
        by_role = {}
        for role, ps in pairs.items():
            listed = sorted((col[i], p) for i, p in ps)
            by_role[role] = (
                np.fromiter((c for c, _ in listed), np.int64, len(listed)),
                np.fromiter((p for _, p in listed), np.float64, len(listed)),
            )
        return cls(items, col, by_role)


def rank_candidates(
    roles: Mapping[str, float], index: RoleItems, limit: int, exclude: Iterable[str] = ()
) -> list[Candidate]:
    """The ``limit`` items with the highest Σ_{t'} w_t' · P(t'|i) over the weighted ``roles`` (every item
    that carries one of them), other than ``exclude``. Best first, ties by item id; each with the roles
    it carries, in the order of ``roles``."""
    held = [(r, w, index.by_role[r]) for r, w in roles.items() if r in index.by_role]
    if limit < 1 or not held:
        return []
    cols = np.concatenate([c for _, _, (c, _) in held])
    weighted = np.concatenate([w * p for _, w, (_, p) in held])  # summed in the order of `roles`
    score = np.bincount(cols, weights=weighted, minlength=len(index.items))
    hit = np.zeros(len(index.items), bool)
    hit[cols] = True
    hit[[index.col[i] for i in exclude if i in index.col]] = False
    found = np.flatnonzero(hit)  # in id order
    picked = found[np.argsort(-score[found], kind="stable")[:limit]]  # stable: ties stay in id order
    carried: dict[int, list[str]] = {n: [] for n in picked.tolist()}
    which = np.repeat(np.arange(len(held)), [len(c) for _, _, (c, _) in held])
    for e in np.flatnonzero(np.isin(cols, picked)).tolist():  # entries are in the order of `roles`
        carried[int(cols[e])].append(held[which[e]][0])
    return [Candidate(index.items[n], float(score[n]), carried[n]) for n in picked.tolist()]
