"""Reads of the data model: lookups, the frontier, exploration hops, explanation paths, counts, and
keyset-paged streaming reads with a content hash. `graph.store.GraphStore` adds the writes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from rolegraph.graph import validate as v
from rolegraph.graph.backend import Backend, Row, deadline
from rolegraph.graph.model import LogicKind, Source, TagKind
from rolegraph.graph.queries import statement

_FRONTIER = {TagKind.USER: "frontier_user_tags", TagKind.ITEM: "frontier_item_tags"}
_HOP = {LogicKind.U2I: "explore_u2i", LogicKind.I2U: "explore_i2u"}


@dataclass(frozen=True)
class Stats:
    """Node counts per label and relationship counts per type."""

    nodes: dict[str, int]
    relationships: dict[str, int]


_RUN_IDENTITY = frozenset({"id", "kind", "day", "model", "prompt_version", "status"})


class GraphReads:
    """The read half of the store (every statement runs read-only)."""

    backend: Backend
    page_size: int

    def read(self, name: str, **params: Any) -> list[Row]:
        """Runs the named statement read-only."""
        return self.backend.run(statement(name), params, write=False)

    def ping(self) -> bool:
        """True when the database answers."""
        return self.read("ping")[0]["ok"] == 1

    def item(self, item_id: str) -> Row | None:
        """One item's properties, or None."""
        rows = self.read("item_by_id", id=v.check_id(item_id, "item id"))
        return rows[0] if rows else None

    def tag(self, key: str) -> Row | None:
        """One tag (key, name, vocabularies, dates, item_count), or None."""
        rows = self.read("tag_by_key", key=v.check_tag_key(key))
        return rows[0] if rows else None

    def frontier(self, kind: TagKind, limit: int | None = None) -> Iterator[Row]:
        """Tags of one vocabulary that are not yet the source of an LLM logic edge, in key order."""
        for page in self.pages(_FRONTIER[kind], key="key", limit=limit):
            yield from page

    def neighbourhood(self, key: str, source: Source = Source.LLM) -> dict[str, list[Row]]:
        """A tag's outgoing and incoming logic edges with provenance: {"out": [...], "in": [...]}."""
        key = v.check_tag_key(key)
        return {
            "out": self.read("tag_out_logic", key=key, source=Source(source).value),
            "in": self.read("tag_in_logic", key=key, source=Source(source).value),
        }

    def logic_hop(self, kind: LogicKind, seeds: Sequence[str], source: Source) -> list[tuple[str, str, float]]:
        """The U2I or I2U edges out of ``seeds`` in one graph view, as (source, target, weight)."""
        rows = self.read(_HOP[kind], seeds=list(seeds), source=Source(source).value)
        return [(r["src"], r["dst"], float(r["weight"])) for r in rows]

    def explain_paths(self, user_id: str, item_id: str, source: Source) -> dict[str, list[Row]]:
        """The three path shapes from user to item (direct, via topic, via topic and new role)."""
        user, item = v.check_id(user_id, "user id"), v.check_id(item_id, "item id")
        src = Source(source).value
        return {
            "direct": self.read("explain_direct", user=user, item=item),
            "via_topic": self.read("explain_via_topic", user=user, item=item, source=src),
            "via_topic_role": self.read("explain_via_topic_role", user=user, item=item, source=src),
        }

    def user_roles(self, user_id: str, role_set: str = "T0") -> list[Row]:
        """A user's roles of one set (T0 or T1) by rank."""
        return self.read("user_roles", user=v.check_id(user_id, "user id"), set=role_set)

    def current_cover(self, kind: TagKind) -> list[str]:
        """Keys of the current members of a cover set."""
        return [r["key"] for r in self.read("current_cover", kind=kind.value)]

    def cover_history(self, kind: TagKind) -> list[Row]:
        """Every membership interval (key, since, until) of a cover set."""
        return self.read("cover_history", kind=kind.value)

    def user(self, user_id: str) -> Row | None:
        """One user as {id, interactions}, or None."""
        rows = self.read("user_by_id", id=v.check_id(user_id, "user id"))
        return rows[0] if rows else None

    def item_roles(self, item_id: str) -> list[Row]:
        """The roles an item serves, every source: rows {role, role_name, item_p, item_source, item_run}."""
        return self.read("item_roles", item=v.check_id(item_id, "item id"))

    def item_topic_roles(self, item_id: str, source: Source) -> list[Row]:
        """The roles that want one of the item's topics in one graph view, with the U2I provenance."""
        return self.read("item_topic_roles", item=v.check_id(item_id, "item id"), source=Source(source).value)

    def item_tags(self, item_id: str) -> list[Row]:
        """An item's role and topic edges: rows {type, key, name, p, rank, source, run}."""
        return self.read("item_tags", item=v.check_id(item_id, "item id"))

    def tag_cover_membership(self, key: str) -> list[Row]:
        """Every cover-set membership interval of a tag: rows {kind, since, until}."""
        return self.read("tag_cover_membership", key=v.check_tag_key(key))

    def tag_aliases(self, key: str) -> dict[str, list[Row]]:
        """{"aliases": tags merged into this one, "canonical": the tag this one is an alias of}."""
        key = v.check_tag_key(key)
        return {"aliases": self.read("tag_aliases", key=key), "canonical": self.read("tag_canonical", key=key)}

    def tag_names(self, keys: Sequence[str]) -> dict[str, str]:
        """Display names of the given tag keys (keys that are not stored are left out)."""
        return {r["key"]: r["name"] for r in self.read("tag_names", keys=list(keys))}

    def tag_count(self) -> int:
        """How many tags are stored."""
        return int(self.read("tag_count")[0]["n"])

    def stats(self) -> Stats:
        """Node counts per label and relationship counts per type."""
        nodes = {r["label"]: int(r["n"]) for r in self.read("count_nodes_by_label")}
        rels = {r["type"]: int(r["n"]) for r in self.read("count_rels_by_type")}
        return Stats(nodes, rels)

    # ----------------------------------------------------------------- streaming reads
    def pages(
        self, name: str, key: str = "id", limit: int | None = None, each_within: float | None = None
    ) -> Iterator[list[Row]]:
        """Pages of a keyset-paged statement (``after``/``limit`` parameters), in key order; at most
        ``limit`` rows in all when given. With ``each_within``, every page's statement must finish within
        that many seconds (a `deadline` of its own, for long loads outside a request)."""
        after, left = "", limit
        while left is None or left > 0:
            size = self.page_size if left is None else min(self.page_size, left)
            with deadline(each_within) if each_within is not None else nullcontext():
                page = self.read(name, after=after, limit=size)
            if page:
                yield page
            if len(page) < size:
                return
            after = page[-1][key]
            left = None if left is None else left - len(page)

    def iter_items(self) -> Iterator[Row]:
        """Every item as {id, props}, in id order."""
        for page in self.pages("page_items"):
            yield from page

    def iter_users(self) -> Iterator[Row]:
        """Every user as {id, props}, in id order."""
        for page in self.pages("page_users"):
            yield from page

    def iter_tags(self) -> Iterator[Row]:
        """Every tag as {key, is_user_tag, is_item_tag, props}, in key order."""
        for page in self.pages("page_tags", key="key"):
            yield from page

    def iter_interactions(self) -> Iterator[Row]:
        """Every interaction as {user, item, ts, rating}, in (user, ts, item) order."""
        for page in self.pages("page_users"):
            yield from self.read("interactions_of_users", ids=[r["id"] for r in page])

    def iter_edge_pages(self) -> Iterator[list[Row]]:
        """Every relationship as {src, type, dst, props}, a page of source nodes at a time."""
        for page in self.pages("page_users"):
            yield self.read("user_out_edges", ids=[r["id"] for r in page])
        for page in self.pages("page_items"):
            yield self.read("item_out_edges", ids=[r["id"] for r in page])
        for page in self.pages("page_tags", key="key"):
            yield self.read("tag_out_edges", keys=[r["key"] for r in page])

    def content_hash(self) -> str:
        """sha256-based hash of every node and relationship with its properties.

        Runs count by their identity (id, kind, day, model, prompt versions, status), not by their timings and
        counters, so a run resumed after a crash hashes like an uninterrupted one.

        Each row is hashed on its own and the digests are added modulo 2^256, so the result does not
        depend on storage order, parallel-edge order or page size.
        """
        total = 0

        def feed(kind: str, rows: Iterable[Row]) -> None:
            nonlocal total
            for row in rows:
                if kind == "run":  # what a run did, not how long it took or how often it was resumed
                    row = {**row, "props": {k: v for k, v in row["props"].items() if k in _RUN_IDENTITY}}
                line = f"{kind}\t{json.dumps(row, sort_keys=True, default=str)}".encode()
                total = (total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % 2**256

        for kind, name, key in (
            ("item", "page_items", "id"),
            ("user", "page_users", "id"),
            ("tag", "page_tags", "key"),
            ("run", "page_runs", "id"),
        ):
            for page in self.pages(name, key=key):
                feed(kind, page)
        feed("cover", self.read("cover_sets"))
        feed("snapshot", self.read("cover_snapshots"))
        for page in self.iter_edge_pages():
            feed("edge", page)
        return f"{total:064x}"
