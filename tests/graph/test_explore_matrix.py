"""The read model's sparse products answer as the database path does, to 1e-9: exploration (T(0), C(1),
T(1), chains), candidate ranking and explanation paths, on the fixture world and on a generated world of
300 users with their planted roles, on both engines."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import pytest

from rolegraph.graph.backend import without_deadline
from rolegraph.graph.calibration import EdgeStats
from rolegraph.graph.explain import Explanation, explain_model, explain_rows
from rolegraph.graph.explore import Candidate, Exploration
from rolegraph.graph.explore_reads import DatabaseReads, ReadModel, load_read_model, read_version
from rolegraph.graph.loaders.synth_truth import load_world
from rolegraph.graph.model import LogicKind, RoleEdge, Source, Weights
from rolegraph.graph.store import GraphStore
from rolegraph.graph.synth import SynthConfig, generate
from rolegraph.progress import no_progress
from tests.api.world import build_world, write_world
from tests.support.graphs import Graphs

TOL = 1e-9
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
                rows = store.explain_paths(user, item, source)
                i = model.logic.items.index.get(item)
                for weights in Weights:
                    want_paths = explain_rows(rows, source, user, title, 10, weights)
                    if i is None:  # an item without roles or topics has no paths
                        assert want_paths.counts == dict.fromkeys(want_paths.counts, 0)
                        continue
                    got = explain_model(model.logic, model.people, u, i, source, 10, weights)
                    assert_same_explanation(got, want_paths)
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


WORLD = SynthConfig(users=300, items=240, roles=24, topics=30, seed=11, fanout=4, interactions_per_user=15.0)


@pytest.fixture(scope="module")
def world_store(engine: str, graphs: Graphs, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """A generated world far larger than the fixture's: its items, users and interactions, the planted
    tags and logic, and each user's planted roles as the recommender would write them back (T0, ranked)."""
    folder = tmp_path_factory.mktemp("world")
    generate(WORLD, folder)
    with graphs.store(engine) as store:
        load_world(store, folder, no_progress)
        planted = [json.loads(line) for line in (folder / "truth" / "users.jsonl").read_text().splitlines()]
        roles = [
            RoleEdge(u["id"], role, weight, rank, "T0", "synth-truth")
            for u in planted
            for rank, (weight, role) in enumerate(sorted(zip(u["weights"], u["roles"], strict=True), reverse=True))
        ]
        store.upsert_roles(roles)
        # behaviour's statistics on every other planted logic edge, as calibration would SET them
        logic = json.loads((folder / "truth" / "logic.json").read_text())
        for kind, planted, src, dst in (
            (LogicKind.U2I, logic["u2i"], "role", "topic"),
            (LogicKind.I2U, logic["i2u"], "topic", "role"),
        ):
            stats = [
                EdgeStats(e[src], e[dst], 3 + n % 17, 0.5 + n % 5 / 2, (n % 13 + 1) / 14, False)
                for n, e in enumerate(planted)
                if n % 2 == 0
            ]
            assert store.calibration.set_edge_stats(kind, stats) == len(stats)
        yield store


def test_sparse_products_answer_like_the_database_on_a_generated_world(world_store: GraphStore) -> None:
    model = load_read_model(world_store, read_version(world_store))
    assert len(model.people.ids) == WORLD.users and model.people.roles.nnz > WORLD.users
    # a sample: the database path answers one exploration per statement, and explanations take longer
    users = model.people.ids[::15]
    items = model.logic.items.keys[::40]
    with without_deadline():  # the database's explanation statements take seconds on a busy machine
        assert compare(world_store, model, users, items, 3) == len(users) * len(Source) * len(PARAMS)
