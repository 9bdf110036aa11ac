"""Exploration of many users at once as sparse matrix products (docs/design.md; paper App. B.6).

For a chunk of users with seed rows S [users × roles] (each user's T0 roles with p > 0, normalized):

  W_c = S · U2I      per row: keep w > δ, the top ``branch``, renormalize           → C(1) [users × topics]
  W_t = C(1) · I2U   per row: drop the user's T(0), keep the top ``k``, renormalize → T(1) [users × roles]

the same arithmetic as `graph.explore_matrix.explore_matrix` (one user at a time), up to the order of the
additions (equal to 1e-9; tests/graph/test_explore_batch.py); ties are broken by index, which is key order.
A second weighting of the logic (calibrated weights) is another `LogicMatrices` over the same indices.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from rolegraph.graph.explore_matrix import LogicMatrices, SparseRows
from rolegraph.graph.explore_model import People, load_logic, load_people
from rolegraph.graph.model import Source
from rolegraph.graph.roles import UserT1
from rolegraph.graph.store import GraphStore
from rolegraph.progress import ProgressFactory, no_progress


@dataclass(frozen=True)
class Explored:
    """T(1) (and C(1)) of a chunk of users: ``users`` are rows of `People`, each matrix one row per user;
    ``products`` the entries of the two products before their top-n (S·U2I, C(1)·I2U)."""

    users: np.ndarray  # [n] int64
    topics: sp.csr_array  # C(1) [n, topics]
    roles: sp.csr_array  # T(1) [n, roles]
    products: tuple[int, int] = (0, 0)


def _csr(m: SparseRows) -> sp.csr_array:
    """The scipy matrix of ``m`` with 32-bit indices where they fit: scipy's products run several times
    faster on them than on 64-bit ones."""
    kind = _index_kind(m.nnz, m.rows, m.columns)
    return sp.csr_array((m.data, m.indices.astype(kind), m.indptr.astype(kind)), shape=(m.rows, m.columns))


def _index_kind(*sizes: int) -> type[np.signedinteger]:
    """32-bit indices where every size fits, else 64-bit."""
    return np.int32 if max(sizes, default=0) < np.iinfo(np.int32).max else np.int64


def seed_rows(people: People, users: np.ndarray, roles: int) -> sp.csr_array:
    """S [len(users), roles]: each user's T0 roles with p > 0 (roles of the logic part only), normalized
    over all of them as `graph.explore.normalize_seeds` does; each row in the user's stored order."""
    m = people.roles
    a, b = m.indptr[users], m.indptr[users + 1]
    lengths = b - a
    at = np.arange(int(lengths.sum())) + np.repeat(a - (np.cumsum(lengths) - lengths), lengths)
    row = np.repeat(np.arange(len(users)), lengths)
    keep = (people.role_set[at] == 0) & (m.data[at] > 0)
    at, row = at[keep], row[keep]
    total = np.bincount(row, weights=m.data[at], minlength=len(users))
    known = m.indices[at] < roles  # roles outside the logic part count in the total, reach nothing
    at, row = at[known], row[known]
    kind = _index_kind(len(at), roles)
    indptr = np.zeros(len(users) + 1, kind)
    np.cumsum(np.bincount(row, minlength=len(users)), out=indptr[1:])
    return sp.csr_array((m.data[at] / total[row], m.indices[at].astype(kind), indptr), shape=(len(users), roles))


def top_per_row(m: sp.csr_array, n: int, above: float = 0.0, drop: np.ndarray | None = None) -> sp.csr_array:
    """Each row's ``n`` largest entries above ``above`` and not marked in ``drop`` (ties: smaller column
    first), renormalized, each row's entries in rank order (strongest first). ``m`` holds each (row,
    column) at most once, as a product does.

    No sort over the whole matrix: each row's n-th largest value comes from a partition of the rows padded
    to a common width, entries above it are kept, ties at it go by column; only the kept entries (≤ n a
    row) are sorted, row by row."""
    rows = m.shape[0]
    value = np.where(m.data > above, m.data, -np.inf)
    if drop is not None:
        value[drop] = -np.inf
    row = np.repeat(np.arange(rows), np.diff(m.indptr))
    threshold = _nth_largest(value, m.indptr, row, n)[row]
    keep = value > threshold  # every entry still in, where a row has fewer than n
    tied = np.flatnonzero((value == threshold) & (threshold > -np.inf))
    room = n - np.bincount(row[keep], minlength=rows)
    over = np.bincount(row[tied], minlength=rows) > room
    if over.any():  # more entries equal the n-th largest than there is room for: smaller columns first
        crowded = tied[over[row[tied]]]
        crowded = crowded[np.lexsort((m.indices[crowded], row[crowded]))]
        r = row[crowded]
        tied = np.concatenate([tied[~over[row[tied]]], crowded[np.arange(len(r)) - np.searchsorted(r, r) < room[r]]])
    keep[tied] = True
    at = np.flatnonzero(keep)
    return _ranked(row[at], m.indices[at], value[at], m.shape)


