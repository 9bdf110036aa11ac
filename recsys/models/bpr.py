"""BPR-MF (Rendle et al. 2009): user and item embeddings trained with the pairwise BPR loss."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

from recsys.config import ModelConfig
from recsys.dataset import RecData
from recsys.models.base import Batch, Recommender, sampled_negatives


def train_pairs(data: RecData) -> torch.Tensor:
    """Every training (user, item) pair [E, 2]."""
    users = np.concatenate([np.full(s.size, u, dtype=np.int64) for u, s in enumerate(data.split.train)])
    items = np.concatenate(data.split.train) if data.split.train else np.zeros(0, dtype=np.int64)
    return torch.from_numpy(np.stack([users, items.astype(np.int64)], axis=1))


def pair_batches(pairs: torch.Tensor, batch_size: int, n_items: int, generator: torch.Generator) -> Iterator[Batch]:
    """Shuffled (user, positive, sampled negative) batches."""
    order = torch.randperm(pairs.shape[0], generator=generator)
    for start in range(0, order.numel(), batch_size):
        chunk = pairs[order[start : start + batch_size]]
        neg = sampled_negatives((chunk.shape[0],), n_items, generator)
        yield {"users": chunk[:, 0], "pos": chunk[:, 1], "neg": neg}


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
