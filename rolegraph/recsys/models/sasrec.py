"""SASRec (Kang & McAuley 2018): a causal transformer over the item history; our baseline."""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import nn

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, seq_windows
from rolegraph.recsys.models.base import Batch, Recommender, SeqEncoder, id_loss, init_weights, window_batches


class SASRec(Recommender):
    """Item embeddings [n_items + 1, H] shared by input and output; trained on every position."""

    kind = "sasrec"
    sequential = True

    def __init__(self, n_users: int, n_items: int, cfg: ModelConfig):
        super().__init__(n_users, n_items, cfg)
        self.items = nn.Embedding(n_items + 1, cfg.hidden, padding_idx=0)
        self.encoder = SeqEncoder(cfg)
        self._windows: tuple[torch.Tensor, torch.Tensor] | None = None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init_weights(self)
        with torch.no_grad():
            self.items.weight[0].zero_()

    def batches(self, data: RecData, generator: torch.Generator) -> Iterator[Batch]:
        if self._windows is None:
            self._windows = seq_windows(data.split.train, self.cfg.max_len, self.cfg.window_stride)
        yield from window_batches(*self._windows, self.cfg.batch_size, self.n_items, generator)

    def encode(self, seqs: torch.Tensor) -> torch.Tensor:
        """User vectors at every position [B, L, H]."""
        return self.encoder(self.items(seqs), seqs)

    def loss(self, batch: Batch) -> torch.Tensor:
        out = self.encode(batch["seqs"])  # [B, L, H]
        mask = batch["pos"] > 0
        return id_loss(out[mask], self.items.weight, batch["pos"][mask], batch["neg"][mask], self.cfg.loss)

    def scores(self, users: torch.Tensor, seqs: torch.Tensor) -> torch.Tensor:
        user = self.encode(seqs)[:, -1]  # [B, H]
        scores = user @ self.items.weight.t()  # [B, n_items + 1]
        scores[:, 0] = float("-inf")
        return scores
