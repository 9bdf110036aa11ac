"""How far the tag parts can move a ranking: their spread over each user's candidates against the raw score's."""

from __future__ import annotations

import pytest
import torch

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import build
from rolegraph.recsys.evaluate import tag_weight
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.models.registry import build_model, parse_model
from rolegraph.recsys.ranking import Parts, collect_parts, spread

CFG = ModelConfig(hidden=16, layers=1, heads=2, max_len=8, dropout=0.0)


def test_spread_is_the_standard_deviation_over_each_users_candidates() -> None:
    inf = float("-inf")
    raw = torch.tensor([[inf, 1.0, 3.0, inf], [inf, 0.0, 2.0, 4.0]])  # -inf: padding and seen items
    tag0 = torch.tensor([[9.0, 1.0, 1.0, 9.0], [9.0, 0.0, 1.0, 2.0]])  # the seen items' values are ignored
    parts = Parts(raw, tag0, torch.zeros_like(raw), torch.tensor([1, 2]))
    got = spread(parts)
    sd_user1 = (8.0 / 3.0) ** 0.5
    assert got["raw"] == pytest.approx((1.0 + sd_user1) / 2)
    assert got["tag0"] == pytest.approx((0.0 + (2.0 / 3.0) ** 0.5) / 2)
    assert got["tag1"] == 0.0
    assert tag_weight(got, 2.0, 0.0) == {"tag0": pytest.approx(2 * got["tag0"] / got["raw"]), "tag1": 0.0}
    assert tag_weight({"raw": 0.0}, 1.0, 1.0) == {"tag0": None, "tag1": None}


def test_learned_item_tag_probs_leave_the_tag_term_flat_where_the_graphs_tags_do_not(tiny_graph: GraphData) -> None:
    """P(t|i) = σ(x_i·e_t) sits at σ(0) = 1/2 for every item and tag until the item–tag loss moves the
    embeddings (on synthetic v2 it barely does), so Σ P(t|u)P(t|i) is nearly the same for every candidate:
    the term is inert at any β. The graph's own tags give it a spread."""
    data = build(tiny_graph, "user", 4)
    torch.manual_seed(0)
    model = build_model(parse_model("tagcf-ut-util"), data, CFG)
    model.prepare(data)
    learned = spread(collect_parts(model, data, "test", torch.device("cpu")))
    model.cfg = model.cfg.with_overrides(item_tag_probs="graph")
    graph = spread(collect_parts(model, data, "test", torch.device("cpu")))
    assert learned["raw"] == pytest.approx(graph["raw"])
    assert graph["tag0"] > 0.01
    assert learned["tag0"] < graph["tag0"] / 100
    assert tag_weight(learned, 32.0, 0.0)["tag0"] < tag_weight(graph, 1.0, 0.0)["tag0"]
