"""P_φ(dst|src): ranks planted edges of unseen sources and targets first, is a distribution, refuses bad input."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.distill import LogicConfig, LogicScorer, top_b, train_logic
from rolegraph.reasoning.distill.logic import _targets
from tests.reasoning.distill.planted import Logic, auc, logic, sampled_edges

FAST = LogicConfig(hidden=64, dim=32, epochs=60, patience=5)
TRAIN_SOURCES = 240  # sources 240… are never seen in training


@pytest.fixture(scope="module")
def world() -> Logic:
    return logic()


@pytest.fixture(scope="module")
def edges(world: Logic) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return sampled_edges(world.truth, np.arange(TRAIN_SOURCES), per_source=6, seed=1)


@pytest.fixture(scope="module")
def trained(world: Logic, edges: tuple[np.ndarray, np.ndarray, np.ndarray]) -> LogicScorer:
    return train_logic(world.src, world.dst, edges, FAST)


def test_ranks_true_targets_of_unseen_sources_first(world: Logic, trained: LogicScorer) -> None:
    scores = trained.score(world.src[TRAIN_SOURCES:], world.dst)
    truth = world.truth[TRAIN_SOURCES:]
    assert auc(scores, truth) >= 0.9
    chosen = top_b(scores, b=20)
    hits = np.mean([truth[s, d] for s, d, _ in chosen])
    assert hits >= 0.8 > 2 * truth.mean()  # chance is the share of true pairs, about 0.25


def test_scores_targets_never_seen_in_training(world: Logic, trained: LogicScorer) -> None:
    dst, group = world.new_targets(100, seed=5)
    truth = world.links[world.src_group[TRAIN_SOURCES:]][:, group]
    assert auc(trained.score(world.src[TRAIN_SOURCES:], dst), truth) >= 0.9


def test_scores_are_distributions_over_the_given_targets(world: Logic, trained: LogicScorer) -> None:
    scores = trained.score(world.src[:7], world.dst[:50])
    assert scores.shape == (7, 50) and scores.dtype == np.float32
    assert np.allclose(scores.sum(axis=1), 1.0, atol=1e-5)
    assert (scores >= 0).all() and (scores <= 1).all()
    assert trained.score(world.src[:0], world.dst).shape == (0, len(world.dst))


def test_same_seed_same_scores_other_seed_other_scores(
    world: Logic, edges: tuple[np.ndarray, np.ndarray, np.ndarray], trained: LogicScorer
) -> None:
    again = train_logic(world.src, world.dst, edges, FAST)
    other = train_logic(world.src, world.dst, edges, LogicConfig(hidden=64, dim=32, epochs=60, patience=5, seed=7))
    assert np.array_equal(again.score(world.src, world.dst), trained.score(world.src, world.dst))
    assert not np.allclose(other.score(world.src, world.dst), trained.score(world.src, world.dst))


def test_targets_are_each_sources_weights_normalized_with_duplicates_at_their_highest() -> None:
    q = _targets((np.array([0, 0, 0, 2, 2]), np.array([1, 2, 1, 0, 0]), np.array([0.2, 0.6, 0.4, 0.0, 0.0])), 3, 3)
    assert np.allclose(q.toarray(), [[0.0, 0.4, 0.6], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])


def _edges(s: Any = (0, 1), d: Any = (1, 0), w: Any = (1.0, 0.5)) -> tuple[np.ndarray, ...]:
    return np.array(s), np.array(d), np.array(w)


GOOD = np.random.default_rng(0).normal(size=(4, 6)).astype(np.float32)


@pytest.mark.parametrize(
    ("src", "dst", "edges", "needle"),
    [
        (GOOD, GOOD[:, :5], _edges(), "columns"),
        (GOOD[:0], GOOD, _edges(), "at least 1 row"),
        (np.where(GOOD > 1, np.nan, GOOD), GOOD, _edges(), "NaN"),
        (GOOD, GOOD, (np.array([0]), np.array([1])), "tuple"),
        (GOOD, GOOD, _edges((0,), (1, 2), (1.0,)), "one length"),
        (GOOD, GOOD, _edges((), (), ()), "no logic edges"),
        (GOOD, GOOD, _edges((0, 4)), "src_idx must lie"),
        (GOOD, GOOD, _edges(d=(1, -1)), "dst_idx must lie"),
        (GOOD, GOOD, _edges(s=(0.0, 1.0)), "integers"),
        (GOOD, GOOD, _edges(w=(1.0, 1.2)), r"\[0, 1\]"),
        (GOOD, GOOD, _edges(w=(1.0, np.nan)), r"\[0, 1\]"),
        (GOOD, GOOD, _edges(w=(0.0, 0.0)), "weight 0"),
        (GOOD, GOOD, _edges(w=("a", "b")), "numbers"),
    ],
)
def test_bad_training_input_is_refused(src: Any, dst: Any, edges: Any, needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle):
        train_logic(src, dst, edges, FAST)


def test_a_single_source_trains_without_validation() -> None:
    model = train_logic(GOOD, GOOD, _edges((0,), (1,), (1.0,)), LogicConfig(epochs=30, lr=1e-2, val_share=0.5))
    assert model.report.epochs == model.report.best_epoch == 30
    assert math.isnan(model.report.val_loss)
    assert model.score(GOOD[:1], GOOD).argmax() == 1


def test_scoring_input_must_match_the_model(world: Logic, trained: LogicScorer) -> None:
    with pytest.raises(InvalidInput, match="columns"):
        trained.score(world.src[:2, :-1], world.dst)
    with pytest.raises(InvalidInput, match="at least 1 row"):
        trained.score(world.src[:2], world.dst[:0])


@pytest.mark.parametrize("kwargs", [{"dim": 0}, {"patience": 0}, {"weight_decay": -1.0}, {"dropout": 1.0}])
def test_bad_settings_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        LogicConfig(**kwargs)
