"""The daily growth run's plan and status in the graph.

A run marks the items it will tag and the frontier tags it will ask logic for with its day (the plan),
so a rerun of the same day works on the same ones; every item and source tag it finishes gets a status
(done, quarantined with the reason, or failed — the LLM was unreachable, retried by a later run). An item
quarantined for an unusable answer is planned once more by a later day and asked with another prompt
(``tag_retry``: that day); quarantined again, it stays aside.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rolegraph.graph.model import LogicKind, RelType, TagKind
from rolegraph.graph.runner import Repository
from rolegraph.graph.statements import Stmt

_PLAN = {LogicKind.U2I: Stmt.GROW_PLAN_U2I, LogicKind.I2U: Stmt.GROW_PLAN_I2U}
_PLANNED = {LogicKind.U2I: Stmt.GROW_PLANNED_U2I, LogicKind.I2U: Stmt.GROW_PLANNED_I2U}
_SET_STATUS = {LogicKind.U2I: Stmt.GROW_SET_U2I_STATUS, LogicKind.I2U: Stmt.GROW_SET_I2U_STATUS}
_ITEM_TAG = {TagKind.USER: RelType.HAS_USER_TAG, TagKind.ITEM: RelType.HAS_ITEM_TAG}


@dataclass(frozen=True)
class ItemText:
    """An item as the LLM and the distilled tagger read it."""

    id: str
    title: str | None
    text: str | None


@dataclass(frozen=True)
class PlannedItem(ItemText):
    """An item of the day's plan and its tagging status (None: not yet); ``retry``: its earlier answer was
    unusable, so it is asked once more with another prompt."""

    status: str | None
    retry: bool = False


@dataclass(frozen=True)
class PlannedTag:
    """A frontier tag of the day's plan (a source of logic edges) and its status (None: not yet)."""

    key: str
    name: str | None
    status: str | None


@dataclass(frozen=True)
class ItemStatus:
    """The end of an item's tagging: status, reason (empty when done) and flags on its input."""

    id: str
    status: str
    reason: str
    flags: Sequence[str] = ()


@dataclass(frozen=True)
class TagStatus:
    """The end of a source tag's logic step: status and reason (empty when done)."""

    key: str
    status: str
    reason: str


class GrowthPlan(Repository):
    """The plan and the statuses of growth runs."""

    def planned_items(self, day: str) -> list[PlannedItem]:
        """The items planned for ``day``, in id order (empty when the day has no plan)."""
        rows = self._db.read(Stmt.GROW_PLANNED_ITEMS, day=day)
        return [PlannedItem(r["id"], r["title"], r["text"], r["status"], bool(r["retry"])) for r in rows]

    def item_texts(self, ids: Sequence[str]) -> list[ItemText]:
        """The given items as the LLM reads them, in id order (unknown ids left out)."""
        return [ItemText(r["id"], r["title"], r["text"]) for r in self._db.read(Stmt.GROW_ITEM_TEXTS, ids=list(ids))]

    def plannable(self) -> int:
        """How many items a later day could still plan (untagged, failed, or quarantined and not retried)."""
        return int(self._db.read(Stmt.GROW_COUNT_PLANNABLE)[0]["n"])

    def plan_items(self, day: str, limit: int, popular: bool = False) -> None:
        """Plans up to ``limit`` items not tagged yet (no status, failed, or quarantined and not retried yet)
        for ``day``: the first by id, or with ``popular`` the most-interacted first."""
        self._db.write(Stmt.GROW_PLAN_ITEMS_POPULAR if popular else Stmt.GROW_PLAN_ITEMS, day=day, limit=limit)

    def planned_sources(self, kind: LogicKind, day: str) -> list[PlannedTag]:
        """The frontier tags planned for ``day`` as sources of ``kind`` edges, in key order."""
        rows = self._db.read(_PLANNED[kind], day=day)
        return [PlannedTag(r["key"], r["name"], r["status"]) for r in rows]

    def plan_sources(self, kind: LogicKind, day: str, limit: int) -> None:
        """Plans up to ``limit`` frontier tags (no LLM ``kind`` edge out, not an alias, not finished) for
        ``day``: the first by key."""
        self._db.write(_PLAN[kind], day=day, limit=limit)

    def set_item_status(self, run: str, statuses: Iterable[ItemStatus]) -> None:
        """Records how ``run`` finished items."""
        rows = [
            {"id": s.id, "status": s.status, "reason": s.reason, "run": run, "flags": list(s.flags)} for s in statuses
        ]
        self._db.write_rows(Stmt.GROW_SET_ITEM_STATUS, rows)

    def set_source_status(self, kind: LogicKind, run: str, statuses: Iterable[TagStatus]) -> None:
        """Records how ``run`` finished the ``kind`` step of source tags."""
        rows = [{"key": s.key, "status": s.status, "reason": s.reason, "run": run} for s in statuses]
        self._db.write_rows(_SET_STATUS[kind], rows)

    def run_item_tags(self, kind: TagKind, run: str, item_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(item, tag) of the LLM's item → tag edges of one vocabulary that ``run`` wrote for ``item_ids``,
        by item and tag (the day's mapping M of Algorithm 1)."""
        rows = self._db.read_each(Stmt.RUN_ITEM_TAG_EDGES, "ids", item_ids, run=run)
        return [(r["item"], r["tag"]) for r in rows if r["type"] == _ITEM_TAG[kind]]
