"""The run's journal: each chunk's computed writes are stored as a RunStep before they are applied.

A crash between the two leaves a `planned` entry; the rerun applies it first (writes are idempotent),
so the graph ends exactly as an uninterrupted run would have left it, whatever the LLM says the second
time. Entries are removed when the run finishes (`graph.journal.RunJournal.clear`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from rolegraph.graph.journal import Payload
from rolegraph.graph.store import GraphStore

#: Statuses that end an item's, tag's or candidate's work (``failed`` — the LLM was unreachable — is retried).
FINAL = ("done", "quarantined", "confirmed", "refused")


class Planned(Protocol):
    """A row of a phase's plan: an item or a source tag with its status (None: not started)."""

    @property
    def status(self) -> str | None: ...


def commit(store: GraphStore, run: str, step_id: str, payload: Payload, apply: Callable[[Payload], None]) -> None:
    """Journals ``payload``, applies it, marks it applied."""
    store.journal.plan(run, step_id, payload)
    apply(payload)
    store.journal.mark_applied(step_id)


def pending_chunks[P: Planned](
    store: GraphStore, run: str, phase: str, rows: Sequence[P], size: int
) -> list[tuple[str, list[P]]]:
    """Splits a phase's plan into chunks of ``size`` and returns (journal step id, rows not finished yet)
    of each chunk still to do. Chunks are cut from the whole plan, so a rerun after a crash cuts them the
    same way."""
    out = []
    for index in range(0, len(rows), size):
        step_id = f"{run}/{phase}/{index // size:05d}"
        pending = [r for r in rows[index : index + size] if r.status not in FINAL]
        if pending and store.journal.entry(step_id) is None:
            out.append((step_id, pending))
    return out


def replay_pending(store: GraphStore, run: str, appliers: dict[str, Callable[[Payload], None]]) -> int:
    """Applies every entry a crash left planned (by its ``phase``); returns how many."""
    pending = store.journal.pending(run)
    for entry in pending:
        appliers[entry.payload["phase"]](entry.payload)
        store.journal.mark_applied(entry.id)
    return len(pending)
