"""LightGCN (He et al. 2020) through PyG's `LightGCN` on the user–item training graph."""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch_geometric.nn import LightGCN as PygLightGCN

from recsys.config import ModelConfig
from recsys.dataset import RecData
from recsys.models.base import Batch, Recommender
from recsys.models.bpr import pair_batches, train_pairs


class LightGCN(Recommender):
    """Nodes 0..n_users-1 are users, n_users + i - 1 is item i; BPR loss with PyG's regularization."""

    kind = "lightgcn"

    def __init__(self, n_users: int, n_items: int, cfg: ModelConfig):
        super().__init__(n_users, n_items, cfg)
        self.gcn = PygLightGCN(n_users + n_items, cfg.hidden, cfg.gcn_layers)
        self.register_buffer("edge_index", torch.zeros(2, 0, dtype=torch.long), persistent=False)
        self._pairs: torch.Tensor | None = None

    def reset_parameters(self) -> None:
        self.gcn.reset_parameters()

    def set_graph(self, pairs: torch.Tensor) -> None:
        """Uses training pairs [E, 2] (user, item index + 1) as the undirected propagation graph."""
        u, i = pairs[:, 0], pairs[:, 1] + self.n_users - 1
        self.edge_index = torch.cat([torch.stack([u, i]), torch.stack([i, u])], dim=1)

    def prepare(self, data: RecData) -> None:
        self._pairs = train_pairs(data)
        self.set_graph(self._pairs)

    def batches(self, data: RecData, generator: torch.Generator) -> Iterator[Batch]:
        if self._pairs is None:
            self.prepare(data)
        assert self._pairs is not None
        yield from pair_batches(self._pairs, self.cfg.pair_batch_size, self.n_items, generator)

    def loss(self, batch: Batch) -> torch.Tensor:
        emb = self.gcn.get_embedding(self.edge_index)  # [n_users + n_items, H]
        users, pos, neg = batch["users"], batch["pos"] + self.n_users - 1, batch["neg"] + self.n_users - 1
        s_pos = (emb[users] * emb[pos]).sum(-1)
        s_neg = (emb[users] * emb[neg]).sum(-1)
        node_id = torch.cat([users, pos, neg]).unique()
        return self.gcn.recommendation_loss(s_pos, s_neg, node_id=node_id, lambda_reg=self.cfg.lambda_reg)

    def scores(self, users: torch.Tensor, seqs: torch.Tensor) -> torch.Tensor:
        emb = self.gcn.get_embedding(self.edge_index)
        item_emb = torch.cat([torch.zeros_like(emb[:1]), emb[self.n_users :]])  # [n_items + 1, H]
        scores = emb[users] @ item_emb.t()
        scores[:, 0] = float("-inf")
        return scores
