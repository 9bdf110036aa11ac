"""Batch exploration: the sparse products for many users give each user's `explore_matrix` answer (to
1e-9), and the write-back of T(1) is idempotent, also when a run dies midway and is run again."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
import scipy.sparse as sp

from rolegraph.graph.explore_batch import explore_all, explore_users, run_name, top_per_row
from rolegraph.graph.explore_reads import load_read_model, read_version
from rolegraph.graph.model import Source
from rolegraph.graph.store import GraphStore
from rolegraph.progress import Tick
from tests.api.world import build_world, write_world

PARAMS = [(0.0, 20, 10), (0.0, 2, 3), (0.05, 5, 1)]


def _row(m: object, n: int, keys: list[str]) -> dict[str, float]:
    csr = m  # a scipy csr_array
    a, b = csr.indptr[n], csr.indptr[n + 1]  # type: ignore[attr-defined]
    return {keys[c]: float(v) for c, v in zip(csr.indices[a:b].tolist(), csr.data[a:b].tolist(), strict=True)}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("delta", "branch", "k"), PARAMS)
def test_batch_products_equal_one_user_at_a_time(small_store: GraphStore, delta: float, branch: int, k: int) -> None:
    write_world(small_store, build_world())
    model = load_read_model(small_store, read_version(small_store))
    logic, people = model.logic, model.people
    users = np.arange(len(people.ids), dtype=np.int64)
    for source in Source:
        found = explore_users(logic.views[source].logic, people, users, delta=delta, branch=branch, k=k)
        for n, user in enumerate(people.ids):
            seeds = model.user_context(user)
            assert seeds is not None
            t1, c1 = _row(found.roles, n, logic.roles.keys), _row(found.topics, n, logic.topics.keys)
            if not seeds.roles:
                assert t1 == {} and c1 == {}
                continue
            one = model.explore(seeds.roles, source, delta=delta, branch=branch, k=k, chains=0)
            assert set(t1) == set(one.roles) and set(c1) == set(one.topics)
            assert all(math.isclose(t1[r], w, abs_tol=1e-9) for r, w in one.roles.items())
            assert all(math.isclose(c1[c], w, abs_tol=1e-9) for c, w in one.topics.items())


class Crash(Exception):
    pass


def _dies_after(ticks: int):  # type: ignore[no-untyped-def]
    @contextmanager
    def progress(description: str, total: int) -> Iterator[Tick]:
        left = [ticks]

        def tick(n: int) -> None:
            left[0] -= 1
            if left[0] < 0:
                raise Crash

        yield tick

    return progress


def test_write_back_is_idempotent_and_a_rerun_finishes_a_crashed_one(small_store: GraphStore) -> None:
    write_world(small_store, build_world())
    before = small_store.content_hash()
    with pytest.raises(Crash):
        explore_all(small_store, Source.DISTILLED, chunk=2, progress=_dies_after(1))  # 2 of 3 chunks written
    crashed = small_store.content_hash()
    assert crashed != before
    report = explore_all(small_store, Source.DISTILLED, chunk=2)
    done = small_store.content_hash()
    assert done != crashed and report.written == report.t1_entries > 0
    assert explore_all(small_store, Source.DISTILLED, chunk=5).written == report.written
    assert small_store.content_hash() == done  # a rerun changes nothing
    model = load_read_model(small_store, read_version(small_store))
    for user in model.people.ids:
        seeds = model.user_context(user)
        assert seeds is not None
        want = (
            model.explore(seeds.roles, Source.DISTILLED, delta=0.0, branch=20, k=10, chains=0).roles
            if seeds.roles
            else {}
        )
        got = {r["key"]: r["p"] for r in small_store.user_roles(user, "T1")}
        assert got.keys() == want.keys() and all(math.isclose(got[r], w, abs_tol=1e-9) for r, w in want.items())
        assert all(r["run"] == run_name(Source.DISTILLED, 0.0, 20, 10) for r in small_store.user_roles(user, "T1"))


def _top_reference(m: sp.csr_array, n: int, above: float, drop: np.ndarray) -> list[list[tuple[int, float]]]:
    out = []
    for r in range(m.shape[0]):
        a, b = m.indptr[r], m.indptr[r + 1]
        kept = [
            (float(-v), int(c))
            for c, v, d in zip(m.indices[a:b], m.data[a:b], drop[a:b], strict=True)
            if v > above and not d
        ]
        best = sorted(kept)[:n]
        total = sum(-v for v, _ in best)
        out.append([(c, -v / total) for v, c in best])
    return out


@pytest.mark.parametrize("skewed", [False, True])
@pytest.mark.parametrize(("n", "above"), [(1, 0.0), (3, 0.0), (5, 0.25), (50, 0.0)])
def test_top_per_row_keeps_the_largest_by_value_then_column(n: int, above: float, skewed: bool) -> None:
    rng = np.random.default_rng(n)
    rows, columns = 300, 400
    lengths = rng.integers(0, 30, rows)
    if skewed:  # a few long rows among short ones: the rows are padded by class of length
        lengths[rng.choice(rows, 3, replace=False)] = rng.integers(200, 400, 3)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.concatenate([rng.permutation(columns)[:size] for size in lengths])
    data = rng.choice([0.1, 0.25, 0.5, 0.75], len(indices)) * rng.choice([1.0, 1.0, 1.0 + 1e-3], len(indices))
    m = sp.csr_array((data, indices, indptr), shape=(rows, columns))
    drop = rng.random(len(indices)) < 0.1
    got = top_per_row(m, n, above, drop)
    want = _top_reference(m, n, above, drop)
    for r in range(rows):
        a, b = got.indptr[r], got.indptr[r + 1]
        row = list(zip(got.indices[a:b].tolist(), got.data[a:b].tolist(), strict=True))
        assert [c for c, _ in row] == [c for c, _ in want[r]]  # the same entries, in rank order
        assert all(math.isclose(x, y, abs_tol=1e-12) for (_, x), (_, y) in zip(row, want[r], strict=True))


def test_a_run_with_other_parameters_replaces_the_t1_edges_and_keeps_t0(small_store: GraphStore) -> None:
    write_world(small_store, build_world())
    explore_all(small_store, Source.DISTILLED, k=10)
    t0 = {u: small_store.user_roles(u, "T0") for u in ("alice", "bob", "carol")}
    assert any(t0.values())
    report = explore_all(small_store, Source.DISTILLED, k=2, chunk=3)
    model = load_read_model(small_store, read_version(small_store))
    for user in model.people.ids:
        got = small_store.user_roles(user, "T1")
        assert len(got) <= 2 and all(r["run"] == report.run for r in got)
        assert [r["rank"] for r in got] == list(range(len(got)))
    assert small_store.roles.counts()["T1"] == report.written
    assert {u: small_store.user_roles(u, "T0") for u in t0} == t0