def _nth_largest(value: np.ndarray, indptr: np.ndarray, row: np.ndarray, n: int) -> np.ndarray:
    """Each row's n-th largest ``value`` (-inf where a row has fewer than n entries; ``row`` is each
    entry's row). The rows are padded to the longest one and partitioned; when that would more than
    quadruple the entries, rows go by power-of-two classes of their length instead."""
    lengths = np.diff(indptr)
    out = np.full(len(lengths), -np.inf)
    width = int(lengths.max(initial=0))
    if width <= n:
        return out
    if len(lengths) * width <= PAD_FACTOR * len(value):
        block = np.full((len(lengths), width), -np.inf)
        block.reshape(-1)[row * width + (np.arange(len(value)) - indptr[row])] = value
        return np.partition(block, width - n, axis=1)[:, width - n]
    long = np.flatnonzero(lengths > n)
    classes = np.frexp(lengths[long])[1]
    entries = SparseRows(indptr, row, value, 0)  # for `gather`, which reads the row pointers only
    for c in np.unique(classes).tolist():
        rows = long[classes == c]
        at, owner = entries.gather(rows)
        width = int(lengths[rows].max())
        block = np.full((len(rows), width), -np.inf)
        block.reshape(-1)[owner * width + (at - indptr[rows][owner])] = value[at]
        out[rows] = np.partition(block, width - n, axis=1)[:, width - n]
    return out


#: how many times the entries a padded block may hold before rows are padded by class of length instead
PAD_FACTOR = 4


def _ranked(row: np.ndarray, col: np.ndarray, value: np.ndarray, shape: tuple[int, int]) -> sp.csr_array:
    """CSR of entries grouped by row (``row`` ascending), each row sorted by value descending then column
    and divided by its sum (taken in that order, as `graph.explore_matrix.top_weights` takes it)."""
    counts = np.bincount(row, minlength=shape[0])
    kind = _index_kind(len(row), shape[1])
    indptr = np.zeros(shape[0] + 1, kind)
    np.cumsum(counts, out=indptr[1:])
    width = int(counts.max(initial=0))
    if width == 0:
        return sp.csr_array((value, col.astype(kind), indptr), shape=shape)
    cell = row * width + (np.arange(len(row)) - indptr[row])
    key, cols = np.full((shape[0], width), np.inf), np.zeros((shape[0], width), col.dtype)
    key.reshape(-1)[cell], cols.reshape(-1)[cell] = -value, col
    order = np.lexsort((cols, key), axis=1)  # padding (+inf) sorts last
    present = np.arange(width) < counts[:, None]
    value = -np.take_along_axis(key, order, axis=1)[present]
    col = np.take_along_axis(cols, order, axis=1)[present]
    total = np.bincount(row, weights=value, minlength=shape[0])
    return sp.csr_array((value / total[row], col.astype(kind), indptr), shape=shape)


