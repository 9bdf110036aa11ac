"""TagCF (paper §2.3, App. B.6): SASRec over item ids and over tag-based item encodings, merged.

TagCF-ut learns role tags (user tags), TagCF-it topic tags (item tags); which one is decided by the
`RecData` it is built from. Pieces (paper equations):
- tag encoder (Eq. 10–11): r_i = Σ_t α_it e_t, α_i = softmax(w·e_t + b) over item i's tags;
- user encoder (Eq. 3, 12): φ_u = x_u + W(x_u ⊕ r_u) of an item-id SASRec (x_u) and a tag SASRec (r_u):
  the MLP merge with a residual path, W initialised at zero (a plain Linear merge with small random
  weights scaled the item branch down and trained far slower than SASRec);
- losses (Eq. 5–7): L = L_ui + λ(L_ut + L_it). L_ut: the target's tags (with tag learning augmentation,
  plus the tags the logic graph reaches from them) against the sampled negative item's tags, reached
  tags included (``balanced_tags``, as the reference model does: a hub tag reached from both sides
  cancels instead of being learned as everyone's), P(t|u) = σ(φ_u·e_t). L_it: the item's own tags T_i⁺
  against tags drawn from T∖T_i⁺ (Eq. 6), P(t|i) = σ(x_i·e_t);
- inference (Eq. 8–9): ŷ = ŷ_raw + β0 Σ_{t∈T(0)} P(t|u)P(t|i) + β1 Σ_{t∈T(1)} w_t P(t|i): T(0) the top-k
  candidate tags by P(t|u) (candidates: tags some item carries, i.e. the cover set), P(t|u) a softmax over
  the candidates so it reads as a distribution, T(1) reached from T(0) through the two logic hops with
  its exploration weights w_t (`recsys.logic.explore`). ``tag_score = logit`` is the reference model's
  form instead: the mean of φ_u·e_t over the item's tags, plus Σ_{t∈T(1)} w_t e_t·x_i. ``tag_score =
  mixture`` puts the tag mixture's log P(i | u) (`models.mixture`: the history's mix of the same tags, nothing
  trained) in place of the T(0) term, so β0 blends the trained model with the knowledge read directly;
- roles written back (`roles`): T(0) and T(1) as in inference, but from P(t|u) averaged over the history's
  positions (``role_positions = history``): the score asks what comes next, a user's roles describe all
  they read (synthetic v2: 0.857 of users with a planted role in the top 5, against 0.688 newest-only).

ŷ_raw is the logit φ_u·x_i: Eq. 4's σ is monotone, and on softmax-trained logits it saturates at 1 for
the top items, which would let the tag terms alone decide among them.
Scale-matched heads (``tag_heads = cosine``): both tag scores become a learned scale times the cosine of
their partners, s_u·cos(φ_u, e_t) and s_i·cos(x_i, e_t) + b_i, so neither dot product's partner is ~60×
the other's and the item–tag loss trains e_t too. ``user_tag_target = history`` trains P(t|u) (the
softmax inference reads) towards the role tags counted over the items read so far, instead of L_ut.
Ablations: ``use_te=False`` drops the tag encoder (φ_u = x_u), ``use_ta=False`` the augmentation,
β0 = β1 = 0 the tag-logic inference; the recipe switches of `ModelConfig` restore earlier choices.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch
from torch import nn

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, seq_windows
from rolegraph.recsys.logic import augment_tags, explore
from rolegraph.recsys.models.base import Batch, Recommender, SeqEncoder, id_loss, init_weights, window_batches
from rolegraph.recsys.models.mixture import TagMixture, prepared_mixture


class TagAttention(nn.Module):
    """Attention pooling of an item's tag embeddings into one vector (Eq. 10–11)."""

    def __init__(self, hidden: int):
        super().__init__()
        self.score = nn.Linear(hidden, 1)

    def forward(self, tag_emb: torch.Tensor, tags: torch.Tensor) -> torch.Tensor:
        """tag_emb [N, M, H] of tags [N, M] (0 = none) → [N, H]; zeros for an item without tags."""
        logits = self.score(tag_emb).squeeze(-1).masked_fill(tags == 0, float("-inf"))  # [N, M]
        alpha = torch.nan_to_num(torch.softmax(logits, dim=-1), nan=0.0)
        return (alpha.unsqueeze(-1) * tag_emb).sum(dim=1)


