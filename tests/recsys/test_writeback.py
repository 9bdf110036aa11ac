"""`rolegraph train`'s core: roles written back idempotently, the stored model served by `load_scorer`."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import torch

from rolegraph.errors import InvalidInput, ModelNotTrained
from rolegraph.graph.calibration import EdgeStats
from rolegraph.graph.model import LogicKind, Source, Weights
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.artifact import load
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import eval_inputs, history
from rolegraph.recsys.export import load_export
from rolegraph.recsys.export.read import read_graph
from rolegraph.recsys.models.registry import parse_model
from rolegraph.recsys.models.tagcf import TagCF
from rolegraph.recsys.pipeline import run_training, train_model
from rolegraph.recsys.scorer import Mode
from rolegraph.recsys.serving import load_scorer
from rolegraph.recsys.writeback import count_roles
from rolegraph.settings import RecsysSettings

CFG = ModelConfig(hidden=16, layers=1, heads=2, max_len=8, batch_size=32, epochs=1, k=3)


def _train(store: GraphStore, root: Path, cfg: ModelConfig = CFG, model: str = "tagcf-ut-expl") -> dict[str, object]:
    return run_training(store, root, parse_model(model), cfg, seed=0, device="cpu", source=Source.DISTILLED)


def _assert_roles_are_the_models(store: GraphStore, folder: Path, run: str) -> None:
    """Every user's stored T0 and T1 edges are the stored model's own T(0) and T(1) (`TagCF.roles` over the
    user's whole history): the same tags with p = P(t|u), ranked 0..n-1 by descending p, all of ``run``;
    and the graph holds no other HAS_ROLE edge."""
    art = load(folder)
    model, data = art.model, art.data
    assert isinstance(model, TagCF)
    with torch.no_grad():
        t0, t1 = model.roles(eval_inputs(data, np.arange(len(data.user_ids)), "serve", model.cfg.max_len))
    compared = 0
    for u, user_id in enumerate(data.user_ids):
        for name, probs in (("T0", t0[u]), ("T1", t1[u])):
            rows = store.user_roles(user_id, name)  # by rank
            if not history(data, u, "serve").size:
                assert rows == [], (user_id, name)  # no history, no roles
                continue
            tags = torch.nonzero(probs > 0).flatten().tolist()
            want = sorted(((float(probs[t]), t) for t in tags), key=lambda pt: (-pt[0], pt[1]))
            assert [r["key"] for r in rows] == [data.tag_keys[t - 1] for _, t in want], (user_id, name)
            assert [r["p"] for r in rows] == pytest.approx([p for p, _ in want], rel=1e-6, abs=1e-9), (user_id, name)
            assert [r["rank"] for r in rows] == list(range(len(want))), (user_id, name)
            assert all(a["p"] >= b["p"] for a, b in pairwise(rows)), (user_id, name)  # rank 0 = most likely
            assert all(r["run"] == run for r in rows), (user_id, name)
            compared += len(rows)
    assert compared == store.stats().relationships["HAS_ROLE"]


def test_train_twice_keeps_one_set_of_roles(world_store: GraphStore, tmp_path: Path) -> None:
    first = _train(world_store, tmp_path)
    counts = count_roles(world_store)
    users = world_store.stats().nodes["User"]
    assert counts["T0"] == 3 * users  # |T(0)| = k for every user with a history
    assert 0 < counts["T1"] <= 3 * users
    _assert_roles_are_the_models(world_store, tmp_path / "current", str(first["run"]))
    second = _train(world_store, tmp_path)
    assert count_roles(world_store) == counts
    assert second["run"] != first["run"]
    runs = {r["run"] for r in world_store.user_roles("u0000000", "T0")}
    assert runs == {second["run"]}  # weights and run SET on the same edges, no leftovers
    _assert_roles_are_the_models(world_store, tmp_path / "current", str(second["run"]))
    third = _train(world_store, tmp_path, CFG.with_overrides(k=2))  # fewer roles: stale edges removed
    assert count_roles(world_store)["T0"] == 2 * users
    _assert_roles_are_the_models(world_store, tmp_path / "current", str(third["run"]))


def test_stored_model_is_served(world_store: GraphStore, tmp_path: Path) -> None:
    settings = RecsysSettings(recsys_dir=str(tmp_path))
    with pytest.raises(ModelNotTrained):
        load_scorer(settings)
    # training is seed-deterministic (test_a_seed_fixes_the_whole_training): this is the model `_train` stores
    spec = parse_model("tagcf-ut-expl")
    trained, data, facts = train_model(read_graph(world_store, Source.DISTILLED), spec, CFG, 0, "cpu")
    out = _train(world_store, tmp_path)
    assert (tmp_path / "current").resolve() == Path(str(out["folder"])).resolve()
    state = torch.load(tmp_path / "current" / "model.pt", weights_only=True)
    assert "items.weight" in state
    scorer = load_scorer(settings)
    assert scorer.run_id == out["run"] and scorer.name == "tagcf-ut-expl"
    assert scorer.knows_user("u0000000") and not scorer.knows_user("nobody")
    # the served model is the trained one: the same weights, β and ids, so the same score parts
    assert (out["beta0"], out["beta1"]) == (facts["beta0"], facts["beta1"])
    assert (scorer.artifact.beta0, scorer.artifact.beta1) == (trained.cfg.beta0, trained.cfg.beta1)
    served = scorer.artifact.model.state_dict()
    want = trained.state_dict()
    assert served.keys() == want.keys()
    assert all(torch.equal(served[k], want[k]) for k in want), [k for k in want if not torch.equal(served[k], want[k])]
    assert scorer.artifact.data.user_ids == data.user_ids and scorer.artifact.data.item_ids == data.item_ids
    trained.eval()  # as served (no dropout)
    users = np.arange(len(data.user_ids))
    seqs = eval_inputs(data, users, "serve", trained.cfg.max_len)  # every user's whole history
    with torch.no_grad():
        want_parts = trained.score_parts(torch.from_numpy(users), seqs)
        served_parts = scorer.artifact.model.score_parts(torch.from_numpy(users), seqs)
    for name, a, b in zip(("raw", "tag0", "tag1"), served_parts, want_parts, strict=True):  # before β
        assert torch.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True), name
    # and the service answers with them: a few (user, item) pairs in both modes, β applied
    modes: tuple[tuple[Mode, float], ...] = (("util", 0.0), ("expl", trained.cfg.beta1))
    for u in (0, len(data.user_ids) // 2, len(data.user_ids) - 1):
        raw, tag0, tag1 = (part[u] for part in want_parts)
        for i in (1, len(data.item_ids) // 2, len(data.item_ids)):
            for served_mode, beta1 in modes:
                got = scorer.score_parts(data.user_ids[u], data.item_ids[i - 1], served_mode)
                expect = (float(raw[i]), trained.cfg.beta0 * float(tag0[i]), beta1 * float(tag1[i]))
                assert (got.raw, got.tag0, got.tag1) == pytest.approx(expect, rel=1e-5, abs=1e-6), (u, i, served_mode)
    seen = {r["item"] for r in world_store.exports.interactions(["u0000000"])}
    for mode in ("util", "expl"):
        recs = scorer.recommend("u0000000", 5, mode)
        assert len(recs) == 5 and not {r.item_id for r in recs} & seen
        assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)
        parts = scorer.score_parts("u0000000", recs[0].item_id, mode)
        assert parts.total == pytest.approx(recs[0].score, rel=1e-5)
        assert parts.tag1 == 0.0 if mode == "util" else parts.beta1 == out["beta1"]
    with pytest.raises(InvalidInput):
        scorer.recommend("nobody", 5)
    with pytest.raises(InvalidInput):
        scorer.score_parts("u0000000", "no-such-item")


def test_the_score_table_answers_as_the_forward_pass(world_store: GraphStore, tmp_path: Path) -> None:
    settings = RecsysSettings(recsys_dir=str(tmp_path))
    _train(world_store, tmp_path)
    tabled, direct = load_scorer(settings), load_scorer(settings, table_bytes=0)
    assert tabled.tabled and not direct.tabled
    for user in tabled.artifact.data.user_ids:
        for mode in ("util", "expl"):
            a, b = tabled.recommend(user, 10, mode), direct.recommend(user, 10, mode)
            assert [r.item_id for r in a] == [r.item_id for r in b]
            assert [r.score for r in a] == pytest.approx([r.score for r in b], rel=1e-5, abs=1e-6)
            item = a[0].item_id
            pa, pb = tabled.score_parts(user, item, mode), direct.score_parts(user, item, mode)
            assert (pa.raw, pa.tag0, pa.tag1) == pytest.approx((pb.raw, pb.tag0, pb.tag1), rel=1e-5, abs=1e-6)


def test_a_seed_fixes_the_whole_training(world_store: GraphStore) -> None:
    """Initialization included: two trainings in one process with one seed give the same weights."""
    g = read_graph(world_store, Source.DISTILLED)
    spec = parse_model("tagcf-ut-expl")
    weights = [train_model(g, spec, CFG, seed, "cpu")[0].state_dict() for seed in (0, 0, 1)]
    assert all(torch.equal(weights[0][k], weights[1][k]) for k in weights[0])
    assert not all(torch.equal(weights[0][k], weights[2][k]) for k in weights[0])


def test_training_exports_with_the_weights_it_is_given(world_store: GraphStore, tmp_path: Path) -> None:
    # behaviour's statistics on every other LLM logic edge (calibration SETs them on the LLM view only), with a
    # calibrated weight unlike the LLM's own
    llm: dict[LogicKind, dict[tuple[str, str], float]] = {}
    calibrated: dict[LogicKind, dict[tuple[str, str], float]] = {}
    for kind in LogicKind:
        llm[kind] = {(e.src, e.dst): e.weight for e in world_store.distillation.llm_logic(kind)}
        pairs = sorted(llm[kind])
        calibrated[kind] = {pair: round(0.013 + 0.97 * n / len(pairs), 6) for n, pair in enumerate(pairs) if n % 2 == 0}
        assert all(abs(w - llm[kind][pair]) > 1e-4 for pair, w in calibrated[kind].items())
        stats = [EdgeStats(a, b, 5, 1.5, w, False) for (a, b), w in calibrated[kind].items()]
        assert world_store.calibration.set_edge_stats(kind, stats) == len(stats) > 2
    for weights in Weights:
        run_training(
            world_store,
            tmp_path,
            parse_model("tagcf-ut-util"),
            CFG,
            seed=0,
            device="cpu",
            source=Source.LLM,
            weights=weights,
        )
        manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
        assert manifest["weights"] == weights.value
        g = load_export(tmp_path / "export")
        assert g.source == Source.LLM.value and g.weights == weights.value
        for kind, edges, (src_map, dst_map) in (
            (LogicKind.U2I, g.u2i, ("user_tag", "item_tag")),
            (LogicKind.I2U, g.i2u, ("item_tag", "user_tag")),
        ):
            got = {
                (g.maps[src_map][s], g.maps[dst_map][d]): float(w)
                for s, d, w in zip(edges.src, edges.dst, edges.weight, strict=True)
            }
            # calibrated: the calibrated weight where calibration scored the edge, the LLM's elsewhere; llm: the LLM's
            scored = calibrated[kind] if weights is Weights.CALIBRATED else {}
            want = {pair: scored.get(pair, w) for pair, w in llm[kind].items()}
            assert len(got) == len(edges) and got == pytest.approx(want, rel=1e-6), (weights, kind)
