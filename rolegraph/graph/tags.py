"""Upkeep of the two tag vocabularies: reading one for canonicalization, the days tags were last seen,
the alias bookkeeping on item edges, and undoing a merge.

When canonicalization merges a new tag into an existing one, the item and logic edges go to the canonical
tag and remember the alias they came through (``via``); `unmerge_edges` moves them back (with the user
roles they carried), and `pin` keeps the tag apart from then on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rolegraph.graph import validate as v
from rolegraph.graph.model import TagKind
from rolegraph.graph.runner import Repository
from rolegraph.graph.statements import Stmt


@dataclass(frozen=True)
class VocabularyTag:
    """A tag of one vocabulary as the canonicalizer loads it: its stored embedding (None when it has
    none), the tag it is an alias of (None when canonical) with the merge's score, and whether it is
    pinned canonical."""

    key: str
    embedding: list[float] | None
    canonical: str | None
    score: float | None
    pinned: bool
    method: str = ""
    reason: str = ""


@dataclass(frozen=True)
class AliasUse:
    """An item → tag edge that reached the canonical ``tag`` through the alias ``via``."""

    item: str
    tag: str
    via: str


@dataclass(frozen=True)
class LogicAliasUse:
    """A logic edge ``src`` → ``dst`` whose target the LLM named as the alias ``via`` of ``dst``."""

    src: str
    dst: str
    via: str


@dataclass(frozen=True)
class Unmerged:
    """What undoing one merge moved back onto the alias: item edges, logic edges, user roles given to it
    (``roles_moved`` of them taken off the canonical tag, the rest shared with it)."""

    item_edges: int = 0
    logic_edges: int = 0
    roles: int = 0
    roles_moved: int = 0

    def __add__(self, other: Unmerged) -> Unmerged:
        return Unmerged(
            self.item_edges + other.item_edges,
            self.logic_edges + other.logic_edges,
            self.roles + other.roles,
            self.roles_moved + other.roles_moved,
        )


class TagMaintenance(Repository):
    """Reads and writes that keep the vocabularies in shape."""

    def vocabulary(self, kind: TagKind) -> Iterator[VocabularyTag]:
        """Every tag of one vocabulary, in key order."""
        for r in self._db.rows(Stmt.VOCABULARY_PAGE, key="key", kind=kind.value):
            yield VocabularyTag(
                r["key"],
                r["embedding"],
                r["canonical"],
                r["score"],
                bool(r["pinned"]),
                r["method"] or "",
                r["reason"] or "",
            )

    def last_seen(self, keys: Sequence[str]) -> dict[str, str | None]:
        """The day each of the given tags was last seen (None when never); keys naming no tag are left out."""
        return {r["key"]: r["last_seen"] for r in self._db.read_each(Stmt.GROW_TAGS_LAST_SEEN, "keys", keys)}

    def touch(self, keys: Sequence[str], day: str) -> None:
        """Records that the given tags were seen on ``day`` (a tag's last-seen day only moves forward)."""
        self._db.write_each(Stmt.TOUCH_TAGS, "keys", keys, day=day)

    def mark_alias_uses(self, uses: Iterable[AliasUse]) -> None:
        """Records on LLM item → tag edges the alias they reached their tag through."""
        self._db.write_rows(Stmt.MARK_ALIAS_EDGES, ({"item": u.item, "tag": u.tag, "via": u.via} for u in uses))

    def mark_logic_alias_uses(self, uses: Iterable[LogicAliasUse]) -> None:
        """Records on LLM logic edges the alias their target was reached through."""
        self._db.write_rows(Stmt.MARK_ALIAS_LOGIC, ({"src": u.src, "dst": u.dst, "via": u.via} for u in uses))

    def canonical_of(self, key: str) -> list[str]:
        """The keys of the tags that ``key`` is an alias of (none when it is canonical)."""
        rows = self._db.read(Stmt.TAG_CANONICAL, key=v.check_tag_key(key))
        return sorted({r["canonical"] for r in rows})

    def unmerge_edges(self, alias: str, canonical: str) -> Unmerged:
        """Moves what reached ``canonical`` through ``alias`` back onto ``alias``: the item edges, the logic
        edges (U2I and I2U) whose target the LLM named as the alias, then the user roles of the users whose
        items now carry the alias (see `unmerge_user_roles` in grow.cypher). Returns what moved."""
        items = int(self._db.write(Stmt.UNMERGE_ITEM_EDGES, alias=alias, canonical=canonical)[0]["n"])
        logic = int(self._db.write(Stmt.UNMERGE_LOGIC_EDGES, alias=alias, canonical=canonical)[0]["n"])
        roles = self._db.write(Stmt.UNMERGE_USER_ROLES, alias=alias, canonical=canonical)[0]
        return Unmerged(items, logic, int(roles["n"]), int(roles["moved"] or 0))

    def merge_counts(self) -> dict[str, int]:
        """{made, blocked, undone}: aliases in the graph, merges the words refused in all runs, merges undone."""
        row = self._db.read(Stmt.MERGE_COUNTS)[0]
        return {k: int(row[k] or 0) for k in ("made", "blocked", "undone")}

    def pin(self, key: str) -> None:
        """Marks a tag canonical for good, so later runs never merge it into another."""
        self._db.write(Stmt.PIN_TAG, key=v.check_tag_key(key))
