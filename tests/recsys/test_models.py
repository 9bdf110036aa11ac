"""Every model: score shapes, loss is finite, a few steps on one batch reduce the loss."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rolegraph.errors import InvalidInput
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, build, eval_inputs
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.models.bpr import pair_batches, pair_keys, train_pairs, unseen_negatives
from rolegraph.recsys.models.lightgcn import LightGCN
from rolegraph.recsys.models.registry import build_model, parse_model
from rolegraph.recsys.models.tagcf import TagCF, other_tags, position_mean, tag_lift

CFG = ModelConfig(hidden=16, layers=1, heads=2, max_len=8, dropout=0.0, batch_size=16, pair_batch_size=64, lr=5e-3)
NAMES = ["sasrec", "bpr", "lightgcn", "tagcf-ut-util", "tagcf-it-expl", "tagcf-ut-util-no-te-no-ta"]


@pytest.fixture(scope="module")
def data(tiny_graph: GraphData) -> dict[str, RecData]:
    return {"user": build(tiny_graph, "user", 4), "item": build(tiny_graph, "item", 4)}


@pytest.mark.parametrize("name", NAMES)
def test_shapes_and_loss_goes_down(name: str, data: dict[str, RecData]) -> None:
    spec = parse_model(name)
    d = data[spec.tag_kind]
    torch.manual_seed(0)
    model = build_model(spec, d, CFG)
    model.prepare(d)
    batch = next(iter(model.batches(d, torch.Generator().manual_seed(0))))
    users = np.arange(5)
    seqs = eval_inputs(d, users, "valid", CFG.max_len)
    scores = model.scores(torch.from_numpy(users), seqs)
    assert scores.shape == (5, d.n_items + 1)
    assert torch.isinf(scores[:, 0]).all() and torch.isfinite(scores[:, 1:]).all()
    optimizer = torch.optim.Adam(model.parameters(), lr=CFG.lr)
    first = float(model.loss(batch).detach())
    for _ in range(15):
        optimizer.zero_grad()
        loss = model.loss(batch)
        loss.backward()
        optimizer.step()
    assert np.isfinite(first) and float(model.loss(batch).detach()) < first
    top = model.recommend(torch.from_numpy(users), seqs, 3, [d.split.train[u] for u in users])
    assert top.shape == (5, 3)
    for row, u in enumerate(users):
        assert not set(top[row].tolist()) & set(d.split.train[u].tolist())


def test_tagcf_score_parts_and_roles(data: dict[str, RecData]) -> None:
    d = data["user"]
    # the score's T(0) is the newest position's; role_positions=newest writes back that same set
    model = build_model(parse_model("tagcf-ut-expl"), d, CFG.with_overrides(k=2, role_positions="newest"))
    assert isinstance(model, TagCF)
    seqs = eval_inputs(d, np.arange(4), "test", CFG.max_len)
    model.eval()
    with torch.no_grad():
        raw, tag0, tag1 = model.score_parts(torch.arange(4), seqs)
        t0, t1 = model.roles(seqs)
        item_probs = torch.sigmoid(model.items.weight[3] @ model.tags.weight.t())
    assert raw.shape == tag0.shape == tag1.shape == (4, d.n_items + 1)
    assert ((t0 > 0).sum(dim=1) == 2).all()  # |T(0)| = k
    assert not ((t0 > 0) & (t1 > 0)).any()  # T(1) excludes T(0)
    assert ((t1 > 0).sum(dim=1) <= 2).all()
    # Eq. 9 by hand for one user and item: Σ_{t∈T(0)} P(t|u) P(t|i)
    assert tag0[0, 3] == pytest.approx(float((t0[0, 1:] * item_probs[1:]).sum()), rel=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_every_tensor_a_model_scores_with_moves_with_it(name: str, data: dict[str, RecData]) -> None:
    # the CPU stand-in for .to("cuda"): a tensor left behind (TagCF's logic graph was one) fails the product
    spec = parse_model(name)
    d = data[spec.tag_kind]
    model = build_model(spec, d, CFG)
    model.prepare(d)
    model.to(torch.float64)
    model.eval()
    with torch.no_grad():
        parts = model.score_parts(torch.arange(3), eval_inputs(d, np.arange(3), "test", CFG.max_len))
    assert all(p.dtype == torch.float64 and p.shape == (3, d.n_items + 1) for p in parts)


def test_lightgcn_propagation_equals_pyg_message_passing(data: dict[str, RecData]) -> None:
    """The cached normalized adjacency gives PyG's `get_embedding` over the edge list, values and gradients."""
    d = data["user"]
    torch.manual_seed(0)
    model = build_model(parse_model("lightgcn"), d, CFG.with_overrides(gcn_layers=3))
    assert isinstance(model, LightGCN)
    model.prepare(d)
    pairs = train_pairs(d)
    users, items = pairs[:, 0], pairs[:, 1] + d.n_users - 1
    edge_index = torch.cat([torch.stack([users, items]), torch.stack([items, users])], dim=1)
    reference, ours = model.gcn.get_embedding(edge_index), model.embedding()
    assert torch.allclose(ours, reference, atol=1e-6)
    weights = torch.randn_like(reference)
    (ref_grad,) = torch.autograd.grad((reference * weights).sum(), model.gcn.embedding.weight)
    (our_grad,) = torch.autograd.grad((ours * weights).sum(), model.gcn.embedding.weight)
    assert torch.allclose(our_grad, ref_grad, atol=1e-5)
    assert float(ref_grad.abs().sum()) > 0


