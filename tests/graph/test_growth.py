"""The growth run's plan and statuses: which items and frontier tags a day works on, and how each ended."""

from __future__ import annotations

from rolegraph.graph.growth import ItemStatus, PlannedItem, PlannedTag, TagStatus
from rolegraph.graph.model import AliasEdge, ItemRecord, ItemTagEdge, LogicEdge, LogicKind, Source, TagKind, TagRecord
from rolegraph.graph.store import GraphStore


def test_items_are_planned_by_id_and_finished_ones_are_not_planned_again(store: GraphStore) -> None:
    growth = store.growth
    store.upsert_items([ItemRecord(f"i{n}", f"Item {n}", "" if n == 1 else f"text {n}") for n in range(4)])
    assert growth.planned_items("2026-01-01") == []
    growth.plan_items("2026-01-01", 2)
    assert growth.planned_items("2026-01-01") == [
        PlannedItem("i0", "Item 0", "text 0", None),
        PlannedItem("i1", "Item 1", "", None),
    ]
    growth.set_item_status("run1", [ItemStatus("i0", "done", ""), ItemStatus("i1", "failed", "LLM down", ["x"])])
    assert [(i.id, i.status) for i in growth.planned_items("2026-01-01")] == [("i0", "done"), ("i1", "failed")]
    growth.plan_items("2026-01-02", 10)  # a failed item is tried again, a done one is not
    assert [i.id for i in growth.planned_items("2026-01-02")] == ["i1", "i2", "i3"]
    props = {r["id"]: r["props"] for r in store.iter_items()}
    assert (
        props["i1"]["tag_run"] == "run1" and props["i1"]["tag_reason"] == "LLM down" and props["i1"]["flags"] == ["x"]
    )


def test_an_item_with_an_unusable_answer_is_planned_once_more_as_a_retry(store: GraphStore) -> None:
    growth = store.growth
    store.upsert_items([ItemRecord(f"i{n}", f"Item {n}", f"text {n}") for n in range(3)])
    growth.plan_items("2026-01-01", 3)
    assert growth.plannable() == 3  # planned, not finished
    growth.set_item_status("run1", [ItemStatus("i0", "done", ""), ItemStatus("i1", "quarantined", "empty answer")])
    growth.set_item_status("run1", [ItemStatus("i2", "failed", "LLM down")])
    assert growth.plannable() == 2
    growth.plan_items("2026-01-02", 10)
    assert growth.planned_items("2026-01-02") == [
        PlannedItem("i1", "Item 1", "text 1", None, retry=True),  # its status cleared until the retry ends
        PlannedItem("i2", "Item 2", "text 2", "failed", retry=False),  # a transient failure is no retry
    ]
    growth.set_item_status("run2", [ItemStatus("i1", "quarantined", "empty again"), ItemStatus("i2", "done", "")])
    assert growth.plannable() == 0  # quarantined after its retry: set aside for good
    growth.plan_items("2026-01-03", 10)
    assert growth.planned_items("2026-01-03") == []
    props = {r["id"]: r["props"] for r in store.iter_items()}
    assert props["i1"]["tag_retry"] == "2026-01-02" and props["i1"]["tag_reason"] == "empty again"


def test_frontier_tags_are_planned_per_kind(store: GraphStore) -> None:
    growth = store.growth
    store.upsert_tags(TagKind.USER, [TagRecord(k, k.title()) for k in ("fans", "critics", "kids", "kid")])
    store.upsert_tags(TagKind.ITEM, [TagRecord("drama", "Drama")])
    store.upsert_logic(LogicKind.U2I, [LogicEdge("critics", "drama", 1.0)])  # not on the frontier any more
    store.upsert_aliases(TagKind.USER, [AliasEdge("kid", "kids", 0.95)])  # an alias is never a source
    growth.plan_sources(LogicKind.U2I, "2026-01-01", 5)
    growth.plan_sources(LogicKind.I2U, "2026-01-01", 5)
    assert growth.planned_sources(LogicKind.U2I, "2026-01-01") == [
        PlannedTag("fans", "Fans", None),
        PlannedTag("kids", "Kids", None),
    ]
    assert [t.key for t in growth.planned_sources(LogicKind.I2U, "2026-01-01")] == ["drama"]
    growth.set_source_status(LogicKind.U2I, "run1", [TagStatus("fans", "quarantined", "no targets")])
    assert growth.planned_sources(LogicKind.U2I, "2026-01-01")[0].status == "quarantined"
    assert growth.planned_sources(LogicKind.I2U, "2026-01-01")[0].status is None  # the other kind's status


def test_a_runs_item_tags_are_read_per_vocabulary(store: GraphStore) -> None:
    store.upsert_items([ItemRecord(f"i{n}", f"Item {n}") for n in range(3)])
    store.upsert_tags(TagKind.USER, [TagRecord("fans", "Fans")])
    store.upsert_tags(TagKind.ITEM, [TagRecord("drama", "Drama")])
    store.upsert_item_tag_edges(TagKind.USER, [ItemTagEdge("i0", "fans", 1.0, 0, run="run1")])
    store.upsert_item_tag_edges(TagKind.USER, [ItemTagEdge("i1", "fans", 1.0, 0, run="run0")])
    store.upsert_item_tag_edges(TagKind.USER, [ItemTagEdge("i2", "fans", 0.4, 0, Source.DISTILLED, "run1")])
    store.upsert_item_tag_edges(TagKind.ITEM, [ItemTagEdge(f"i{n}", "drama", 1.0, 0, run="run1") for n in range(3)])
    ids = ["i0", "i1", "i2"]
    assert store.growth.run_item_tags(TagKind.USER, "run1", ids) == [("i0", "fans")]
    assert store.growth.run_item_tags(TagKind.ITEM, "run1", ids) == [("i0", "drama"), ("i1", "drama"), ("i2", "drama")]
