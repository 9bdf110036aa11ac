"""Our split and top-k metrics (bench/ranking.py), checked against plain-Python oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from ranking import gini, item_coverage, leave_one_out, ranking_metrics, summarize, target_ranks, top_k


def test_split_is_by_time_per_user_with_ties_in_file_order() -> None:
    users = ["a", "a", "a", "a", "b", "b", "b", "c", "c"]
    items = ["x", "y", "z", "w", "x", "y", "z", "x", "y"]
    stamps = [5, 1, 5, 3, 2, 1, 2, 9, 8]  # a: y(1) w(3) then x and z tie at 5, x first in the file
    split = leave_one_out(users, items, stamps)
    assert split.test == {"a": "z", "b": "z"}
    assert split.valid == {"a": "x", "b": "x"}  # c has two interactions: training only
    assert split.history == {"a": ["y", "w", "x"], "b": ["y", "x"]}


def test_split_refuses_ragged_columns() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        leave_one_out(["a", "b"], ["x"], [1, 2])


def test_top_k_skips_history_and_breaks_ties_toward_the_lower_index() -> None:
    scores = np.array([[0.9, 0.5, 0.5, 0.1], [0.2, 0.2, 0.2, 0.2]])
    exclude = np.array([[True, False, False, False], [False, True, False, False]])
    assert top_k(scores, exclude, 3).tolist() == [[1, 2, 3], [0, 2, 3]]


def test_target_rank_counts_only_strictly_better_candidates() -> None:
    scores = np.array([[0.9, 0.5, 0.5, 0.7]])
    assert target_ranks(scores, np.array([[False, False, False, False]]), np.array([2])).tolist() == [3]
    assert target_ranks(scores, np.array([[True, False, False, True]]), np.array([2])).tolist() == [1]


def _oracle(scores: np.ndarray, exclude: np.ndarray, targets: np.ndarray, k: int) -> tuple[float, float]:
    ndcg = mrr = 0.0
    for row, target in enumerate(targets):
        rank = 1 + sum(
            1 for j in range(scores.shape[1]) if not exclude[row, j] and scores[row, j] > scores[row, target]
        )
        if rank <= k:
            ndcg += 1 / math.log2(rank + 1)
            mrr += 1 / rank
    return ndcg / len(targets), mrr / len(targets)


def test_ndcg_and_mrr_match_a_rank_counting_oracle() -> None:
    rng = np.random.default_rng(7)
    scores = rng.random((200, 60))
    exclude = rng.random((200, 60)) < 0.2
    targets = rng.integers(0, 60, size=200)
    exclude[np.arange(200), targets] = False
    got = ranking_metrics(scores, exclude, targets)
    for k in (10, 20):
        ndcg, mrr = _oracle(scores, exclude, targets, k)
        assert got[f"ndcg@{k}"] == pytest.approx(ndcg)
        assert got[f"mrr@{k}"] == pytest.approx(mrr)
    assert 0 < got["ndcg@10"] < got["ndcg@20"]


def test_gini_matches_the_mean_absolute_difference_form() -> None:
    rng = np.random.default_rng(3)
    topk = rng.integers(0, 40, size=(30, 10)) ** 2 % 50  # skewed, some of the 50 items never appear
    counts = np.bincount(topk.ravel(), minlength=50).astype(float)
    oracle = np.abs(counts[:, None] - counts[None, :]).sum() / (2 * 50**2 * counts.mean())
    assert gini(topk, 50) == pytest.approx(oracle)


def test_gini_and_coverage_at_the_extremes() -> None:
    everyone_same = np.zeros((5, 1), dtype=int)
    assert gini(everyone_same, 4) == pytest.approx(3 / 4)
    assert item_coverage(everyone_same, 4) == 0.25
    round_robin = np.arange(8).reshape(4, 2)
    assert gini(round_robin, 8) == pytest.approx(0.0)
    assert item_coverage(round_robin, 8) == 1.0


def test_coverage_and_gini_come_from_the_masked_top_k() -> None:
    scores = np.tile(np.arange(30, dtype=float), (4, 1))  # everyone prefers item 29, then 28, …
    exclude = np.zeros((4, 30), dtype=bool)
    exclude[0, 20:] = True  # user 0 has seen the ten favourites: its top 10 is items 19..10
    got = ranking_metrics(scores, exclude, np.array([0, 0, 0, 0]))
    assert got["coverage@10"] == pytest.approx(20 / 30)
    assert got["ndcg@10"] == 0.0
    assert got["ndcg@20"] == pytest.approx(1 / math.log2(21) / 4)  # item 0 is 20th for user 0, 30th for the rest


def test_a_target_in_the_history_is_refused() -> None:
    exclude = np.zeros((1, 5), dtype=bool)
    exclude[0, 3] = True
    with pytest.raises(ValueError, match="among the excluded"):
        ranking_metrics(np.zeros((1, 5)), exclude, np.array([3]))


def test_summarize_uses_the_sample_std() -> None:
    assert summarize([1.0, 3.0]) == {"mean": 2.0, "std": pytest.approx(math.sqrt(2)), "values": [1.0, 3.0]}
    assert summarize([0.5])["std"] == 0.0
