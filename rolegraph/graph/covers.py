"""The cover sets (Algorithm 1) in the graph: one per vocabulary, membership with its history, and one
snapshot per day.

A tag is a member of a cover set through an IN_COVER edge with ``since`` and ``until`` days (``until`` is
null while it is a member), so every past state can be read back (`history`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict, cast

from rolegraph.errors import InvalidInput
from rolegraph.graph import validate as v
from rolegraph.graph.model import CoverSnapshotRecord, TagKind
from rolegraph.graph.runner import Repository
from rolegraph.graph.statements import Stmt


class CoverInterval(TypedDict):
    """A tag's membership of one cover set from ``since`` to ``until`` (None: still a member)."""

    key: str
    since: str
    until: str | None


class CoverMembership(TypedDict):
    """One membership interval of a tag, in the cover set of ``kind``."""

    kind: str
    since: str
    until: str | None


class CoverSets(Repository):
    """Reads and writes of both cover sets."""

    def current(self, kind: TagKind) -> list[str]:
        """Keys of the current members of a cover set, in key order."""
        return [r["key"] for r in self._db.read(Stmt.CURRENT_COVER, kind=kind.value)]

    def history(self, kind: TagKind) -> list[CoverInterval]:
        """Every membership interval of a cover set, by key and day."""
        return cast(list[CoverInterval], self._db.read(Stmt.COVER_HISTORY, kind=kind.value))

    def membership(self, key: str) -> list[CoverMembership]:
        """Every cover-set membership interval of one tag, by kind and day."""
        return cast(list[CoverMembership], self._db.read(Stmt.TAG_COVER_MEMBERSHIP, key=v.check_tag_key(key)))

    def latest_day(self, kind: TagKind) -> str | None:
        """The latest day the cover set changed (a member joined or left), or None when it never had one."""
        days = [d for row in self._db.read(Stmt.COVER_LATEST_DAY, kind=kind.value) for d in row.values() if d]
        return max(days) if days else None

    def set(self, kind: TagKind, day: str, keys: Sequence[str]) -> tuple[int, int]:
        """Makes ``keys`` the current members of a cover set as of ``day``; returns (added, removed).

        Members that leave get ``until = day``; new members get an IN_COVER edge with ``since = day``.
        Rerunning the latest day with the same keys changes nothing. Days only move forward: a day
        before the cover set's latest change raises InvalidInput (it would rewrite history).
        """
        day = v.check_day(day)
        keys = sorted({v.check_tag_key(k) for k in keys})
        latest = self.latest_day(kind)
        if latest is not None and day < latest:
            raise InvalidInput(f"the {kind.value} cover set already changed on {latest}; {day} is earlier")
        self._db.write(Stmt.ENSURE_COVER_SET, kind=kind.value)
        removed = int(self._db.write(Stmt.CLOSE_COVER_MEMBERSHIP, kind=kind.value, keys=keys, day=day)[0]["n"])
        added = self._db.write_each(Stmt.OPEN_COVER_MEMBERSHIP, "keys", keys, kind=kind.value, day=day)
        return added, removed

    def snapshot(self, snap: CoverSnapshotRecord) -> None:
        """Writes the day's snapshot of a cover set (size, recall, members added and removed)."""
        self._db.write(
            Stmt.UPSERT_COVER_SNAPSHOT,
            kind=TagKind(snap.kind).value,
            day=v.check_day(snap.day),
            size=int(snap.size),
            recall=v.check_probability(snap.recall, "recall"),
            added=int(snap.added),
            removed=int(snap.removed),
        )
