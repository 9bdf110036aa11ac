"""Reads of the data model: lookups, the frontier, exploration hops, explanation paths, counts, and
keyset-paged streaming reads with a content hash. `graph.store.GraphStore` adds the writes and the
repositories of the growth run, the cover sets and the export."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from rolegraph.graph import validate as v
from rolegraph.graph.backend import Row
from rolegraph.graph.model import LogicKind, RelType, RunRecord, Source, TagKind
from rolegraph.graph.runner import StatementRunner
from rolegraph.graph.statements import Stmt

_FRONTIER = {TagKind.USER: Stmt.FRONTIER_USER_TAGS, TagKind.ITEM: Stmt.FRONTIER_ITEM_TAGS}
_HOP = {LogicKind.U2I: Stmt.EXPLORE_U2I, LogicKind.I2U: Stmt.EXPLORE_I2U}
_REL_COUNTS = {
    RelType.HAS_USER_TAG: Stmt.COUNT_HAS_USER_TAG,
    RelType.HAS_ITEM_TAG: Stmt.COUNT_HAS_ITEM_TAG,
    RelType.U2I: Stmt.COUNT_U2I,
    RelType.I2U: Stmt.COUNT_I2U,
    RelType.IN_COVER: Stmt.COUNT_IN_COVER,
    RelType.ALIAS_OF: Stmt.COUNT_ALIAS_OF,
    RelType.INTERACTED: Stmt.COUNT_INTERACTED,
    RelType.HAS_ROLE: Stmt.COUNT_HAS_ROLE,
}


@dataclass(frozen=True)
class Stats:
    """Node counts per label and relationship counts per type."""

    nodes: dict[str, int]
    relationships: dict[str, int]


class NodeRow(TypedDict):
    """An item or a user as the streaming reads return it."""

    id: str
    props: dict[str, Any]


_RUN_IDENTITY = frozenset({"id", "kind", "day", "model", "prompt_version", "status"})
_RUN_FIELDS = ("kind", "day", "model", "prompt_version", "status", "started_at", "finished_at")


class GraphReads(StatementRunner):
    """The read half of the store (every statement runs read-only)."""

    def ping(self) -> bool:
        """True when the database answers."""
        return self.read(Stmt.PING)[0]["ok"] == 1

    def item(self, item_id: str) -> Row | None:
        """One item's properties, or None."""
        rows = self.read(Stmt.ITEM_BY_ID, id=v.check_id(item_id, "item id"))
        return rows[0] if rows else None

    def tag(self, key: str) -> Row | None:
        """One tag (key, name, vocabularies, dates, item_count), or None."""
        rows = self.read(Stmt.TAG_BY_KEY, key=v.check_tag_key(key))
        return rows[0] if rows else None

    def frontier(self, kind: TagKind, limit: int | None = None) -> Iterator[Row]:
        """Tags of one vocabulary that are not yet the source of an LLM logic edge, in key order."""
        for page in self.pages(_FRONTIER[kind], key="key", limit=limit):
            yield from page

    def neighbourhood(self, key: str, source: Source = Source.LLM) -> dict[str, list[Row]]:
        """A tag's outgoing and incoming logic edges with provenance: {"out": [...], "in": [...]}."""
        key = v.check_tag_key(key)
        return {
            "out": self.read(Stmt.TAG_OUT_LOGIC, key=key, source=Source(source).value),
            "in": self.read(Stmt.TAG_IN_LOGIC, key=key, source=Source(source).value),
        }

    def logic_hop(self, kind: LogicKind, seeds: Sequence[str], source: Source) -> list[tuple[str, str, float]]:
        """The U2I or I2U edges out of ``seeds`` in one graph view, as (source, target, weight)."""
        rows = self.read(_HOP[kind], seeds=list(dict.fromkeys(seeds)), source=Source(source).value)
        return [(r["src"], dst, float(w)) for r in rows for dst, w in zip(r["dst"], r["weight"], strict=True)]

    def explain_paths(self, user_id: str, item_id: str, source: Source) -> dict[str, list[Row]]:
        """The three path shapes from user to item (direct, via topic, via topic and new role)."""
        user, item = v.check_id(user_id, "user id"), v.check_id(item_id, "item id")
        src = Source(source).value
        return {
            "direct": self.read(Stmt.EXPLAIN_DIRECT, user=user, item=item),
            "via_topic": self.read(Stmt.EXPLAIN_VIA_TOPIC, user=user, item=item, source=src),
            "via_topic_role": self.read(Stmt.EXPLAIN_VIA_TOPIC_ROLE, user=user, item=item, source=src),
        }

    def user_roles(self, user_id: str, role_set: str = "T0") -> list[Row]:
        """A user's roles of one set (T0 or T1) by rank."""
        return self.read(Stmt.USER_ROLES, user=v.check_id(user_id, "user id"), set=role_set)

    def run(self, run_id: str) -> RunRecord | None:
        """One run (what it was, its status, timings and counts), or None."""
        rows = self.read(Stmt.RUN_BY_ID, id=v.check_id(run_id, "run id"))
        if not rows:
            return None
        props = dict(rows[0]["props"])
        kind, day, model, prompt_version, status, started_at, finished_at = (
            str(props.pop(f, None) or "") for f in _RUN_FIELDS
        )
        counts = {k: n for k, n in props.items() if k != "id" and isinstance(n, int | float)}
        return RunRecord(run_id, kind, day, model, prompt_version, status, started_at, finished_at, counts)

    def user(self, user_id: str) -> Row | None:
        """One user as {id, interactions}, or None."""
        rows = self.read(Stmt.USER_BY_ID, id=v.check_id(user_id, "user id"))
        return rows[0] if rows else None

    def item_roles(self, item_id: str) -> list[Row]:
        """The roles an item serves, every source: rows {role, role_name, item_p, item_source, item_run}."""
        return self.read(Stmt.ITEM_ROLES, item=v.check_id(item_id, "item id"))

    def item_topic_roles(self, item_id: str, source: Source) -> list[Row]:
        """The roles that want one of the item's topics in one graph view, with the U2I provenance."""
        return self.read(Stmt.ITEM_TOPIC_ROLES, item=v.check_id(item_id, "item id"), source=Source(source).value)

    def item_tags(self, item_id: str) -> list[Row]:
        """An item's role and topic edges: rows {type, key, name, p, rank, source, run}."""
        return self.read(Stmt.ITEM_TAGS, item=v.check_id(item_id, "item id"))

    def tag_aliases(self, key: str) -> dict[str, list[Row]]:
        """{"aliases": tags merged into this one, "canonical": the tag this one is an alias of}."""
        key = v.check_tag_key(key)
        return {"aliases": self.read(Stmt.TAG_ALIASES, key=key), "canonical": self.read(Stmt.TAG_CANONICAL, key=key)}

    def tag_names(self, keys: Sequence[str]) -> dict[str, str]:
        """Display names of the given tag keys (keys that are not stored are left out)."""
        return {r["key"]: r["name"] for r in self.read(Stmt.TAG_NAMES, keys=list(keys))}

    def tag_count(self) -> int:
        """How many tags are stored."""
        return int(self.read(Stmt.TAG_COUNT)[0]["n"])

    def stats(self) -> Stats:
        """Node counts per label and relationship counts per type."""
        nodes = {r["label"]: int(r["n"]) for r in self.read(Stmt.COUNT_NODES_BY_LABEL)}
        counts = {t.value: int(self.read(name)[0]["n"]) for t, name in _REL_COUNTS.items()}
        return Stats(nodes, {t: n for t, n in sorted(counts.items()) if n})

    # ----------------------------------------------------------------- streaming reads
    def iter_items(self) -> Iterator[NodeRow]:
        """Every item as {id, props}, in id order."""
        return cast(Iterator[NodeRow], self.rows(Stmt.PAGE_ITEMS))

    def iter_users(self) -> Iterator[NodeRow]:
        """Every user as {id, props}, in id order."""
        return cast(Iterator[NodeRow], self.rows(Stmt.PAGE_USERS))

    def iter_tags(self) -> Iterator[Row]:
        """Every tag as {key, is_user_tag, is_item_tag, props}, in key order."""
        return self.rows(Stmt.PAGE_TAGS, key="key")

    def iter_interactions(self) -> Iterator[Row]:
        """Every interaction as {user, item, ts, rating}, in (user, ts, item) order."""
        for page in self.pages(Stmt.PAGE_USERS):
            yield from self.read(Stmt.INTERACTIONS_OF_USERS, ids=[r["id"] for r in page])

    def iter_edge_pages(self) -> Iterator[list[Row]]:
        """Every relationship as {src, type, dst, props}, a page of source nodes at a time."""
        for page in self.pages(Stmt.PAGE_USERS):
            yield self.read(Stmt.USER_OUT_EDGES, ids=[r["id"] for r in page])
        for page in self.pages(Stmt.PAGE_ITEMS):
            yield self.read(Stmt.ITEM_OUT_EDGES, ids=[r["id"] for r in page])
        for page in self.pages(Stmt.PAGE_TAGS, key="key"):
            yield self.read(Stmt.TAG_OUT_EDGES, keys=[r["key"] for r in page])

    def content_hash(self) -> str:
        """sha256-based hash of every node and relationship with its properties.

        Runs count by their identity (id, kind, day, model, prompt versions, status), not by their timings and
        counters, so a run resumed after a crash hashes like an uninterrupted one.

        Each row is hashed on its own and the digests are added modulo 2^256, so the result does not
        depend on storage order, parallel-edge order or page size. Floats count to 15 significant digits,
        the precision FalkorDB's replies carry, so the same graph hashes alike on both engines.
        """
        total = 0

        def feed(kind: str, rows: Iterable[Row]) -> None:
            nonlocal total
            for row in rows:
                if kind == "run":  # what a run did, not how long it took or how often it was resumed
                    row = {**row, "props": {k: v for k, v in row["props"].items() if k in _RUN_IDENTITY}}
                line = f"{kind}\t{json.dumps(_fifteen_digits(row), sort_keys=True, default=str)}".encode()
                total = (total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % 2**256

        for kind, name, key in (
            ("item", Stmt.PAGE_ITEMS, "id"),
            ("user", Stmt.PAGE_USERS, "id"),
            ("tag", Stmt.PAGE_TAGS, "key"),
            ("run", Stmt.PAGE_RUNS, "id"),
        ):
            for page in self.pages(name, key=key):
                feed(kind, page)
        feed("cover", self.read(Stmt.COVER_SETS))
        feed("snapshot", self.read(Stmt.COVER_SNAPSHOTS))
        for page in self.iter_edge_pages():
            feed("edge", page)
        return f"{total:064x}"


def _fifteen_digits(value: Any) -> Any:
    """``value`` with every float rounded to 15 significant digits (FalkorDB replies with no more; Neo4j's
    carry 17)."""
    if isinstance(value, float):
        return float(f"{value:.15g}")
    if isinstance(value, dict):
        return {k: _fifteen_digits(x) for k, x in value.items()}
    if isinstance(value, list):
        return [_fifteen_digits(x) for x in value]
    return value
