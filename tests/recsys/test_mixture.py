"""The tag mixture: P(i | t), the users' mix of tags by EM, the logic spread, and the model on a real export."""

from __future__ import annotations

from functools import partial

import numpy as np
import torch

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, build
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.models.mixture import (
    EM_STEPS,
    PRIOR_ITEMS,
    TagMixture,
    WithMixture,
    item_given_tag,
    item_tag_rows,
    logic_spread,
    mixture_weights,
    prepared_mixture,
    top_tags,
)
from rolegraph.recsys.models.registry import build_model, parse_model
from rolegraph.recsys.models.tagcf import TagCF
from rolegraph.recsys.models.tagprofile import tag_matrix

# items 1..4 (0 = padding) over tags 1..2: items 1 and 2 carry tag 1, items 3 and 4 tag 2
ITEM_TAGS = torch.tensor([[0], [1], [1], [2], [2]])
POPULARITY = torch.tensor([0.0, 99.0, 59.0, 3.0, 1.0])  # tag 1's items are far more popular


def test_items_given_a_tag_follow_popularity_among_its_items() -> None:
    p = item_given_tag(tag_matrix(ITEM_TAGS, 2), POPULARITY)
    assert torch.allclose(p.sum(dim=0), torch.tensor([0.0, 1.0, 1.0]))  # the padding tag carries nothing
    assert torch.allclose(p[:, 1], torch.tensor([0.0, 100 / 160, 60 / 160, 0.0, 0.0]))
    assert torch.allclose(p[:, 2], torch.tensor([0.0, 0.0, 0.0, 4 / 6, 2 / 6]))


def test_a_history_of_one_tag_puts_the_mix_on_it_whatever_the_prior() -> None:
    p = item_tag_rows(item_given_tag(tag_matrix(ITEM_TAGS, 2), POPULARITY))
    background = torch.tensor([0.0, 0.4, 0.3, 0.2, 0.1])
    prior = torch.tensor([0.0, 0.95, 0.05])  # tag 1 is the popular one
    pi = mixture_weights(torch.tensor([[0, 3, 4, 3], [0, 0, 0, 0]]), p, background, prior, 0.1, 0.0)
    assert torch.allclose(pi.sum(dim=1), torch.ones(2))
    assert float(pi[0, 2]) > 0.7  # three items of tag 2 outweigh a prior of one pseudo-item
    assert torch.allclose(pi[1], prior)  # no history: the prior


def test_recency_weighs_the_newest_items_more() -> None:
    p = item_tag_rows(item_given_tag(tag_matrix(ITEM_TAGS, 2), POPULARITY))
    background = torch.full((5,), 0.25)
    prior = torch.tensor([0.0, 0.5, 0.5])
    seqs = torch.tensor([[1, 1, 3]])  # tag 1 twice, then tag 2 last
    flat = mixture_weights(seqs, p, background, prior, 0.1, 0.0)
    recent = mixture_weights(seqs, p, background, prior, 0.1, 1.0)
    assert float(flat[0, 1]) > float(flat[0, 2]) and float(recent[0, 2]) > float(recent[0, 1])


def test_the_em_over_each_items_own_tags_equals_the_em_over_the_whole_vocabulary() -> None:
    torch.manual_seed(0)
    n_items, n_tags = 40, 30
    item_tags = torch.randint(0, n_tags + 1, (n_items + 1, 5))  # 0..5 tags an item, repeats and none included
    p = item_given_tag(tag_matrix(item_tags, n_tags), torch.rand(n_items + 1) * 50)
    background = torch.rand(n_items + 1)
    background[0] = 0.0
    background /= background.sum()
    prior = torch.rand(n_tags + 1)
    prior[0] = 0.0
    prior /= prior.sum()
    seqs = torch.randint(0, n_items + 1, (7, 12))
    seqs[0] = 0  # an empty history
    for epsilon, half_life in ((0.1, 0.0), (0.5, 3.0)):
        # the EM written over every tag: each history item's weight shared by P(h | t)·π(t) over all tags
        weight = (seqs > 0).float() * (0.5 ** (torch.arange(11, -1, -1) / half_life) if half_life else 1.0)
        pi = prior.expand(seqs.shape[0], -1).clone()
        for _ in range(EM_STEPS):
            drawn = (1 - epsilon) * p[seqs] * pi.unsqueeze(1)
            share = drawn / (drawn.sum(dim=2) + epsilon * background[seqs]).clamp_min(1e-30).unsqueeze(2)
            counts = (weight.unsqueeze(2) * share).sum(dim=1)
            pi = (counts + PRIOR_ITEMS * prior) / (counts.sum(dim=1, keepdim=True) + PRIOR_ITEMS)
        got = mixture_weights(seqs, item_tag_rows(p), background, prior, epsilon, half_life)
        assert torch.allclose(got, pi, atol=1e-6)


