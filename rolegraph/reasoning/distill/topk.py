"""Deterministic top-k per row: best scores first, ties broken by the lower column index.

`top_b` is what the growth run writes as G* edges; `Tagger.top_tags` uses the same selection.
"""

from __future__ import annotations

import numpy as np

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.distill.checks import positive_int, unit_interval

CHUNK_ROWS = 1024  # rows selected at once; bounds the temporary copies to CHUNK_ROWS × columns


def top_per_row(scores: np.ndarray, k: int, keep: np.ndarray) -> np.ndarray:
    """Column indices [rows, ≤k] of the k best kept entries of each row, in order; -1 pads short rows.

    ``keep`` is a boolean mask like ``scores``; entries outside it are never chosen. A partition finds
    each row's k-th best value, then only the entries at or above it are sorted — by (score desc,
    column asc) — so ties at the boundary still go to the lowest column index.
    """
    rows, cols = scores.shape
    k = min(k, cols)
    masked = np.where(keep, scores, -np.inf)
    if k < cols:
        kth = -np.partition(-masked, k - 1, axis=1)[:, k - 1]  # k-th best value per row
        candidates = masked >= kth[:, None]
    else:
        candidates = np.ones_like(keep)
    candidates &= keep
    r, c = np.nonzero(candidates)
    order = np.lexsort((c, -masked[r, c], r))  # by row, then score desc, then column
    r, c = r[order], c[order]
    starts = np.searchsorted(r, np.arange(rows))
    rank = np.arange(r.size) - starts[r]
    chosen = rank < k
    out = np.full((rows, k), -1, dtype=np.int64)
    out[r[chosen], rank[chosen]] = c[chosen]
    return out


def top_b(
    scores: np.ndarray, b: int = 20, exclude: np.ndarray | None = None, renormalize: bool = False
) -> list[tuple[int, int, float]]:
    """The b best targets of every source as (source, target, score), sources in order, best first.

    ``scores`` is [S, D] in [0, 1] (`LogicScorer.score`); ``exclude`` an optional [S, D] boolean mask of
    pairs never to return (e.g. a tag paired with itself). Zero scores are never returned, so a row
    may give fewer than b (also when b > D). Ties go to the lower target index. Scores are returned as
    they are — P_φ(target | source) over all the scored targets — unless ``renormalize`` makes each
    source's returned weights sum to 1. Either way every weight lies in [0, 1].
    """
    b = positive_int("b", b)
    if not isinstance(scores, np.ndarray) or scores.ndim != 2:
        raise InvalidInput(f"scores must be a 2-D numpy array, got {getattr(scores, 'shape', type(scores))}")
    unit_interval("scores", scores)
    if exclude is not None and (not isinstance(exclude, np.ndarray) or exclude.shape != scores.shape):
        raise InvalidInput(f"exclude must be a boolean array of shape {scores.shape}")
    edges: list[tuple[int, int, float]] = []
    for start in range(0, scores.shape[0], CHUNK_ROWS):
        block = scores[start : start + CHUNK_ROWS].astype(np.float64)
        keep = block > 0
        if exclude is not None:
            keep &= ~exclude[start : start + CHUNK_ROWS].astype(bool)
        best = top_per_row(block, b, keep)
        for i, row in enumerate(best):
            row = row[row >= 0]
            weights = block[i, row]
            if renormalize and weights.size:
                weights = weights / weights.sum()
            edges.extend((start + i, int(j), float(w)) for j, w in zip(row, weights, strict=True))
    return edges
