"""The tag controls: shuffled tag lists keep every list but move it to another item; given tags replace the
graph's, with no logic; TagCF trains on both."""

from __future__ import annotations

from collections import Counter

import numpy as np

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.controls import shuffled, with_tags
from rolegraph.recsys.evaluate import Evaluation, evaluate_seed, finalize
from rolegraph.recsys.export.read import Edges, GraphData
from rolegraph.recsys.models.registry import parse_model


def lists(e: Edges) -> dict[int, list[tuple[int, float]]]:
    out: dict[int, list[tuple[int, float]]] = {}
    for s, d, w in zip(e.src.tolist(), e.dst.tolist(), e.weight.tolist(), strict=True):
        out.setdefault(s, []).append((d, w))
    return out


def test_shuffled_moves_whole_tag_lists_between_items(tiny_graph: GraphData) -> None:
    g = shuffled(tiny_graph, seed=0)
    for kind in ("has_user_tag", "has_item_tag"):
        before, after = lists(getattr(tiny_graph, kind)), lists(getattr(g, kind))
        assert sorted(map(sorted, before.values())) == sorted(map(sorted, after.values()))  # the same lists
        assert before != after  # on other items
        assert np.all(np.diff(getattr(g, kind).src) >= 0)  # in item order
    # one permutation for roles and topics: an item's roles and topics stay together
    roles, topics = lists(tiny_graph.has_user_tag), lists(tiny_graph.has_item_tag)
    moved_roles, moved_topics = lists(g.has_user_tag), lists(g.has_item_tag)
    for item, r in moved_roles.items():
        sources = [j for j, rr in roles.items() if sorted(rr) == sorted(r)]
        assert any(sorted(topics.get(j, [])) == sorted(moved_topics.get(item, [])) for j in sources)
    assert g.u2i is tiny_graph.u2i and g.inter_item is tiny_graph.inter_item
    assert shuffled(tiny_graph, seed=0).has_user_tag.src.tolist() == g.has_user_tag.src.tolist()  # seeded


def test_given_tags_replace_roles_and_topics_without_logic(tiny_graph: GraphData) -> None:
    items = tiny_graph.maps["item"]
    tags = {items[0]: ["Drama", "Comedy", "Drama"], items[1]: ["Drama"]}
    g = with_tags(tiny_graph, tags, "genres")
    assert g.maps["user_tag"] == g.maps["item_tag"] == ["Comedy", "Drama"]
    assert Counter(g.has_user_tag.src.tolist()) == {0: 2, 1: 1}  # duplicates once; other items none
    assert g.has_user_tag.dst.tolist() == [1, 0, 1] and g.has_item_tag is g.has_user_tag
    assert len(g.u2i) == len(g.i2u) == 0 and g.runs[-1] == "control:genres"


def test_tagcf_and_the_tag_profile_run_on_a_control(tiny_graph: GraphData) -> None:
    genres = {item: ["Drama" if i % 2 else "Comedy"] for i, item in enumerate(tiny_graph.maps["item"])}
    ev = Evaluation(seeds=[0])
    cfg = ModelConfig(hidden=8, layers=1, max_len=8, stride=3, epochs=1, min_epochs=1)
    specs = [parse_model("tagcf-ut-util"), parse_model("tag-profile")]
    evaluate_seed(with_tags(tiny_graph, genres, "genres"), specs, 0, cfg, ev, "cpu")
    finalize(ev)  # TagCF's β (and so its metrics) are chosen after the last seed
    assert set(ev.metrics) == {"tagcf-ut-util", "tag-profile"}
    assert all(0.0 <= v[0] <= 1.0 for v in ev.metrics["tagcf-ut-util"].values())
