"""save / load: identical outputs after a round trip, plain data for weights_only=True, bad files refused."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.distill import (
    BadModelFile,
    LogicConfig,
    LogicScorer,
    Tagger,
    TaggerConfig,
    load,
    save,
    train_logic,
    train_tagger,
)
from tests.reasoning.distill.planted import logic, sampled_edges, tagging


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    world = tagging(n=300)
    return train_tagger(world.x, world.y, TaggerConfig(hidden=32, epochs=3))


@pytest.fixture(scope="module")
def scorer() -> LogicScorer:
    world = logic(n_src=60, n_dst=40)
    edges = sampled_edges(world.truth, np.arange(60), per_source=3, seed=0)
    return train_logic(world.src, world.dst, edges, LogicConfig(hidden=32, dim=16, epochs=3))


def test_tagger_round_trip_predicts_the_same(tagger: Tagger, tmp_path: Path) -> None:
    save(tagger, tmp_path / "tagger.pt")
    again = load(tmp_path / "tagger.pt")
    assert isinstance(again, Tagger)
    x = tagging(n=50, seed=9).x
    assert np.array_equal(again.predict(x), tagger.predict(x))
    assert again.config == tagger.config and again.report == tagger.report


def test_logic_round_trip_scores_the_same(scorer: LogicScorer, tmp_path: Path) -> None:
    save(scorer, tmp_path / "u2i.pt")
    again = load(tmp_path / "u2i.pt")
    assert isinstance(again, LogicScorer)
    world = logic(n_src=20, n_dst=30, seed=4)
    assert np.array_equal(again.score(world.src, world.dst), scorer.score(world.src, world.dst))
    assert again.config == scorer.config


def test_the_file_is_plain_data_for_weights_only_loading(scorer: LogicScorer, tmp_path: Path) -> None:
    save(scorer, tmp_path / "i2u.pt")
    payload = torch.load(tmp_path / "i2u.pt", weights_only=True)
    assert payload["format"] == "rolegraph.distill" and payload["kind"] == "logic"
    assert payload["config"]["dim"] == 16
    assert all(isinstance(v, torch.Tensor) for v in payload["state_dict"].values())


def test_saving_replaces_the_file_and_leaves_no_temporary(tagger: Tagger, scorer: LogicScorer, tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    save(tagger, path)
    save(scorer, path)
    assert isinstance(load(path), LogicScorer)
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flipped(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 3 : len(data) // 3 + 64] = bytes(64)
    path.write_bytes(bytes(data))


def _pickled_object(path: Path) -> None:
    path.write_bytes(pickle.dumps(InvalidInput("a pickled class, not our format"), protocol=2))


def _other_dict(path: Path) -> None:
    torch.save({"weights": torch.zeros(3)}, path)


def _wrong_version(path: Path) -> None:
    payload = torch.load(path, weights_only=True)
    torch.save(payload | {"version": 99}, path)


def _other_weights(path: Path) -> None:
    payload = torch.load(path, weights_only=True)
    state = {k: v + 1 for k, v in payload["state_dict"].items()}
    torch.save(payload | {"state_dict": state}, path)


def _wrong_shape(path: Path) -> None:
    payload = torch.load(path, weights_only=True)
    torch.save(payload | {"shape": {"dim": 7}}, path)


def _bad_config(path: Path) -> None:
    payload = torch.load(path, weights_only=True)
    torch.save(payload | {"config": payload["config"] | {"hidden": -4}}, path)


def _unknown_kind(path: Path) -> None:
    payload = torch.load(path, weights_only=True)
    torch.save(payload | {"kind": "ranker"}, path)


@pytest.mark.parametrize(
    ("spoil", "needle"),
    [
        (_truncated, "not a readable model file"),
        (_flipped, "checksum"),
        (_pickled_object, "not a readable model file"),
        (_other_dict, "not a rolegraph distilled model"),
        (_wrong_version, "format version 99"),
        (_other_weights, "checksum"),
        (_wrong_shape, "does not match"),
        (_bad_config, "does not match"),
        (_unknown_kind, "unknown model kind"),
        (lambda p: p.unlink(), "no model file"),
        (lambda p: p.write_text("hello"), "not a readable model file"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    scorer: LogicScorer, tmp_path: Path, spoil: Callable[[Path], object], needle: str
) -> None:
    path = tmp_path / "model.pt"
    save(scorer, path)
    spoil(path)
    with pytest.raises(BadModelFile, match=needle) as caught:
        load(path)
    assert isinstance(caught.value, InvalidInput) and str(path) in str(caught.value)
