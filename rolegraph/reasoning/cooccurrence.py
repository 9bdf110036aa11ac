"""Co-consumption of roles and topics: what the interactions say about each (role, topic) pair, the
measurements behaviour-calibrated logic (`reasoning.calibrate`) weighs the LLM's edges by.

Each user u has, from the LLM tags of the items u consumed, role counts R_u[t] (u's consumed items that
carry role t) and a topic profile c_u (the share of u's consumed topic tags that are c); topic counts C_u
and the role profile r_u likewise. For a U2I pair t → c:

- ``n_t = Σ_u R_u[t]`` consumptions of t-items, ``k_tc = Σ_u R_u[t]·c_u[c]`` of them "followed" by c;
- behaviour's estimate of P(c|t) is ``k_tc / n_t``, the target's base rate ``b_c = Σ_u C_u[c] / Σ_u |C_u|``;
- ``lift`` is ``(k_tc / n_t) / b_c``; ``support`` counts the users whose consumption carries both tags.

I2U pairs c → t are measured the same way with the roles of topics swapped (``k_ct = Σ_u C_u[c]·r_u[t]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from rolegraph.graph.distillation import TaggedItem, WeightedEdge
from rolegraph.graph.model import LogicKind


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


def converse_weights(beh: Behaviour, kind: LogicKind, converse: Iterable[WeightedEdge]) -> dict[tuple[str, str], float]:
    """The LLM's edges of the other kind read as pairs of ``kind``, through Bayes' rule: an I2U edge c → t of
    weight v = P(t|c) states U2I t → c with weight ``v · P(c) / P(t)`` (the shares of the tags'
    consumptions; a ratio of 1 where behaviour has not seen a tag), and the other way round. Keyed by
    (source, target) of ``kind``; at most 1."""
    src_index, dst_index = beh.index(kind)
    n_src, n_dst = (beh.n_role, beh.n_topic) if kind is LogicKind.U2I else (beh.n_topic, beh.n_role)
    total_src, total_dst = max(float(n_src.sum()), 1.0), max(float(n_dst.sum()), 1.0)
    out: dict[tuple[str, str], float] = {}
    for e in converse:  # e.src is a target of ``kind``, e.dst a source
        s, d = src_index.get(e.dst), dst_index.get(e.src)
        ratio = 1.0
        if s is not None and d is not None and n_src[s] > 0:
            ratio = (float(n_dst[d]) / total_dst) / (float(n_src[s]) / total_src)
        out[(e.dst, e.src)] = min(1.0, e.weight * ratio)
    return out
