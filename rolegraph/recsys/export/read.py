"""Reads one graph view out of the store with paged queries into `GraphData` (index arrays)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rolegraph.graph.model import LogicKind, Source, TagKind, Weights
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.export.idmap import extend_map

#: id-map name → the list of ids it indexes
MAP_NAMES = ("user", "item", "user_tag", "item_tag")
Index = dict[str, dict[str, int]]  # id-map name → id → index
_TAG_MAP = {TagKind.USER: "user_tag", TagKind.ITEM: "item_tag"}
_LOGIC_ENDS = {LogicKind.U2I: (TagKind.USER, TagKind.ITEM), LogicKind.I2U: (TagKind.ITEM, TagKind.USER)}


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
    weights: str = Weights.CALIBRATED.value  # which weight the logic edges carry (`graph.model.Weights`)

    def size(self, name: str) -> int:
        """Number of indices in one id map."""
        return len(self.maps[name])


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


def read_graph(
    store: GraphStore,
    source: Source,
    previous: dict[str, list[str]] | None = None,
    weights: Weights = Weights.CALIBRATED,
) -> GraphData:
    """Reads users, items, tags, interactions and the ``source`` view's tag and logic edges; logic edges
    carry the LLM's weight or the calibrated one (``weights``; calibrated where calibration scored the edge).

    ``previous`` id maps (from an earlier export) keep their indices; ids new to the graph are appended
    in sorted order. Every read is keyset-paged (``store.page_size`` rows per query).
    """
    view = Source(source)
    users = {r["id"]: {k: v for k, v in r["props"].items() if k != "id"} for r in store.iter_users()}
    titles: dict[str, str] = {}
    item_pages: list[list[str]] = []
    for page in store.exports.item_pages():
        titles.update((r["id"], r["title"] or "") for r in page)
        item_pages.append([r["id"] for r in page])
    tags: dict[TagKind, list[str]] = {kind: [] for kind in TagKind}
    for tag in store.exports.tags():
        if tag["is_user_tag"]:
            tags[TagKind.USER].append(tag["key"])
        if tag["is_item_tag"]:
            tags[TagKind.ITEM].append(tag["key"])
    prev = previous or {}
    maps = {
        "user": extend_map(prev.get("user", []), users),
        "item": extend_map(prev.get("item", []), titles),
        "user_tag": extend_map(prev.get("user_tag", []), tags[TagKind.USER]),
        "item_tag": extend_map(prev.get("item_tag", []), tags[TagKind.ITEM]),
    }
    index = {name: {k: i for i, k in enumerate(ids)} for name, ids in maps.items()}
    runs: set[str] = set()

    inter: list[tuple[int, int, int, float]] = []
    for r in store.exports.interactions(sorted(users)):
        rating = float("nan") if r["rating"] is None else float(r["rating"])
        inter.append((index["user"][r["user"]], index["item"][r["item"]], int(r["ts"]), rating))

    item_edges = {kind: _item_tag_edges(store, kind, view, item_pages, index, runs) for kind in TagKind}
    logic = {
        kind: _logic_edges(store, kind, view, sorted(tags[_LOGIC_ENDS[kind][0]]), index, runs, Weights(weights))
        for kind in LogicKind
    }

    arr = np.asarray(inter, dtype=np.float64).reshape(-1, 4)
    return GraphData(
        source=view.value,
        maps=maps,
        present={
            "user": len(users),
            "item": len(titles),
            "user_tag": len(tags[TagKind.USER]),
            "item_tag": len(tags[TagKind.ITEM]),
        },
        user_attrs=users,
        item_titles=titles,
        inter_user=arr[:, 0].astype(np.int64),
        inter_item=arr[:, 1].astype(np.int64),
        inter_ts=np.asarray([e[2] for e in inter], dtype=np.int64),
        inter_rating=arr[:, 3].astype(np.float32),
        has_user_tag=item_edges[TagKind.USER],
        has_item_tag=item_edges[TagKind.ITEM],
        u2i=logic[LogicKind.U2I],
        i2u=logic[LogicKind.I2U],
        runs=sorted(r for r in runs if r),
        weights=Weights(weights).value,
    )


def _item_tag_edges(
    store: GraphStore, kind: TagKind, view: Source, item_pages: list[list[str]], index: Index, runs: set[str]
) -> Edges:
    """The view's item → tag edges of one vocabulary, a page of items at a time; adds their runs to ``runs``."""
    rows, items, tags = _EdgeRows(), index["item"], index[_TAG_MAP[kind]]
    for ids in item_pages:
        for e in store.exports.item_tags(kind, ids, view):
            rows.add(items[e["src"]], tags[e["dst"]], e["p"], e["rank"])
            runs.add(str(e["run"] or ""))
    return rows.freeze()


def _logic_edges(
    store: GraphStore, kind: LogicKind, view: Source, keys: list[str], index: Index, runs: set[str], weights: Weights
) -> Edges:
    """The view's ``kind`` edges out of ``keys`` with the chosen weight; adds their runs to ``runs``."""
    src_kind, dst_kind = _LOGIC_ENDS[kind]
    rows, sources, targets = _EdgeRows(), index[_TAG_MAP[src_kind]], index[_TAG_MAP[dst_kind]]
    for e in store.exports.logic(kind, keys, view):
        calibrated = e["calibrated"] if weights is Weights.CALIBRATED else None
        rows.add(sources[e["src"]], targets[e["dst"]], e["weight"] if calibrated is None else calibrated, 0)
        runs.add(str(e["run"] or ""))
    return rows.freeze()
