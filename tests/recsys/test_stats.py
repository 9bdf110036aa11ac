"""Paired per-user comparisons: NDCG per rank, Wilcoxon over users, bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pytest

from rolegraph.recsys.stats import paired_users, user_ndcg, wilcoxon_p


def test_user_ndcg_by_hand() -> None:
    assert user_ndcg(np.array([0, 1, 9, 10])).tolist() == pytest.approx([1.0, 1 / np.log2(3), 1 / np.log2(11), 0.0])


def test_identical_models_do_not_differ() -> None:
    ranks = [np.arange(50) % 20, np.arange(50) % 13]
    out = paired_users(ranks, ranks)
    assert out["diff"] == 0.0 and out["p_users"] == 1.0 and out["rel"] == 0.0
    assert out["p_users_per_seed"] == [1.0, 1.0]
    assert wilcoxon_p(np.zeros(0)) is None


def test_a_better_model_is_found_with_an_interval_around_its_gain() -> None:
    rng = np.random.default_rng(0)
    base = [rng.integers(0, 30, 400) for _ in range(3)]
    better = [np.maximum(r - 3, 0) for r in base]  # every user's target three places higher
    out = paired_users(better, base)
    assert out["users"] == 400 and out["diff"] > 0 and out["p_users"] < 1e-6
    assert out["diff_ci"][0] < out["diff"] < out["diff_ci"][1] and out["diff_ci"][0] > 0
    assert out["rel_ci"][0] < out["rel"] < out["rel_ci"][1]
    assert all(p < 1e-3 for p in out["p_users_per_seed"])


def test_unpaired_ranks_are_refused() -> None:
    with pytest.raises(ValueError, match="pair"):
        paired_users([np.zeros(3)], [np.zeros(4)])
