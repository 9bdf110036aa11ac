"""`evaluate_seed`'s look inside: each training is handed over once, trained, before it is tested."""

from __future__ import annotations

import torch

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData
from rolegraph.recsys.evaluate import (
    BETA1_GRID,
    EXPL_TOLERANCE,
    MIX_BETA0_GRID,
    Evaluation,
    choose_point,
    evaluate_seed,
    finalize,
    grid_of,
)
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


def _rows(
    grid: list[tuple[float, float]], ndcg: dict[tuple[float, float], float], cover: dict[float, float]
) -> list[dict[str, float]]:
    """Validation rows for ``grid``: NDCG@10 as given (else 0.10), coverage@10 by β1 (else 0.5)."""
    return [{"ndcg@10": ndcg.get(p, 0.10), "coverage@10": cover.get(p[1], 0.5)} for p in grid]


def test_util_takes_the_best_ndcg_at_beta1_zero_and_expl_the_widest_list_within_tolerance() -> None:
    grid = grid_of("expl")
    assert [b1 for b0, b1 in grid if b0 == 0.0] == [0.0, *BETA1_GRID]
    best = 0.20
    ndcg = {(2.0, 0.0): best, (1.0, 0.0): 0.19}
    ndcg |= {(2.0, b1): best * (1.0 if b1 <= 64 else 0.97) for b1 in BETA1_GRID}  # > 64 costs 3 %: out
    ndcg[(1.0, 4096.0)] = 0.30  # a β1 at another β0 is never considered, however good
    cover = {b1: 0.5 + b1 / 10_000 for b1 in BETA1_GRID}  # a larger β1 widens the list
    rows = _rows(grid, ndcg, cover)
    assert grid[choose_point(grid, [rows], "util")] == (2.0, 0.0)
    assert EXPL_TOLERANCE > 0.97  # a 3 % loss is outside it
    assert grid[choose_point(grid, [rows], "expl")] == (2.0, 64.0)  # the widest list that keeps NDCG@10
    for b1 in BETA1_GRID:  # nothing within tolerance: the gentlest β1
        ndcg[(2.0, b1)] = best * 0.5
    assert grid[choose_point(grid, [_rows(grid, ndcg, cover)], "expl")] == (2.0, 0.5)
    flat = _rows(grid, {(2.0, 0.0): best, **{(2.0, b1): best for b1 in BETA1_GRID}}, {})
    assert grid[choose_point(grid, [flat], "expl")] == (2.0, 0.5)  # equal coverage: the gentlest β1


def test_the_choice_for_a_run_reads_the_mean_over_seeds() -> None:
    grid = grid_of("util")
    one = _rows(grid, {(4.0, 0.0): 0.30}, {})
    other = _rows(grid, {(8.0, 0.0): 0.30, (4.0, 0.0): 0.05}, {})
    assert grid[choose_point(grid, [one], "util")] == (4.0, 0.0)
    assert grid[choose_point(grid, [one, other], "util")] == (8.0, 0.0)  # (0.10 + 0.30) / 2 > (0.30 + 0.05) / 2
