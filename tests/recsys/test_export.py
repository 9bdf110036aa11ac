"""Export: counts and values (logic weights, item → tag p and rank) equal the graph's, a second export is
byte-identical, id maps are stable, and an export reads back into the same data without the graph."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from rolegraph.errors import InvalidInput
from rolegraph.graph.model import ItemRecord, ItemTagEdge, LogicKind, Source, TagKind
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
    # the values, in memory and as written: each edge carries its graph edge's weight, p and rank
    _assert_values_are_the_graphs(world_store, g)
    _assert_values_are_the_graphs(world_store, load_export(tmp_path / "x"))
    # the reference code's dense u2i: the graph's weights at (source + 1, target + 1), zero elsewhere
    tags = g.maps["user_tag"], g.maps["item_tag"]
    dense = {(tags[0][s - 1], tags[1][d - 1]): float(u2i[s, d]) for s, d in torch.nonzero(u2i).tolist()}
    hop = world_store.logic_hop(LogicKind.U2I, tags[0], Source.DISTILLED)
    assert dense == pytest.approx({(a, b): w for a, b, w in hop}, rel=1e-6)


def _assert_values_are_the_graphs(store: GraphStore, g: GraphData) -> None:
    """Each exported cover-view edge carries its graph edge's value, read by other statements than the
    export's: logic weights by the exploration hops, item → tag p and rank by the item's tag list."""
    maps = g.maps
    for kind, edges, (src_map, dst_map) in (
        (LogicKind.U2I, g.u2i, ("user_tag", "item_tag")),
        (LogicKind.I2U, g.i2u, ("item_tag", "user_tag")),
    ):
        want = {(a, b): w for a, b, w in store.logic_hop(kind, maps[src_map], Source.DISTILLED)}
        got = {
            (maps[src_map][s], maps[dst_map][d]): float(w)
            for s, d, w in zip(edges.src, edges.dst, edges.weight, strict=True)
        }
        assert len(got) == len(edges) > 0 and len(set(want.values())) > 1, kind
        assert got == pytest.approx(want, rel=1e-6), kind
    rels = {"HAS_USER_TAG": (g.has_user_tag, "user_tag"), "HAS_ITEM_TAG": (g.has_item_tag, "item_tag")}
    tagged: dict[str, dict[tuple[str, str], tuple[float, int]]] = {rel: {} for rel in rels}
    for item in maps["item"]:
        for r in store.item_tags(item):
            if r["source"] == Source.DISTILLED.value:
                tagged[r["type"]][(item, r["key"])] = (r["p"], r["rank"])
    for rel, (edges, tag_map) in rels.items():
        got_tags = {
            (maps["item"][s], maps[tag_map][d]): (float(w), int(k))
            for s, d, w, k in zip(edges.src, edges.dst, edges.weight, edges.rank, strict=True)
        }
        assert len(got_tags) == len(edges) > 0, rel
        assert {e: k for e, (_, k) in got_tags.items()} == {e: k for e, (_, k) in tagged[rel].items()}, rel
        assert {e: p for e, (p, _) in got_tags.items()} == pytest.approx(
            {e: p for e, (p, _) in tagged[rel].items()}, rel=1e-6
        ), rel
        assert len({k for _, k in got_tags.values()}) > 1, rel  # ranks are exported, not defaulted to 0


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


def test_a_previous_export_that_is_not_one_is_refused_before_anything_is_written(
    world_store: GraphStore, tmp_path: Path
) -> None:
    """An explicit ``previous`` must be an export: a mistyped one restarted every index from 0."""
    export(world_store, tmp_path / "day1")
    (tmp_path / "day1" / "maps" / "user_tag.txt").unlink()
    (tmp_path / "plain").mkdir()
    (tmp_path / "file").write_text("x\n")
    for previous, problem in [
        (tmp_path / "nonexistent", "no such folder"),
        (tmp_path / "file", "not a folder"),
        (tmp_path / "plain", "not an export folder (no manifest.json)"),
        (tmp_path / "day1", "not an export folder (no maps/user_tag.txt)"),
    ]:
        with pytest.raises(InvalidInput) as e:
            export(world_store, tmp_path / "day2", previous=previous)
        assert str(e.value) == f"{previous}: {problem}, so there are no id maps to continue"
        assert not (tmp_path / "day2").exists()


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
