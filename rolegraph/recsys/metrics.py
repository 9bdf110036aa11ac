"""Ranking metrics over full-ranking results (pure numpy).

Inputs: ``ranks`` [U] — the 0-based rank of each user's target among all candidate items (items the
user saw before are not candidates); ``top`` [U, N] — each user's top-N item indices; ``n_items`` — the
catalogue size; entries < 0 in ``top`` are empty slots (fewer candidates than N).
Metric names: ``ndcg@N``, ``mrr@N``, ``coverage@N``, ``gini@N``.
"""

from __future__ import annotations

import numpy as np

METRICS = ("ndcg", "mrr", "coverage", "gini")
CUTOFFS = (10, 20)
NAMES = tuple(f"{m}@{n}" for m in METRICS for n in CUTOFFS)


def ndcg(ranks: np.ndarray, n: int) -> float:
    """Mean NDCG@n with one relevant item: 1 / log2(rank + 2) when rank < n, else 0."""
    hit = ranks < n
    return float(np.where(hit, 1.0 / np.log2(ranks + 2.0), 0.0).mean()) if ranks.size else 0.0


def mrr(ranks: np.ndarray, n: int) -> float:
    """Mean reciprocal rank cut at n: 1 / (rank + 1) when rank < n, else 0."""
    return float(np.where(ranks < n, 1.0 / (ranks + 1.0), 0.0).mean()) if ranks.size else 0.0


def coverage(top: np.ndarray, n: int, n_items: int) -> float:
    """Share of the catalogue that appears in at least one user's top n."""
    shown = top[:, :n]
    return float(np.unique(shown[shown >= 0]).size / n_items) if top.size else 0.0


def gini(top: np.ndarray, n: int, n_items: int) -> float:
    """Gini index of how often each catalogue item is recommended in the top n (0 = equal, → 1 = one item).

    Counts include the items never recommended; with counts sorted ascending x_1..x_m,
    G = Σ_j (2j − m − 1) x_j / (m Σ_j x_j).
    """
    shown = top[:, :n].ravel()
    counts = np.sort(np.bincount(shown[shown >= 0], minlength=n_items)[:n_items]).astype(np.float64)
    total = counts.sum()
    if total == 0:
        return 0.0
    j = np.arange(1, n_items + 1)
    return float(((2 * j - n_items - 1) * counts).sum() / (n_items * total))


def all_metrics(ranks: np.ndarray, top: np.ndarray, n_items: int) -> dict[str, float]:
    """Every metric of ``NAMES``."""
    out: dict[str, float] = {}
    for n in CUTOFFS:
        out[f"ndcg@{n}"] = ndcg(ranks, n)
        out[f"mrr@{n}"] = mrr(ranks, n)
        out[f"coverage@{n}"] = coverage(top, n, n_items)
        out[f"gini@{n}"] = gini(top, n, n_items)
    return {name: out[name] for name in NAMES}