def masked_bce(logits: torch.Tensor, tags: torch.Tensor, target: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(sum of BCE losses towards ``target`` over entries with tags > 0, their count)."""
    mask = (tags > 0).float()
    losses = nn.functional.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target), reduction="none")
    return (losses * mask).sum(), mask.sum()


def other_tags(own: torch.Tensor, drawn: torch.Tensor) -> torch.Tensor:
    """``drawn`` [N, S] tag indices with those in ``own`` [N, M] set to 0 (no loss): T∖T_i⁺ of Eq. 6."""
    clash = (drawn.unsqueeze(-1) == own.unsqueeze(1)).any(dim=-1)
    return drawn.masked_fill(clash, 0)


def position_mean(values: torch.Tensor, present: torch.Tensor) -> torch.Tensor:
    """values [B, L, T] averaged over the positions where ``present`` [B, L] is true → [B, T] (0 where none)."""
    weights = present.to(values.dtype).unsqueeze(-1)  # [B, L, 1]
    return (values * weights).sum(dim=1) / weights.sum(dim=1).clamp_min(1.0)


#: cosine heads start at this scale (logits within ±10, as a temperature of 0.1) and may not exceed the cap
COSINE_SCALE = 10.0
COSINE_SCALE_CAP = 100.0


class TagCF(Recommender):
    """TagCF over one tag vocabulary (tags 1..n_tags, 0 = none)."""

    kind = "tagcf"
    sequential = True
    item_tags: torch.Tensor
    hop1: torch.Tensor
    hop2: torch.Tensor
    aug_tags: torch.Tensor
    candidates: torch.Tensor

    def __init__(self, n_users: int, n_items: int, cfg: ModelConfig, data: RecData):
        super().__init__(n_users, n_items, cfg)
        self.n_tags = data.n_tags
        self.items = nn.Embedding(n_items + 1, cfg.hidden, padding_idx=0)
        self.tags = nn.Embedding(data.n_tags + 1, cfg.hidden, padding_idx=0)
        self.item_encoder = SeqEncoder(cfg)
        if cfg.use_te:
            self.attention = TagAttention(cfg.hidden)
            self.tag_encoder = SeqEncoder(cfg)
            self.merge = nn.Linear(2 * cfg.hidden, cfg.hidden)
        self.register_buffer("item_tags", data.item_tags.clone(), persistent=False)  # [n_items + 1, M]
        # buffers, so that .to(device) moves the logic graph with the model (explore multiplies it with
        # P(t|u) on the model's device); not saved: artifacts store the dataset's hops themselves
        self.register_buffer("hop1", data.hop1, persistent=False)  # sparse [n_tags + 1, n_mid + 1]
        self.register_buffer("hop2", data.hop2, persistent=False)  # sparse [n_mid + 1, n_tags + 1]
        aug = augment_tags(data.item_tags, data.hop1, data.hop2, cfg.k) if cfg.use_ta else data.item_tags[:, :0]
        self.register_buffer("aug_tags", aug, persistent=False)  # [n_items + 1, k]
        self.register_buffer("candidates", data.candidate_tags(), persistent=False)  # [n_tags + 1] bool
        if cfg.tag_heads == "cosine":  # log scales of the user and item heads, the item head's bias
            self.head_scale = nn.Parameter(torch.full((2,), math.log(COSINE_SCALE)))
            self.item_bias = nn.Parameter(torch.zeros(()))
        self._windows: tuple[torch.Tensor, torch.Tensor] | None = None
        self._data = data  # for the tag mixture of ``tag_score = mixture``, built when first asked
        self._mixture: list[TagMixture] = []  # (a list: not a submodule, nothing of it is saved)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init_weights(self)
        with torch.no_grad():
            self.items.weight[0].zero_()
            self.tags.weight[0].zero_()
            if self.cfg.use_te:  # the merge starts at zero: TagCF starts as SASRec and learns what tags add
                self.merge.weight.zero_()
            if self.cfg.tag_heads == "cosine":
                self.head_scale.fill_(math.log(COSINE_SCALE))
                self.item_bias.zero_()

    def _side(self, vec: torch.Tensor, which: int) -> torch.Tensor:
        """A user (0) or item (1) vector as its tag head reads it: itself, or unit length times the head's
        scale (``cosine``)."""
        if self.cfg.tag_heads == "dot":
            return vec
        scale = self.head_scale[which].clamp(max=math.log(COSINE_SCALE_CAP)).exp()
        return nn.functional.normalize(vec, dim=-1) * scale

    def _tag_side(self, emb: torch.Tensor) -> torch.Tensor:
        """Tag embeddings as the heads read them (unit length for ``cosine``; the padding tag stays 0)."""
        return emb if self.cfg.tag_heads == "dot" else nn.functional.normalize(emb, dim=-1)

    def _item_offset(self) -> torch.Tensor | float:
        return self.item_bias if self.cfg.tag_heads == "cosine" else 0.0

    def user_tag_logits(self, phi: torch.Tensor) -> torch.Tensor:
        """The user head's logits [..., n_tags + 1] of φ_u [..., H] against every tag."""
        return self._side(phi, 0) @ self._tag_side(self.tags.weight).t()

    def item_tag_logits(self) -> torch.Tensor:
        """The item head's logits [n_items + 1, n_tags + 1] (P(t|i) = σ of them)."""
        return self._side(self.items.weight, 1) @ self._tag_side(self.tags.weight).t() + self._item_offset()

    def prepare(self, data: RecData) -> None:
        self._windows = seq_windows(data.split.train, self.cfg.max_len, self.cfg.window_stride)

    def batches(self, data: RecData, generator: torch.Generator) -> Iterator[Batch]:
        if self._windows is None:
            self.prepare(data)
        assert self._windows is not None
        pool = torch.nonzero(self.candidates.cpu()).squeeze(1)
        for batch in window_batches(*self._windows, self.cfg.batch_size, self.n_items, generator):
            if pool.numel():  # Eq. 6 negatives, drawn among the tags items carry
                shape = (*batch["pos"].shape, self.cfg.it_neg_samples)
                drawn = torch.randint(0, pool.numel(), shape, generator=generator)
                batch["neg_tags"] = pool[drawn]  # [B, L, S]
            yield batch

    def selection_betas(self) -> tuple[float, float]:
        return self.cfg.beta0, self.cfg.expl_beta1 if self.cfg.expl else self.cfg.beta1

    def encode(self, seqs: torch.Tensor) -> torch.Tensor:
        """φ_u at every position [B, L, H]."""
        x = self.item_encoder(self.items(seqs), seqs)  # [B, L, H]
        if not self.cfg.use_te:
            return x
        tag_items = self.attention(self.tags(self.item_tags), self.item_tags)  # [n_items + 1, H]
        r = self.tag_encoder(tag_items[seqs], seqs)  # [B, L, H]
        return x + self.merge(torch.cat([x, r], dim=-1))

    def _tag_sets(self, items: torch.Tensor, reached: bool) -> torch.Tensor:
        """The tags of ``items`` [N] (with their logic-reached tags when ``reached``) [N, M (+ k)]."""
        own = self.item_tags[items]
        return torch.cat([own, self.aug_tags[items]], dim=1) if reached else own

    def loss(self, batch: Batch) -> torch.Tensor:
        mask = batch["pos"] > 0
        phi = self.encode(batch["seqs"])[mask]  # [N, H]
        pos, neg = batch["pos"][mask], batch["neg"][mask]
        l_ui = id_loss(phi, self.items.weight, pos, neg, self.cfg.loss)
        own = self.item_tags[pos]  # T_i⁺ [N, M]
        if self.cfg.it_negatives == "eq6" and "neg_tags" in batch:
            others = other_tags(own, batch["neg_tags"][mask])  # [N, S]
        else:
            others = self.item_tags[neg]
        x_pos = self._side(self.items(pos), 1).unsqueeze(1)  # [N, 1, H]
        bias = self._item_offset()
        it = [
            masked_bce((x_pos * self._tag_side(self.tags(own))).sum(-1) + bias, own, 1.0),
            masked_bce((x_pos * self._tag_side(self.tags(others))).sum(-1) + bias, others, 0.0),
        ]
        l_it = sum(s for s, _ in it) / max(float(sum(n for _, n in it)), 1.0)
        if self.cfg.user_tag_target == "history":
            return l_ui + self.cfg.lam * (self._history_loss(batch["seqs"], mask, phi) + l_it)
        pos_tags = self._tag_sets(pos, True)  # [N, M + k]
        neg_tags = self._tag_sets(neg, self.cfg.balanced_tags)
        u = self._side(phi, 0).unsqueeze(1)  # [N, 1, H]
        ut = [
            masked_bce((u * self._tag_side(self.tags(pos_tags))).sum(-1), pos_tags, 1.0),
            masked_bce((u * self._tag_side(self.tags(neg_tags))).sum(-1), neg_tags, 0.0),
        ]
        l_ut = sum(s for s, _ in ut) / max(float(sum(n for _, n in ut)), 1.0)
        return l_ui + self.cfg.lam * (l_ut + l_it)

    def _history_loss(self, seqs: torch.Tensor, mask: torch.Tensor, phi: torch.Tensor) -> torch.Tensor:
        """Cross-entropy of the softmax P(t|u) at each trained position towards the tags of the items read up
        to it (counted, normalised): the history's role distribution as the user–tag target."""
        tags = self.item_tags[seqs]  # [B, L, M]
        counts = torch.zeros(*seqs.shape, self.n_tags + 1, device=seqs.device)
        counts.scatter_add_(2, tags, torch.ones_like(tags, dtype=counts.dtype))
        counts[..., 0] = 0.0
        read = counts.cumsum(dim=1)[mask]  # [N, n_tags + 1]
        total = read.sum(dim=1)
        keep = total > 0
        if not bool(keep.any()):
            return phi.sum() * 0.0
        allowed = self._allowed()
        logits = self.user_tag_logits(phi[keep]).masked_fill(~allowed[None, :], float("-inf"))
        log_p = torch.log_softmax(logits, dim=1).masked_fill(~allowed[None, :], 0.0)
        return -((read[keep] / total[keep, None]) * log_p).sum(dim=1).mean()

    def user_tag_probs(self, seqs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(φ_u [B, H], P(t|u) [B, n_tags + 1]) at the newest position. With ``user_probs = softmax`` a
        distribution over the candidate tags (``cover_only``) or all tags; 0 for the padding tag."""
        phi = self.encode(seqs)[:, -1]
        return phi, self._tag_probs(phi)

    def history_tag_probs(self, seqs: torch.Tensor) -> torch.Tensor:
        """P(t|u) [B, n_tags + 1] as `user_tag_probs` reads it at each position of ``seqs`` that holds an
        item, averaged over those positions: the whole history's roles, not the newest item's intent."""
        return position_mean(self._tag_probs(self.encode(seqs)), seqs > 0)

    def _tag_probs(self, phi: torch.Tensor) -> torch.Tensor:
        """P(t|u) [..., n_tags + 1] of φ_u [..., H] (`user_tag_probs`'s form)."""
        logits = self.user_tag_logits(phi)
        allowed = self._allowed()
        if self.cfg.user_probs == "softmax":
            return torch.softmax(logits.masked_fill(~allowed, float("-inf")), dim=-1)
        return torch.sigmoid(logits).masked_fill(~allowed, 0.0)

    def _allowed(self) -> torch.Tensor:
        if self.cfg.cover_only and bool(self.candidates.any()):
            return self.candidates
        allowed = torch.ones_like(self.candidates)
        allowed[0] = False
        return allowed

    def roles(self, seqs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The roles written back: (T(0), T(1)) as [B, n_tags + 1] matrices holding P(t|u) on each set's tags,
        0 elsewhere; P(t|u) over the history's positions or at the newest one (``role_positions``)."""
        if self.cfg.role_positions == "history":
            probs = self.history_tag_probs(seqs)
        else:
            _, probs = self.user_tag_probs(seqs)
        t0, reached = self._sets(probs)
        return t0, torch.where(reached > 0, probs, torch.zeros_like(probs))

    def _sets(self, probs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(T(0) holding P(t|u), T(1) holding the exploration weights w_t), each [B, n_tags + 1]."""
        allowed = self._allowed()
        values, index = torch.topk(probs, min(self.cfg.k, int(allowed.sum())), dim=1)
        t0 = torch.zeros_like(probs).scatter_(1, index, values)
        cover = allowed if self.cfg.cover_only else None
        reached = explore(t0, self.hop1, self.hop2, self.cfg.k, self.cfg.top_b, self.cfg.delta, cover)
        return t0, reached

    def score_parts(self, users: torch.Tensor, seqs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        phi, probs = self.user_tag_probs(seqs)
        raw = phi @ self.items.weight.t()  # [B, n_items + 1]
        raw[:, 0] = float("-inf")
        t0, reached = self._sets(probs)
        t1 = reached if self.cfg.t1_weights else torch.where(reached > 0, probs, torch.zeros_like(probs))
        if self.cfg.tag_score == "mixture":
            tag0 = self.mixture().scores(users.cpu(), seqs.cpu()).to(raw.device)  # log P(i | u)
            tag0[:, 0] = 0.0
            return raw, tag0, t1 @ self.item_tag_probs().t()
        if self.cfg.tag_score == "logit":
            logits = self.user_tag_logits(phi)  # [B, n_tags + 1]
            tag0 = logits @ self._item_tag_means().t()
            tag1 = (t1 @ self._tag_side(self.tags.weight)) @ self._side(self.items.weight, 1).t()
            return raw, tag0, tag1
        item_probs = self.item_tag_probs()
        explored = item_probs if self.cfg.t1_items == "probs" else tag_lift(item_probs)
        return raw, t0 @ item_probs.t(), t1 @ explored.t()

    def mixture(self) -> TagMixture:
        """The tag mixture over this model's tags (`models.mixture`), its settings picked on validation once."""
        if not self._mixture:
            self._mixture.append(prepared_mixture(self._data, self.cfg))
        return self._mixture[0]

    def _item_tag_means(self) -> torch.Tensor:
        """[n_items + 1, n_tags + 1]: 1/|T_i| on each item's own tags (the reference's mean over them)."""
        out = torch.zeros(self.n_items + 1, self.n_tags + 1, device=self.item_tags.device)
        out.scatter_(1, self.item_tags, 1.0)
        out[:, 0] = 0.0
        return out / out.sum(dim=1, keepdim=True).clamp_min(1.0)

    def item_tag_probs(self) -> torch.Tensor:
        """P(t|i) [n_items + 1, n_tags + 1]: learned σ(x_i·e_t) (through the item head), or 1 on each item's
        own tags (``graph``)."""
        if self.cfg.item_tag_probs == "graph":
            probs = torch.zeros(self.n_items + 1, self.n_tags + 1, device=self.item_tags.device)
            probs.scatter_(1, self.item_tags, 1.0)
        else:
            probs = torch.sigmoid(self.item_tag_logits())
        probs[:, 0] = 0.0
        return probs

    def scores(self, users: torch.Tensor, seqs: torch.Tensor) -> torch.Tensor:
        raw, tag0, tag1 = self.score_parts(users, seqs)
        return raw + self.cfg.beta0 * tag0 + self.cfg.beta1 * tag1


def tag_lift(probs: torch.Tensor) -> torch.Tensor:
    """P(t|i) [n_items + 1, n_tags + 1] doubly centred over the real items and tags (row and column 0 are the
    padding and stay 0): P(t|i) − mean over items of P(t|·) − mean over tags of P(·|i) + the grand mean."""
    inner = probs[1:, 1:]
    out = torch.zeros_like(probs)
    out[1:, 1:] = inner - inner.mean(dim=0, keepdim=True) - inner.mean(dim=1, keepdim=True) + inner.mean()
    return out
