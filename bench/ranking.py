"""Our evaluation protocol as pure functions: the leave-one-out split by time and the top-k metrics.

bench/peers.py uses them to measure RecBole's models exactly as our own are measured; they take ids,
timestamps and score matrices and touch no files.

Split: per user, interactions ordered by timestamp, ties kept in file order (a stable sort); the last is
the test item, the second-to-last the validation item, the rest training. Users with fewer than three
interactions are training only, as in recsys/data/split.py (RecBole would still test a user with two;
MovieLens-100K has at least 20 per user). Ranking: every item except the user's history (training and
validation items when ranking the test item); the target's rank counts the candidates scored strictly
higher, as in recsys/ranking.py; top-k lists break ties toward the lower item index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

KS = (10, 20)


@dataclass(frozen=True)
class Split:
    """Item ids per user id: ``test`` and ``valid`` one each, ``history`` everything before the test item."""

    test: dict[str, str]
    valid: dict[str, str]
    history: dict[str, list[str]]


def time_order(timestamps: Sequence[float]) -> np.ndarray:
    """Row indices sorted by timestamp, rows with equal timestamps kept in their given order."""
    return np.argsort(np.asarray(timestamps, dtype=np.float64), kind="stable")


def leave_one_out(users: Sequence[str], items: Sequence[str], timestamps: Sequence[float]) -> Split:
    """Splits interactions (parallel sequences, in file order) by time per user; see the module docstring."""
    if not len(users) == len(items) == len(timestamps):
        raise ValueError(f"users, items, timestamps differ in length: {len(users)}, {len(items)}, {len(timestamps)}")
    sequences: dict[str, list[str]] = {}
    for row in time_order(timestamps):
        sequences.setdefault(users[row], []).append(items[row])
    test, valid, history = {}, {}, {}
    for user, seq in sequences.items():
        if len(seq) >= 3:
            test[user], valid[user], history[user] = seq[-1], seq[-2], seq[:-1]
    return Split(test=test, valid=valid, history=history)


def top_k(scores: np.ndarray, exclude: np.ndarray, k: int) -> np.ndarray:
    """The k best item indices per row, best first ([U, I] scores, [U, I] bool mask of items to skip)."""
    if scores.shape != exclude.shape:
        raise ValueError(f"scores {scores.shape} and exclude {exclude.shape} differ in shape")
    masked = np.where(exclude, -np.inf, scores.astype(np.float64))
    return np.argsort(-masked, axis=1, kind="stable")[:, :k]


def target_ranks(scores: np.ndarray, exclude: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """1-based rank of each row's target item: 1 + the candidates (not excluded) scored strictly higher."""
    target = scores[np.arange(len(targets)), targets]
    return 1 + ((scores > target[:, None]) & ~exclude).sum(axis=1)


def ndcg_at(ranks: np.ndarray, k: int) -> float:
    """Mean NDCG@k with one relevant item per user: 1/log2(rank + 1) when rank ≤ k, else 0."""
    return float(np.where(ranks <= k, 1.0 / np.log2(ranks + 1.0), 0.0).mean())


def mrr_at(ranks: np.ndarray, k: int) -> float:
    """Mean reciprocal rank, counting only ranks ≤ k."""
    return float(np.where(ranks <= k, 1.0 / ranks, 0.0).mean())


def item_coverage(topk: np.ndarray, n_items: int) -> float:
    """Distinct items in all the lists over the number of items."""
    return len(np.unique(topk)) / n_items


def gini(topk: np.ndarray, n_items: int) -> float:
    """Gini index of how often each item is recommended (never-recommended items count 0).

    With counts c sorted ascending, Gini = Σ_i (2i − n − 1)·c_i / (n·Σ c) for i = 1..n: 0 when every
    item is recommended equally often, (n − 1)/n when one item takes every slot.
    """
    counts = np.sort(np.bincount(topk.ravel(), minlength=n_items)).astype(np.float64)
    i = np.arange(1, n_items + 1)
    return float(((2 * i - n_items - 1) * counts).sum() / (n_items * counts.sum()))


def ranking_metrics(
    scores: np.ndarray, exclude: np.ndarray, targets: np.ndarray, ks: Sequence[int] = KS
) -> dict[str, float]:
    """NDCG, MRR, ItemCoverage and Gini at each k for [U, I] scores, the items to skip and each row's target.

    Raises ValueError when a target is among the excluded items or the shapes disagree.
    """
    if exclude[np.arange(len(targets)), targets].any():
        raise ValueError("a target item is among the excluded (history) items")
    n_items = scores.shape[1]
    ranks = target_ranks(scores, exclude, targets)
    topk = top_k(scores, exclude, max(ks))
    out: dict[str, float] = {}
    for k in ks:
        out[f"ndcg@{k}"] = ndcg_at(ranks, k)
        out[f"mrr@{k}"] = mrr_at(ranks, k)
        out[f"coverage@{k}"] = item_coverage(topk[:, :k], n_items)
        out[f"gini@{k}"] = gini(topk[:, :k], n_items)
    return out


def summarize(values: Sequence[float]) -> dict[str, float | list[float]]:
    """``{mean, std, values}`` over seeds; std is the sample standard deviation (0 for one seed)."""
    arr = np.asarray(values, dtype=np.float64)
    std = float(arr.std(ddof=1)) if arr.size > 1 else 0.0
    return {"mean": float(arr.mean()), "std": std, "values": [float(v) for v in arr]}
