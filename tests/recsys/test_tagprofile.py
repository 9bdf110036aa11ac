"""The tag-profile baseline: overlap with the history's tags, recency and ratings, popularity tie-break."""

from __future__ import annotations

import numpy as np
import torch

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, build
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.models.registry import build_model, parse_model
from rolegraph.recsys.models.tagprofile import TagProfile, profile_roles, profile_scores, tag_matrix

# items 1..4 (0 = padding) over tags 1..3
ITEM_TAGS = torch.tensor([[0, 0], [1, 0], [1, 2], [3, 0], [2, 3]])


def test_scores_by_hand() -> None:
    tags = tag_matrix(ITEM_TAGS, 3)
    popularity = torch.tensor([0.0, 1.0, 2.0, 3.0, 4.0])
    seqs = torch.tensor([[0, 1, 2]])  # history: items 1, 2 → profile {1: 2, 2: 1} / 2
    s = profile_scores(seqs, tags, popularity, half_life=0.0)
    assert torch.isinf(s[0, 0])
    overlap = s[0, 1:] - 1e-6 * popularity[1:] / 4
    assert torch.allclose(overlap, torch.tensor([1.0, 1.5, 0.0, 0.5]), atol=1e-6)
    # recency: a half-life of one item halves item 1 → profile {1: 1.5, 2: 1} / 1.5
    r = profile_scores(seqs, tags, popularity, half_life=1.0)
    assert float(r[0, 4]) > float(s[0, 4])
    # popularity breaks a tie between items with the same overlap
    tie = profile_scores(torch.tensor([[0, 0, 3]]), tags, popularity, 0.0)
    assert float(tie[0, 4]) > float(tie[0, 3])  # both overlap the profile by 1: the more popular wins
    assert float(tie[0, 2]) > float(tie[0, 1])  # both 0
    assert float(tie[0, 3]) > float(tie[0, 2])  # overlap before popularity


def test_ratings_weight_the_profile() -> None:
    tags = tag_matrix(ITEM_TAGS, 3)
    popularity = torch.zeros(5)
    seqs = torch.tensor([[1, 3]])
    liked_first = profile_scores(seqs, tags, popularity, 0.0, torch.tensor([[5.0, 1.0]]))
    assert float(liked_first[0, 1]) > float(liked_first[0, 3])


def test_profile_roles_counts_weighted_tags() -> None:
    roles = profile_roles([np.array([1, 2, 4])], ITEM_TAGS, 3, k=2)
    assert roles == [[1, 2]]  # tags 1 and 2 on two items each (tie by index), tag 3 on one
    weighted = profile_roles([np.array([1, 2, 4])], ITEM_TAGS, 3, k=1, weights=[np.array([1.0, 1.0, 5.0])])
    assert weighted == [[2]]


def test_model_picks_its_settings_on_validation(tiny_graph: GraphData) -> None:
    data: RecData = build(tiny_graph, "user", 4)
    model = build_model(parse_model("tag-profile"), data, ModelConfig())
    assert isinstance(model, TagProfile) and not model.trainable
    model.prepare(data)
    chosen = model.choices()
    assert chosen["sweep"] and chosen["half_life"] in {r["half_life"] for r in chosen["sweep"]}