def test_the_logic_spread_is_a_distribution_per_tag() -> None:
    sparse = partial(torch.sparse_coo_tensor, check_invariants=True)
    hop1 = sparse(torch.tensor([[1], [1]]), torch.tensor([0.8]), (3, 2))  # tag 1 → topic 1
    hop2 = sparse(torch.tensor([[1, 1], [1, 2]]), torch.tensor([0.5, 1.5]), (2, 3))
    h = logic_spread(hop1, hop2, 2)
    assert torch.allclose(h[1], torch.tensor([0.0, 0.25, 0.75]))  # tag 1 → topic 1 → tags 1 and 2
    assert torch.allclose(h[2], torch.tensor([0.0, 0.0, 1.0]))  # no logic from tag 2: it stays itself


def test_the_model_scores_log_probabilities_and_picks_its_settings(tiny_graph: GraphData) -> None:
    data: RecData = build(tiny_graph, "user", 4)
    model = build_model(parse_model("tag-mixture"), data, ModelConfig())
    assert isinstance(model, TagMixture) and not model.trainable
    model.prepare(data)
    chosen = model.choices()
    assert len(chosen["sweep"]) >= 9 and chosen["epsilon"] in {r["epsilon"] for r in chosen["sweep"]}
    users = torch.arange(min(4, data.n_users))
    seqs = torch.tensor([[0, 1, 2], [0, 0, 3], [2, 2, 2], [0, 0, 0]])[: users.numel()]
    s = model.scores(users, seqs)
    assert torch.isinf(s[:, 0]).all() and torch.isfinite(s[:, 1:]).all()
    assert torch.allclose(s[:, 1:].exp().sum(dim=1), torch.ones(users.numel()), atol=1e-4)
    assert parse_model("tag-mixture-it").tag_kind == "item"


def test_top_tags_name_the_tags_of_each_whole_history(tiny_graph: GraphData) -> None:
    data: RecData = build(tiny_graph, "user", 4)
    model = TagMixture(data.n_users, data.n_items, ModelConfig(), data)
    tags = tag_matrix(data.item_tags, data.n_tags)
    item = int(torch.nonzero(tags[1:].sum(dim=1) > 0).flatten()[0]) + 1  # the first item with a tag
    own = set(torch.nonzero(tags[item]).flatten().tolist())
    histories = [np.array([item] * 6), np.array([], dtype=np.int64)]
    tops = top_tags(model, histories, k=2, batch=1)
    assert len(tops) == 2 and all(len(t) == 2 and 0 not in t for t in tops)
    assert tops[0][0] in own  # six times the same item: its tags lead
    assert tops[1][0] == int(torch.argmax(model.prior[1:])) + 1  # no history: the most popular tag


def test_tagcf_reads_the_mixture_as_its_t0_term_with_the_same_training(tiny_graph: GraphData) -> None:
    plain, mixed = parse_model("tagcf-ut-util"), parse_model("tagcf-ut-util-mix")
    assert mixed.train_key == plain.train_key  # an inference switch: one training serves both
    data: RecData = build(tiny_graph, "user", 4)
    torch.manual_seed(0)
    model = build_model(plain, data, ModelConfig(hidden=8))
    assert isinstance(model, TagCF)
    model.eval()  # no dropout: the two readings see the same network
    users = torch.arange(min(3, data.n_users))
    seqs = torch.tensor([[0, 1, 2], [0, 0, 3], [2, 2, 2]])[: users.numel()]
    raw, _, tag1 = model.score_parts(users, seqs)
    model.cfg = mixed.config(model.cfg)
    raw_mix, tag0_mix, tag1_mix = model.score_parts(users, seqs)
    assert torch.equal(raw, raw_mix) and torch.allclose(tag1, tag1_mix)  # only the T(0) term changes
    expected = model.mixture().scores(users, seqs)
    assert torch.allclose(tag0_mix[:, 1:], expected[:, 1:]) and (tag0_mix[:, 0] == 0).all()
    assert model.mixture() is model.mixture()  # built and tuned once


def test_a_baseline_reads_the_mixture_as_its_t0_term_and_nothing_else(tiny_graph: GraphData) -> None:
    spec = parse_model("sasrec-mix")
    assert (spec.kind, spec.tag_kind, spec.mode, spec.train_key) == ("sasrec", "user", "util", "sasrec")
    assert spec.swept and spec.mixed and not parse_model("sasrec").swept
    assert parse_model("lightgcn-mix-it").tag_kind == "item"
    data: RecData = build(tiny_graph, "user", 4)
    torch.manual_seed(0)
    model = build_model(spec, data, ModelConfig(hidden=8))
    mixture = prepared_mixture(data, ModelConfig(hidden=8))
    users = torch.arange(min(3, data.n_users))
    seqs = torch.tensor([[0, 1, 2], [0, 0, 3], [2, 2, 2]])[: users.numel()]
    raw, tag0, tag1 = WithMixture(model.eval(), mixture).score_parts(users, seqs)
    assert torch.equal(raw, model.scores(users, seqs)) and not tag1.any()
    assert torch.allclose(tag0[:, 1:], mixture.scores(users, seqs)[:, 1:]) and (tag0[:, 0] == 0).all()
