"""The ceilings of a synthetic world (`rolegraph.graph.synth`): next-item scores from its planted truth.

Both oracles know how the world is drawn — P(c|t), the items' topics and popularity, session length,
the chance of keeping a topic, the noise — and score the next item as the generator would draw it:

    P(i) = (1 − ε)·[q·P_same(i) + (1 − q)·P_new(i)] + ε·pop(i),   q = 1 − 1/session_length
    P_new(i) = Σ_t π(t) L(t, i),   L(t, i) = Σ_c P(c|t) P(i|c)
    P_same(i) = Σ_{t,c} P(t, c | last item)·[stay·P(i|c) + (1 − stay)·L(t, i)]

with P(t, c | last) ∝ π(t) P(c|t) P(last|c) (the session's role and topic, read from the newest item).
``oracle-roles`` knows each user's roles and weights π_u; ``oracle-behaviour`` knows only the world and
estimates π from the history (EM over all roles, the role prior as a pseudo-count) — the best a model
that reads behaviour with perfect tags could do. Neither is trained.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from rolegraph.errors import InvalidInput
from rolegraph.graph.synth import World
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData
from rolegraph.recsys.models.base import Batch, Recommender

EM_STEPS = 20
PRIOR_COUNT = 1.0  # pseudo-interactions of the role prior in the behaviour oracle's estimate


def _tensor(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64))


class WorldOracle(Recommender):
    """Scores by the world's own generative model (see the module docstring)."""

    kind = "oracle"
    sequential = True
    trainable = False

    def __init__(self, n_users: int, n_items: int, cfg: ModelConfig, data: RecData, world: World, knows_roles: bool):
        super().__init__(n_users, n_items, cfg)
        index = {item: k + 1 for k, item in enumerate(data.item_ids)}
        missing = [i for i in world.item_ids if i not in index]
        if missing or len(world.user_ids) != data.n_users:
            raise InvalidInput("the oracle's world is not the evaluated one (items or users differ)")
        n_topics = len(world.topics)
        p_ic = np.zeros((n_topics, n_items + 1))  # P(i|c)
        for k, (item, topics) in enumerate(zip(world.item_ids, world.item_topics, strict=True)):
            p_ic[topics, index[item]] = world.popularity[k]
        self.knows_roles = knows_roles
        self.p_ic = _tensor(p_ic / np.maximum(p_ic.sum(axis=1, keepdims=True), 1e-300))
        self.u2i = _tensor(world.u2i)  # [R, C]
        self.like = self.u2i @ self.p_ic  # L [R, n_items + 1]
        pop = np.zeros(n_items + 1)
        pop[[index[i] for i in world.item_ids]] = world.popularity
        self.pop = _tensor(pop / pop.sum())
        self.prior = _tensor(world.role_prior)
        user_row = {u: k for k, u in enumerate(world.user_ids)}
        weights = np.zeros((data.n_users, len(world.roles)))
        for u, uid in enumerate(data.user_ids):
            row = user_row[uid]
            weights[u, world.user_roles[row]] = world.user_weights[row]
        self.user_weights = _tensor(weights)
        self.noise, self.stay = world.cfg.noise, world.cfg.stay
        self.same_session = 1.0 - 1.0 / world.cfg.session_length

    def reset_parameters(self) -> None:
        """Nothing to initialize."""

    def batches(self, data: RecData, generator: torch.Generator) -> Iterator[Batch]:
        return iter(())

    def loss(self, batch: Batch) -> torch.Tensor:
        return torch.zeros(())

    def role_weights(self, users: torch.Tensor, seqs: torch.Tensor) -> torch.Tensor:
        """π [B, R]: the users' true role weights, or the behaviour oracle's estimate from ``seqs``."""
        if self.knows_roles:
            return self.user_weights[users.cpu()]
        seen = torch.zeros(seqs.shape[0], self.n_items + 1, dtype=torch.float64)
        seen.scatter_(1, seqs.cpu(), 1.0)
        seen[:, 0] = 0.0
        pi = self.prior.expand(seqs.shape[0], -1).clone()
        for _ in range(EM_STEPS):
            mix = (1 - self.noise) * (pi @ self.like) + self.noise * self.pop  # [B, I]
            share = seen * (1 - self.noise) / mix.clamp_min(1e-300)
            counts = pi * (share @ self.like.t())  # expected interactions per role [B, R]
            pi = (counts + PRIOR_COUNT * self.prior) / (counts.sum(dim=1, keepdim=True) + PRIOR_COUNT)
        return pi

    def scores(self, users: torch.Tensor, seqs: torch.Tensor) -> torch.Tensor:
        pi = self.role_weights(users, seqs)  # [B, R]
        new = pi @ self.like  # [B, I]
        last = seqs[:, -1].cpu()
        joint = pi[:, :, None] * self.u2i[None] * self.p_ic[:, last].t()[:, None, :]  # [B, R, C]
        mass = joint.sum(dim=(1, 2), keepdim=True)
        post = joint / mass.clamp_min(1e-300)
        same = self.stay * (post.sum(dim=1) @ self.p_ic) + (1 - self.stay) * (post.sum(dim=2) @ self.like)
        same = torch.where(mass.squeeze(-1) > 0, same, new)  # an unexplained newest item: a new session
        p = (1 - self.noise) * (self.same_session * same + (1 - self.same_session) * new) + self.noise * self.pop
        scores = torch.log(p.clamp_min(1e-300)).float()
        scores[:, 0] = float("-inf")
        return scores.to(seqs.device)
