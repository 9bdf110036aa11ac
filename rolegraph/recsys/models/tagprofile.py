"""The tag-profile baseline: an item scores by how much its tags overlap the tags of the user's history.

The simplest use of the knowledge TagCF reads: a user's profile counts the tags of the items in their
history — each item weighted by recency (a half-life in items, or none) and, where the data has ratings,
by its rating — and an item's score is the sum of the profile over its tags; the item's training
popularity breaks ties. Nothing is trained: `prepare` picks the half-life and the rating weighting on
validation NDCG@10, as the evaluation picks TagCF's β.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData
from rolegraph.recsys.models.base import Batch, Recommender
from rolegraph.recsys.ranking import collect_parts, rank_metrics

HALF_LIVES = (0.0, 20.0, 10.0, 5.0, 2.0, 1.0)  # in items of history; 0 = no recency weighting
TIE_BREAK = 1e-6  # popularity's weight: below any difference in tag overlap the profile can make


def tag_matrix(item_tags: torch.Tensor, n_tags: int) -> torch.Tensor:
    """[n_items + 1, n_tags + 1] 0/1: the tags each item carries (padding tag and item are empty)."""
    out = torch.zeros(item_tags.shape[0], n_tags + 1)
    out.scatter_(1, item_tags, 1.0)
    out[:, 0] = 0.0
    out[0] = 0.0
    return out


def profile_scores(
    seqs: torch.Tensor,
    tags: torch.Tensor,
    popularity: torch.Tensor,
    half_life: float,
    ratings: torch.Tensor | None = None,
) -> torch.Tensor:
    """Scores [B, n_items + 1] for left-padded histories ``seqs`` [B, L]; ``ratings`` [B, L] weights items.

    profile_u = Σ_p w_p · tags(seq_p) with w_p = 0.5^(age_p / half_life) (1 without a half-life) times the
    rating, scaled to a maximum of 1; score_i = profile_u · tags(i) + TIE_BREAK · popularity_i / max.
    """
    length = seqs.shape[1]
    age = torch.arange(length - 1, -1, -1, dtype=torch.float32)
    weight = (seqs > 0).float() * (0.5 ** (age / half_life) if half_life > 0 else torch.ones(length))
    if ratings is not None:
        weight = weight * ratings
    profile = (weight.unsqueeze(-1) * tags[seqs]).sum(dim=1)  # [B, n_tags + 1]
    profile = profile / profile.max(dim=1, keepdim=True).values.clamp_min(1e-12)
    scores = profile @ tags.t() + TIE_BREAK * popularity / popularity.max().clamp_min(1.0)
    scores[:, 0] = float("-inf")
    return scores


class TagProfile(Recommender):
    """Tag overlap with the history, popularity as the tie-break; settings picked on validation."""

    kind = "tag-profile"
    sequential = True
    trainable = False
    tags: torch.Tensor
    popularity: torch.Tensor

    def __init__(self, n_users: int, n_items: int, cfg: ModelConfig, data: RecData):
        super().__init__(n_users, n_items, cfg)
        self.register_buffer("tags", tag_matrix(data.item_tags, data.n_tags), persistent=False)
        self.register_buffer("popularity", data.train_counts(), persistent=False)
        self.ratings = data.ratings
        self.half_life, self.use_ratings = 0.0, False
        self.sweep: list[dict[str, Any]] = []

    def reset_parameters(self) -> None:
        """Nothing to initialize."""

    def batches(self, data: RecData, generator: torch.Generator) -> Iterator[Batch]:
        return iter(())

    def loss(self, batch: Batch) -> torch.Tensor:
        return torch.zeros(())

    def prepare(self, data: RecData) -> None:
        """Picks the half-life and the rating weighting with the best validation NDCG@10."""
        self.sweep = []
        for use_ratings in (False, True) if self.ratings is not None else (False,):
            for half_life in HALF_LIVES:
                self.half_life, self.use_ratings = half_life, use_ratings
                parts = collect_parts(self, data, "valid", torch.device("cpu"))
                ndcg = rank_metrics(parts, data.n_items)["ndcg@10"]
                self.sweep.append({"half_life": half_life, "ratings": use_ratings, "ndcg@10": ndcg})
        best = max(self.sweep, key=lambda r: (r["ndcg@10"], -r["half_life"], not r["ratings"]))
        self.half_life, self.use_ratings = float(best["half_life"]), bool(best["ratings"])

    def choices(self) -> dict[str, Any]:
        """What `prepare` picked, with the validation sweep."""
        return {"half_life": self.half_life, "ratings": self.use_ratings, "sweep": self.sweep}

    def scores(self, users: torch.Tensor, seqs: torch.Tensor) -> torch.Tensor:
        ratings = None
        if self.use_ratings and self.ratings is not None:
            ratings = self.ratings[users.cpu()][torch.arange(seqs.shape[0])[:, None], seqs.cpu()].to(seqs.device)
        return profile_scores(seqs, self.tags, self.popularity, self.half_life, ratings)


def profile_roles(
    histories: list[np.ndarray],
    item_tags: torch.Tensor,
    n_tags: int,
    k: int,
    weights: list[np.ndarray] | None = None,
) -> list[list[int]]:
    """Each user's k tags (index + 1) by the summed ``weights`` (ratings; 1 each without) of the history
    items (index + 1 arrays) carrying them, ties by tag index: an interaction-weighted tag profile."""
    tags = tag_matrix(item_tags, n_tags)
    out = []
    for u, seq in enumerate(histories):
        w = torch.ones(seq.size) if weights is None else torch.as_tensor(weights[u], dtype=torch.float32)
        counts = (w[:, None] * tags[torch.as_tensor(seq, dtype=torch.long)]).sum(dim=0)
        order = sorted(np.flatnonzero(counts.numpy() > 0).tolist(), key=lambda t: (-float(counts[t]), t))
        out.append([int(t) for t in order[:k]])
    return out
