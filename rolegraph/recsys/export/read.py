"""Reads one graph view out of the store with paged queries into `GraphData` (index arrays)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rolegraph.graph.backend import Row
from rolegraph.graph.model import Source
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.export.idmap import extend_map

#: id-map name → the list of ids it indexes
MAP_NAMES = ("user", "item", "user_tag", "item_tag")


@dataclass(frozen=True)
class Edges:
    """Weighted edges between two index spaces, in export order."""

    src: np.ndarray  # [E] int64
    dst: np.ndarray  # [E] int64
    weight: np.ndarray  # [E] float32 (p for item→tag edges, P(·|·) for logic edges)
    rank: np.ndarray  # [E] int64 (0 where the edge has no rank)

    def __len__(self) -> int:
        return int(self.src.size)


@dataclass(frozen=True)
class GraphData:
    """One view of the graph (G* = ``distilled``, G = ``llm``) as index arrays over stable id maps."""

    source: str
    maps: dict[str, list[str]]  # MAP_NAMES → ids in index order (may hold ids no longer in the graph)
    present: dict[str, int]  # MAP_NAMES → how many of them the graph holds now
    user_attrs: dict[str, dict[str, Any]]
    item_titles: dict[str, str]
    inter_user: np.ndarray  # [E] int64, rows in (user id, ts, item id) order
    inter_item: np.ndarray  # [E] int64
    inter_ts: np.ndarray  # [E] int64
    inter_rating: np.ndarray  # [E] float32, NaN when unrated
    has_user_tag: Edges
    has_item_tag: Edges
    u2i: Edges
    i2u: Edges
    runs: list[str] = field(default_factory=list)

    def size(self, name: str) -> int:
        """Number of indices in one id map."""
        return len(self.maps[name])


def _rows(store: GraphStore, name: str, key: str) -> Iterator[list[Row]]:
    yield from store.pages(name, key=key)


@dataclass
class _EdgeRows:
    src: list[int] = field(default_factory=list)
    dst: list[int] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    rank: list[int] = field(default_factory=list)

    def add(self, s: int, d: int, w: Any, r: Any) -> None:
        self.src.append(s)
        self.dst.append(d)
        self.weight.append(float(w) if w is not None else 0.0)
        self.rank.append(int(r) if isinstance(r, int | float) else 0)

    def freeze(self) -> Edges:
        return Edges(
            np.asarray(self.src, dtype=np.int64),
            np.asarray(self.dst, dtype=np.int64),
            np.asarray(self.weight, dtype=np.float32),
            np.asarray(self.rank, dtype=np.int64),
        )


def read_graph(store: GraphStore, source: Source, previous: dict[str, list[str]] | None = None) -> GraphData:
    """Reads users, items, tags, interactions and the ``source`` view's tag and logic edges.

    ``previous`` id maps (from an earlier export) keep their indices; ids new to the graph are appended
    in sorted order. Every read is keyset-paged (``store.page_size`` rows per query).
    """
    src = Source(source).value
    users: dict[str, dict[str, Any]] = {}
    for page in _rows(store, "page_users", "id"):
        for r in page:
            users[r["id"]] = {k: v for k, v in r["props"].items() if k != "id"}
    titles: dict[str, str] = {}
    item_pages: list[list[str]] = []
    for page in _rows(store, "export_page_items", "id"):
        titles.update((r["id"], r["title"] or "") for r in page)
        item_pages.append([r["id"] for r in page])
    user_tags: list[str] = []
    item_tags: list[str] = []
    for page in _rows(store, "export_page_tags", "key"):
        user_tags += [r["key"] for r in page if r["is_user_tag"]]
        item_tags += [r["key"] for r in page if r["is_item_tag"]]
    prev = previous or {}
    maps = {
        "user": extend_map(prev.get("user", []), users),
        "item": extend_map(prev.get("item", []), titles),
        "user_tag": extend_map(prev.get("user_tag", []), user_tags),
        "item_tag": extend_map(prev.get("item_tag", []), item_tags),
    }
    index = {name: {k: i for i, k in enumerate(ids)} for name, ids in maps.items()}
    runs: set[str] = set()

    inter: list[tuple[int, int, int, float]] = []
    user_ids = sorted(users)
    for start in range(0, len(user_ids), store.page_size):
        for r in store.read("interactions_of_users", ids=user_ids[start : start + store.page_size]):
            rating = float("nan") if r["rating"] is None else float(r["rating"])
            inter.append((index["user"][r["user"]], index["item"][r["item"]], int(r["ts"]), rating))

    item_edges = {"has_user_tag": _EdgeRows(), "has_item_tag": _EdgeRows()}
    for ids in item_pages:
        for name, tag_map in (("has_user_tag", "user_tag"), ("has_item_tag", "item_tag")):
            for r in store.read(f"export_{name}", ids=ids, source=src):
                item_edges[name].add(index["item"][r["src"]], index[tag_map][r["dst"]], r["p"], r["rank"])
                runs.add(str(r["run"] or ""))
    logic = {"u2i": _EdgeRows(), "i2u": _EdgeRows()}
    for name, keys, src_map, dst_map in (
        ("u2i", sorted(user_tags), "user_tag", "item_tag"),
        ("i2u", sorted(item_tags), "item_tag", "user_tag"),
    ):
        for start in range(0, len(keys), store.page_size):
            for r in store.read(f"export_{name}", keys=keys[start : start + store.page_size], source=src):
                logic[name].add(index[src_map][r["src"]], index[dst_map][r["dst"]], r["weight"], 0)
                runs.add(str(r["run"] or ""))

    arr = np.asarray(inter, dtype=np.float64).reshape(-1, 4)
    return GraphData(
        source=src,
        maps=maps,
        present={"user": len(users), "item": len(titles), "user_tag": len(user_tags), "item_tag": len(item_tags)},
        user_attrs=users,
        item_titles=titles,
        inter_user=arr[:, 0].astype(np.int64),
        inter_item=arr[:, 1].astype(np.int64),
        inter_ts=np.asarray([e[2] for e in inter], dtype=np.int64),
        inter_rating=arr[:, 3].astype(np.float32),
        has_user_tag=item_edges["has_user_tag"].freeze(),
        has_item_tag=item_edges["has_item_tag"].freeze(),
        u2i=logic["u2i"].freeze(),
        i2u=logic["i2u"].freeze(),
        runs=sorted(r for r in runs if r),
    )
