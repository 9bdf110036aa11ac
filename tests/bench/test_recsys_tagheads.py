"""bench/recsys_tagheads.py's ceiling of Eq. 9: the role mixes it adds to SASRec's scores, and the β it picks."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from recsys_tagheads import ceiling_rows, eq9_ceiling, role_profiles

from rolegraph.graph.model import Source
from rolegraph.graph.synth import SynthConfig, generate
from rolegraph.progress import no_progress
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, build
from rolegraph.recsys.evaluate import BETA0_GRID
from rolegraph.recsys.export.read import read_graph
from rolegraph.recsys.models.registry import build_model, parse_model
from rolegraph.recsys.sources import dataset_store


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[RecData, dict[str, dict[str, float]]]:
    folder = tmp_path_factory.mktemp("world")
    generate(SynthConfig(users=150, items=200, interactions_per_user=20.0), folder)
    with dataset_store(f"synth:{folder}", no_progress) as store:
        g = read_graph(store, Source.DISTILLED)
    rows = [json.loads(line) for line in (folder / "truth" / "users.jsonl").read_text().splitlines()]
    return build(g, "user", 8), {r["id"]: dict(zip(r["roles"], r["weights"], strict=True)) for r in rows}


def test_the_planted_mix_is_each_users_weights_and_the_counted_one_a_distribution(
    world: tuple[RecData, dict[str, dict[str, float]]],
) -> None:
    data, weights = world
    mixes = role_profiles(data, "test", weights)
    users = data.split.eval_users()
    first = data.user_ids[users[0]]
    planted = {data.tag_keys[t - 1]: float(w) for t, w in enumerate(mixes["planted"][0].tolist()) if w > 0}
    assert planted == pytest.approx(weights[first])
    assert mixes["planted"].sum(dim=1).numpy() == pytest.approx(np.ones(users.size), abs=1e-5)
    sums = mixes["counted"].sum(dim=1).numpy()
    assert np.all((np.abs(sums - 1) < 1e-5) | (sums == 0)) and sums.max() == pytest.approx(1.0)
    assert float(mixes["counted"][:, 0].abs().sum()) == 0.0  # never the padding tag


def test_the_planted_roles_lift_an_untrained_scorer(world: tuple[RecData, dict[str, dict[str, float]]]) -> None:
    """On a world whose users consume through their roles, the planted role term must rank the target
    higher than scores that know nothing (an untrained SASRec), and β0 = 0 is SASRec itself."""
    data, weights = world
    torch.manual_seed(0)
    model = build_model(parse_model("sasrec"), data, ModelConfig(max_len=30))
    seen = eq9_ceiling(model, data, weights)
    planted = seen["planted"]
    assert planted["beta0"] == list(BETA0_GRID) and len(planted["test_ranks"]) == len(BETA0_GRID)
    assert max(planted["test_ndcg@10"]) > 1.5 * planted["test_ndcg@10"][0]
    rows = ceiling_rows([{"eq9 ceiling": seen}])
    assert "test_ranks" not in seen["planted"]  # taken out: not for the JSON
    assert rows["planted"]["beta0"] > 0 and rows["planted"]["vs_sasrec"]["rel"] > 0.5


def test_beta_is_chosen_once_from_every_seeds_validation() -> None:
    def seed(valid: list[float]) -> dict[str, dict[str, dict[str, object]]]:
        ranks = [np.full(4, k, dtype=np.int32) for k in range(len(BETA0_GRID))]
        kind = {"valid_ndcg@10": valid, "test_ndcg@10": valid, "test_ranks": ranks}
        return {"eq9 ceiling": {"planted": dict(kind), "counted": dict(kind)}}

    flat = [0.1] * len(BETA0_GRID)
    # seed 0 prefers β index 2, seed 1 index 3 by less: the mean picks index 2
    a = seed([0.1, 0.1, 0.3, 0.1, *flat[4:]])
    b = seed([0.1, 0.1, 0.1, 0.2, *flat[4:]])
    rows = ceiling_rows([a, b])
    assert rows["planted"]["beta0"] == BETA0_GRID[2]
    assert rows["planted"]["valid_ndcg@10"] == [[0.1, 0.3], [0.1, 0.1]]
    assert rows["planted"]["valid_rel"] == pytest.approx(0.2 / 0.1 - 1)
    assert rows["planted"]["vs_sasrec"]["rel"] < 0  # ranks 2 against 0: worse
    ties = ceiling_rows([seed(flat)])
    assert ties["counted"]["beta0"] == 0.0  # a tie keeps the smaller β
