"""`evaluate_seed`'s look inside: each training is handed over once, trained, before it is tested."""

from __future__ import annotations

import torch

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData
from rolegraph.recsys.evaluate import MIX_BETA0_GRID, Evaluation, evaluate_seed, finalize
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.models.base import Recommender
from rolegraph.recsys.models.registry import parse_model

CFG = ModelConfig(hidden=8, layers=1, max_len=8, stride=3, epochs=2, min_epochs=1)


def test_on_trained_sees_each_training_once_with_its_weights(tiny_graph: GraphData) -> None:
    specs = [parse_model("sasrec"), parse_model("tagcf-ut-util"), parse_model("tagcf-ut-util-no-tli")]
    seen: list[tuple[str, int, Recommender, dict[str, torch.Tensor], RecData, bool]] = []

    def look(key: str, seed: int, model: Recommender, data: RecData) -> None:
        state = {k: v.clone() for k, v in model.state_dict().items()}
        seen.append((key, seed, model, state, data, model.training))

    ev = Evaluation(seeds=[3])
    evaluate_seed(tiny_graph, specs, 3, CFG, ev, "cpu", on_trained=look)
    assert [(key, seed) for key, seed, *_ in seen] == [("sasrec", 3), ("tagcf-ut", 3)]  # util and no-tli share
    for _, _, model, state, data, training in seen:
        assert data.n_items == model.n_items and not training  # fit has ended: eval mode, best weights
        assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())  # the weights then tested
    assert set(ev.metrics) == {"sasrec"} and set(ev.sweeps) == {"tagcf-ut-util", "tagcf-ut-util-no-tli"}


def test_a_baseline_with_the_tag_mixture_shares_its_training_and_is_itself_at_beta0_zero(
    tiny_graph: GraphData,
) -> None:
    specs = [parse_model("sasrec"), parse_model("sasrec-mix"), parse_model("sasrec-mix-it")]
    trained: list[str] = []
    ev = Evaluation(seeds=[1])
    evaluate_seed(tiny_graph, specs, 1, CFG, ev, "cpu", on_trained=lambda key, *_: trained.append(key))
    assert trained == ["sasrec"]  # one SASRec serves the three
    assert set(ev.sweeps) == {"sasrec-mix", "sasrec-mix-it"}
    plain = {m: v[0] for m, v in ev.metrics["sasrec"].items()}
    for name in ("sasrec-mix", "sasrec-mix-it"):
        (sweep,) = ev.sweeps[name]
        assert sweep.grid == [(b0, 0.0) for b0 in MIX_BETA0_GRID]  # the mixture's grid, β1 held at 0
        assert sweep.test[0] == plain  # β0 = 0: the mixture has no say
    assert sweep.spread["tag0"] > 0  # the T(0) part is there to be weighed
    finalize(ev)
    assert {b["model"] for b in ev.betas} == {"sasrec-mix", "sasrec-mix-it"}
    assert set(ev.metrics) == {"sasrec", "sasrec-mix", "sasrec-mix-it"}


def test_the_mixture_grid_follows_the_tag_term_not_the_name(tiny_graph: GraphData) -> None:
    ev = Evaluation(seeds=[0])
    specs = [parse_model("tagcf-ut-util"), parse_model("tagcf-ut-util-no-tli")]
    evaluate_seed(tiny_graph, specs, 0, CFG.with_overrides(tag_score="mixture"), ev, "cpu")  # `--set tag_score=…`
    assert ev.sweeps["tagcf-ut-util"][0].grid == [(b0, 0.0) for b0 in MIX_BETA0_GRID]
    assert ev.sweeps["tagcf-ut-util-no-tli"][0].grid == [(0.0, 0.0)]  # no tag-logic inference: nothing to weigh