def test_pair_negatives_are_items_the_user_has_not_seen(data: dict[str, RecData]) -> None:
    """Every negative BPR-MF and LightGCN train on lies outside the user's training pairs, is a real item,
    and the draw is fixed by the generator."""
    d = data["user"]
    pairs = train_pairs(d)
    seen = {(int(u), int(i)) for u, i in pairs}
    first = list(pair_batches(pairs, 7, d.n_items, torch.Generator().manual_seed(3)))
    again = list(pair_batches(pairs, 7, d.n_items, torch.Generator().manual_seed(3)))
    assert sum(b["users"].numel() for b in first) == pairs.shape[0]
    for a, b in zip(first, again, strict=True):
        assert torch.equal(a["neg"], b["neg"])
        assert all((int(u), int(n)) not in seen for u, n in zip(a["users"], a["neg"], strict=True))
        assert int(a["neg"].min()) >= 1 and int(a["neg"].max()) <= d.n_items
    # a user who has seen every item but one always gets that one; one who has seen them all gets any
    full = torch.tensor([[0, i] for i in range(1, d.n_items + 1) if i != 2])
    g = torch.Generator().manual_seed(0)
    neg = unseen_negatives(torch.zeros(50, dtype=torch.long), d.n_items, pair_keys(full, d.n_items), g)
    assert set(neg.tolist()) == {2}
    some = torch.tensor([[0, 1], [0, 3], [0, 3], [0, 5], [0, 5], [0, 5]])  # repeats count once
    draws = unseen_negatives(torch.zeros(400 * d.n_items, dtype=torch.long), d.n_items, pair_keys(some, d.n_items), g)
    counts = torch.bincount(draws, minlength=d.n_items + 1)
    assert counts[[0, 1, 3, 5]].sum() == 0
    free = counts[[i for i in range(1, d.n_items + 1) if i not in (1, 3, 5)]].float()
    expected = 400 * d.n_items / free.numel()
    assert float((free - expected).abs().max()) < 0.3 * expected  # uniform over the unseen items
    every = torch.tensor([[0, i] for i in range(1, d.n_items + 1)])
    neg = unseen_negatives(torch.zeros(50, dtype=torch.long), d.n_items, pair_keys(every, d.n_items), torch.Generator())
    assert int(neg.min()) >= 1 and int(neg.max()) <= d.n_items


