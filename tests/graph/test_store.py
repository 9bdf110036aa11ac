"""The graph store against a real engine: idempotent batched writes, reads, paging and bad input."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from rolegraph.errors import InvalidInput, SchemaError
from rolegraph.graph.model import (
    ITEM_SYSTEM_PROPERTIES,
    AliasEdge,
    CoverSnapshotRecord,
    InteractionRecord,
    ItemRecord,
    ItemTagEdge,
    LogicEdge,
    LogicKind,
    RoleEdge,
    RunRecord,
    Source,
    TagKind,
    TagRecord,
    UserRecord,
)
from rolegraph.graph.queries import parse_file, schema_statements
from rolegraph.graph.schema import check_schema, required_constraints
from rolegraph.graph.store import GraphStore
from tests.support.graphs import Graphs
from tests.support.neo4j import RESET_FILE


def _world(store: GraphStore) -> None:
    """A small graph: 3 items, 2 users, roles r1..r3, topics c1..c3, logic in both views."""
    store.upsert_items([ItemRecord(f"i{n}", f"Item {n}", f"text {n}") for n in range(1, 4)])
    store.upsert_users([UserRecord("u1", {"age": 30}), UserRecord("u2", {"occupation": "nurse"})])
    store.upsert_interactions([InteractionRecord("u1", "i1", 100, 4.0), InteractionRecord("u1", "i2", 200)])
    store.upsert_tags(TagKind.USER, [TagRecord(f"r{n}", f"Role {n}", "2026-01-01") for n in range(1, 4)])
    store.upsert_tags(TagKind.ITEM, [TagRecord(f"c{n}", f"Topic {n}", "2026-01-01") for n in range(1, 4)])
    store.upsert_item_tag_edges(TagKind.USER, [ItemTagEdge("i1", "r2", 0.9, 1, run="run1")])
    store.upsert_item_tag_edges(TagKind.ITEM, [ItemTagEdge("i1", "c1", 0.8, 1, run="run1")])
    llm = [LogicEdge("r1", "c1", 0.7, run="run1", model="m", prompt_version="p1", rationale="because")]
    store.upsert_logic(LogicKind.U2I, llm)
    store.upsert_logic(LogicKind.I2U, [LogicEdge("c1", "r2", 0.6, run="run1", model="m", prompt_version="p1")])
    store.upsert_logic(LogicKind.U2I, [LogicEdge("r1", "c1", 0.5, source=Source.DISTILLED, run="run1")])
    store.upsert_roles([RoleEdge("u1", "r1", 0.9, 1, "T0", "train1")])


def test_schema_has_every_key_constraint(store: GraphStore) -> None:
    assert required_constraints() <= store.backend.unique_constraints()
    check_schema(store.backend)


def test_check_schema_refuses_a_graph_without_constraints(engine: str, graphs: Graphs) -> None:
    with graphs.bare(engine) as bare, pytest.raises(SchemaError, match="rolegraph init"):
        check_schema(bare)


def test_the_neo4j_reset_drops_what_init_creates() -> None:
    # the test support's DROP file must name every schema statement, or a "bare" database keeps some
    created = {s.name for s in schema_statements("neo4j") if not s.name.startswith("list_")}
    assert {s.name for s in parse_file(RESET_FILE)} == created


def test_items_round_trip_and_rerun_changes_nothing(store: GraphStore) -> None:
    items = [ItemRecord("1", "Toy Story", "Toy Story (1995).", "movielens", attrs={"year": 1995, "genres": ["a"]})]
    assert store.upsert_items(items) == 1
    first = store.content_hash()
    store.upsert_items(items)
    assert store.content_hash() == first
    assert store.stats().nodes == {"Item": 1}
    row = store.item("1")
    assert row is not None and row["title"] == "Toy Story" and row["source"] == "movielens"


def test_weights_are_set_not_added(store: GraphStore) -> None:
    _world(store)
    store.upsert_logic(LogicKind.U2I, [LogicEdge("r1", "c1", 0.25, run="run2", model="m2", prompt_version="p2")])
    hop = store.logic_hop(LogicKind.U2I, ["r1"], Source.LLM)
    assert hop == [("r1", "c1", 0.25)]
    out = store.neighbourhood("r1")["out"]
    assert [(r["target"], r["run"], r["model"], r["prompt_version"]) for r in out] == [("c1", "run2", "m2", "p2")]
    # the distilled edge is a separate edge of the G* view
    assert store.logic_hop(LogicKind.U2I, ["r1"], Source.DISTILLED) == [("r1", "c1", 0.5)]
    assert store.stats().relationships["U2I"] == 2


def test_tag_can_be_role_and_topic(store: GraphStore) -> None:
    store.upsert_tags(TagKind.USER, [TagRecord("jazz fans", "Jazz fans", "2026-01-02")])
    store.upsert_tags(TagKind.ITEM, [TagRecord("jazz fans", "Jazz Fans", "2026-01-01")])
    tag = store.tag("jazz fans")
    assert tag is not None
    assert tag["is_user_tag"] and tag["is_item_tag"]
    # first_seen is kept from the first write; last_seen never moves back
    assert (tag["first_seen"], tag["last_seen"], tag["name"]) == ("2026-01-02", "2026-01-02", "Jazz Fans")
    assert store.stats().nodes == {"Tag": 1, "UserTag": 1, "ItemTag": 1}


def test_frontier_ignores_distilled_edges_and_pages(small_store: GraphStore) -> None:
    keys = [f"role {n:02d}" for n in range(12)]
    small_store.upsert_tags(TagKind.USER, [TagRecord(k, k) for k in keys])
    small_store.upsert_tags(TagKind.ITEM, [TagRecord("topic", "topic")])
    small_store.upsert_logic(LogicKind.U2I, [LogicEdge("role 03", "topic", 0.5)])
    small_store.upsert_logic(LogicKind.U2I, [LogicEdge("role 04", "topic", 0.5, source=Source.DISTILLED)])
    frontier = [r["key"] for r in small_store.frontier(TagKind.USER)]
    assert frontier == [k for k in keys if k != "role 03"]
    assert [r["key"] for r in small_store.frontier(TagKind.USER, limit=6)] == frontier[:6]
    assert [r["key"] for r in small_store.frontier(TagKind.ITEM)] == ["topic"]


def test_streaming_reads_cover_everything_across_pages(small_store: GraphStore) -> None:
    small_store.upsert_items([ItemRecord(f"i{n:03d}", f"t{n}") for n in range(23)])
    small_store.upsert_users([UserRecord(f"u{n:03d}") for n in range(11)])
    events = [InteractionRecord(f"u{n % 11:03d}", f"i{n:03d}", n) for n in range(23)]
    assert small_store.upsert_interactions(events) == 23
    assert [r["id"] for r in small_store.iter_items()] == [f"i{n:03d}" for n in range(23)]
    got = sorted((r["user"], r["item"], r["ts"]) for r in small_store.iter_interactions())
    assert got == sorted((e.user_id, e.item_id, e.ts) for e in events)
    edges = [e for page in small_store.iter_edge_pages() for e in page]
    assert len(edges) == 23 and {e["type"] for e in edges} == {"INTERACTED"}


def test_cover_membership_keeps_history(store: GraphStore) -> None:
    store.upsert_tags(TagKind.USER, [TagRecord(k, k) for k in ("a", "b", "c")])
    assert store.covers.set(TagKind.USER, "2026-01-01", ["a", "b"]) == (2, 0)
    assert store.covers.set(TagKind.USER, "2026-01-02", ["b", "c"]) == (1, 1)
    assert store.covers.set(TagKind.USER, "2026-01-02", ["b", "c"]) == (0, 0)  # rerun: nothing changes
    assert store.covers.current(TagKind.USER) == ["b", "c"]
    history = {(r["key"], r["since"], r["until"]) for r in store.covers.history(TagKind.USER)}
    assert history == {("a", "2026-01-01", "2026-01-02"), ("b", "2026-01-01", None), ("c", "2026-01-02", None)}
    snap = CoverSnapshotRecord(TagKind.USER, "2026-01-02", size=2, recall=0.5, added=1, removed=1)
    store.covers.snapshot(snap)
    store.covers.snapshot(snap)
    assert store.stats().nodes["CoverSnapshot"] == 1


def test_aliases_and_unmerge(store: GraphStore) -> None:
    store.upsert_tags(TagKind.USER, [TagRecord("new dads", "New dads"), TagRecord("new fathers", "New fathers")])
    assert store.upsert_aliases(TagKind.USER, [AliasEdge("new fathers", "new dads", 0.93, "run1")]) == 1
    store.upsert_aliases(TagKind.USER, [AliasEdge("new fathers", "new dads", 0.95, "run2")])
    assert store.stats().relationships == {"ALIAS_OF": 1}
    assert store.remove_alias("new fathers") == 1
    assert store.stats().relationships == {}


def test_explain_paths_have_provenance(store: GraphStore) -> None:
    _world(store)
    paths = store.explain_paths("u1", "i1", Source.LLM)
    assert [r["role"] for r in paths["direct"]] == []  # u1 holds r1; i1 serves r2
    (via_topic,) = paths["via_topic"]
    assert (via_topic["role"], via_topic["topic"], via_topic["u2i_weight"]) == ("r1", "c1", 0.7)
    assert (via_topic["u2i_run"], via_topic["u2i_rationale"]) == ("run1", "because")
    (chain,) = paths["via_topic_role"]
    assert (chain["role"], chain["topic"], chain["new_role"], chain["i2u_weight"]) == ("r1", "c1", "r2", 0.6)
    assert store.explain_paths("u2", "i1", Source.LLM) == {"direct": [], "via_topic": [], "via_topic_role": []}


def test_runs_and_roles(store: GraphStore) -> None:
    _world(store)
    store.upsert_run(RunRecord("run1", "grow", "2026-01-01", counts={"llm_calls": 3, "tokens": 120}))
    done = RunRecord("run1", "grow", "2026-01-01", "m", "p1", "done", "t0", "t1", {"llm_calls": 3, "recall": 0.5})
    store.upsert_run(done)
    assert store.stats().nodes["Run"] == 1
    # counts SET again are replaced; one the second write left out stays
    assert store.run("run1") == replace(done, counts={"llm_calls": 3, "recall": 0.5, "tokens": 120})
    assert store.run("run2") is None
    assert [(r["key"], r["p"], r["rank"]) for r in store.user_roles("u1", "T0")] == [("r1", 0.9, 1)]
    assert store.user_roles("u1", "T1") == []


def test_concurrent_upserts_of_the_same_keys_make_one_node_each(store: GraphStore) -> None:
    items = [ItemRecord(f"k{n:04d}", f"title {n}") for n in range(1000)]
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            store.upsert_items(items)
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.stats().nodes == {"Item": 1000}


@pytest.mark.parametrize(
    ("bad_id", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "missing"),
        ("x" * 10_240, "characters long"),
        ("a\x00b", "control"),
        ("line\nbreak", "control"),
        (3.5, "string or integer"),
        (" leading", "whitespace"),
        ("trailing ", "whitespace"),
        ("\u00a0nbsp", "whitespace"),
    ],
)
def test_bad_ids_are_rejected_and_nothing_is_written(store: GraphStore, bad_id: object, message: str) -> None:
    _world(store)
    before = (store.stats(), store.content_hash())
    batch = [ItemRecord("fine", "fine"), ItemRecord(bad_id, "bad")]  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match=message):
        store.upsert_items(batch)
    assert (store.stats(), store.content_hash()) == before


@pytest.mark.parametrize("name", sorted(ITEM_SYSTEM_PROPERTIES))
def test_item_attributes_may_not_take_a_system_property(store: GraphStore, name: str) -> None:
    """An attribute ``tag_status`` (or ``flags``, ``grow_day``, …) would overwrite the growth run's own state."""
    _world(store)
    before = (store.stats(), store.content_hash())
    batch = [ItemRecord("fine", "fine"), ItemRecord("n3", "N3", attrs={name: "done"})]
    with pytest.raises(InvalidInput, match=f"property name '{name}' is reserved"):
        store.upsert_items(batch)
    assert (store.stats(), store.content_hash()) == before