def _seeded(reached: sp.csr_array, seeds: sp.csr_array) -> np.ndarray:
    """True at each entry of ``reached`` whose (row, column) is also an entry of ``seeds``: looked up in a
    dense mask of a band of rows at a time (a mask of at most `MASK_CELLS` cells)."""
    columns, out = reached.shape[1], np.empty(reached.nnz, bool)
    band = max(1, MASK_CELLS // max(columns, 1))
    for a in range(0, reached.shape[0], band):
        b = min(a + band, reached.shape[0])
        mask = np.zeros((b - a) * columns, bool)
        mask[_cells(seeds, a, b)] = True
        out[reached.indptr[a] : reached.indptr[b]] = mask[_cells(reached, a, b)]
    return out


def _cells(m: sp.csr_array, a: int, b: int) -> np.ndarray:
    """The flat (row - a) · columns + column of the entries of rows a..b."""
    rows = np.repeat(np.arange(b - a, dtype=np.int64), np.diff(m.indptr[a : b + 1]))
    return rows * m.shape[1] + m.indices[m.indptr[a] : m.indptr[b]]


#: cells of the dense mask `_seeded` looks seeds up in (one byte each)
MASK_CELLS = 1 << 24


def explore_users(
    logic: LogicMatrices, people: People, users: np.ndarray, *, delta: float = 0.0, branch: int = 20, k: int = 10
) -> Explored:
    """C(1) and T(1) of ``users`` (rows of `People`) in one view: two sparse products and two top-n; each
    row of either in rank order (strongest first)."""
    u2i, i2u = _csr(logic.u2i), _csr(logic.i2u)
    seeds = seed_rows(people, users, u2i.shape[0])
    hop1 = seeds @ u2i
    c1 = top_per_row(hop1, branch, delta)
    reached = c1 @ i2u  # sums each role's contributions in C(1)'s rank order, as the one-user path does
    t1 = top_per_row(reached, k, drop=_seeded(reached, seeds))
    return Explored(users, c1, t1, (hop1.nnz, reached.nnz))


#: users per chunk: the products' working arrays stay small enough for the processor's caches (a sweep
#: of 2,000-50,000 on the paper-scale world was fastest at 5,000; bench/results/paper_scale.md)
CHUNK = 5_000


def chunks(count: int, size: int, start: int = 0) -> Iterator[np.ndarray]:
    """Row indices ``start``..``count`` in chunks of ``size``."""
    for a in range(start, count, size):
        yield np.arange(a, min(a + size, count), dtype=np.int64)


@dataclass(frozen=True)
class BatchReport:
    """What `explore_all` did: users explored, T(1) and C(1) entries, HAS_ROLE edges written, and the
    seconds spent reading the read model's parts, computing and writing."""

    users: int
    t1_entries: int
    c1_entries: int
    written: int
    run: str
    read_s: float = 0.0
    compute_s: float = 0.0
    write_s: float = 0.0


def run_name(source: Source, delta: float, branch: int, k: int) -> str:
    """The run recorded on the T1 edges: a function of the parameters only, so a rerun (after a crash
    too) writes exactly what the first run wrote."""
    return f"explore-{Source(source).value}-d{delta:g}-b{branch}-k{k}"


def explore_all(
    store: GraphStore,
    source: Source,
    *,
    delta: float = 0.0,
    branch: int = 20,
    k: int = 10,
    chunk: int = CHUNK,
    progress: ProgressFactory = no_progress,
) -> BatchReport:
    """T(1) of every user written back as HAS_ROLE {set: 'T1'} edges (p, rank 0 = strongest, run SET; the
    user's T1 edges of other runs removed), a chunk of users at a time. Idempotent: the seeds are T0 roles,
    which this never writes, so a rerun computes and SETs the same values, and one killed midway finishes
    what was missing."""
    started = time.perf_counter()
    logic = load_logic(store)
    people = load_people(store, logic)
    view = logic.views[Source(source)].logic
    run = run_name(source, delta, branch, k)
    t1 = c1 = written = 0
    read_s, compute_s, write_s = time.perf_counter() - started, 0.0, 0.0
    with progress("exploring users", len(people.ids)) as tick:
        for users in chunks(len(people.ids), chunk):
            started = time.perf_counter()
            found = explore_users(view, people, users, delta=delta, branch=branch, k=k)
            rows = t1_rows(found, people, logic.roles.keys)
            compute_s += time.perf_counter() - started
            t1, c1 = t1 + found.roles.nnz, c1 + found.topics.nnz
            started = time.perf_counter()
            written += store.roles.replace_t1(rows, run)
            write_s += time.perf_counter() - started
            tick(len(users))
    return BatchReport(len(people.ids), t1, c1, written, run, read_s, compute_s, write_s)


def t1_rows(found: Explored, people: People, roles: list[str]) -> list[UserT1]:
    """Each explored user's T(1) as the write-back takes it (a row of ``found.roles`` is in rank order)."""
    m = found.roles
    tags = [roles[c] for c in m.indices.tolist()]
    ps, ends = m.data.tolist(), m.indptr.tolist()
    return [
        UserT1(people.ids[user], tags[ends[n] : ends[n + 1]], ps[ends[n] : ends[n + 1]])
        for n, user in enumerate(found.users.tolist())
    ]
