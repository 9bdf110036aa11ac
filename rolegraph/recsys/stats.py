"""Paired comparisons over users: does a model rank each user's test item better than a baseline?

The seed t-test (`evaluate.p_value`) sees 5 numbers; these tests see every user. Per seed, a Wilcoxon
signed-rank test over users' NDCG@10 differences (users where both score the same drop out); pooled, each
user's NDCG@10 is averaged over seeds first, then the same test, and a bootstrap over users gives 95 %
intervals of the mean difference and of the relative change (the effect size a reader wants).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

RESAMPLES = 2000
CUTOFF = 10


def user_ndcg(ranks: np.ndarray, n: int = CUTOFF) -> np.ndarray:
    """Per-user NDCG@n of one relevant item at 0-based ``ranks``."""
    ranks = np.asarray(ranks, dtype=np.float64)
    return np.where(ranks < n, 1.0 / np.log2(ranks + 2.0), 0.0)


def wilcoxon_p(diff: np.ndarray) -> float | None:
    """Two-sided Wilcoxon signed-rank p of paired differences; 1.0 when all are zero, None without data."""
    if diff.size == 0:
        return None
    if not np.any(diff):
        return 1.0
    return float(stats.wilcoxon(diff, zero_method="wilcox").pvalue)


def paired_users(
    model: Sequence[np.ndarray], baseline: Sequence[np.ndarray], resamples: int = RESAMPLES, seed: int = 0
) -> dict[str, Any]:
    """Compares two models' per-user test ranks (one array per seed, aligned users) on NDCG@10.

    Returns ``diff`` (mean NDCG@10 difference) and ``diff_ci``, ``rel`` (model / baseline − 1) and
    ``rel_ci`` (bootstrap 95 % over users of the seed-averaged NDCG), ``p_users`` (Wilcoxon over users of
    the seed-averaged NDCG), ``p_users_per_seed`` and ``users``.
    """
    a = np.stack([user_ndcg(r) for r in model])  # [S, U]
    b = np.stack([user_ndcg(r) for r in baseline])
    if a.shape != b.shape:
        raise ValueError(f"per-user ranks do not pair: {a.shape} vs {b.shape}")
    ua, ub = a.mean(axis=0), b.mean(axis=0)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, ua.size, size=(resamples, ua.size))
    sa, sb = ua[picks].mean(axis=1), ub[picks].mean(axis=1)
    rel = sa / np.where(sb > 0, sb, np.nan) - 1
    return {
        "users": int(ua.size),
        "diff": float(ua.mean() - ub.mean()),
        "diff_ci": [float(x) for x in np.percentile(sa - sb, [2.5, 97.5])],
        "rel": float(ua.mean() / ub.mean() - 1) if ub.mean() > 0 else None,
        "rel_ci": [float(x) for x in np.nanpercentile(rel, [2.5, 97.5])] if ub.mean() > 0 else None,
        "p_users": wilcoxon_p(ua - ub),
        "p_users_per_seed": [wilcoxon_p(x - y) for x, y in zip(a, b, strict=True)],
    }