@pytest.mark.parametrize(
    "literal",
    [
        "x' }) DETACH DELETE n //",
        'x" }) DETACH DELETE n //',
        "`Item`",
        "a\\'b",
        "{id: 1}",
        "$rows",
        "\u0430dmin",
        "admin",
        "ｉｔｅｍ",
        "🎬 film",
        "MATCH (n) DETACH DELETE n",
    ],
)
def test_cypher_looking_ids_are_stored_literally(store: GraphStore, literal: str) -> None:
    _world(store)
    before = store.stats()
    store.upsert_items([ItemRecord(literal, literal, literal)])
    row = store.item(literal)
    assert row is not None and row["id"] == literal and row["title"] == literal and row["text"] == literal
    after = store.stats()
    assert after.nodes["Item"] == before.nodes["Item"] + 1
    assert after.relationships == before.relationships
    assert {k: n for k, n in after.nodes.items() if k != "Item"} == {
        k: n for k, n in before.nodes.items() if k != "Item"
    }


@pytest.mark.parametrize("name", ["a: 1}) DETACH DELETE n //", "bad-name", "`x`", "1abc", ""])
def test_property_names_must_be_identifiers(store: GraphStore, name: str) -> None:
    with pytest.raises(InvalidInput, match="property name"):
        store.upsert_users([UserRecord("u1", {name: 1})])
    assert store.stats().nodes == {}