@pytest.mark.parametrize(
    ("name", "expected"), [("bpr", (7e-3, 0.0)), ("lightgcn", (7e-3, 0.0)), ("sasrec", (1e-3, 1e-5))]
)
def test_pair_models_train_with_their_own_optimizer_settings(
    name: str, expected: tuple[float, float], data: dict[str, RecData]
) -> None:
    spec = parse_model(name)
    cfg = CFG.with_overrides(lr=1e-3, weight_decay=1e-5, pair_lr=7e-3, pair_weight_decay=0.0)
    assert build_model(spec, data[spec.tag_kind], cfg).optimizer_settings() == expected


def test_tagcf_user_probs_are_a_distribution_over_the_cover_set(data: dict[str, RecData]) -> None:
    d = data["user"]
    seqs = eval_inputs(d, np.arange(4), "test", CFG.max_len)
    model = build_model(parse_model("tagcf-ut-util"), d, CFG)
    assert isinstance(model, TagCF)
    model.eval()
    with torch.no_grad():
        _, probs = model.user_tag_probs(seqs)
        t0, t1 = model._sets(probs)
    cover = d.candidate_tags()
    assert torch.allclose(probs.sum(dim=1), torch.ones(4), atol=1e-5)
    assert (probs[:, ~cover] == 0).all() and not cover[0]
    assert (t0[:, ~cover] == 0).all() and (t1[:, ~cover] == 0).all()
    sigmoid = build_model(parse_model("tagcf-ut-util"), d, CFG.with_overrides(user_probs="sigmoid", cover_only=False))
    assert isinstance(sigmoid, TagCF)
    with torch.no_grad():
        _, p = sigmoid.user_tag_probs(seqs)
    assert (p[:, 1:] > 0).all() and (p[:, 0] == 0).all()


def _per_item_model(d: RecData, cfg: ModelConfig, looks: dict[int, int]) -> TagCF:
    """TagCF without the tag encoder whose φ_u at a position depends only on that position's item (no
    positions, attention and feed-forward outputs zeroed), item i of ``looks`` pointing at tag looks[i]."""
    model = build_model(parse_model("tagcf-ut-util-no-te-no-ta"), d, cfg)
    assert isinstance(model, TagCF)
    with torch.no_grad():
        model.item_encoder.position.weight.zero_()
        for layer in model.item_encoder.encoder.layers:
            for linear in (layer.self_attn.out_proj, layer.linear2):
                linear.weight.zero_()
                linear.bias.zero_()
        for n, tag in enumerate(sorted(set(looks.values()))):
            direction = torch.zeros(cfg.hidden)
            direction[2 * n], direction[2 * n + 1] = 3.0, -3.0  # zero mean: LayerNorm keeps the direction
            model.tags.weight[tag] = direction
            for item in (i for i, t in looks.items() if t == tag):
                model.items.weight[item] = direction
    return model.eval()


def test_written_back_roles_follow_the_whole_history_not_the_newest_item(data: dict[str, RecData]) -> None:
    """Three items of one role, then one of another: the user keeps the first role in T(0), where the
    newest position alone (the score's T(0)) names the other."""
    d = data["user"]
    role_a, role_b = torch.nonzero(d.candidate_tags()).squeeze(1)[:2].tolist()
    looks = {1: role_a, 2: role_a, 3: role_a, 4: role_b}
    seqs = torch.tensor([[0, 0, 0, 0, 1, 2, 3, 4]])
    history = _per_item_model(d, CFG.with_overrides(k=1), looks)
    newest = _per_item_model(d, CFG.with_overrides(k=1, role_positions="newest"), looks)
    with torch.no_grad():
        (t0, _), (t0_newest, _) = history.roles(seqs), newest.roles(seqs)
        _, score_probs = history.user_tag_probs(seqs)
    assert torch.nonzero(t0[0]).squeeze(1).tolist() == [role_a]
    assert torch.nonzero(t0_newest[0]).squeeze(1).tolist() == [role_b]
    assert int(score_probs[0].argmax()) == role_b  # scoring still reads the newest position
    assert float(t0[0, role_a]) == pytest.approx(0.75, abs=0.01)  # P(role_a | u) ≈ 1 at three of four items


