"""Metrics against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rolegraph.recsys.metrics import all_metrics, coverage, gini, mrr, ndcg


def test_ndcg_and_mrr_by_hand() -> None:
    ranks = np.array([0, 2, 9, 10])  # hits at positions 1, 3 and 10 in a top 10; the fourth misses
    assert ndcg(ranks, 10) == pytest.approx((1 + 1 / 2 + 1 / math.log2(11) + 0) / 4)
    assert mrr(ranks, 10) == pytest.approx((1 + 1 / 3 + 1 / 10 + 0) / 4)
    assert ndcg(ranks, 2) == pytest.approx(1 / 4)
    assert mrr(ranks, 20) == pytest.approx((1 + 1 / 3 + 1 / 10 + 1 / 11) / 4)


def test_coverage_and_gini_by_hand() -> None:
    top = np.array([[0, 1], [0, 2]])  # 4 items: counts 2, 1, 1, 0
    assert coverage(top, 2, 4) == pytest.approx(3 / 4)
    assert coverage(top, 1, 4) == pytest.approx(1 / 4)
    # sorted counts 0, 1, 1, 2; Σ(2j − 5)x_j = (−3)(0) + (−1)(1) + (1)(1) + (3)(2) = 6; / (4 · 4) = 0.375
    assert gini(top, 2, 4) == pytest.approx(0.375)
    assert gini(np.array([[0], [1], [2], [3]]), 1, 4) == pytest.approx(0.0)  # everyone equal
    assert gini(np.array([[0], [0]]), 1, 4) == pytest.approx(0.75)  # (m − 1)/m when one item takes all


def test_all_metrics_names() -> None:
    out = all_metrics(np.array([0]), np.arange(20)[None, :], 40)
    assert list(out) == [
        "ndcg@10", "ndcg@20", "mrr@10", "mrr@20", "coverage@10", "coverage@20", "gini@10", "gini@20",
    ]  # fmt: skip
    assert out["coverage@20"] == pytest.approx(0.5) and out["ndcg@10"] == pytest.approx(1.0)
