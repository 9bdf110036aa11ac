"""LightGCN (He et al. 2020) through PyG's `LightGCN` on the user–item training graph."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import torch
from torch_geometric.nn import LightGCN as PygLightGCN
from torch_geometric.nn.conv.gcn_conv import gcn_norm

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData
from rolegraph.recsys.models.base import Batch, Recommender
from rolegraph.recsys.models.bpr import pair_batches, train_pairs


def normalized_adjacency(pairs: torch.Tensor, n_users: int, n_items: int) -> torch.Tensor:
    """D^-1/2 A D^-1/2 of the undirected user–item graph of training pairs [E, 2] (user, item index + 1)
    as a sparse CSR matrix over nodes 0..n_users-1 (users) and n_users + i - 1 (item i)."""
    u, i = pairs[:, 0], pairs[:, 1] + n_users - 1
    edge_index = torch.cat([torch.stack([u, i]), torch.stack([i, u])], dim=1)
    n = n_users + n_items
    edge_index, weight = gcn_norm(edge_index, None, n, add_self_loops=False)
    coo = torch.sparse_coo_tensor(edge_index, weight, (n, n), check_invariants=True).coalesce()
    with warnings.catch_warnings():  # "sparse CSR support is in beta": products with a dense matrix are stable
        warnings.simplefilter("ignore", UserWarning)
        return coo.to_sparse_csr()


class _SymmetricProduct(torch.autograd.Function):
    """A @ X for a symmetric sparse CSR A; the gradient A^T G is A G, so autograd never transposes A."""

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(a)
        return a @ x

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx, *grads: torch.Tensor) -> tuple[None, torch.Tensor]:
        (a,) = ctx.saved_tensors  # type: ignore[attr-defined]
        return None, a @ grads[0]


class LightGCN(Recommender):
    """Nodes 0..n_users-1 are users, n_users + i - 1 is item i; BPR loss with PyG's regularization.

    The symmetric normalization is computed once per training graph (`normalized_adjacency`); each layer
    is one sparse product with it, and the layers are averaged with the weights of PyG's module (its
    ``alpha``), which is what ``get_embedding`` computes with message passing, without renormalizing the
    edge list in every layer of every batch (4x slower per epoch here).
    """

    kind = "lightgcn"

    def __init__(self, n_users: int, n_items: int, cfg: ModelConfig):
        super().__init__(n_users, n_items, cfg)
        self.gcn = PygLightGCN(n_users + n_items, cfg.hidden, cfg.gcn_layers)
        self.adjacency: torch.Tensor | None
        self.register_buffer("adjacency", None, persistent=False)  # a buffer: .to(device) moves it too
        self._pairs: torch.Tensor | None = None

    def reset_parameters(self) -> None:
        self.gcn.reset_parameters()

    def set_graph(self, pairs: torch.Tensor) -> None:
        """Uses training pairs [E, 2] (user, item index + 1) as the undirected propagation graph."""
        adjacency = normalized_adjacency(pairs, self.n_users, self.n_items)
        self.adjacency = adjacency.to(self.gcn.embedding.weight.device)

    def prepare(self, data: RecData) -> None:
        self._pairs = train_pairs(data)
        self.set_graph(self._pairs)

    def optimizer_settings(self) -> tuple[float, float]:
        return self.cfg.pair_lr, self.cfg.pair_weight_decay

    def batches(self, data: RecData, generator: torch.Generator) -> Iterator[Batch]:
        if self._pairs is None:
            self.prepare(data)
        assert self._pairs is not None
        yield from pair_batches(self._pairs, self.cfg.pair_batch_size, self.n_items, generator)

    def embedding(self) -> torch.Tensor:
        """Propagated node vectors [n_users + n_items, H] (the layer mean of PyG's LightGCN)."""
        if self.adjacency is None:
            raise RuntimeError("LightGCN needs prepare(data) or set_graph(pairs) before use")
        x = self.gcn.embedding.weight
        out = x * self.gcn.alpha[0]
        for layer in range(self.gcn.num_layers):
            x = _SymmetricProduct.apply(self.adjacency, x)
            out = out + x * self.gcn.alpha[layer + 1]
        return out

    def loss(self, batch: Batch) -> torch.Tensor:
        emb = self.embedding()  # [n_users + n_items, H]
        users, pos, neg = batch["users"], batch["pos"] + self.n_users - 1, batch["neg"] + self.n_users - 1
        s_pos = (emb[users] * emb[pos]).sum(-1)
        s_neg = (emb[users] * emb[neg]).sum(-1)
        node_id = torch.cat([users, pos, neg]).unique()
        return self.gcn.recommendation_loss(s_pos, s_neg, node_id=node_id, lambda_reg=self.cfg.lambda_reg)

    def scores(self, users: torch.Tensor, seqs: torch.Tensor) -> torch.Tensor:
        emb = self.embedding()
        item_emb = torch.cat([torch.zeros_like(emb[:1]), emb[self.n_users :]])  # [n_items + 1, H]
        scores = emb[users] @ item_emb.t()
        scores[:, 0] = float("-inf")
        return scores
