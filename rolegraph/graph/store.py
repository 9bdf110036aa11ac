"""The graph store: one typed API over either backend.

Writes are validated first (`graph.validate`), then sent in batches of ``batch_size`` rows through
``UNWIND $rows`` statements that MERGE on the data model's keys and SET properties, so every write is
idempotent. The reads (lookups, frontier, exploration hops, explanation paths, keyset-paged streaming,
content hash) live in `graph.reads.GraphReads`, which this class extends. What one part of the system
asks of the graph is a repository, an attribute of the store:

    store.journal       the growth run's journal (`graph.journal`)
    store.growth        the growth run's plan and per-item / per-tag status (`graph.growth`)
    store.tags          vocabularies, last-seen days, alias bookkeeping, unmerge (`graph.tags`)
    store.covers        cover sets: members, history, snapshots (`graph.covers`)
    store.distillation  the distilled models' training data and G*'s retirement (`graph.distillation`)
    store.exports       the recommender's export reads (`graph.exports`)
    store.roles         the recommender's role write-back (`graph.roles`)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rolegraph.graph import validate as v
from rolegraph.graph.backend import Backend
from rolegraph.graph.calibration import Calibration
from rolegraph.graph.covers import CoverSets
from rolegraph.graph.distillation import DistillationData
from rolegraph.graph.duplicates import last_per_key
from rolegraph.graph.exports import ExportReads
from rolegraph.graph.growth import GrowthPlan
from rolegraph.graph.handbooks import Handbooks
from rolegraph.graph.journal import RunJournal
from rolegraph.graph.model import (
    ITEM_SYSTEM_PROPERTIES,
    AliasEdge,
    InteractionRecord,
    ItemRecord,
    ItemTagEdge,
    LogicEdge,
    LogicKind,
    RoleEdge,
    RunRecord,
    Source,
    TagKind,
    TagRecord,
    UserRecord,
)
from rolegraph.graph.quarantine import Quarantine
from rolegraph.graph.reads import GraphReads
from rolegraph.graph.roles import RoleWriteBack
from rolegraph.graph.statements import Stmt
from rolegraph.graph.tags import TagMaintenance
from rolegraph.progress import Tick

Progress = Tick

_ITEM_RESERVED = ITEM_SYSTEM_PROPERTIES
_UPSERT_TAGS = {TagKind.USER: Stmt.UPSERT_USER_TAGS, TagKind.ITEM: Stmt.UPSERT_ITEM_TAGS}
_UPSERT_ITEM_TAG_EDGES = {TagKind.USER: Stmt.UPSERT_HAS_USER_TAG, TagKind.ITEM: Stmt.UPSERT_HAS_ITEM_TAG}
_UPSERT_LOGIC = {LogicKind.U2I: Stmt.UPSERT_U2I, LogicKind.I2U: Stmt.UPSERT_I2U}


def _edge_batches(
    by_src: dict[str, list[tuple[str, float, str]]], size: int
) -> Iterator[tuple[list[dict[str, Any]], int]]:
    """Source-grouped rows {src, dst, weight, rationale} in batches of about ``size`` edges (with count)."""
    batch: list[dict[str, Any]] = []
    count = 0
    for src, targets in by_src.items():
        for start in range(0, len(targets), size):
            part = targets[start : start + size]
            batch.append(
                {
                    "src": src,
                    "dst": [t[0] for t in part],
                    "weight": [t[1] for t in part],
                    "rationale": [t[2] for t in part],
                }
            )
            count += len(part)
            if count >= size:
                yield batch, count
                batch, count = [], 0
    if batch:
        yield batch, count


class GraphStore(GraphReads):
    """Typed reads and writes of the rolegraph data model. Build it with `graph.connect.open_store`."""

    def __init__(self, backend: Backend, *, batch_size: int = 5000, page_size: int = 10_000):
        super().__init__(backend, batch_size=batch_size, page_size=page_size)
        self.journal = RunJournal(self)
        self.growth = GrowthPlan(self)
        self.tags = TagMaintenance(self)
        self.covers = CoverSets(self)
        self.distillation = DistillationData(self)
        self.exports = ExportReads(self)
        self.roles = RoleWriteBack(self)
        self.calibration = Calibration(self)
        self.quarantine = Quarantine(self)
        self.handbooks = Handbooks(self)

    def clear(self) -> int:
        """Deletes every node and relationship, in batches; returns the number of nodes deleted."""
        return self.drain(Stmt.CLEAR_BATCH)

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- writes
    def upsert_items(self, items: Iterable[ItemRecord], progress: Progress | None = None) -> int:
        """Upserts items by id (an id given twice: the last wins, on either engine); returns the number of
        items written. Raises InvalidInput on a bad row."""
        rows = _last_per_id(
            {
                "id": v.check_id(i.id, "item id"),
                "title": v.check_text(i.title, "item title", 1000),
                "text": v.check_text(i.text, "item text"),
                "source": v.check_text(i.source, "item source", 64),
                "first_seen": i.first_seen,
                "attrs": v.check_properties(i.attrs, _ITEM_RESERVED),
            }
            for i in items
        )
        return self.write_rows(Stmt.UPSERT_ITEMS, rows, progress)

    def upsert_users(self, users: Iterable[UserRecord], progress: Progress | None = None) -> int:
        """Upserts users by id with their attributes (an id given twice: the last wins)."""
        rows = _last_per_id(
            {"id": v.check_id(u.id, "user id"), "attrs": v.check_properties(u.attrs, frozenset({"id"}))} for u in users
        )
        return self.write_rows(Stmt.UPSERT_USERS, rows, progress)

    def upsert_interactions(self, events: Iterable[InteractionRecord], progress: Progress | None = None) -> int:
        """Upserts INTERACTED edges keyed by (user, item, ts); items must exist (see `existing_item_ids`)."""
        rows = [
            {
                "user": v.check_id(e.user_id, "user id"),
                "item": v.check_id(e.item_id, "item id"),
                "ts": v.check_timestamp(e.ts),
                "rating": None if e.rating is None else v.check_number(e.rating, "rating"),
            }
            for e in events
        ]
        return self.write_rows(Stmt.UPSERT_INTERACTIONS, rows, progress)

    def existing_item_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` that are stored items."""
        return {r["id"] for r in self.read_each(Stmt.EXISTING_ITEM_IDS, "ids", ids)}

    def upsert_tags(self, kind: TagKind, tags: Iterable[TagRecord], progress: Progress | None = None) -> int:
        """Upserts tags by key into one vocabulary (adds :UserTag or :ItemTag)."""
        rows = [
            {
                "key": v.check_tag_key(t.key),
                "name": v.check_text(t.name, "tag name", v.MAX_TAG_CHARS) or t.key,
                "day": None if t.day is None else v.check_day(t.day),
                "embedding": None if t.embedding is None else [v.check_number(x, "embedding") for x in t.embedding],
            }
            for t in tags
        ]
        return self.write_rows(_UPSERT_TAGS[kind], rows, progress)

    def upsert_item_tag_edges(
        self, kind: TagKind, edges: Iterable[ItemTagEdge], progress: Progress | None = None
    ) -> int:
        """Upserts HAS_USER_TAG (roles) or HAS_ITEM_TAG (topics) edges; item and tag must exist."""
        rows = [
            {
                "item": v.check_id(e.item_id, "item id"),
                "tag": v.check_tag_key(e.tag_key),
                "p": v.check_probability(e.p, "p"),
                "rank": int(e.rank),
                "source": Source(e.source).value,
                "run": e.run,
            }
            for e in edges
        ]
        return self.write_rows(_UPSERT_ITEM_TAG_EDGES[kind], rows, progress)

    def refresh_tag_item_counts(self, keys: Iterable[str]) -> None:
        """Recomputes ``item_count`` on the given tags."""
        self.write_each(Stmt.REFRESH_TAG_ITEM_COUNTS, "keys", keys)

    def upsert_logic(self, kind: LogicKind, edges: Iterable[LogicEdge], progress: Progress | None = None) -> int:
        """Upserts U2I or I2U edges keyed by (source tag, target tag, source); returns edges written.

        Both tags must already be in their vocabularies (U2I: role → topic, I2U: topic → role); an edge
        naming another key writes nothing. Edges are sent grouped by provenance and by source tag, about
        ``batch_size`` edges per transaction.
        """
        # provenance → source tag → [(target, weight, rationale)]
        grouped: dict[tuple[str, str, str, str], dict[str, list[tuple[str, float, str]]]] = {}
        keys: dict[str, str] = {}  # each distinct tag key is checked once: edges repeat their tags
        sources: dict[object, str] = {}  # and each distinct source value converted once
        for e in edges:
            source = sources.get(e.source) or sources.setdefault(e.source, Source(e.source).value)
            by_src = grouped.get((source, e.run, e.model, e.prompt_version))
            if by_src is None:
                by_src = grouped.setdefault((source, e.run, e.model, e.prompt_version), {})
            src = keys.get(e.source_key) or keys.setdefault(e.source_key, v.check_tag_key(e.source_key))
            dst = keys.get(e.target_key) or keys.setdefault(e.target_key, v.check_tag_key(e.target_key))
            rationale = v.check_text(e.rationale, "rationale", 2000)
            by_src.setdefault(src, []).append((dst, v.check_probability(e.weight, "weight"), rationale))
        batches: list[dict[str, Any]] = []
        sizes: list[int] = []
        for (source, run, model, prompt_version), by_src in grouped.items():
            for batch, size in _edge_batches(by_src, self.batch_size):
                batches.append(
                    {"rows": batch, "source": source, "run": run, "model": model, "prompt_version": prompt_version}
                )
                sizes.append(size)
        return self.write_batches(_UPSERT_LOGIC[kind], batches, sizes, progress)

    def upsert_aliases(self, kind: TagKind, aliases: Iterable[AliasEdge]) -> int:
        """Upserts ALIAS_OF edges alias → canonical, merges made in one vocabulary (roles or topics)."""
        rows = [
            {
                "alias": v.check_tag_key(a.alias_key),
                "canonical": v.check_tag_key(a.canonical_key),
                "score": v.check_number(a.score, "score"),
                "method": a.method,
                "reason": a.reason,
                "run": a.run,
            }
            for a in aliases
        ]
        return self.write_each(Stmt.UPSERT_ALIASES, "rows", rows, None, kind=TagKind(kind).value)

    def remove_alias(self, alias_key: str) -> int:
        """Removes the ALIAS_OF edges out of ``alias_key``; returns how many were removed."""
        return int(self.write(Stmt.DELETE_ALIAS, alias=v.check_tag_key(alias_key))[0]["n"])

    def upsert_roles(self, roles: Iterable[RoleEdge], progress: Progress | None = None) -> int:
        """Upserts HAS_ROLE edges keyed by (user, tag, set)."""
        rows = [
            {
                "user": v.check_id(r.user_id, "user id"),
                "tag": v.check_tag_key(r.tag_key),
                "p": v.check_probability(r.p, "p"),
                "rank": int(r.rank),
                "set": r.set,
                "run": r.run,
            }
            for r in roles
        ]
        return self.write_rows(Stmt.UPSERT_HAS_ROLE, rows, progress)

    def upsert_run(self, run: RunRecord) -> None:
        """Writes a run and its counts (all fields SET)."""
        counts = v.check_properties(run.counts, frozenset({"id", "kind", "day", "model", "prompt_version", "status"}))
        self.write(
            Stmt.UPSERT_RUN,
            id=v.check_id(run.id, "run id"),
            kind=run.kind,
            day=run.day,
            model=run.model,
            prompt_version=run.prompt_version,
            status=run.status,
            started_at=run.started_at,
            finished_at=run.finished_at,
            counts=counts,
        )


def _last_per_id(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with one per ``id``, the last given, in the order of first appearance (`graph.duplicates`, the
    file loaders' rule too). Within one UNWIND batch the engines disagree on which of two rows with a key
    wins, so a batch never holds two."""
    return last_per_key([(row["id"], row) for row in rows]).kept
