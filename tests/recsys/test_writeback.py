"""`rolegraph train`'s core: roles written back idempotently, the stored model served by `load_scorer`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from rolegraph.errors import InvalidInput, ModelNotTrained
from rolegraph.graph.model import Source, Weights
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.export.read import read_graph
from rolegraph.recsys.models.registry import parse_model
from rolegraph.recsys.pipeline import run_training, train_model
from rolegraph.recsys.serving import load_scorer
from rolegraph.recsys.writeback import count_roles
from rolegraph.settings import RecsysSettings

CFG = ModelConfig(hidden=16, layers=1, heads=2, max_len=8, batch_size=32, epochs=1, k=3)


def _train(store: GraphStore, root: Path, cfg: ModelConfig = CFG, model: str = "tagcf-ut-expl") -> dict[str, object]:
    return run_training(store, root, parse_model(model), cfg, seed=0, device="cpu", source=Source.DISTILLED)


def test_train_twice_keeps_one_set_of_roles(world_store: GraphStore, tmp_path: Path) -> None:
    first = _train(world_store, tmp_path)
    counts = count_roles(world_store)
    users = world_store.stats().nodes["User"]
    assert counts["T0"] == 3 * users  # |T(0)| = k for every user with a history
    assert 0 < counts["T1"] <= 3 * users
    second = _train(world_store, tmp_path)
    assert count_roles(world_store) == counts
    assert second["run"] != first["run"]
    runs = {r["run"] for r in world_store.user_roles("u0000000", "T0")}
    assert runs == {second["run"]}  # weights and run SET on the same edges, no leftovers
    _train(world_store, tmp_path, CFG.with_overrides(k=2))  # fewer roles: stale edges removed
    assert count_roles(world_store)["T0"] == 2 * users


def test_stored_model_is_served(world_store: GraphStore, tmp_path: Path) -> None:
    settings = RecsysSettings(recsys_dir=str(tmp_path))
    with pytest.raises(ModelNotTrained):
        load_scorer(settings)
    out = _train(world_store, tmp_path)
    assert (tmp_path / "current").resolve() == Path(str(out["folder"])).resolve()
    state = torch.load(tmp_path / "current" / "model.pt", weights_only=True)
    assert "items.weight" in state
    scorer = load_scorer(settings)
    assert scorer.run_id == out["run"] and scorer.name == "tagcf-ut-expl"
    assert scorer.knows_user("u0000000") and not scorer.knows_user("nobody")
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
    for weights in Weights:
        run_training(world_store, tmp_path, parse_model("tagcf-ut-util"), CFG, seed=0, device="cpu", weights=weights)
        manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
        assert manifest["weights"] == weights.value
