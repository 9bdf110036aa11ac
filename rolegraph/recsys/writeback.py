"""Writes each user's inferred roles back to the graph: T(0) and T(1) as HAS_ROLE edges.

Edges are MERGEd on (user, tag, set) with p, rank and run SET; afterwards a user's edges from other
runs are deleted, so training twice leaves exactly one run's roles (same count, weights replaced).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import numpy as np
import torch

from rolegraph.graph.model import RoleEdge
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.dataset import RecData, eval_inputs, history
from rolegraph.recsys.models.tagcf import TagCF


def role_edges(model: TagCF, data: RecData, run: str, batch_size: int = 256) -> Iterator[RoleEdge]:
    """T(0) and T(1) of every user with a history, ranked by P(t|u) (rank 0 = most likely)."""
    users = np.asarray([u for u in range(data.n_users) if history(data, u, "serve").size], dtype=np.int64)
    model.eval()
    with torch.no_grad():
        for start in range(0, users.size, batch_size):
            batch = users[start : start + batch_size]
            t0, t1 = model.roles(eval_inputs(data, batch, "serve", model.cfg.max_len).to(model.items.weight.device))
            for row, user in enumerate(batch):
                sets: tuple[tuple[Literal["T0", "T1"], torch.Tensor], ...] = (("T0", t0[row]), ("T1", t1[row]))
                for name, probs in sets:
                    index = torch.nonzero(probs > 0).squeeze(1)
                    order = index[torch.argsort(probs[index], descending=True, stable=True)]
                    for rank, tag in enumerate(order.tolist()):
                        yield RoleEdge(data.user_ids[user], data.tag_keys[tag - 1], float(probs[tag]), rank, name, run)


def write_roles(store: GraphStore, model: TagCF, data: RecData, run: str) -> dict[str, int]:
    """Writes the roles of ``run`` and removes older runs' roles of the same users; returns counts."""
    edges = list(role_edges(model, data, run))
    written = store.upsert_roles(edges)
    users = sorted({e.user_id for e in edges})
    removed = store.roles.delete_stale(users, run)
    return {"has_role_written": written, "has_role_removed": removed, "users": len(users)}


def count_roles(store: GraphStore) -> dict[str, int]:
    """HAS_ROLE edges per set."""
    return store.roles.counts()
