"""The reads behind the recommender's export (`recsys.export`): nodes a keyset page at a time, and their
edges of one graph view a page of ids at a time, always in the same order, so the same graph exports
to the same bytes.

Rows are streamed in bulk, so they stay the dicts the database returns, typed by their columns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypedDict, cast

from rolegraph.graph.model import LogicKind, Source, TagKind
from rolegraph.graph.runner import Repository
from rolegraph.graph.statements import Stmt

_ITEM_TAGS = {TagKind.USER: Stmt.EXPORT_HAS_USER_TAG, TagKind.ITEM: Stmt.EXPORT_HAS_ITEM_TAG}
_LOGIC = {LogicKind.U2I: Stmt.EXPORT_U2I, LogicKind.I2U: Stmt.EXPORT_I2U}


class ExportItem(TypedDict):
    """An item: id and title."""

    id: str
    title: str | None


class ExportTag(TypedDict):
    """A tag and the vocabularies it belongs to."""

    key: str
    name: str | None
    is_user_tag: bool
    is_item_tag: bool


class Interaction(TypedDict):
    """A user–item event: timestamp and rating (None when unrated)."""

    user: str
    item: str
    ts: int
    rating: float | None


class ItemTagRow(TypedDict):
    """An item → tag edge: item ``src``, tag ``dst``, P(tag | item), rank and the run that wrote it."""

    src: str
    dst: str
    p: float | None
    rank: int | None
    run: str | None


class LogicRow(TypedDict):
    """A logic edge: source tag, target tag, weight, calibrated weight (None: not calibrated) and the run
    that wrote it."""

    src: str
    dst: str
    weight: float | None
    calibrated: float | None
    run: str | None


class ExportReads(Repository):
    """Paged reads of users, items, tags, interactions and one graph view's edges."""

    def item_pages(self) -> Iterator[list[ExportItem]]:
        """Items (id, title) a page at a time, in id order."""
        return cast(Iterator[list[ExportItem]], self._db.pages(Stmt.EXPORT_PAGE_ITEMS))

    def tags(self) -> Iterator[ExportTag]:
        """Every tag with its vocabularies, in key order."""
        return cast(Iterator[ExportTag], self._db.rows(Stmt.EXPORT_PAGE_TAGS, key="key"))

    def interactions(self, user_ids: Sequence[str]) -> Iterator[Interaction]:
        """The interactions of the given users, in (user, ts, item) order for users given in id order."""
        rows = self._db.read_each(Stmt.INTERACTIONS_OF_USERS, "ids", user_ids, self._db.page_size)
        return cast(Iterator[Interaction], rows)

    def item_tags(self, kind: TagKind, item_ids: Sequence[str], source: Source) -> list[ItemTagRow]:
        """The item → tag edges of one vocabulary and one graph view out of ``item_ids``, by item and tag."""
        rows = self._db.read(_ITEM_TAGS[kind], ids=list(item_ids), source=Source(source).value)
        return cast(list[ItemTagRow], rows)

    def logic(self, kind: LogicKind, tag_keys: Sequence[str], source: Source) -> Iterator[LogicRow]:
        """The ``kind`` edges of one graph view out of ``tag_keys``, by source and target in key order."""
        rows = self._db.read_each(_LOGIC[kind], "keys", tag_keys, self._db.page_size, source=Source(source).value)
        return cast(Iterator[LogicRow], rows)
