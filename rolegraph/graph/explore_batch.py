"""Exploration of many users at once as sparse matrix products (docs/design.md; paper App. B.6).

For a chunk of users with seed rows S [users × roles] (each user's T0 roles with p > 0, normalized):

  W_c = S · U2I      per row: keep w > δ, the top ``branch``, renormalize           → C(1) [users × topics]
  W_t = C(1) · I2U   per row: drop the user's T(0), keep the top ``k``, renormalize → T(1) [users × roles]

the same arithmetic as `graph.explore_matrix.explore_matrix` (one user at a time), up to the order of the
additions (equal to 1e-9; tests/graph/test_explore_batch.py); ties are broken by index, which is key order.
A second weighting of the logic (calibrated weights) is another `LogicMatrices` over the same indices.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from rolegraph.graph.explore_matrix import LogicMatrices
from rolegraph.graph.explore_model import People, load_logic, load_people
from rolegraph.graph.model import RoleEdge, Source
from rolegraph.graph.store import GraphStore
from rolegraph.progress import ProgressFactory, no_progress


@dataclass(frozen=True)
class Explored:
    """T(1) (and C(1)) of a chunk of users: ``users`` are rows of `People`, each matrix one row per user."""

    users: np.ndarray  # [n] int64
    topics: sp.csr_array  # C(1) [n, topics]
    roles: sp.csr_array  # T(1) [n, roles]


def seed_rows(people: People, users: np.ndarray, roles: int) -> sp.csr_array:
    """S [len(users), roles]: each user's T0 roles with p > 0 (roles of the logic part only), normalized
    over all of them as `graph.explore.normalize_seeds` does."""
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
    return sp.csr_array((m.data[at] / total[row], (row, m.indices[at])), shape=(len(users), roles))


def top_per_row(m: sp.csr_array, n: int, above: float = 0.0) -> sp.csr_array:
    """Each row's ``n`` largest entries above ``above`` (ties: smaller column first), renormalized."""
    m = sp.csr_array(m)
    m.sum_duplicates()
    row = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    keep = m.data > above
    row, col, val = row[keep], m.indices[keep], m.data[keep]
    order = np.lexsort((col, -val, row))
    row, col, val = row[order], col[order], val[order]
    start = np.searchsorted(row, np.arange(m.shape[0]))
    rank = np.arange(len(row)) - start[row]
    keep = rank < n
    row, col, val = row[keep], col[keep], val[keep]
    total = np.bincount(row, weights=val, minlength=m.shape[0])
    return sp.csr_array((val / total[row], (row, col)), shape=m.shape)


def explore_users(
    logic: LogicMatrices, people: People, users: np.ndarray, *, delta: float = 0.0, branch: int = 20, k: int = 10
) -> Explored:
    """C(1) and T(1) of ``users`` (rows of `People`) in one view: two sparse products and two top-n."""
    u2i, i2u = logic.u2i.as_csr(), logic.i2u.as_csr()
    seeds = seed_rows(people, users, u2i.shape[0])
    c1 = top_per_row(seeds @ u2i, branch, delta)
    reached = sp.csr_array(c1 @ i2u)
    reached.sum_duplicates()
    # drop each user's own seeds: an entry whose (row, column) is in S
    row = np.repeat(np.arange(reached.shape[0]), np.diff(reached.indptr))
    columns = reached.shape[1]
    seeded = np.repeat(np.arange(seeds.shape[0]), np.diff(seeds.indptr)) * columns + seeds.indices
    fresh = ~np.isin(row * columns + reached.indices, seeded)
    reached = sp.csr_array((reached.data[fresh], (row[fresh], reached.indices[fresh])), shape=reached.shape)
    return Explored(users, c1, top_per_row(reached, k))


def chunks(count: int, size: int, start: int = 0) -> Iterator[np.ndarray]:
    """Row indices ``start``..``count`` in chunks of ``size``."""
    for a in range(start, count, size):
        yield np.arange(a, min(a + size, count), dtype=np.int64)


@dataclass(frozen=True)
class BatchReport:
    """What `explore_all` did: users explored, T(1) and C(1) entries, HAS_ROLE edges written."""

    users: int
    t1_entries: int
    c1_entries: int
    written: int
    run: str


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
    chunk: int = 20_000,
    progress: ProgressFactory = no_progress,
) -> BatchReport:
    """T(1) of every user written back as HAS_ROLE {set: 'T1'} edges (p, rank 0 = strongest, run SET; the
    user's T1 edges of other runs removed), a chunk of users at a time. Idempotent: the seeds are T0 roles,
    which this never writes, so a rerun computes and SETs the same values, and one killed midway finishes
    what was missing."""
    logic = load_logic(store)
    people = load_people(store, logic)
    view = logic.views[Source(source)].logic
    run = run_name(source, delta, branch, k)
    t1 = c1 = written = 0
    with progress("exploring users", len(people.ids)) as tick:
        for users in chunks(len(people.ids), chunk):
            found = explore_users(view, people, users, delta=delta, branch=branch, k=k)
            t1, c1 = t1 + found.roles.nnz, c1 + found.topics.nnz
            written += store.upsert_roles(_t1_edges(found, people, logic.roles.keys, run))
            store.roles.delete_other_t1([people.ids[u] for u in users.tolist()], run)
            tick(len(users))
    return BatchReport(len(people.ids), t1, c1, written, run)


def _t1_edges(found: Explored, people: People, roles: list[str], run: str) -> Iterator[RoleEdge]:
    m = found.roles
    for n, user in enumerate(found.users.tolist()):
        a, b = m.indptr[n], m.indptr[n + 1]
        order = np.lexsort((m.indices[a:b], -m.data[a:b]))
        for rank, at in enumerate(order.tolist()):
            yield RoleEdge(people.ids[user], roles[int(m.indices[a + at])], float(m.data[a + at]), rank, "T1", run)
