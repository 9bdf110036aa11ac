"""Full ranking of held-out targets: every item except the user's earlier interactions.

The target itself is always a candidate (a repeat of an earlier item is not masked), ties count against
the target only when strictly better scored items exist (rank = number of candidates scored higher).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, Stage, eval_inputs, history, trim
from rolegraph.recsys.metrics import all_metrics

TOP_N = 20


@dataclass(frozen=True)
class Parts:
    """Score parts of every evaluated user [U, n_items + 1] with earlier items at -inf in ``raw``."""

    raw: torch.Tensor
    tag0: torch.Tensor
    tag1: torch.Tensor
    targets: torch.Tensor  # [U] item index + 1


class PartsModel(Protocol):
    """What ranking needs of a recommender (models.base.Recommender has it; the tag-profile baseline, itself
    a model, ranks its validation through this module, so ranking does not import the models)."""

    cfg: ModelConfig

    def eval(self) -> object: ...

    def train(self, mode: bool = True) -> object: ...

    def score_parts(self, users: torch.Tensor, seqs: torch.Tensor) -> tuple[torch.Tensor, ...]: ...


@torch.no_grad()
def collect_parts(model: PartsModel, data: RecData, stage: Stage, device: torch.device, batch_size: int = 256) -> Parts:
    """Runs the model over every user with a ``stage`` target (valid or test)."""
    model.eval()
    users = data.split.eval_users()
    targets = data.split.valid[users] if stage == "valid" else data.split.test[users]
    chunks: list[tuple[torch.Tensor, ...]] = []
    for start in range(0, users.size, batch_size):
        batch = users[start : start + batch_size]
        (seqs,) = trim(eval_inputs(data, batch, stage, model.cfg.max_len))
        seqs = seqs.to(device)
        raw, tag0, tag1 = (p.float().cpu() for p in model.score_parts(torch.from_numpy(batch).to(device), seqs))
        for row, user in enumerate(batch):
            seen = torch.from_numpy(history(data, int(user), stage))
            seen = seen[seen != int(targets[start + row])]
            raw[row, seen] = float("-inf")
        chunks.append((raw, tag0, tag1))
    model.train()
    empty = torch.zeros(0, data.n_items + 1)
    raw, tag0, tag1 = (torch.cat([c[k] for c in chunks]) if chunks else empty for k in range(3))
    return Parts(raw, tag0, tag1, torch.from_numpy(targets.astype(np.int64)))


def rank_top(parts: Parts, n_items: int, beta0: float = 0.0, beta1: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(each target's rank [U], each user's top `TOP_N` items [U, N], 0-based, -1 = empty slot) for
    ŷ = raw + β0·tag0 + β1·tag1."""
    scores = parts.raw
    if beta0:
        scores = scores + beta0 * parts.tag0
    if beta1:
        scores = scores + beta1 * parts.tag1
    rows = torch.arange(scores.shape[0])
    target = scores[rows, parts.targets]
    ranks = (scores > target[:, None]).sum(dim=1).numpy()
    best = torch.topk(scores, min(TOP_N, n_items), dim=1)
    top = torch.where(torch.isfinite(best.values), best.indices - 1, -1).numpy()
    return ranks, top


def spread(parts: Parts) -> dict[str, float]:
    """Each part's spread over a user's candidates (the items ``raw`` ranks: finite scores), as the standard
    deviation averaged over users: {raw, tag0, tag1}. A tag part whose β-scaled spread is a tiny fraction of
    the raw spread cannot change the ranking, whatever β validation picks."""
    if parts.raw.shape[0] == 0:
        return {"raw": 0.0, "tag0": 0.0, "tag1": 0.0}
    candidates = torch.isfinite(parts.raw)
    count = candidates.sum(dim=1).clamp_min(1)
    out = {}
    for name, scores in (("raw", parts.raw), ("tag0", parts.tag0), ("tag1", parts.tag1)):
        values = torch.where(candidates, scores, torch.zeros_like(scores)).double()
        mean = values.sum(dim=1) / count
        var = torch.where(candidates, (values - mean[:, None]) ** 2, torch.zeros_like(values)).sum(dim=1) / count
        out[name] = float(var.sqrt().mean())
    return out


def rank_metrics(parts: Parts, n_items: int, beta0: float = 0.0, beta1: float = 0.0) -> dict[str, float]:
    """All metrics of ``recsys.metrics`` for ŷ = raw + β0·tag0 + β1·tag1."""
    return all_metrics(*rank_top(parts, n_items, beta0, beta1), n_items)