def test_edges_to_missing_nodes_write_nothing(store: GraphStore) -> None:
    _world(store)
    before = store.content_hash()
    assert store.upsert_logic(LogicKind.U2I, [LogicEdge("no such role", "c1", 0.5)]) == 0
    assert store.upsert_item_tag_edges(TagKind.USER, [ItemTagEdge("no such item", "r1", 0.5, 1)]) == 0
    assert store.content_hash() == before


def test_clear_empties_the_graph(store: GraphStore) -> None:
    _world(store)
    assert store.clear() > 0
    assert store.stats().nodes == {} and store.stats().relationships == {}


MIXED_KEYS = [
    "a",
    "B",
    "c",
    "Z",
    "é",
    "É",
    "e",
    "star wars fans",
    "Star Wars fans",
    "teens",
    "Ünïcode",
    "ünïcode",
    "10",
    "9",
    "_x",
    "~y",
    "in ner",
]


def test_paging_is_exact_for_mixed_case_and_accents(small_store: GraphStore) -> None:
    small_store.upsert_items([ItemRecord(k, k) for k in MIXED_KEYS])
    small_store.upsert_tags(TagKind.USER, [TagRecord(k, k) for k in MIXED_KEYS])
    assert sorted(r["id"] for r in small_store.iter_items()) == sorted(MIXED_KEYS)
    assert sorted(r["key"] for r in small_store.iter_tags()) == sorted(MIXED_KEYS)
    assert sorted(r["key"] for r in small_store.frontier(TagKind.USER)) == sorted(MIXED_KEYS)


