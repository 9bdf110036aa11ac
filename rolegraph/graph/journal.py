"""The growth run's journal in the graph: one (:RunStep) per chunk of work, holding the writes the chunk
computed (as JSON) from before they are applied until the run finishes.

`reasoning.grow.journal` decides what to journal and replays what a crash left planned; this module only
stores and reads the entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rolegraph.graph.runner import Repository
from rolegraph.graph.statements import Stmt

Payload = dict[str, Any]


class StepStatus(StrEnum):
    """A journal entry is planned (written, maybe not applied) until the run marks it applied."""

    PLANNED = "planned"
    APPLIED = "applied"


@dataclass(frozen=True)
class JournalEntry:
    """One chunk's computed writes and whether they were applied."""

    id: str
    status: StepStatus
    payload: Payload


class RunJournal(Repository):
    """The journal entries of growth runs."""

    def entry(self, step_id: str) -> JournalEntry | None:
        """The entry ``step_id``, or None when the run has not reached it."""
        rows = self._db.read(Stmt.RUN_STEP, id=step_id)
        if not rows:
            return None
        return JournalEntry(step_id, StepStatus(rows[0]["status"]), json.loads(rows[0]["payload"]))

    def plan(self, run: str, step_id: str, payload: Payload) -> None:
        """Records a chunk's writes before they are applied (overwrites an entry of the same id)."""
        text = json.dumps(payload, sort_keys=True)
        self._db.write(Stmt.UPSERT_RUN_STEP, id=step_id, run=run, payload=text, status=StepStatus.PLANNED.value)

    def mark_applied(self, step_id: str) -> None:
        """Records that an entry's writes are in the graph."""
        self._db.write(Stmt.SET_RUN_STEP_STATUS, id=step_id, status=StepStatus.APPLIED.value)

    def pending(self, run: str) -> list[JournalEntry]:
        """The entries of ``run`` planned but not marked applied (what a crash left), in id order."""
        rows = self._db.read(Stmt.PENDING_RUN_STEPS, run=run)
        return [JournalEntry(r["id"], StepStatus.PLANNED, json.loads(r["payload"])) for r in rows]

    def clear(self, run: str) -> int:
        """Removes a run's journal; returns how many entries there were."""
        return self._db.drain(Stmt.DELETE_RUN_STEPS, run=run)
