"""The growth run's journal in the graph: entries planned, applied, left pending by a crash, cleared."""

from __future__ import annotations

from rolegraph.graph.journal import JournalEntry, StepStatus
from rolegraph.graph.store import GraphStore


def test_an_entry_is_planned_then_applied(store: GraphStore) -> None:
    payload = {"phase": "tags", "edges": [["i1", "drama fans", 0, None]], "note": "é"}
    assert store.journal.entry("run1/tags/00000") is None
    store.journal.plan("run1", "run1/tags/00000", payload)
    assert store.journal.entry("run1/tags/00000") == JournalEntry("run1/tags/00000", StepStatus.PLANNED, payload)
    assert store.journal.pending("run1") == [JournalEntry("run1/tags/00000", StepStatus.PLANNED, payload)]
    store.journal.mark_applied("run1/tags/00000")
    entry = store.journal.entry("run1/tags/00000")
    assert entry is not None and entry.status is StepStatus.APPLIED and entry.payload == payload
    assert store.journal.pending("run1") == []


def test_pending_lists_one_run_in_id_order_and_clear_removes_only_it(small_store: GraphStore) -> None:
    journal = small_store.journal  # batches of 7: clearing 16 entries takes three
    for n in reversed(range(16)):
        journal.plan("run1", f"run1/u2i/{n:05d}", {"phase": "u2i", "n": n})
    journal.plan("run2", "run2/tags/00000", {"phase": "tags"})
    journal.mark_applied("run1/u2i/00015")
    assert [e.payload["n"] for e in journal.pending("run1")] == list(range(15))
    assert journal.clear("run1") == 16
    assert journal.pending("run1") == [] and journal.entry("run1/u2i/00015") is None
    assert [e.id for e in journal.pending("run2")] == ["run2/tags/00000"]
