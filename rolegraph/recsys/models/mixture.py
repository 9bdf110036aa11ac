"""The tag mixture: each user's next item drawn through the graph's tags, the user's mix of tags read from the
history. A control for what the tags can tell a model that uses them directly, with nothing trained.

A tag t draws items by their training popularity among the items carrying it, and anything may come from
the catalogue's popularity with chance ε:

    P(i | u) = (1 − ε)·Σ_t π'_u(t)·P(i | t) + ε·pop(i),    P(i | t) ∝ pop(i)·[t ∈ tags(i)]
    π'_u = (1 − γ)·π_u + γ·π_u·H    (H: the logic's two hops t → c → t', each row a distribution)

π_u is the maximum a posteriori mix of the user's history under this model (EM, each history item weighted by
recency with a half-life; the tags' popularity as a prior of one pseudo-item), so a history of war films
puts π on the roles that draw war films, however popular other roles are. γ spreads π along the logic
(U2I then I2U for roles): γ = 0 ignores the logic. ε, the half-life and γ are picked on validation NDCG@10,
as the evaluation picks TagCF's β. Scores are log P(i | u).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import Any, NamedTuple

import numpy as np
import torch

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData
from rolegraph.recsys.models.base import Batch, Recommender
from rolegraph.recsys.models.tagprofile import tag_matrix
from rolegraph.recsys.ranking import collect_parts, rank_metrics

EM_STEPS = 10
PRIOR_ITEMS = 1.0  # pseudo-items of the tag prior in a user's mix
EPSILONS = (0.1, 0.3, 0.5, 0.7)
HALF_LIVES = (0.0, 10.0, 3.0)  # in items of history; 0 = every item alike
SPREADS = (0.0, 0.2)  # γ, only where the data has logic
SESSIONS = (0.0, 0.5, 0.8)  # q: the chance that the next item continues the newest item's tags


def item_given_tag(tags: torch.Tensor, popularity: torch.Tensor) -> torch.Tensor:
    """P(i | t) [n_items + 1, n_tags + 1]: each tag's items weighted by popularity (+1), columns sum to 1
    (0 for a tag no item carries)."""
    weighted = tags * (popularity + 1.0).unsqueeze(1)
    weighted[0] = 0.0
    return weighted / weighted.sum(dim=0, keepdim=True).clamp_min(1e-12)


def logic_spread(hop1: torch.Tensor, hop2: torch.Tensor, n_tags: int) -> torch.Tensor:
    """H [n_tags + 1, n_tags + 1]: the two logic hops as a row-stochastic matrix (a tag without logic stays
    itself)."""
    h = torch.sparse.mm(hop1.coalesce(), hop2.to_dense()) if hop1._nnz() else torch.zeros(n_tags + 1, n_tags + 1)
    h = h.clamp_min(0.0)
    rows = h.sum(dim=1, keepdim=True)
    return torch.where(rows > 0, h / rows.clamp_min(1e-12), torch.eye(n_tags + 1))


class ItemTagRows(NamedTuple):
    """P(i | t) kept per item: each item's tags with P(i | t) > 0 ([n_items + 1, K] each, K the most any item
    has), padded with tag 0 and probability 0. The EM reads only these, not the whole vocabulary."""

    tags: torch.Tensor  # long, tag index
    probs: torch.Tensor  # P(i | t) of that tag


def item_tag_rows(p_it: torch.Tensor) -> ItemTagRows:
    """The nonzero entries of each row of P(i | t) [n_items + 1, n_tags + 1] (see `ItemTagRows`)."""
    carried = p_it > 0
    k = max(int(carried.sum(dim=1).max()), 1) if p_it.numel() else 1
    order = torch.argsort(carried.to(torch.int8), dim=1, descending=True, stable=True)[:, :k]
    probs = p_it.gather(1, order)
    return ItemTagRows(torch.where(probs > 0, order, 0), probs.clamp_min(0.0))


def mixture_weights(
    seqs: torch.Tensor,
    rows: ItemTagRows,
    background: torch.Tensor,
    prior: torch.Tensor,
    epsilon: float,
    half_life: float,
) -> torch.Tensor:
    """π [B, n_tags + 1] for left-padded histories ``seqs`` [B, L] (EM; see the module docstring). Each
    history item shares its weight among its own tags only (``rows``), so a step costs B·L·K, not
    B·L·n_tags."""
    batch, length = seqs.shape
    age = torch.arange(length - 1, -1, -1, dtype=torch.float32, device=seqs.device)
    weight = (seqs > 0).float() * (0.5 ** (age / half_life) if half_life > 0 else 1.0)  # [B, L]
    tags = rows.tags[seqs].reshape(batch, -1)  # the history items' tags [B, L·K]
    like = rows.probs[seqs]  # P(h | t) for those tags [B, L, K]
    other = epsilon * background[seqs]  # [B, L]
    pi = prior.expand(batch, -1).clone()
    for _ in range(EM_STEPS):
        drawn = (1 - epsilon) * like * pi.gather(1, tags).view_as(like)  # [B, L, K]
        share = drawn / (drawn.sum(dim=2) + other).clamp_min(1e-30).unsqueeze(2)
        counts = torch.zeros_like(pi).scatter_add_(1, tags, (weight.unsqueeze(2) * share).view(batch, -1))
        pi = (counts + PRIOR_ITEMS * prior) / (counts.sum(dim=1, keepdim=True) + PRIOR_ITEMS)
    return pi


class TagMixture(Recommender):
    """Next items through the tags of the user's history (see the module docstring)."""

    kind = "tag-mixture"
    sequential = True
    trainable = False
    p_it: torch.Tensor
    rows_tags: torch.Tensor
    rows_probs: torch.Tensor
    background: torch.Tensor
    prior: torch.Tensor
    spread: torch.Tensor

    def __init__(self, n_users: int, n_items: int, cfg: ModelConfig, data: RecData):
        super().__init__(n_users, n_items, cfg)
        popularity = data.train_counts().float()
        tags = tag_matrix(data.item_tags, data.n_tags)
        p_it = item_given_tag(tags, popularity)
        background = popularity + 1.0
        background[0] = 0.0
        prior = (tags * (popularity + 1.0).unsqueeze(1)).sum(dim=0)
        self.register_buffer("p_it", p_it, persistent=False)
        rows = item_tag_rows(p_it)
        self.register_buffer("rows_tags", rows.tags, persistent=False)
        self.register_buffer("rows_probs", rows.probs, persistent=False)
        self.register_buffer("background", background / background.sum(), persistent=False)
        self.register_buffer("prior", prior / prior.sum().clamp_min(1e-12), persistent=False)
        self.register_buffer("spread", logic_spread(data.hop1, data.hop2, data.n_tags), persistent=False)
        self.has_logic = bool(data.hop1._nnz())
        self.epsilon, self.half_life, self.gamma, self.session = EPSILONS[0], 0.0, 0.0, 0.0
        self.sweep: list[dict[str, Any]] = []

    def reset_parameters(self) -> None:
        """Nothing to initialize."""

    def batches(self, data: RecData, generator: torch.Generator) -> Iterator[Batch]:
        return iter(())

    def loss(self, batch: Batch) -> torch.Tensor:
        return torch.zeros(())

    def prepare(self, data: RecData) -> None:
        """Picks ε, the half-life and γ with the best validation NDCG@10 (ties: the simpler setting)."""
        self.sweep = []
        spreads = SPREADS if self.has_logic else (0.0,)
        for epsilon, half_life, gamma, session in product(EPSILONS, HALF_LIVES, spreads, SESSIONS):
            self.epsilon, self.half_life, self.gamma, self.session = epsilon, half_life, gamma, session
            ndcg = rank_metrics(collect_parts(self, data, "valid", torch.device("cpu")), data.n_items)["ndcg@10"]
            self.sweep.append(
                {"epsilon": epsilon, "half_life": half_life, "gamma": gamma, "session": session, "ndcg@10": ndcg}
            )
        best = max(self.sweep, key=lambda r: (r["ndcg@10"], -r["gamma"], -r["session"], -r["half_life"]))
        self.epsilon, self.half_life = best["epsilon"], best["half_life"]
        self.gamma, self.session = best["gamma"], best["session"]

    def choices(self) -> dict[str, Any]:
        """What `prepare` picked, with the validation sweep."""
        return {
            "epsilon": self.epsilon,
            "half_life": self.half_life,
            "gamma": self.gamma,
            "session": self.session,
            "sweep": self.sweep,
        }

    def role_weights(self, seqs: torch.Tensor) -> torch.Tensor:
        """π'_u [B, n_tags + 1]: the users' mix of tags, spread along the logic by γ."""
        rows = ItemTagRows(self.rows_tags, self.rows_probs)
        pi = mixture_weights(seqs, rows, self.background, self.prior, self.epsilon, self.half_life)
        return (1 - self.gamma) * pi + self.gamma * (pi @ self.spread) if self.gamma else pi

    def scores(self, users: torch.Tensor, seqs: torch.Tensor) -> torch.Tensor:
        pi = self.role_weights(seqs)
        if self.session:
            last = self.p_it[seqs[:, -1]] * pi  # P(t | newest item) ∝ π(t)·P(newest | t)
            mass = last.sum(dim=1, keepdim=True)
            pi = torch.where(mass > 0, self.session * last / mass.clamp_min(1e-30) + (1 - self.session) * pi, pi)
        p = (1 - self.epsilon) * (pi @ self.p_it.t()) + self.epsilon * self.background
        scores = torch.log(p.clamp_min(1e-30))
        scores[:, 0] = float("-inf")
        return scores


