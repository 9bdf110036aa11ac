"""P_θ(t|i): beats the frequency baseline on held-out items, learns soft labels, is deterministic, refuses bad input."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.distill import Tagger, TaggerConfig, TrainingDiverged, train_tagger
from tests.reasoning.distill.planted import Tagging, tagging

FAST = TaggerConfig(hidden=64, epochs=15, batch_size=128)


@pytest.fixture(scope="module")
def world() -> Tagging:
    return tagging()


@pytest.fixture(scope="module")
def trained(world: Tagging) -> Tagger:
    return train_tagger(world.x[:1200], world.y[:1200], FAST)


def precision_at(k: int, scores: np.ndarray, truth: np.ndarray) -> float:
    best = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float(np.take_along_axis(truth, best, axis=1).mean())


def test_beats_the_frequency_baseline_on_held_out_items(world: Tagging, trained: Tagger) -> None:
    truth = world.y[1200:].toarray() > 0
    frequency = np.asarray(world.y[:1200].mean(axis=0)).ravel()
    baseline = precision_at(3, np.tile(frequency, (len(truth), 1)), truth)
    model = precision_at(3, trained.predict(world.x[1200:]), truth)
    # each item has 3 of its cluster's 4 tags, so 0.75 is the best any model can do
    assert model >= 0.65
    assert baseline <= 0.2
    assert trained.report.best_epoch >= 1 and math.isfinite(trained.report.val_loss)


def test_predictions_are_probabilities_of_the_right_shape(world: Tagging, trained: Tagger) -> None:
    p = trained.predict(world.x[1200:1210])
    assert p.shape == (10, world.y.shape[1]) and p.dtype == np.float32
    assert (p >= 0).all() and (p <= 1).all()
    assert trained.predict(np.zeros((0, world.x.shape[1]), np.float32)).shape == (0, world.y.shape[1])


def test_soft_labels_are_learned_as_probabilities() -> None:
    # every item of cluster 0 has tag 0 with p = 0.3 and tag 1 with p = 1; cluster 1 has neither
    rng = np.random.default_rng(1)
    x = np.r_[rng.normal(2, 0.3, (300, 8)), rng.normal(-2, 0.3, (300, 8))].astype(np.float32)
    y = sp.csr_matrix(np.r_[np.tile([0.3, 1.0, 0.0], (300, 1)), np.tile([0.0, 0.0, 1.0], (300, 1))])
    model = train_tagger(x, y, TaggerConfig(hidden=16, epochs=40, lr=1e-2, val_share=0.0))
    p = model.predict(np.array([[2.0] * 8, [-2.0] * 8], np.float32))
    assert p[0, 0] == pytest.approx(0.3, abs=0.05)
    assert p[0, 1] > 0.95 and p[1, 0] < 0.05 and p[1, 2] > 0.95


def test_top_tags_are_the_best_above_min_p_in_order(world: Tagging, trained: Tagger) -> None:
    x = world.x[1200:1260]
    p = trained.predict(x)
    top = trained.top_tags(x, k=2, min_p=0.3)
    assert len(top) == 60
    for row, tags in zip(p, top, strict=True):
        expected = [t for t in np.argsort(-row, kind="stable") if row[t] >= 0.3][:2]
        assert [t for t, _ in tags] == expected
        assert all(score == pytest.approx(row[t]) for t, score in tags)
    assert all(tags == [] for tags in trained.top_tags(x, k=3, min_p=1.0))


def test_same_seed_same_model_other_seed_other_model(world: Tagging, trained: Tagger) -> None:
    again = train_tagger(world.x[:1200], world.y[:1200], FAST)
    other = train_tagger(world.x[:1200], world.y[:1200], TaggerConfig(hidden=64, epochs=15, batch_size=128, seed=1))
    x = world.x[1200:]
    assert np.array_equal(again.predict(x), trained.predict(x))
    assert not np.allclose(other.predict(x), trained.predict(x))


def test_early_stopping_keeps_the_best_validation_epoch() -> None:
    # pure noise: nothing generalizes, so validation loss stops improving early
    rng = np.random.default_rng(2)
    x = rng.normal(size=(400, 16)).astype(np.float32)
    y = sp.random(400, 20, density=0.2, random_state=3, format="csr", dtype=np.float32)
    y.data[:] = 1.0
    model = train_tagger(x, y, TaggerConfig(hidden=128, epochs=200, patience=3))
    assert model.report.epochs < 200
    assert model.report.epochs - model.report.best_epoch == 3


def _y(n: int = 10, tags: int = 4) -> sp.csr_matrix:
    return sp.csr_matrix(np.eye(n, tags, dtype=np.float32))


@pytest.mark.parametrize(
    ("x", "y", "needle"),
    [
        (np.ones(10, np.float32), _y(), "2-D"),
        (np.ones((0, 4), np.float32), _y(0), "at least 1 row"),
        (np.full((10, 4), np.nan, np.float32), _y(), "NaN"),
        (np.ones((10, 4), np.float32), _y(9), "shape"),
        (np.ones((10, 4), np.float32), np.eye(10, 4), "scipy.sparse"),
        (np.ones((10, 4), np.float32), sp.csr_matrix((10, 4), dtype=np.float32), "no tag"),
        (np.ones((10, 4), np.float32), sp.csr_matrix(np.eye(10, 4) * 1.5), r"\[0, 1\]"),
        (np.ones((10, 4), np.float32), sp.csr_matrix(-np.eye(10, 4)), r"\[0, 1\]"),
        (np.ones((10, 4), np.float32), sp.csr_matrix(([0.6, 0.6], ([0, 0], [1, 1])), shape=(10, 4)), "duplicate"),
        (np.ones((10, 4), np.float32), sp.csr_matrix(np.eye(10, 4) * np.nan), r"\[0, 1\]"),
        (np.array([["a"] * 4] * 10), _y(), "real numbers"),
        ([[0.0] * 4] * 10, _y(), "numpy array"),
    ],
)
def test_bad_training_input_is_refused(x: Any, y: Any, needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle):
        train_tagger(x, y, FAST)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"hidden": 0},
        {"epochs": -1},
        {"lr": 0.0},
        {"lr": 2.0},
        {"lr": float("nan")},
        {"val_share": 1.0},
        {"batch_size": 2.5},
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        TaggerConfig(**kwargs)


def test_prediction_input_must_match_the_model(world: Tagging, trained: Tagger) -> None:
    with pytest.raises(InvalidInput, match="columns"):
        trained.predict(np.ones((2, world.x.shape[1] + 1), np.float32))
    with pytest.raises(InvalidInput, match="NaN"):
        trained.predict(np.full((2, world.x.shape[1]), np.inf, np.float32))
    with pytest.raises(InvalidInput, match="k must"):
        trained.top_tags(world.x[:2], k=0)
    with pytest.raises(InvalidInput, match="min_p"):
        trained.top_tags(world.x[:2], min_p=1.5)


def test_an_unusable_device_is_refused_before_training(world: Tagging) -> None:
    with pytest.raises(InvalidInput, match="unknown device"):
        train_tagger(world.x[:50], world.y[:50], TaggerConfig(device="abacus"))
    if not torch.cuda.is_available():
        with pytest.raises(InvalidInput, match="CUDA is not available"):
            train_tagger(world.x[:50], world.y[:50], TaggerConfig(device="cuda"))


def test_a_loss_that_turns_nan_stops_training_with_its_own_error() -> None:
    # finite float32 values near the top of the range overflow inside the network
    x = (np.random.default_rng(0).normal(size=(100, 4)) * 1e37).astype(np.float32)
    x[0, 0] = 3e38
    with pytest.raises(TrainingDiverged, match="epoch 1"):
        train_tagger(x, _y(100, 5), TaggerConfig(hidden=8, epochs=3))
