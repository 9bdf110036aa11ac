"""BPR-MF (Rendle et al. 2009): user and item embeddings trained with the pairwise BPR loss."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData
from rolegraph.recsys.models.base import Batch, Recommender, sampled_negatives


def train_pairs(data: RecData) -> torch.Tensor:
    """Every training (user, item) pair [E, 2]."""
    users = np.concatenate([np.full(s.size, u, dtype=np.int64) for u, s in enumerate(data.split.train)])
    items = np.concatenate(data.split.train) if data.split.train else np.zeros(0, dtype=np.int64)
    return torch.from_numpy(np.stack([users, items.astype(np.int64)], axis=1))


def pair_keys(pairs: torch.Tensor, n_items: int) -> torch.Tensor:
    """Sorted distinct keys user · (n_items + 1) + item of the (user, item) pairs [E, 2] (a user who chose
    an item twice counts it once, as `unseen_negatives` needs)."""
    return torch.unique(pairs[:, 0] * (n_items + 1) + pairs[:, 1], sorted=True)


def unseen_negatives(users: torch.Tensor, n_items: int, seen: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One item per user, uniform among the items 1..n_items the user has no training pair with (``seen``:
    `pair_keys` of the training pairs); uniform among all items for a user who has seen every one.

    A negative the user has in fact chosen teaches the model to rank a positive down, most often a popular
    one. Exact, without redraws: draw the rank r of an unseen item, then the item is the least j with
    j = r + 1 + |{seen items of the user ≤ j}|, reached by iterating that map from j = r + 1 (it only
    grows, and stops at the first fixed point, which is never a seen item).
    """
    stride = n_items + 1
    base = users * stride
    first = torch.searchsorted(seen, base)
    free = n_items - (torch.searchsorted(seen, base + stride) - first)
    rank = (torch.rand(tuple(users.shape), generator=generator) * free.clamp(min=1)).long()
    item = rank + 1
    while True:
        nxt = rank + 1 + torch.searchsorted(seen, base + item, right=True) - first
        if torch.equal(nxt, item):
            break
        item = nxt
    anything = sampled_negatives(tuple(users.shape), n_items, generator)
    return torch.where(free > 0, item.clamp(max=n_items), anything)


def pair_batches(pairs: torch.Tensor, batch_size: int, n_items: int, generator: torch.Generator) -> Iterator[Batch]:
    """Shuffled (user, positive, negative) batches; each negative is an item the user has no pair with."""
    seen = pair_keys(pairs, n_items)
    order = torch.randperm(pairs.shape[0], generator=generator)
    for start in range(0, order.numel(), batch_size):
        chunk = pairs[order[start : start + batch_size]]
        yield {"users": chunk[:, 0], "pos": chunk[:, 1], "neg": unseen_negatives(chunk[:, 0], n_items, seen, generator)}


def bpr_loss(pos: torch.Tensor, neg: torch.Tensor) -> torch.Tensor:
    """−mean log σ(s⁺ − s⁻)."""
    return -nn.functional.logsigmoid(pos - neg).mean()


class BPRMF(Recommender):
    """Matrix factorization: score(u, i) = p_u · q_i."""

    kind = "bpr"

    def __init__(self, n_users: int, n_items: int, cfg: ModelConfig):
        super().__init__(n_users, n_items, cfg)
        self.users = nn.Embedding(n_users, cfg.hidden)
        self.items = nn.Embedding(n_items + 1, cfg.hidden, padding_idx=0)
        self._pairs: torch.Tensor | None = None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.xavier_normal_(self.users.weight)
        nn.init.xavier_normal_(self.items.weight)

    def optimizer_settings(self) -> tuple[float, float]:
        return self.cfg.pair_lr, self.cfg.pair_weight_decay

    def batches(self, data: RecData, generator: torch.Generator) -> Iterator[Batch]:
        if self._pairs is None:
            self._pairs = train_pairs(data)
        yield from pair_batches(self._pairs, self.cfg.pair_batch_size, self.n_items, generator)

    def loss(self, batch: Batch) -> torch.Tensor:
        u = self.users(batch["users"])  # [B, H]
        return bpr_loss((u * self.items(batch["pos"])).sum(-1), (u * self.items(batch["neg"])).sum(-1))

    def scores(self, users: torch.Tensor, seqs: torch.Tensor) -> torch.Tensor:
        scores = self.users(users) @ self.items.weight.t()  # [B, n_items + 1]
        scores[:, 0] = float("-inf")
        return scores
