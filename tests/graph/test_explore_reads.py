"""The read model of exploration: loaded with paged statements it answers exactly as the database does,
its version changes with every write /explore can see, and a reload keeps the parts that did not change."""

from __future__ import annotations

import pytest

from rolegraph.graph.explore import explore_over
from rolegraph.graph.explore_reads import DatabaseReads, load_read_model, read_version
from rolegraph.graph.model import (
    InteractionRecord,
    LogicEdge,
    LogicKind,
    RoleEdge,
    RunRecord,
    Source,
    TagKind,
    TagRecord,
)
from rolegraph.graph.store import GraphStore
from tests.api.world import World, build_world, write_world


@pytest.fixture
def world_in(small_store: GraphStore) -> tuple[GraphStore, World]:
    w = build_world()
    write_world(small_store, w)
    return small_store, w


def test_read_model_answers_like_the_database(world_in: tuple[GraphStore, World]) -> None:
    store, w = world_in  # pages of 5 rows: every load pages
    model = load_read_model(store, read_version(store))
    db = DatabaseReads(store)
    for user in [*w.users, "mallory"]:
        assert model.user_context(user) == db.user_context(user)
    for source in Source:
        for kind, keys in ((LogicKind.U2I, w.roles), (LogicKind.I2U, w.topics)):
            for key in [*keys, "no such tag"]:
                assert sorted(model.hop(source)(kind, [key])) == sorted(db.hop(source)(kind, [key]))
        for user in ("alice", "bob", "erin"):
            seeds, seen = db.user_context(user) or ({}, ())
            e = explore_over(db.hop(source), seeds)
            assert explore_over(model.hop(source), seeds) == e
            assert model.candidates(e.roles, source, 10, seen) == db.candidates(e.roles, source, 10, seen)
        everyone = dict.fromkeys(w.roles, 1.0)
        assert model.candidates(everyone, source, 100, ()) == db.candidates(everyone, source, 100, ())
    sizes = model.sizes()
    assert sizes["logic_edges"] == sum(len(e) for part in (w.u2i, w.i2u) for e in part.values())
    assert sizes["interactions"] == sum(len(s) for s in w.interactions.values())
    assert sizes["users"] == len(w.users)


def test_only_t0_roles_with_positive_p_are_seeds(world_in: tuple[GraphStore, World]) -> None:
    store, w = world_in
    store.upsert_roles([RoleEdge("alice", "role 5", 0.0, 2, "T0", "r"), RoleEdge("alice", "role 6", 0.4, 1, "T1", "r")])
    model = load_read_model(store, read_version(store))
    for reads in (model, DatabaseReads(store)):
        found = reads.user_context("alice")
        assert found is not None and found.roles == w.user_roles["alice"]["T0"]
        assert found.seen == w.interactions["alice"]
        assert reads.user_context("nobody") == ({}, frozenset())


def test_version_sees_every_write_exploration_reads(world_in: tuple[GraphStore, World]) -> None:
    store, _ = world_in
    v0 = read_version(store)
    assert read_version(store) == v0  # reading changes nothing
    store.upsert_interactions([InteractionRecord("alice", "item 23", 99)])
    v1 = read_version(store)
    assert (v1.logic, v1.users) == (v0.logic, v0.users) and v1.seen != v0.seen
    store.upsert_interactions([InteractionRecord("newcomer", "item 23", 99)])
    v2 = read_version(store)
    assert v2.logic == v0.logic and v2.users != v1.users and v2.seen != v1.seen
    store.upsert_logic(LogicKind.U2I, [LogicEdge("role 0", "topic 9", 0.5, Source.DISTILLED, "r", "m", "v", "x")])
    v3 = read_version(store)
    assert v3.logic != v2.logic and v3.seen == v2.seen
    store.upsert_tags(TagKind.USER, [TagRecord("new role", "New Role")])
    v4 = read_version(store)
    assert v4.logic != v3.logic
    # a weight SET again does not change the counts; the run that did it does
    store.upsert_logic(LogicKind.U2I, [LogicEdge("role 0", "topic 9", 0.9, Source.DISTILLED, "r2", "m", "v", "x")])
    assert read_version(store) == v4
    store.upsert_run(RunRecord("grow-x", "grow", "2026-01-02", status="running", started_at="2026-01-02T00:00"))
    v5 = read_version(store)
    assert v5.logic != v4.logic and v5.users != v4.users and v5.seen == v4.seen
    store.upsert_run(RunRecord("grow-x", "grow", "2026-01-02", status="done", finished_at="2026-01-02T01:00"))
    assert read_version(store).logic != v5.logic


def test_reload_keeps_unchanged_parts_and_reloads_changed_ones(world_in: tuple[GraphStore, World]) -> None:
    store, w = world_in
    first = load_read_model(store, read_version(store))
    assert load_read_model(store, read_version(store), first).people is first.people  # nothing changed
    item = next(i for i in w.items if i not in w.interactions["alice"])
    store.upsert_interactions([InteractionRecord("alice", item, 1234)])
    second = load_read_model(store, read_version(store), first)
    assert second.logic is first.logic and second.people is not first.people
    seen = [m.user_context("alice") for m in (first, second)]
    assert seen[1] is not None and item in seen[1].seen and seen[0] is not None and item not in seen[0].seen
    store.upsert_logic(LogicKind.I2U, [LogicEdge("topic 0", "hermits", 0.7, Source.LLM, "r", "m", "v", "x")])
    third = load_read_model(store, read_version(store), second)
    # the users' part is indexed by the logic part's vocabularies: it comes with a new logic part
    assert third.logic is not second.logic and third.people is not second.people
    assert third.user_context("alice") == second.user_context("alice")
    assert ("topic 0", "hermits", 0.7) in third.hop(Source.LLM)(LogicKind.I2U, ["topic 0"])
