"""Upkeep of the vocabularies: loading one, last-seen days, alias bookkeeping on item edges, unmerge."""

from __future__ import annotations

from pathlib import Path

from rolegraph.graph.model import (
    AliasEdge,
    InteractionRecord,
    ItemRecord,
    ItemTagEdge,
    LogicEdge,
    LogicKind,
    RoleEdge,
    RunRecord,
    TagKind,
    TagRecord,
)
from rolegraph.graph.queries import Statement
from rolegraph.graph.statements import Stmt
from rolegraph.graph.store import GraphStore
from rolegraph.graph.tags import AliasUse, LogicAliasUse, Unmerged, VocabularyTag


def test_a_vocabulary_is_read_with_embeddings_aliases_and_pins(small_store: GraphStore) -> None:
    store = small_store  # pages of 5: the 12 roles take three
    roles = [TagRecord(f"role {n:02d}", f"Role {n}", embedding=[float(n), 1.0] if n % 2 else None) for n in range(12)]
    store.upsert_tags(TagKind.USER, roles)
    store.upsert_tags(TagKind.ITEM, [TagRecord("drama", "Drama")])
    merge = AliasEdge("role 01", "role 00", 0.93, "grow-2026-01-01", "words", "same senses")
    store.upsert_aliases(TagKind.USER, [merge, AliasEdge("role 02", "role 00", 0.91)])
    store.tags.pin("role 02")
    vocabulary = {t.key: t for t in store.tags.vocabulary(TagKind.USER)}
    assert sorted(vocabulary) == [f"role {n:02d}" for n in range(12)]
    assert vocabulary["role 01"] == VocabularyTag("role 01", [1.0, 1.0], "role 00", 0.93, False, "words", "same senses")
    assert vocabulary["role 02"] == VocabularyTag("role 02", None, "role 00", 0.91, True)
    assert vocabulary["role 00"] == VocabularyTag("role 00", None, None, None, False)
    assert [t.key for t in store.tags.vocabulary(TagKind.ITEM)] == ["drama"]
    assert store.tags.canonical_of("role 01") == ["role 00"] and store.tags.canonical_of("role 00") == []


def test_last_seen_only_moves_forward(small_store: GraphStore) -> None:
    keys = [f"topic {n:02d}" for n in range(9)]  # more than a batch of 7
    small_store.upsert_tags(TagKind.ITEM, [TagRecord(k, k, "2026-01-05") for k in keys])
    small_store.tags.touch(keys[:8], "2026-01-07")
    small_store.tags.touch(keys[:1], "2026-01-06")
    seen = small_store.tags.last_seen([*keys, "unknown"])
    assert seen == {**{k: "2026-01-07" for k in keys[:8]}, "topic 08": "2026-01-05"}


def test_edges_marked_with_their_alias_move_back_on_unmerge(store: GraphStore) -> None:
    store.upsert_items([ItemRecord("i1", "One"), ItemRecord("i2", "Two")])
    store.upsert_tags(TagKind.USER, [TagRecord("kids", "Kids"), TagRecord("kid", "Kid")])
    store.upsert_aliases(TagKind.USER, [AliasEdge("kid", "kids", 0.95)])
    store.upsert_item_tag_edges(TagKind.USER, [ItemTagEdge("i1", "kids", 1.0, 0), ItemTagEdge("i2", "kids", 1.0, 2)])
    store.tags.mark_alias_uses([AliasUse("i1", "kids", "kid")])  # i1 said "kid", i2 said "kids"
    assert store.tags.unmerge_edges("kid", "kids") == Unmerged(item_edges=1)
    edges = {(e["src"], e["dst"]) for e in store.read(Stmt.ITEM_OUT_EDGES, ids=["i1", "i2"])}
    assert edges == {("i1", "kid"), ("i2", "kids")}
    assert store.tags.unmerge_edges("kid", "kids") == Unmerged()  # nothing left to move


