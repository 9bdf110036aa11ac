"""Export: counts equal the graph's, a second export is byte-identical, id maps are stable, and an export
reads back into the same data without the graph."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from rolegraph.errors import InvalidInput
from rolegraph.graph.model import ItemRecord, ItemTagEdge, Source, TagKind
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.dataset import build
from rolegraph.recsys.export import GraphData, export, load_export
from rolegraph.recsys.export.files import write_export


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_counts_equal_graph_counts(world_store: GraphStore, tmp_path: Path) -> None:
    # only the cover view is exported; the llm view's edges must not leak in
    g, meta = export(world_store, tmp_path / "x", Source.DISTILLED)
    stats = world_store.stats()
    c = meta["counts"]
    assert c["users"] == stats.nodes["User"]
    assert c["items"] == stats.nodes["Item"]
    assert c["user_tags"] == stats.nodes["UserTag"]
    assert c["item_tags"] == stats.nodes["ItemTag"]
    assert c["interactions"] == stats.relationships["INTERACTED"]
    # the truth loader writes both views, so each view holds half of every tag and logic edge type
    assert 2 * c["has_user_tag"] == stats.relationships["HAS_USER_TAG"]
    assert 2 * c["has_item_tag"] == stats.relationships["HAS_ITEM_TAG"]
    assert 2 * c["u2i"] == stats.relationships["U2I"]
    assert 2 * c["i2u"] == stats.relationships["I2U"]
    assert meta["runs"] == ["synth-truth"]
    hetero = torch.load(tmp_path / "x" / "hetero.pt", weights_only=False)
    assert hetero["user", "interacted", "item"].edge_index.shape == (2, c["interactions"])
    assert hetero["user_tag", "u2i", "item_tag"].edge_index.shape == (2, c["u2i"])
    u2i = torch.load(tmp_path / "x" / "u2i.pt", weights_only=True)
    assert u2i.shape == (c["user_tags"] + 1, c["item_tags"] + 1)
    assert int((u2i > 0).sum()) == c["u2i"] and float(u2i[0].sum()) == 0.0
    inter = (tmp_path / "x" / "recbole" / "rolegraph" / "rolegraph.inter").read_text().splitlines()
    assert len(inter) == c["interactions"] + 1
    assert len(g.inter_user) == c["interactions"]


def test_second_export_is_byte_identical(world_store: GraphStore, tmp_path: Path) -> None:
    export(world_store, tmp_path / "a")
    export(world_store, tmp_path / "b")
    export(world_store, tmp_path / "a")  # again into the same folder, over its own id maps
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys() and a == b
    meta = json.loads(a["manifest.json"])
    assert set(meta["files"]) == set(a) - {"manifest.json"}


def test_id_maps_stay_stable_when_items_are_added(world_store: GraphStore, tmp_path: Path) -> None:
    before, _ = export(world_store, tmp_path / "day1")
    # an id that sorts first must still be appended at the end, not shift everyone
    world_store.upsert_items([ItemRecord("a-new-item", "New")])
    world_store.upsert_item_tag_edges(
        TagKind.USER, [ItemTagEdge("a-new-item", before.maps["user_tag"][0], 0.5, 0, Source.DISTILLED)]
    )
    after, meta = export(world_store, tmp_path / "day2", previous=tmp_path / "day1")
    assert after.maps["item"][: len(before.maps["item"])] == before.maps["item"]
    assert after.maps["item"][-1] == "a-new-item"
    assert meta["counts"]["has_user_tag"] == len(before.has_user_tag) + 1


def test_an_export_reads_back_without_the_graph(tiny_graph: GraphData, tmp_path: Path) -> None:
    write_export(tiny_graph, tmp_path / "x")
    back = load_export(tmp_path / "x")
    assert (back.source, back.weights, back.runs) == (tiny_graph.source, tiny_graph.weights, tiny_graph.runs)
    assert back.maps == tiny_graph.maps and back.present == tiny_graph.present
    for name in ("inter_user", "inter_item", "inter_ts", "inter_rating"):
        np.testing.assert_array_equal(getattr(back, name), getattr(tiny_graph, name))
    for name in ("has_user_tag", "has_item_tag", "u2i", "i2u"):
        ours, theirs = getattr(back, name), getattr(tiny_graph, name)
        for part in ("src", "dst", "weight", "rank"):
            np.testing.assert_array_equal(getattr(ours, part), getattr(theirs, part))
    built, original = build(back, "user"), build(tiny_graph, "user")
    assert all(np.array_equal(a, b) for a, b in zip(built.split.train, original.split.train, strict=True))
    assert torch.equal(built.item_tags, original.item_tags)
    assert torch.equal(built.hop1.to_dense(), original.hop1.to_dense())


def test_an_export_that_differs_from_its_manifest_is_refused(tiny_graph: GraphData, tmp_path: Path) -> None:
    write_export(tiny_graph, tmp_path / "x")
    with (tmp_path / "x" / "maps" / "item.txt").open("a") as f:
        f.write("one-more\n")
    with pytest.raises(InvalidInput, match="sha256"):
        load_export(tmp_path / "x")
