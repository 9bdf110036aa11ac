"""Behaviour-calibrated logic: what the interactions say about each LLM logic edge.

Each user u has, from the LLM tags of the items u consumed, role counts R_u[t] (u's consumed items that
carry role t) and a topic profile c_u (the share of u's consumed topic tags that are c); topic counts C_u
and the role profile r_u likewise. For a U2I pair t → c:

- ``n_t = Σ_u R_u[t]`` consumptions of t-items, ``k_tc = Σ_u R_u[t]·c_u[c]`` of them "followed" by c;
- behaviour's estimate of P(c|t) is ``k_tc / n_t``, the target's base rate ``b_c = Σ_u C_u[c] / Σ_u |C_u|``;
- ``lift`` is ``(k_tc / n_t) / b_c``; ``support`` counts the users whose consumption carries both tags.

I2U pairs c → t are measured the same way with the roles of topics swapped (``k_ct = Σ_u C_u[c]·r_u[t]``).

The calibrated weight tilts the LLM's distribution over a source's targets by behaviour's evidence. The
lift of each edge gets a Gamma(a, a) prior (mean 1, ``prior_strength`` a pseudo-events) and is updated
by k observed against ``E = n·b`` expected co-consumptions: ``λ̂ = (k + a) / (E + a)`` (the Gamma–Poisson
posterior mean). Then ``calibrated = w·λ̂ / Σ w'·λ̂'`` over the source's LLM edges (confirmed candidates
included), so a source's calibrated weights sum to 1 like the LLM's. A tag few users touch (E ≪ a) keeps
the LLM's word; a dense one follows behaviour.

An edge is contradicted when its source has at least ``min_mass`` consumptions and ``λ̂`` is below
``contradict_lift`` (users of the source consume the target clearly less than anyone): it is flagged,
never deleted. A pair the LLM never proposed whose lift is at least ``candidate_lift`` with at least
``candidate_support`` users is a candidate (the best ``candidates_per_source`` of each source, by lift),
checked by the LLM the next day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from rolegraph.errors import InvalidInput
from rolegraph.graph.calibration import CandidatePair, EdgeStats
from rolegraph.graph.distillation import TaggedItem, WeightedEdge
from rolegraph.graph.model import LogicKind


@dataclass(frozen=True)
class CalibrationConfig:
    """The knobs of behaviour calibration (the estimator is in the module docstring)."""

    prior_strength: float = 5.0  # pseudo co-consumptions behind the prior lift of 1
    min_mass: float = 20.0  # consumptions of a source before behaviour may contradict its edges
    contradict_lift: float = 0.5
    candidate_lift: float = 2.0
    candidate_support: int = 5
    candidates_per_source: int = 3

    def __post_init__(self) -> None:
        if self.prior_strength <= 0 or self.min_mass < 0 or self.candidate_support < 1:
            raise InvalidInput("prior_strength must be positive, min_mass ≥ 0 and candidate_support ≥ 1")
        if self.candidates_per_source < 0 or self.contradict_lift < 0 or self.candidate_lift < 0:
            raise InvalidInput("candidates_per_source, contradict_lift and candidate_lift must be ≥ 0")


@dataclass(frozen=True)
class Behaviour:
    """Co-consumption of roles and topics (see the module docstring)."""

    roles: dict[str, int]  # role key → row
    topics: dict[str, int]  # topic key → column
    k_u2i: np.ndarray  # [roles, topics] Σ_u R_u[t]·c_u[c]
    k_i2u: np.ndarray  # [topics, roles] Σ_u C_u[c]·r_u[t]
    support: np.ndarray  # [roles, topics] users whose consumption carries both tags
    n_role: np.ndarray  # [roles] Σ_u R_u[t]
    n_topic: np.ndarray  # [topics] Σ_u C_u[c]

    def estimate(self, kind: LogicKind) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(k, expected co-consumptions E = n·b, lift, source mass n) as [sources, targets] matrices (U2I:
        roles × topics, I2U: topics × roles); lift is 0 where nothing is expected."""
        k = self.k_u2i if kind is LogicKind.U2I else self.k_i2u
        n_src, n_dst = (self.n_role, self.n_topic) if kind is LogicKind.U2I else (self.n_topic, self.n_role)
        expected = n_src[:, None] * (n_dst / max(float(n_dst.sum()), 1.0))[None, :]
        lift = np.divide(k, expected, out=np.zeros_like(k), where=expected > 0)
        return k, expected, lift, n_src

    def index(self, kind: LogicKind) -> tuple[dict[str, int], dict[str, int]]:
        """(source index, target index) of ``kind``."""
        return (self.roles, self.topics) if kind is LogicKind.U2I else (self.topics, self.roles)

    def counts(self, kind: LogicKind) -> np.ndarray:
        """Users sharing both tags, as [sources, targets]."""
        return self.support if kind is LogicKind.U2I else self.support.T


def behaviour(interactions: Iterable[tuple[str, str]], items: Sequence[TaggedItem]) -> Behaviour:
    """Co-consumption of the LLM's roles and topics from (user, item) events; items without LLM tags and
    events on them are ignored, and an item consumed twice counts once."""
    roles = {k: j for j, k in enumerate(sorted({t for i in items for t in i.roles}))}
    topics = {k: j for j, k in enumerate(sorted({t for i in items for t in i.topics}))}
    item_row = {i.id: n for n, i in enumerate(items)}
    role_inc = _incidence([[roles[t] for t in i.roles] for i in items], len(roles))
    topic_inc = _incidence([[topics[t] for t in i.topics] for i in items], len(topics))
    users: dict[str, int] = {}
    rows, cols = [], []
    for user, item in interactions:
        if item in item_row:
            rows.append(users.setdefault(user, len(users)))
            cols.append(item_row[item])
    consumed = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(users), len(items)))
    consumed.sum_duplicates()
    consumed.data[:] = 1.0
    role_counts, topic_counts = consumed @ role_inc, consumed @ topic_inc
    both = (role_counts > 0).astype(np.int32).T @ (topic_counts > 0).astype(np.int32)
    return Behaviour(
        roles,
        topics,
        _dense(role_counts.T @ _row_normalized(topic_counts)),
        _dense(topic_counts.T @ _row_normalized(role_counts)),
        np.asarray(both.todense(), dtype=np.int64),
        np.asarray(role_counts.sum(axis=0)).ravel(),
        np.asarray(topic_counts.sum(axis=0)).ravel(),
    )


def _dense(m: sp.sparray) -> np.ndarray:
    return np.asarray(m.todense(), dtype=np.float64)


def _incidence(rows: list[list[int]], width: int) -> sp.csr_array:
    r = [n for n, cols in enumerate(rows) for _ in cols]
    c = [col for cols in rows for col in cols]
    out = sp.csr_array((np.ones(len(c)), (r, c)), shape=(len(rows), width))
    out.sum_duplicates()
    out.data[:] = 1.0
    return out


def _row_normalized(m: sp.csr_array) -> sp.csr_array:
    sums = np.asarray(m.sum(axis=1)).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
    return sp.csr_array(sp.diags_array(scale) @ m)


def score_edges(
    beh: Behaviour, kind: LogicKind, edges: Sequence[WeightedEdge], cfg: CalibrationConfig
) -> list[EdgeStats]:
    """Support, lift, calibrated weight and the contradicted flag of each LLM edge of ``kind`` (in order)."""
    k, expected, lift, mass = beh.estimate(kind)
    counts = beh.counts(kind)
    src_index, dst_index = beh.index(kind)
    a = cfg.prior_strength
    tilted: list[tuple[bool, float, float]] = []
    total: defaultdict[str, float] = defaultdict(float)
    for e in edges:
        s, d = src_index.get(e.src), dst_index.get(e.dst)
        seen = s is not None and d is not None
        post = (float(k[s, d]) + a) / (float(expected[s, d]) + a) if s is not None and d is not None else 1.0
        tilted.append((seen, post, e.weight * post))
        total[e.src] += e.weight * post
    out = []
    for e, (seen, post, w) in zip(edges, tilted, strict=True):
        calibrated = round(w / total[e.src], 6) if total[e.src] > 0 else round(e.weight, 6)
        if not seen:  # a tag no consumed item carries: behaviour has nothing to say
            out.append(EdgeStats(e.src, e.dst, 0, 0.0, calibrated, False))
            continue
        s, d = src_index[e.src], dst_index[e.dst]
        contradicted = float(mass[s]) >= cfg.min_mass and post < cfg.contradict_lift
        out.append(EdgeStats(e.src, e.dst, int(counts[s, d]), round(float(lift[s, d]), 6), calibrated, contradicted))
    return out


def candidates(
    beh: Behaviour, kind: LogicKind, proposed: Iterable[tuple[str, str]], cfg: CalibrationConfig
) -> list[CandidatePair]:
    """The pairs of ``kind`` behaviour supports that the LLM never proposed (see the module docstring),
    by source and then by lift."""
    if cfg.candidates_per_source == 0:
        return []
    _, _, lift, _ = beh.estimate(kind)
    counts = beh.counts(kind)
    src_index, dst_index = beh.index(kind)
    src_keys, dst_keys = sorted(src_index, key=src_index.__getitem__), sorted(dst_index, key=dst_index.__getitem__)
    eligible = (lift >= cfg.candidate_lift) & (counts >= cfg.candidate_support)
    proposed_pairs = list(proposed)
    for src, dst in proposed_pairs:
        if src in src_index and dst in dst_index:
            eligible[src_index[src], dst_index[dst]] = False
    degree = Counter(src for src, _ in proposed_pairs)
    out = []
    for s in np.flatnonzero(eligible.any(axis=1)):
        cols = np.flatnonzero(eligible[s])
        best = cols[np.lexsort((cols, -lift[s, cols]))][: cfg.candidates_per_source]
        out += [
            CandidatePair(
                src_keys[s],
                dst_keys[d],
                int(counts[s, d]),
                round(float(lift[s, d]), 6),
                round(1 / (degree[src_keys[s]] + 1), 6),
            )
            for d in best
        ]
    return sorted(out, key=lambda c: (c.src, -c.lift, c.dst))
