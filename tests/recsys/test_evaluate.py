"""`evaluate_seed`'s look inside: each training is handed over once, trained, before it is tested."""

from __future__ import annotations

import torch

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData
from rolegraph.recsys.evaluate import Evaluation, evaluate_seed
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