def prepared_mixture(data: RecData, cfg: ModelConfig) -> TagMixture:
    """The tag mixture over ``data``'s tags, its settings picked on validation (`TagMixture.prepare`)."""
    mixture = TagMixture(data.n_users, data.n_items, cfg, data)
    mixture.prepare(data)
    return mixture


class WithMixture:
    """A trained model scored with the tag mixture's log P(i | u) as its T(0) part (β0-weighted like TagCF's,
    chosen on validation): the ``-mix`` control on a model that never learned the tags (``sasrec-mix``), so a
    TagCF ``-mix`` gain can be told apart from what the mixture adds to any backbone."""

    def __init__(self, model: Recommender, mixture: TagMixture):
        self.model, self.mixture = model, mixture
        self.cfg = model.cfg

    def eval(self) -> WithMixture:
        self.model.eval()
        return self

    def train(self, mode: bool = True) -> WithMixture:
        self.model.train(mode)
        return self

    @torch.no_grad()
    def score_parts(self, users: torch.Tensor, seqs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        raw = self.model.scores(users, seqs)
        tag0 = self.mixture.scores(users.cpu(), seqs.cpu()).to(raw.device)
        tag0[:, 0] = 0.0
        return raw, tag0, torch.zeros_like(raw)


def top_tags(model: TagMixture, histories: list[np.ndarray], k: int, batch: int = 64) -> list[list[int]]:
    """Each user's k tags (index + 1) of largest π'_u over the whole history (index + 1 arrays), a batch of
    users at a time: who the mixture takes each user to be."""
    out: list[list[int]] = []
    for start in range(0, len(histories), batch):
        chunk = histories[start : start + batch]
        width = max((h.size for h in chunk), default=0) or 1
        seqs = torch.zeros(len(chunk), width, dtype=torch.long)
        for row, h in enumerate(chunk):
            if h.size:
                seqs[row, width - h.size :] = torch.as_tensor(h, dtype=torch.long)
        pi = model.role_weights(seqs)
        pi[:, 0] = -1.0
        out += [[int(t) for t in row] for row in torch.topk(pi, min(k, pi.shape[1] - 1), dim=1).indices]
    return out
