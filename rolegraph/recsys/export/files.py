"""Writes a `GraphData` as the export folder: PyG HeteroData, RecBole atomic files, the reference
code's dense ``u2i.pt`` / ``i2u.pt``, stable id maps and a manifest with sha256 of every file.

Everything is written from sorted, index-ordered data with no clock or random state in it, so the same
graph exports to the same bytes (torch files are serialized through memory, which names the archive
``archive`` whatever the file is called).
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch_geometric.data import HeteroData

from rolegraph.recsys.export.idmap import map_text
from rolegraph.recsys.export.read import MAP_NAMES, Edges, GraphData

FORMAT = "rolegraph-export/1"
RECBOLE_NAME = "rolegraph"


def torch_bytes(obj: object) -> bytes:
    """``torch.save`` of ``obj`` as bytes, independent of the target file name."""
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def _edge_index(e: Edges) -> torch.Tensor:
    return torch.from_numpy(np.stack([e.src, e.dst])).long()  # [2, E]


def hetero_data(g: GraphData) -> HeteroData:
    """The PyG graph: node types user, item, user_tag, item_tag; edges interacted (ts, rating),
    has_user_tag / has_item_tag (p, rank), u2i / i2u (weight)."""
    data = HeteroData()
    for name in MAP_NAMES:
        data[name].num_nodes = g.size(name)
    inter = data["user", "interacted", "item"]
    inter.edge_index = torch.from_numpy(np.stack([g.inter_user, g.inter_item])).long()
    inter.ts = torch.from_numpy(g.inter_ts)
    inter.rating = torch.from_numpy(g.inter_rating)
    for rel, edges, dst in (("has_user_tag", g.has_user_tag, "user_tag"), ("has_item_tag", g.has_item_tag, "item_tag")):
        store = data["item", rel, dst]
        store.edge_index = _edge_index(edges)
        store.p = torch.from_numpy(edges.weight)
        store.rank = torch.from_numpy(edges.rank)
    for rel, edges, a, b in (("u2i", g.u2i, "user_tag", "item_tag"), ("i2u", g.i2u, "item_tag", "user_tag")):
        store = data[a, rel, b]
        store.edge_index = _edge_index(edges)
        store.weight = torch.from_numpy(edges.weight)
    return data


def dense_logic(edges: Edges, n_src: int, n_dst: int) -> torch.Tensor:
    """The reference code's layout: float32 [n_src + 1, n_dst + 1], row/column 0 the padding tag,
    tag index i at position i + 1."""
    out = torch.zeros(n_src + 1, n_dst + 1, dtype=torch.float32)
    out[torch.from_numpy(edges.src) + 1, torch.from_numpy(edges.dst) + 1] = torch.from_numpy(edges.weight)
    return out


def _clean(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _tag_lists(edges: Edges, n_items: int) -> list[list[int]]:
    """Per item, tag indices + 1 ordered by rank, then p (descending), then index."""
    lists: list[list[tuple[int, float, int]]] = [[] for _ in range(n_items)]
    for s, d, w, r in zip(edges.src, edges.dst, edges.weight, edges.rank, strict=True):
        lists[int(s)].append((int(r), -float(w), int(d) + 1))
    return [[t for _, _, t in sorted(row)] for row in lists]


def recbole_files(g: GraphData) -> dict[str, bytes]:
    """``.inter``, ``.item`` (with user_tag_id_list / item_tag_id_list) and ``.user`` atomic files."""
    users, items = g.maps["user"], g.maps["item"]
    lines = ["user_id:token\titem_id:token\trating:float\ttimestamp:float"]
    for u, i, ts, rating in zip(g.inter_user, g.inter_item, g.inter_ts, g.inter_rating, strict=True):
        lines.append(f"{users[u]}\t{items[i]}\t{'' if np.isnan(rating) else f'{float(rating):g}'}\t{int(ts)}")
    inter = "\n".join(lines) + "\n"

    ut, it = _tag_lists(g.has_user_tag, len(items)), _tag_lists(g.has_item_tag, len(items))
    lines = ["item_id:token\ttitle:token_seq\tuser_tag_id_list:token_seq\titem_tag_id_list:token_seq"]
    for idx, item in enumerate(items):
        if item not in g.item_titles:
            continue
        tags_u = " ".join(map(str, ut[idx]))
        tags_i = " ".join(map(str, it[idx]))
        lines.append(f"{item}\t{_clean(g.item_titles[item])}\t{tags_u}\t{tags_i}")
    item_text = "\n".join(lines) + "\n"

    attrs = sorted({k for a in g.user_attrs.values() for k in a if isinstance(a[k], str | int | float | bool)})
    lines = ["\t".join(["user_id:token", *[f"{_clean(a).replace(':', '_')}:token" for a in attrs]])]
    for user in users:
        if user in g.user_attrs:
            lines.append("\t".join([user, *[_clean(g.user_attrs[user].get(a, "")) for a in attrs]]))
    user_text = "\n".join(lines) + "\n"
    return {
        f"recbole/{RECBOLE_NAME}/{RECBOLE_NAME}.inter": inter.encode(),
        f"recbole/{RECBOLE_NAME}/{RECBOLE_NAME}.item": item_text.encode(),
        f"recbole/{RECBOLE_NAME}/{RECBOLE_NAME}.user": user_text.encode(),
    }


def export_files(g: GraphData) -> dict[str, bytes]:
    """Every file of the export except the manifest, by relative path."""
    n_ut, n_it = g.size("user_tag"), g.size("item_tag")
    files = {
        "hetero.pt": torch_bytes(hetero_data(g)),
        "u2i.pt": torch_bytes(dense_logic(g.u2i, n_ut, n_it)),
        "i2u.pt": torch_bytes(dense_logic(g.i2u, n_it, n_ut)),
        **recbole_files(g),
    }
    for name in MAP_NAMES:
        files[f"maps/{name}.txt"] = map_text(g.maps[name])
    return files


def counts(g: GraphData) -> dict[str, int]:
    """What the export holds, to compare with `GraphStore.stats()`."""
    return {
        "users": g.present["user"],
        "items": g.present["item"],
        "user_tags": g.present["user_tag"],
        "item_tags": g.present["item_tag"],
        "interactions": int(g.inter_user.size),
        "has_user_tag": len(g.has_user_tag),
        "has_item_tag": len(g.has_item_tag),
        "u2i": len(g.u2i),
        "i2u": len(g.i2u),
    }


def manifest(g: GraphData, files: dict[str, bytes]) -> dict[str, Any]:
    """The self-description: format, graph view, counts, id map sizes, run ids and file hashes."""
    return {
        "format": FORMAT,
        "source": g.source,
        "weights": g.weights,
        "counts": counts(g),
        "id_maps": {name: g.size(name) for name in MAP_NAMES},
        "runs": g.runs,
        "layout": {
            "u2i.pt": "float32 [user_tags+1, item_tags+1], P(c|t); index = tag index + 1, 0 = padding",
            "i2u.pt": "float32 [item_tags+1, user_tags+1], P(t|c); index = tag index + 1, 0 = padding",
            "tag_id_list": "item columns hold tag index + 1 (line number in maps/*.txt + 1), best rank first",
        },
        "files": {path: hashlib.sha256(data).hexdigest() for path, data in sorted(files.items())},
    }


def write_export(g: GraphData, out: Path) -> dict[str, Any]:
    """Writes the export folder (files, then manifest.json) and returns the manifest."""
    files = export_files(g)
    for path, data in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    meta = manifest(g, files)
    (out / "manifest.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta
