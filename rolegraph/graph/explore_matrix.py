"""Exploration as sparse products over the read model's matrices (docs/design.md; paper App. B.6).

A graph view's logic is two sparse matrices over key-sorted vocabularies, U2I [roles × topics] = P(c|t)
and I2U [topics × roles] = P(t|c), and the items carrying each role [roles × items] = P(t|i). One
exploration is two sparse-vector × sparse-matrix products, each followed by a top-n selection:

  w_c  = w_T0 · U2I    keep w_c > δ, the top ``branch``, renormalize           → C(1)
  w_t' = w_C1 · I2U    drop T(0), keep the top ``k``, renormalize              → T(1)

and the chains t → c → t' are built for the returned T(1) only. The arithmetic is `graph.explore`'s,
done in the same order (sums run over the edges in row order, seeds in their given order), so both
paths give the same numbers; ties are broken by key, which is index order here.

`SparseRows` is CSR without a library object around it: a request gathers a few rows with a handful of
numpy calls, where a scipy matrix would cost more in overhead than the arithmetic. `as_csr` gives the
scipy matrix over the same arrays (`graph.explore_batch` makes its own with 32-bit indices, on which
scipy's products run faster). A second weighting of the same edges (say,
calibrated weights next to the LLM's) is another ``data`` array over the same ``indptr``/``indices``:
`SparseRows.reweighted`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from rolegraph.errors import InvalidInput
from rolegraph.graph.explore import Candidate, Chain, Exploration, check_bounds, normalize_seeds


@dataclass(frozen=True)
class Vocab:
    """Keys in sorted order and each key's index (index order is key order)."""

    keys: list[str]
    index: dict[str, int]

    @classmethod
    def of(cls, keys: Iterable[str]) -> Vocab:
        """The vocabulary of ``keys`` (sorted, repeats dropped)."""
        ordered = sorted(set(keys))
        return cls(ordered, {k: n for n, k in enumerate(ordered)})

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class SparseRows:
    """A sparse matrix in CSR form: row r holds columns ``indices[indptr[r]:indptr[r+1]]`` with values
    ``data[…]``, in the order they were loaded."""

    indptr: np.ndarray  # [rows + 1] int64
    indices: np.ndarray  # [nnz] int64
    data: np.ndarray  # [nnz] float64
    columns: int

    @classmethod
    def build(cls, rows: Sequence[Sequence[tuple[int, float]]], columns: int) -> SparseRows:
        """From each row's (column, value) entries, kept in the given order."""
        lengths = np.fromiter((len(r) for r in rows), np.int64, len(rows))
        indptr = np.zeros(len(rows) + 1, np.int64)
        np.cumsum(lengths, out=indptr[1:])
        flat = [e for r in rows for e in r]
        indices = np.fromiter((c for c, _ in flat), np.int64, len(flat))
        data = np.fromiter((v for _, v in flat), np.float64, len(flat))
        return cls(indptr, indices, data, columns)

    @classmethod
    def empty(cls, rows: int, columns: int) -> SparseRows:
        """A matrix without entries."""
        return cls(np.zeros(rows + 1, np.int64), np.zeros(0, np.int64), np.zeros(0), columns)

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    @property
    def nnz(self) -> int:
        return len(self.indices)

    def gather(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The entries of ``rows`` (in that order, each row's entries in stored order): (their positions
        in ``indices``/``data``, the position in ``rows`` each came from)."""
        starts = self.indptr[rows]
        lengths = self.indptr[rows + 1] - starts
        owner = np.repeat(np.arange(len(rows)), lengths)
        block = np.cumsum(lengths) - lengths  # where each row's entries start in the output
        return np.arange(int(lengths.sum())) + np.repeat(starts - block, lengths), owner

    def row(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of row ``r``."""
        a, b = self.indptr[r], self.indptr[r + 1]
        return self.indices[a:b], self.data[a:b]

    def reweighted(self, data: np.ndarray) -> SparseRows:
        """The same entries with other values (``data`` aligned with ``indices``)."""
        if data.shape != self.data.shape:
            raise InvalidInput(f"need one value per entry ({self.nnz}), got {data.shape}")
        return SparseRows(self.indptr, self.indices, data, self.columns)

    def as_csr(self) -> sp.csr_array:
        """The scipy CSR matrix [rows, columns] (shares the arrays)."""
        return sp.csr_array((self.data, self.indices, self.indptr), shape=(self.rows, self.columns))


@dataclass(frozen=True)
class LogicMatrices:
    """One graph view's logic over the role and topic vocabularies: U2I [R, C] and I2U [C, R]."""

    u2i: SparseRows
    i2u: SparseRows


def sum_by_key(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys ascending, the sum of each one's values), each sum taken in input order."""
    distinct, inverse = np.unique(keys, return_inverse=True)
    return distinct, np.bincount(inverse, weights=values, minlength=len(distinct))


def top_weights(weights: np.ndarray, n: int, above: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The indices of the ``n`` largest ``weights`` above ``above`` (ties: smaller index first) and those
    weights renormalized to sum to 1, best first; empty when none is left."""
    keys = np.flatnonzero(weights > above)
    order = keys[np.lexsort((keys, -weights[keys]))[:n]]
    picked = weights[order]
    return order, picked / sum(picked.tolist())  # summed in rank order, as `graph.explore` sums


def explore_matrix(
    logic: LogicMatrices,
    roles: Vocab,
    topics: Vocab,
    seeds: Mapping[str, float],
    *,
    delta: float = 0.0,
    branch: int = 20,
    k: int = 10,
    chains: int | None = None,
) -> Exploration:
    """`graph.explore.explore_over` over the view's matrices: the same T(0), C(1), T(1) and chains."""
    check_bounds(delta=delta, branch=branch, k=k)
    t0 = normalize_seeds(seeds)
    u2i, i2u = logic.u2i, logic.i2u
    known = [(roles.index[t], w) for t, w in t0.items() if roles.index.get(t, u2i.rows) < u2i.rows]
    seed_ix = np.array([i for i, _ in known], np.int64)
    seed_w = np.array([w for _, w in known], np.float64)
    # hop 1: w_c = Σ_t w_t·P(c|t), summed over the edges in seed order (bincount adds in input order)
    e1, by1 = u2i.gather(seed_ix)
    hop1_c, hop1_w = u2i.indices[e1], seed_w[by1] * u2i.data[e1]
    raw_c = np.bincount(hop1_c, weights=hop1_w, minlength=u2i.columns)
    c1_ix, c1_w = top_weights(raw_c, branch, delta)
    # hop 2: w_t' = Σ_c w_c·P(t'|c) over C(1) in rank order, without the edges into T(0)
    e2, by2 = i2u.gather(c1_ix)
    hop2_t = i2u.indices[e2]
    is_seed = np.zeros(i2u.columns, bool)
    is_seed[seed_ix] = True
    fresh = ~is_seed[hop2_t]
    e2, by2, hop2_t = e2[fresh], by2[fresh], hop2_t[fresh]
    raw_t = np.bincount(hop2_t, weights=c1_w[by2] * i2u.data[e2], minlength=i2u.columns)
    t1_ix, t1_w = top_weights(raw_t, k)
    topics_of = dict(zip([topics.keys[i] for i in c1_ix.tolist()], c1_w.tolist(), strict=True))
    roles_of = dict(zip([roles.keys[i] for i in t1_ix.tolist()], t1_w.tolist(), strict=True))
    if chains == 0 or not len(t1_ix):
        return Exploration(t0, topics_of, roles_of, [])
    # a[t, c] = w_t·P(c|t)·w_c / raw_c and b[c, t'] = P(t'|c)·w_t' / raw_t', per edge, as graph.explore
    c1_dense, t1_dense = np.zeros(u2i.columns), np.zeros(i2u.columns)
    c1_dense[c1_ix], t1_dense[t1_ix] = c1_w, t1_w
    in1, in2 = c1_dense[hop1_c] > 0, t1_dense[hop2_t] > 0
    a = (hop1_w[in1] * c1_dense[hop1_c[in1]]) / raw_c[hop1_c[in1]]
    b = (i2u.data[e2[in2]] * t1_dense[hop2_t[in2]]) / raw_t[hop2_t[in2]]
    strongest = _chains(
        (seed_ix[by1[in1]], hop1_c[in1], a), (c1_ix[by2[in2]], hop2_t[in2], b), (seed_ix, c1_ix, t1_ix), chains
    )
    return Exploration(
        t0, topics_of, roles_of, [Chain(roles.keys[t], topics.keys[c], roles.keys[r], x) for t, c, r, x in strongest]
    )


def _chains(
    hop1: tuple[np.ndarray, np.ndarray, np.ndarray],
    hop2: tuple[np.ndarray, np.ndarray, np.ndarray],
    sets: tuple[np.ndarray, np.ndarray, np.ndarray],
    limit: int | None,
) -> list[tuple[int, int, int, float]]:
    """The chains t → c → t' as (t, c, t', weight) indices, strongest first (ties by t', c, t), from the
    edges (t, c, a[t, c]) and (c, t', b[c, t']) whose products are the contributions; ``sets`` are
    T(0), C(1) and T(1) as indices."""
    (t_of, c_of, a_val), (c2_of, r_of, b_val) = hop1, hop2
    ts, cs, rs = (np.sort(x) for x in sets)  # index order is key order
    a = np.zeros((len(cs), len(ts)))  # [C1, T0]
    has_a = np.zeros(a.shape, bool)
    at_a = np.searchsorted(cs, c_of), np.searchsorted(ts, t_of)
    a[at_a], has_a[at_a] = a_val, True
    b = np.zeros((len(rs), len(cs)))  # [T1, C1]
    has_b = np.zeros(b.shape, bool)
    at_b = np.searchsorted(rs, r_of), np.searchsorted(cs, c2_of)
    b[at_b], has_b[at_b] = b_val, True
    # [T1, C1, T0]: flat order is (t', c, t), so a stable sort by weight breaks ties as graph.explore does
    cells = np.flatnonzero(has_b[:, :, None] & has_a[None, :, :])
    r_ix, c_ix, t_ix = np.unravel_index(cells, (len(rs), len(cs), len(ts)))
    w = a[c_ix, t_ix] * b[r_ix, c_ix]
    order = np.argsort(-w, kind="stable")[:limit]
    return list(
        zip(
            ts[t_ix[order]].tolist(), cs[c_ix[order]].tolist(), rs[r_ix[order]].tolist(), w[order].tolist(), strict=True
        )
    )


def rank_items(
    roles: Mapping[int, float],
    items_of: SparseRows,
    limit: int,
    exclude: np.ndarray,
) -> list[tuple[int, float, list[int]]]:
    """`graph.explore.rank_candidates` over the role → items matrix [R, I]: the ``limit`` items with the
    highest Σ_t' w_t'·P(t'|i) over ``roles`` (role index → weight, in T(1) order), other than the item
    indices ``exclude`` (sorted); best first, ties by index; each (item, score, the roles it carries in
    the order of ``roles``)."""
    held = [(r, w) for r, w in roles.items() if r < items_of.rows]
    if limit < 1 or not held:
        return []
    role_ix = np.array([r for r, _ in held], np.int64)
    weight = np.array([w for _, w in held], np.float64)
    entries, owner = items_of.gather(role_ix)
    cols = items_of.indices[entries]
    item_ix, inverse = np.unique(cols, return_inverse=True)
    score = np.bincount(inverse, weights=weight[owner] * items_of.data[entries], minlength=len(item_ix))
    at = np.minimum(np.searchsorted(exclude, item_ix), max(len(exclude) - 1, 0))
    allowed = np.flatnonzero(exclude[at] != item_ix) if len(exclude) else np.arange(len(item_ix))
    picked = allowed[np.argsort(-score[allowed], kind="stable")[:limit]]  # stable: ties stay in index order
    rank = np.full(len(item_ix), -1)
    rank[picked] = np.arange(len(picked))
    carried: list[list[int]] = [[] for _ in range(len(picked))]
    hits = np.flatnonzero(rank[inverse] >= 0)  # entries are in the order of `roles`
    for n, r in zip(rank[inverse[hits]].tolist(), role_ix[owner[hits]].tolist(), strict=True):
        carried[n].append(r)
    return list(zip(item_ix[picked].tolist(), score[picked].tolist(), carried, strict=True))


def candidates_of(found: list[tuple[int, float, list[int]]], items: Vocab, roles: Vocab) -> list[Candidate]:
    """`rank_items` answers as `Candidate` records."""
    return [Candidate(items.keys[i], s, [roles.keys[r] for r in rs]) for i, s, rs in found]
