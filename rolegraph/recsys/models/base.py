"""The interface every recommender implements, and the pieces sequential models share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence

import numpy as np
import torch
from torch import nn

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, trim

Batch = dict[str, torch.Tensor]


class Recommender(nn.Module, ABC):
    """A trainable next-item recommender over items 1..n_items (index 0 is padding, never scored)."""

    kind: str = ""
    sequential: bool = False
    trainable: bool = True  # False: nothing to train (profiles, oracles); `fit` only prepares it

    def __init__(self, n_users: int, n_items: int, cfg: ModelConfig):
        super().__init__()
        self.n_users, self.n_items, self.cfg = n_users, n_items, cfg

    @abstractmethod
    def reset_parameters(self) -> None:
        """Initializes every weight."""

    def prepare(self, data: RecData) -> None:
        """Reads what the model needs from the data before training or serving (default: nothing)."""

    def selection_betas(self) -> tuple[float, float]:
        """(β0, β1) of the score that early stopping reads on validation (models without tags ignore them)."""
        return self.cfg.beta0, self.cfg.beta1

    def optimizer_settings(self) -> tuple[float, float]:
        """Adam's (learning rate, weight decay) for this model (default: ``cfg.lr``, ``cfg.weight_decay``)."""
        return self.cfg.lr, self.cfg.weight_decay

    @abstractmethod
    def batches(self, data: RecData, generator: torch.Generator) -> Iterator[Batch]:
        """One epoch of training batches (shuffled with ``generator``)."""

    @abstractmethod
    def loss(self, batch: Batch) -> torch.Tensor:
        """The training loss of one batch (a scalar)."""

    @abstractmethod
    def scores(self, users: torch.Tensor, seqs: torch.Tensor) -> torch.Tensor:
        """Full-ranking scores [B, n_items + 1] for users [B] with histories seqs [B, L]; column 0 is -inf."""

    def score_parts(self, users: torch.Tensor, seqs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """(raw, tag0, tag1), each [B, n_items + 1]; models without tags return zero tag parts."""
        raw = self.scores(users, seqs)
        zero = torch.zeros_like(raw)
        return raw, zero, zero

    @torch.no_grad()
    def recommend(self, users: torch.Tensor, seqs: torch.Tensor, k: int, exclude: Sequence[np.ndarray]) -> torch.Tensor:
        """Top-k item indices [B, k] per user, best first, without the items of ``exclude[b]``."""
        scores = self.scores(users, seqs)
        for row, items in enumerate(exclude):
            scores[row, torch.as_tensor(items, dtype=torch.long)] = float("-inf")
        return torch.topk(scores, min(k, self.n_items), dim=1).indices


def sampled_negatives(shape: tuple[int, ...], n_items: int, generator: torch.Generator) -> torch.Tensor:
    """Uniform random items in 1..n_items."""
    return torch.randint(1, n_items + 1, shape, generator=generator)


class SeqEncoder(nn.Module):
    """SASRec's encoder: learned positions, LayerNorm, dropout, causal transformer layers.

    Sequences are left-padded (index 0), so the last position always holds the newest item.
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.heads = cfg.heads
        self.position = nn.Embedding(cfg.max_len, cfg.hidden)
        self.norm = nn.LayerNorm(cfg.hidden)
        self.dropout = nn.Dropout(cfg.dropout)
        layer = nn.TransformerEncoderLayer(
            cfg.hidden, cfg.heads, 4 * cfg.hidden, cfg.dropout, activation="gelu", batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, cfg.layers, enable_nested_tensor=False)

    def forward(self, x: torch.Tensor, seqs: torch.Tensor) -> torch.Tensor:
        """x [B, L, H] item vectors of seqs [B, L] → contextual vectors [B, L, H]."""
        length = seqs.shape[1]
        x = self.dropout(self.norm(x + self.position.weight[-length:]))
        causal = torch.ones(length, length, dtype=torch.bool, device=x.device).tril()
        allowed = (causal[None] & (seqs > 0)[:, None, :]) | torch.eye(length, dtype=torch.bool, device=x.device)
        mask = torch.zeros(allowed.shape, device=x.device).masked_fill(~allowed, float("-inf"))
        return self.encoder(x, mask=mask.repeat_interleave(self.heads, 0))  # [B, L, H]


def init_weights(module: nn.Module, std: float = 0.02) -> None:
    """Normal(0, std) for embeddings and linear layers, zero biases, unit LayerNorm (as SASRec)."""
    for m in module.modules():
        if isinstance(m, nn.Linear | nn.Embedding):
            nn.init.normal_(m.weight, std=std)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)
        if isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


def window_batches(
    inputs: torch.Tensor, targets: torch.Tensor, batch_size: int, n_items: int, generator: torch.Generator
) -> Iterator[Batch]:
    """Batches of training windows of similar length (padding trimmed), in random order, with one
    sampled negative per position. Windows are ordered by length with random ties, so the batches
    differ from epoch to epoch."""
    lengths = (inputs > 0).sum(dim=1).float() + torch.rand(inputs.shape[0], generator=generator)
    order = torch.argsort(lengths)
    starts = torch.randperm((order.numel() + batch_size - 1) // batch_size, generator=generator) * batch_size
    for start in starts.tolist():
        idx = order[start : start + batch_size]
        seqs, pos = trim(inputs[idx], targets[idx])
        yield {"seqs": seqs, "pos": pos, "neg": sampled_negatives(tuple(pos.shape), n_items, generator)}


def id_loss(user: torch.Tensor, items: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor, kind: str) -> torch.Tensor:
    """Next-item loss for user vectors [N, H] with targets pos [N] and negatives neg [N].

    ``ce``: softmax cross-entropy over every item. ``bce``: Eq. 5 with w = 1, −log σ(s⁺) − log(1 − σ(s⁻)).
    """
    if kind == "ce":
        logits = user @ items.t()  # [N, n_items + 1]
        logits[:, 0] = float("-inf")
        return nn.functional.cross_entropy(logits, pos)
    s_pos = (user * items[pos]).sum(-1)
    s_neg = (user * items[neg]).sum(-1)
    return -(nn.functional.logsigmoid(s_pos) + nn.functional.logsigmoid(-s_neg)).mean()