def test_content_hash_does_not_depend_on_page_size(store: GraphStore) -> None:
    _world(store)
    store.upsert_interactions([InteractionRecord("u1", "i1", ts) for ts in range(300, 330)])
    hashes = {GraphStore(store.backend, page_size=size).content_hash() for size in (1, 2, 7, 10_000)}
    assert len(hashes) == 1


@pytest.mark.parametrize("weight", [-0.1, 1.5, float("nan"), float("inf")])
def test_weights_must_be_probabilities(store: GraphStore, weight: float) -> None:
    _world(store)
    before = store.content_hash()
    with pytest.raises(InvalidInput, match="weight"):
        store.upsert_logic(LogicKind.U2I, [LogicEdge("r2", "c2", 0.5), LogicEdge("r1", "c2", weight)])
    assert store.content_hash() == before


def test_cover_days_only_move_forward(store: GraphStore) -> None:
    store.upsert_tags(TagKind.USER, [TagRecord(k, k) for k in ("r1", "r2")])
    store.covers.set(TagKind.USER, "2026-01-01", ["r1", "r2"])
    store.covers.set(TagKind.USER, "2026-01-02", ["r1"])
    with pytest.raises(InvalidInput, match="already changed on 2026-01-02"):
        store.covers.set(TagKind.USER, "2026-01-01", ["r1", "r2"])
    assert {(r["key"], r["until"]) for r in store.covers.history(TagKind.USER)} == {("r1", None), ("r2", "2026-01-02")}
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        store.covers.set(TagKind.USER, "2026-01-03\n", ["r1"])


@pytest.mark.parametrize("ts", [-1, 2**63, float("inf"), float("nan")])
def test_timestamps_are_bounded(store: GraphStore, ts: float) -> None:
    _world(store)
    with pytest.raises(InvalidInput, match="ts"):
        store.upsert_interactions([InteractionRecord("u1", "i1", ts)])  # type: ignore[arg-type]


def test_sizes_must_be_positive(store: GraphStore) -> None:
    with pytest.raises(InvalidInput, match="at least 1"):
        GraphStore(store.backend, batch_size=0)


@pytest.mark.parametrize("day", ["2026-13-45", "2026-02-30"])
def test_days_must_exist(store: GraphStore, day: str) -> None:
    store.upsert_tags(TagKind.USER, [TagRecord("r", "r")])
    with pytest.raises(InvalidInput, match="not a calendar day"):
        store.covers.set(TagKind.USER, day, ["r"])


def test_numpy_numbers_are_numbers(store: GraphStore) -> None:
    import numpy as np

    store.upsert_tags(TagKind.USER, [TagRecord("r", "r", embedding=list(np.ones(3, dtype=np.float32)))])
    store.upsert_tags(TagKind.ITEM, [TagRecord("c", "c")])
    assert store.upsert_logic(LogicKind.U2I, [LogicEdge("r", "c", np.float32(0.25))]) == 1  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="64 bits"):
        store.upsert_users([UserRecord("u", {"big": 2**70})])


def test_an_id_given_twice_is_written_once_and_the_last_wins(store: GraphStore) -> None:
    written = store.upsert_items(
        [ItemRecord("a", "first", attrs={"n": 1}), ItemRecord("b", "other"), ItemRecord("a", "second", attrs={"n": 2})]
    )
    assert written == 2 and store.stats().nodes["Item"] == 2
    props = {r["props"]["id"]: r["props"] for r in store.iter_items()}
    assert (props["a"]["title"], props["a"]["n"]) == ("second", 2)
    assert store.upsert_users([UserRecord("u", {"age": 1}), UserRecord("u", {"age": 2})]) == 1