def test_position_mean_counts_only_positions_holding_an_item() -> None:
    values = torch.tensor([[[9.0, 9.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], [[5.0, 5.0]] * 4])
    present = torch.tensor([[False, True, True, True], [False] * 4])
    assert torch.allclose(position_mean(values, present), torch.tensor([[2 / 3, 1 / 3], [0.0, 0.0]]))


def test_eq6_negatives_leave_out_the_items_own_tags() -> None:
    own = torch.tensor([[1, 2, 0], [3, 0, 0]])
    drawn = torch.tensor([[2, 4, 1], [3, 3, 5]])
    assert other_tags(own, drawn).tolist() == [[0, 4, 0], [0, 0, 5]]


@pytest.mark.parametrize(
    "overrides", [{}, {"balanced_tags": False, "it_negatives": "item"}, {"tag_score": "logit", "t1_weights": False}]
)
def test_tagcf_recipe_switches_train_and_score(data: dict[str, RecData], overrides: dict[str, object]) -> None:
    d = data["user"]
    torch.manual_seed(0)
    model = build_model(parse_model("tagcf-ut-expl"), d, CFG.with_overrides(**overrides))
    model.prepare(d)
    batch = next(iter(model.batches(d, torch.Generator().manual_seed(0))))
    assert "neg_tags" in batch and batch["neg_tags"].shape[-1] == CFG.it_neg_samples
    assert np.isfinite(float(model.loss(batch).detach()))
    with torch.no_grad():
        parts = model.score_parts(torch.arange(3), eval_inputs(d, np.arange(3), "test", CFG.max_len))
    assert all(torch.isfinite(p[:, 1:]).all() for p in parts)


def test_tag_lift_centres_each_real_tag_and_item_and_keeps_the_padding_at_zero() -> None:
    probs = torch.tensor([[0.0, 0.0, 0.0, 0.0], [0.0, 0.9, 0.9, 0.9], [0.0, 0.8, 0.1, 0.1], [0.0, 0.1, 0.2, 0.3]])
    lift = tag_lift(probs)
    assert lift[0].eq(0).all() and lift[:, 0].eq(0).all()
    assert torch.allclose(lift[1:, 1:].sum(dim=0), torch.zeros(3), atol=1e-6)
    assert torch.allclose(lift[1:, 1:].sum(dim=1), torch.zeros(3), atol=1e-6)
    assert float(lift[1, 1]) < float(lift[2, 1])  # the item that carries every tag surely is no longer first
    assert int(probs[1:, 1].argmax()) == 0  # for tag 1, where P(t|i) put it first


def test_t1_lift_changes_only_the_t1_part(data: dict[str, RecData]) -> None:
    d = data["user"]
    users, seqs = torch.arange(3), eval_inputs(d, np.arange(3), "test", CFG.max_len)
    torch.manual_seed(0)
    model = build_model(parse_model("tagcf-ut-expl"), d, CFG.with_overrides(k=1))  # T(0) one role, T(1) the rest
    assert isinstance(model, TagCF)
    model.prepare(d)
    model.eval()
    with torch.no_grad():
        raw, tag0, tag1 = model.score_parts(users, seqs)
        model.cfg = model.cfg.with_overrides(t1_items="lift")
        raw_l, tag0_l, tag1_l = model.score_parts(users, seqs)
        t1 = model._sets(model.user_tag_probs(seqs)[1])[1]
        expected = t1 @ tag_lift(model.item_tag_probs()).t()
    assert torch.equal(raw[:, 1:], raw_l[:, 1:]) and torch.equal(tag0, tag0_l)
    assert (t1 > 0).any()
    assert torch.allclose(tag1_l, expected, atol=1e-6) and not torch.allclose(tag1, tag1_l)


@pytest.mark.parametrize(
    "overrides",
    [{"tag_heads": "cosine"}, {"tag_heads": "cosine", "tag_score": "logit"}, {"user_tag_target": "history"}],
)
def test_tagcf_tag_head_switches_train_and_score(data: dict[str, RecData], overrides: dict[str, object]) -> None:
    d = data["user"]
    torch.manual_seed(0)
    model = build_model(parse_model("tagcf-ut-expl"), d, CFG.with_overrides(**overrides))
    model.prepare(d)
    batch = next(iter(model.batches(d, torch.Generator().manual_seed(0))))
    loss = model.loss(batch)
    loss.backward()
    assert np.isfinite(float(loss.detach()))
    assert isinstance(model, TagCF) and model.tags.weight.grad is not None
    with torch.no_grad():
        parts = model.score_parts(torch.arange(3), eval_inputs(d, np.arange(3), "test", CFG.max_len))
        probs = model.item_tag_probs()
    assert all(torch.isfinite(p[:, 1:]).all() for p in parts)
    assert ((probs >= 0) & (probs <= 1)).all()


def _train_epochs(model: TagCF, d: RecData, epochs: int) -> None:
    """``epochs`` passes of Adam over the tiny world's training windows (the full TagCF loss)."""
    model.prepare(d)
    opt = torch.optim.Adam(model.parameters(), lr=2e-2)
    gen = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        for batch in model.batches(d, gen):
            opt.zero_grad()
            model.loss(batch).backward()
            opt.step()


def _own_vs_other(model: TagCF, d: RecData) -> tuple[float, float]:
    """Mean learned P(t|i) on the items' own tags and on the other tags."""
    own = torch.zeros(d.n_items + 1, d.n_tags + 1, dtype=torch.bool)
    own.scatter_(1, d.item_tags, True)
    with torch.no_grad():
        probs = model.item_tag_probs()[1:, 1:]
    mine = own[1:, 1:]
    return float(probs[mine].mean()), float(probs[~mine].mean())


def test_cosine_heads_let_the_item_tag_loss_train_p_t_given_i(data: dict[str, RecData]) -> None:
    """With cosine heads the learned P(t|i) separates an item's own tags from the others; with the paper's
    dot products (same training) it stays close to σ(0) on both."""
    d = data["user"]
    gaps = {}
    for heads in ("dot", "cosine"):
        torch.manual_seed(0)
        model = build_model(parse_model("tagcf-ut-util"), d, CFG.with_overrides(tag_heads=heads, lam=1.0))
        assert isinstance(model, TagCF)
        _train_epochs(model, d, 20)
        mine, others = _own_vs_other(model, d)
        gaps[heads] = mine - others
    assert gaps["cosine"] > 0.5 > 0.2 > gaps["dot"]


def test_history_target_is_the_tag_distribution_read_so_far(data: dict[str, RecData]) -> None:
    """The history loss is smallest when P(t|u) at each position equals the counted tags read up to it."""
    d = data["user"]
    torch.manual_seed(0)
    model = build_model(parse_model("tagcf-ut-util"), d, CFG.with_overrides(user_tag_target="history"))
    assert isinstance(model, TagCF)
    seqs = torch.tensor([[0, 1, 2]])
    mask = torch.tensor([[False, True, True]])
    read = torch.zeros(2, d.n_tags + 1)
    for row, items in enumerate(([1], [1, 2])):
        for item in items:
            for tag in d.item_tags[item].tolist():
                read[row, tag] += 1.0 if tag else 0.0
    target = read / read.sum(dim=1, keepdim=True)
    allowed = model.candidates
    with torch.no_grad():
        phi = torch.randn(2, CFG.hidden)
        logits = model.user_tag_logits(phi).masked_fill(~allowed[None, :], float("-inf"))
        expected = -(target * torch.log_softmax(logits, 1).masked_fill(~allowed[None, :], 0.0)).sum(1).mean()
        assert float(model._history_loss(seqs, mask, phi)) == pytest.approx(float(expected), rel=1e-5)


def test_a_setting_outside_its_choices_is_refused() -> None:
    with pytest.raises(InvalidInput, match="tag_heads must be one of"):
        CFG.with_text_overrides(["tag_heads=cosin"])
    assert CFG.with_text_overrides(["user_tag_target=history"]).user_tag_target == "history"
