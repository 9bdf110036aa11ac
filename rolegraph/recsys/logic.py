"""Logic exploration over the sparse U2I / I2U matrices (paper App. B.6), batched and pure.

From seed tags T(0) with weights w (rows of a [B, n_tags + 1] matrix), hop 1 reaches the other vocabulary
(w_c = Σ_t w_t · hop1[t, c], keep w_c > δ, top-b, renormalize) and hop 2 comes back
(w_t' = Σ_c w_c · hop2[c, t'], drop T(0), keep the top k, renormalize). Column 0 is the padding tag and
never carries weight. ``allowed`` restricts T(1) to a set of tags (the cover set: the tags items carry).
"""

from __future__ import annotations

import torch


def sparse_rows_product(weights: torch.Tensor, matrix: torch.Tensor) -> torch.Tensor:
    """``weights @ matrix`` for dense weights [B, n] and a sparse matrix [n, m] → dense [B, m]."""
    return torch.sparse.mm(matrix.t(), weights.t()).t()


def keep_top(weights: torch.Tensor, k: int, threshold: float = 0.0) -> torch.Tensor:
    """Zeroes all but each row's ``k`` largest entries above ``threshold``, then renormalizes rows."""
    weights = weights.clone()
    weights[:, 0] = 0.0
    weights = torch.where(weights > threshold, weights, torch.zeros_like(weights))
    k = min(k, weights.shape[1])
    values, index = torch.topk(weights, k, dim=1)
    out = torch.zeros_like(weights).scatter_(1, index, values)
    return out / out.sum(dim=1, keepdim=True).clamp_min(1e-12)


def explore(
    seeds: torch.Tensor,
    hop1: torch.Tensor,
    hop2: torch.Tensor,
    k: int,
    top_b: int = 20,
    delta: float = 0.0,
    allowed: torch.Tensor | None = None,
) -> torch.Tensor:
    """T(1) weights [B, n_tags + 1] from T(0) weights ``seeds`` (rows need not be normalized); ``allowed``
    [n_tags + 1] bool keeps T(1) among those tags.

    Returns zero rows where the logic graph reaches nothing new.
    """
    w0 = seeds / seeds.sum(dim=1, keepdim=True).clamp_min(1e-12)
    mid = keep_top(sparse_rows_product(w0, hop1), top_b, delta)  # C(1)
    reached = sparse_rows_product(mid, hop2)
    drop = w0 > 0  # T(1) excludes T(0)
    if allowed is not None:
        drop = drop | ~allowed.to(reached.device)[None, :]
    return keep_top(torch.where(drop, torch.zeros_like(reached), reached), k)


def augment_tags(item_tags: torch.Tensor, hop1: torch.Tensor, hop2: torch.Tensor, k: int) -> torch.Tensor:
    """Tag learning augmentation: per item, the ``k`` tags (index + 1, 0 = none) that the logic graph
    reaches from its own tags in two hops — extra positives for the user–tag loss. [n_items + 1, k]"""
    n_tags = hop2.shape[1]
    seeds = torch.zeros(item_tags.shape[0], n_tags)
    seeds.scatter_(1, item_tags, 1.0)
    seeds[:, 0] = 0.0
    reached = explore(seeds, hop1, hop2, k)
    values, index = torch.topk(reached, min(k, n_tags), dim=1)
    return torch.where(values > 0, index, torch.zeros_like(index))
