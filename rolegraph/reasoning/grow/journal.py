"""The run's journal: each chunk's computed writes are stored as a RunStep before they are applied.

A crash between the two leaves a `planned` entry; the rerun applies it first (writes are idempotent),
so the graph ends exactly as an uninterrupted run would have left it, whatever the LLM says the second
time. Entries are removed when the run finishes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rolegraph.graph.store import GraphStore

Payload = dict[str, Any]

#: Statuses that end an item's or tag's work (``failed`` — the LLM was unreachable — is retried).
FINAL = ("done", "quarantined")


def recorded(store: GraphStore, step_id: str) -> tuple[str, Payload] | None:
    """(status, payload) of a journal entry, or None."""
    rows = store.read("run_step", id=step_id)
    if not rows:
        return None
    return str(rows[0]["status"]), json.loads(rows[0]["payload"])


def commit(store: GraphStore, run: str, step_id: str, payload: Payload, apply: Callable[[Payload], None]) -> None:
    """Journals ``payload``, applies it, marks it applied."""
    store.write("upsert_run_step", id=step_id, run=run, payload=json.dumps(payload, sort_keys=True), status="planned")
    apply(payload)
    store.write("set_run_step_status", id=step_id, status="applied")


def pending_chunks(
    store: GraphStore, run: str, phase: str, rows: list[dict[str, Any]], size: int
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Splits a phase's plan (rows with a ``status``) into chunks of ``size`` and returns (journal step id,
    rows not finished yet) of each chunk still to do. Chunks are cut from the whole plan, so a rerun
    after a crash cuts them the same way."""
    out = []
    for index in range(0, len(rows), size):
        step_id = f"{run}/{phase}/{index // size:05d}"
        pending = [r for r in rows[index : index + size] if r["status"] not in FINAL]
        if pending and recorded(store, step_id) is None:
            out.append((step_id, pending))
    return out


def replay_pending(store: GraphStore, run: str, appliers: dict[str, Callable[[Payload], None]]) -> int:
    """Applies every entry a crash left planned (by its ``phase``); returns how many."""
    pending = store.read("pending_run_steps", run=run)
    for row in pending:
        payload = json.loads(row["payload"])
        appliers[payload["phase"]](payload)
        store.write("set_run_step_status", id=row["id"], status="applied")
    return len(pending)


def clear(store: GraphStore, run: str) -> None:
    """Removes a finished run's journal."""
    while int(store.write("delete_run_steps", run=run, limit=store.batch_size)[0]["n"]):
        pass