def test_logic_edges_and_user_roles_through_an_alias_move_back_on_unmerge(store: GraphStore) -> None:
    store.upsert_items([ItemRecord("i1", "One"), ItemRecord("i2", "Two")])
    store.upsert_tags(TagKind.USER, [TagRecord("kids", "Kids"), TagRecord("kid", "Kid")])
    store.upsert_tags(TagKind.ITEM, [TagRecord("cartoons", "Cartoons"), TagRecord("toys", "Toys")])
    store.upsert_aliases(
        TagKind.USER, [AliasEdge("kid", "kids", 0.95, "grow-2026-01-01", "words", "same senses: kid = kids")]
    )
    store.upsert_item_tag_edges(TagKind.USER, [ItemTagEdge("i1", "kids", 1.0, 0), ItemTagEdge("i2", "kids", 1.0, 0)])
    store.tags.mark_alias_uses([AliasUse("i1", "kids", "kid")])
    # I2U: a topic's LLM answer named "kid" (through the alias) and U2I from the canonical role: its own
    store.upsert_logic(LogicKind.I2U, [LogicEdge("cartoons", "kids", 0.8), LogicEdge("toys", "kids", 0.6)])
    store.upsert_logic(LogicKind.U2I, [LogicEdge("kids", "toys", 0.7)])
    store.tags.mark_logic_alias_uses([LogicAliasUse("cartoons", "kids", "kid")])
    store.upsert_interactions([InteractionRecord("u1", "i1", 1), InteractionRecord("u2", "i1", 1)])
    store.upsert_interactions([InteractionRecord("u2", "i2", 2), InteractionRecord("u3", "i2", 2)])
    store.upsert_roles([RoleEdge(u, "kids", 0.9, 0, "T0", "r1") for u in ("u1", "u2", "u3")])

    moved = store.tags.unmerge_edges("kid", "kids")

    # u1 reached the role only through "kid": it moves; u2 has items of both: shared; u3: untouched
    assert moved == Unmerged(item_edges=1, logic_edges=1, roles=2, roles_moved=1)
    logic = {(e["src"], e["dst"]) for e in store.read(Stmt.TAG_OUT_EDGES, keys=["cartoons", "toys", "kids"])}
    assert logic == {("cartoons", "kid"), ("toys", "kids"), ("kids", "toys")}
    roles = {(u, r["key"]) for u in ("u1", "u2", "u3") for r in store.read(Stmt.USER_ROLES, user=u, set="T0")}
    assert roles == {("u1", "kid"), ("u2", "kid"), ("u2", "kids"), ("u3", "kids")}
    assert store.tags.unmerge_edges("kid", "kids") == Unmerged(roles=1)  # u2's shared role is given again


def test_merge_counts_say_how_many_merges_were_made_blocked_and_undone(store: GraphStore) -> None:
    assert store.tags.merge_counts() == {"made": 0, "blocked": 0, "undone": 0}
    store.upsert_tags(TagKind.USER, [TagRecord(k, k) for k in ("kids", "kid", "child", "adult")])
    store.upsert_aliases(TagKind.USER, [AliasEdge("kid", "kids", 0.95), AliasEdge("child", "kids", 0.58)])
    store.tags.pin("adult")
    for day, blocked in (("2026-01-01", 3), ("2026-01-02", 4)):
        store.upsert_run(RunRecord(f"grow-{day}", "grow", day, counts={"merges_blocked": blocked}))
    store.upsert_run(RunRecord("train-1", "train"))  # runs that merge nothing count nothing
    assert store.tags.merge_counts() == {"made": 2, "blocked": 7, "undone": 1}


def test_a_merge_in_one_vocabulary_leaves_the_same_named_tag_canonical_in_the_other(store: GraphStore) -> None:
    # "animals in the wild" is a role and a topic; the roles merged it into "wild animals", the topics did not
    both = [TagRecord("animals in the wild", "animals in the wild"), TagRecord("wild animals", "wild animals")]
    store.upsert_tags(TagKind.USER, both)
    store.upsert_tags(TagKind.ITEM, both)
    store.upsert_aliases(TagKind.USER, [AliasEdge("animals in the wild", "wild animals", 0.93, "r1")])
    roles = {t.key: t.canonical for t in store.tags.vocabulary(TagKind.USER)}
    topics = {t.key: t.canonical for t in store.tags.vocabulary(TagKind.ITEM)}
    assert roles == {"animals in the wild": "wild animals", "wild animals": None}
    assert topics == {"animals in the wild": None, "wild animals": None}
    store.growth.plan_sources(LogicKind.U2I, "2026-01-02", 5)
    store.growth.plan_sources(LogicKind.I2U, "2026-01-02", 5)
    assert [t.key for t in store.growth.planned_sources(LogicKind.U2I, "2026-01-02")] == ["wild animals"]
    planned_topics = [t.key for t in store.growth.planned_sources(LogicKind.I2U, "2026-01-02")]
    assert planned_topics == ["animals in the wild", "wild animals"]
    # the topics merge it too, the next day: one alias edge per vocabulary, one canonical tag
    store.upsert_aliases(TagKind.ITEM, [AliasEdge("animals in the wild", "wild animals", 0.94, "r2")])
    store.upsert_aliases(TagKind.ITEM, [AliasEdge("animals in the wild", "wild animals", 0.95, "r2")])
    assert {t.key: t.canonical for t in store.tags.vocabulary(TagKind.ITEM)}["animals in the wild"] == "wild animals"
    assert store.tags.canonical_of("animals in the wild") == ["wild animals"]
    assert store.tags.merge_counts()["made"] == 2
    assert store.remove_alias("animals in the wild") == 2


def test_an_alias_written_before_merges_carried_their_vocabulary_counts_where_its_canonical_is(
    store: GraphStore,
) -> None:
    store.upsert_tags(TagKind.USER, [TagRecord("kid", "kid"), TagRecord("kids", "kids")])
    store.upsert_tags(TagKind.ITEM, [TagRecord("kid", "kid")])
    legacy = "MATCH (a:Tag {key: 'kid'}), (c:Tag {key: 'kids'}) CREATE (a)-[:ALIAS_OF {score: 0.95}]->(c)"
    store.backend.run(Statement("adhoc", legacy, frozenset(), Path("test"), 0), {}, write=True)
    assert {t.key: t.canonical for t in store.tags.vocabulary(TagKind.USER)}["kid"] == "kids"
    assert {t.key: t.canonical for t in store.tags.vocabulary(TagKind.ITEM)} == {"kid": None}
