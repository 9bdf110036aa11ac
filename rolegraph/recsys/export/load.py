"""Reads an export folder back into a `GraphData`, without the graph store (a training machine that has only
the export: `dataset.build` needs nothing else).

Every file the manifest lists is checked against its sha256 first. The ids come from ``maps/``, the
interactions and edges from ``hetero.pt`` (loaded with ``weights_only`` and PyG's storage classes allowed),
the view, weights, runs and node counts from the manifest. Item titles and user attributes are not read
(they are only in the RecBole files, as text); the logic edges carry rank 0, as `read_graph` gives them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch_geometric.data import HeteroData
from torch_geometric.data.storage import BaseStorage, EdgeStorage, GlobalStorage, NodeStorage

from rolegraph.errors import InvalidInput
from rolegraph.recsys.export.files import FORMAT
from rolegraph.recsys.export.idmap import read_map
from rolegraph.recsys.export.read import MAP_NAMES, Edges, GraphData

_PRESENT = {"user": "users", "item": "items", "user_tag": "user_tags", "item_tag": "item_tags"}
_SAFE = [HeteroData, BaseStorage, NodeStorage, EdgeStorage, GlobalStorage]


def load_export(folder: Path) -> GraphData:
    """The `GraphData` an export folder was written from (see the module docstring for what it leaves out)."""
    meta = _manifest(folder)
    with torch.serialization.safe_globals(_SAFE):
        hetero = torch.load(folder / "hetero.pt", weights_only=True, map_location="cpu")
    maps = {name: read_map(folder / "maps" / f"{name}.txt") for name in MAP_NAMES}
    for name in MAP_NAMES:
        if hetero[name].num_nodes != len(maps[name]):
            raise InvalidInput(
                f"{folder}: hetero.pt has {hetero[name].num_nodes} {name} nodes, its map {len(maps[name])}"
            )
    inter = hetero["user", "interacted", "item"]
    return GraphData(
        source=meta["source"],
        maps=maps,
        present={name: int(meta["counts"][key]) for name, key in _PRESENT.items()},
        user_attrs={},
        item_titles={},
        inter_user=_np(inter.edge_index[0], np.int64),
        inter_item=_np(inter.edge_index[1], np.int64),
        inter_ts=_np(inter.ts, np.int64),
        inter_rating=_np(inter.rating, np.float32),
        has_user_tag=_edges(hetero["item", "has_user_tag", "user_tag"], "p"),
        has_item_tag=_edges(hetero["item", "has_item_tag", "item_tag"], "p"),
        u2i=_edges(hetero["user_tag", "u2i", "item_tag"], "weight"),
        i2u=_edges(hetero["item_tag", "i2u", "user_tag"], "weight"),
        runs=list(meta["runs"]),
        weights=meta["weights"],
    )


def _manifest(folder: Path) -> dict[str, Any]:
    """The manifest, after checking its format and every listed file's sha256."""
    path = folder / "manifest.json"
    if not path.is_file():
        raise InvalidInput(f"{folder} is not an export folder (no manifest.json)")
    meta: dict[str, Any] = json.loads(path.read_text())
    if meta.get("format") != FORMAT:
        raise InvalidInput(f"{path}: format {meta.get('format')!r}, this version reads {FORMAT!r}")
    for name, digest in meta["files"].items():
        file = folder / name
        if not file.is_file() or hashlib.sha256(file.read_bytes()).hexdigest() != digest:
            raise InvalidInput(f"{file} is missing or differs from its manifest's sha256")
    return meta


def _np(t: torch.Tensor, dtype: type[np.generic]) -> np.ndarray:
    return t.detach().cpu().numpy().astype(dtype, copy=False)


def _edges(store: Any, weight: str) -> Edges:
    src, dst = _np(store.edge_index[0], np.int64), _np(store.edge_index[1], np.int64)
    rank = _np(store["rank"], np.int64) if "rank" in store else np.zeros(src.size, dtype=np.int64)
    return Edges(src, dst, _np(store[weight], np.float32), rank)
