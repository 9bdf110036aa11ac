"""The distilled models' training data read from the graph, and the retirement of an older G*."""

from __future__ import annotations

from rolegraph.graph.distillation import TaggedItem, WeightedEdge
from rolegraph.graph.growth import ItemStatus, ItemText
from rolegraph.graph.model import ItemRecord, ItemTagEdge, LogicEdge, LogicKind, Source, TagKind, TagRecord
from rolegraph.graph.store import GraphStore


def test_training_data_is_the_llm_view_only(store: GraphStore) -> None:
    store.upsert_items([ItemRecord(f"i{n}", f"Item {n}", f"text {n}") for n in range(3)])
    store.upsert_tags(TagKind.USER, [TagRecord("fans", "Fans"), TagRecord("critics", "Critics")])
    store.upsert_tags(TagKind.ITEM, [TagRecord("drama", "Drama")])
    store.upsert_item_tag_edges(TagKind.USER, [ItemTagEdge("i0", "fans", 1.0, 0)])
    store.upsert_item_tag_edges(TagKind.USER, [ItemTagEdge("i0", "critics", 0.3, 1, Source.DISTILLED)])
    store.upsert_item_tag_edges(TagKind.ITEM, [ItemTagEdge("i0", "drama", 1.0, 0)])
    store.growth.set_item_status("run1", [ItemStatus("i0", "done", ""), ItemStatus("i1", "quarantined", "bad")])
    store.upsert_logic(LogicKind.U2I, [LogicEdge("fans", "drama", 0.7), LogicEdge("critics", "drama", 0.2)])
    store.upsert_logic(LogicKind.I2U, [LogicEdge("drama", "fans", 1.0)])
    store.upsert_logic(LogicKind.U2I, [LogicEdge("fans", "drama", 0.9, Source.DISTILLED, "run1")])
    data = store.distillation
    assert data.tagged_items() == [TaggedItem("i0", "Item 0", "text 0", ("fans",), ("drama",))]
    assert data.untagged_items() == [ItemText("i1", "Item 1", "text 1"), ItemText("i2", "Item 2", "text 2")]
    assert data.llm_logic(LogicKind.U2I) == [WeightedEdge("critics", "drama", 0.2), WeightedEdge("fans", "drama", 0.7)]
    assert data.llm_logic(LogicKind.I2U) == [WeightedEdge("drama", "fans", 1.0)]


def test_publishing_retires_the_distilled_edges_of_other_runs(small_store: GraphStore) -> None:
    store = small_store
    store.upsert_items([ItemRecord(f"i{n:02d}", f"Item {n}") for n in range(10)])
    store.upsert_tags(TagKind.USER, [TagRecord("fans", "Fans")])
    store.upsert_tags(TagKind.ITEM, [TagRecord("drama", "Drama")])
    old = [ItemTagEdge(f"i{n:02d}", "fans", 0.5, 0, Source.DISTILLED, "run1") for n in range(10)]
    store.upsert_item_tag_edges(TagKind.USER, old)
    store.upsert_item_tag_edges(TagKind.USER, [ItemTagEdge("i00", "fans", 1.0, 0, Source.LLM, "run1")])
    store.upsert_logic(LogicKind.U2I, [LogicEdge("fans", "drama", 0.5, Source.DISTILLED, "run1")])
    store.upsert_logic(LogicKind.I2U, [LogicEdge("drama", "fans", 0.5, Source.DISTILLED, "run2")])
    assert store.distillation.retire_stale("run2") == 11  # batches of 7
    assert store.distillation.retire_stale("run2") == 0
    stats = store.stats().relationships
    assert stats.get("HAS_USER_TAG") == 1 and stats.get("I2U") == 1 and not stats.get("U2I")
