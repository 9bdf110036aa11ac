"""The read model's sparse products answer as the database path does, to 1e-9: exploration (T(0), C(1),
T(1), chains), candidate ranking and explanation paths, on the fixture world and on the demo graph (when
``data/graph.db`` is there; a copy is opened, the demo graph itself is never touched)."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from rolegraph.graph.backend import without_deadline
from rolegraph.graph.explain import Explanation, explain_model, explain_rows
from rolegraph.graph.explore import Candidate, Exploration
from rolegraph.graph.explore_reads import DatabaseReads, ReadModel, load_read_model, read_version
from rolegraph.graph.falkor import open_embedded
from rolegraph.graph.model import Source
from rolegraph.graph.store import GraphStore
from tests.api.world import build_world, write_world

TOL = 1e-9
DEMO = Path(__file__).resolve().parents[2] / "data" / "graph.db"
#: (delta, branch, k, chains): the defaults, a narrow beam, a threshold that cuts topics, few chains
PARAMS = [(0.0, 20, 10, None), (0.0, 3, 2, None), (0.05, 50, 25, 7), (0.0, 1000, 100, 0)]


def _close(a: dict[str, float], b: dict[str, float]) -> bool:
    return list(a) == list(b) and all(math.isclose(a[k], b[k], rel_tol=0, abs_tol=TOL) for k in a)


def assert_same_exploration(model: Exploration, db: Exploration) -> None:
    assert _close(model.seeds, db.seeds)
    assert _close(model.topics, db.topics)
    assert _close(model.roles, db.roles)
    assert [c[:3] for c in model.chains] == [c[:3] for c in db.chains]
    assert all(abs(m.contribution - d.contribution) <= TOL for m, d in zip(model.chains, db.chains, strict=True))


def assert_same_candidates(model: list[tuple[Candidate, str | None]], db: list[tuple[Candidate, str | None]]) -> None:
    assert [(c.item, c.roles, t) for c, t in model] == [(c.item, c.roles, t) for c, t in db]
    assert all(abs(m.score - d.score) <= TOL for (m, _), (d, _) in zip(model, db, strict=True))


def assert_same_explanation(model: Explanation, db: Explanation) -> None:
    assert model.counts == db.counts
    assert abs(model.tag0 - db.tag0) <= TOL and abs(model.tag1 - db.tag1) <= TOL
    assert len(model.paths) == len(db.paths)
    for m, d in zip(model.paths, db.paths, strict=True):
        assert (m.shape, m.role, m.role_set, m.topic, m.new_role, m.sentence) == (
            d.shape, d.role, d.role_set, d.topic, d.new_role, d.sentence,
        )  # fmt: skip
        assert abs(m.strength - d.strength) <= TOL
        assert [(e.type, e.start, e.end, e.provenance) for e in m.edges] == [
            (e.type, e.start, e.end, e.provenance) for e in d.edges
        ]
        assert all(abs(a.p - b.p) <= TOL for a, b in zip(m.edges, d.edges, strict=True))


def compare(store: GraphStore, model: ReadModel, users: list[str], items: list[str], explained: int) -> int:
    """Compares every answer for ``users`` (and the explanations of the first ``explained`` of them for
    ``items``); how many explorations compared."""
    db = DatabaseReads(store)
    compared = 0
    for n, user in enumerate(users):
        context = db.user_context(user)
        assert context is not None and model.user_context(user) == context
        if not context.roles:
            continue
        for source in Source:
            for delta, branch, k, chains in PARAMS:
                args = {"delta": delta, "branch": branch, "k": k, "chains": chains}
                want = db.explore(context.roles, source, **args)
                assert_same_exploration(model.explore(context.roles, source, **args), want)
                assert_same_candidates(
                    model.candidates(want.roles, source, 20, context.seen),
                    db.candidates(want.roles, source, 20, context.seen),
                )
                compared += 1
            u = model.user_index(user)
            assert u is not None
            for item in items if n < explained else ():
                found = store.item(item)
                title = found.get("title") if found else None
                want_paths = explain_rows(store.explain_paths(user, item, source), source, user, title, 10)
                i = model.logic.items.index.get(item)
                if i is None:  # an item without roles or topics has no paths
                    assert want_paths.counts == dict.fromkeys(want_paths.counts, 0)
                    continue
                assert_same_explanation(explain_model(model.logic, model.people, u, i, source, 10), want_paths)
    return compared


def test_sparse_products_answer_like_the_database_on_the_fixture_world(small_store: GraphStore) -> None:
    w = build_world()
    write_world(small_store, w)
    model = load_read_model(small_store, read_version(small_store))
    assert compare(small_store, model, list(w.users), list(w.items), len(w.users)) > 0


def test_tag_seeds_unknown_to_the_model_reach_nothing(small_store: GraphStore) -> None:
    write_world(small_store, build_world())
    model = load_read_model(small_store, read_version(small_store))
    db = DatabaseReads(small_store)
    seeds = {"no such role": 2.0, "role 1": 1.0}
    for source in Source:
        assert_same_exploration(model.explore(seeds, source, delta=0, branch=20, k=10, chains=None),
                                db.explore(seeds, source, delta=0, branch=20, k=10, chains=None))  # fmt: skip


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """A copy of the demo graph, opened embedded."""
    if not DEMO.is_file():
        pytest.skip("no demo graph in data/graph.db (make demo builds it)")
    copy = tmp_path_factory.mktemp("demo") / "graph.db"
    shutil.copy(DEMO, copy)
    if DEMO.with_name("graph.db.aof").is_dir():
        shutil.copytree(DEMO.with_name("graph.db.aof"), copy.with_name("graph.db.aof"))
    backend = open_embedded(str(copy), "rolegraph", f"falkordb-lite://{copy}")
    yield GraphStore(backend)
    backend.close()


def test_sparse_products_answer_like_the_database_on_the_demo_graph(demo_store: GraphStore) -> None:
    model = load_read_model(demo_store, read_version(demo_store))
    # a sample: the database path takes tens of ms per exploration and about a second per explanation
    users = model.people.ids[::200]
    items = model.logic.items.keys[::600]
    with without_deadline():  # the database's explanation statements take seconds on a busy machine
        assert compare(demo_store, model, users, items, 1) > 0
