"""P_θ(t|i): the distilled item tagger (paper App. B.4), trained on the items the LLM tagged.

A multi-label model: an MLP over the item's text embedding with one sigmoid output per tag, trained
with binary cross-entropy against the LLM's tag probabilities (p, or 1). The paper only says "a model
over the item embedding E_i"; we use independent sigmoids rather than a softmax over tags because an
item carries several tags at once (3–5 in practice) that should not compete for one unit of mass,
and because the growth run thresholds each tag's p on its own (``min_p``) to write HAS_*_TAG edges.
One model per tag family: train one for user tags P_θ(t|i) and one for item tags P_θ(c|i).

Inputs are standardized with the training rows' mean and spread (kept in the state dict), and the
output biases start at the tags' log-odds in the training rows, so training starts from the
frequency baseline rather than from noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.distill.checks import matrix, positive_int, unit_interval
from rolegraph.reasoning.distill.fit import FitConfig, FitReport, epochs_over, fit, resolve_device, seeded, split
from rolegraph.reasoning.distill.layers import StandardizedMLP
from rolegraph.reasoning.distill.topk import top_per_row

PREDICT_ROWS = 4096  # items per forward pass when predicting


@dataclass(frozen=True)
class TaggerConfig(FitConfig):
    """Settings of P_θ; the defaults train 100k items × 1k tags in minutes on 2 CPU cores (bench/distill.py)."""

    hidden: int = 256
    epochs: int = 30
    batch_size: int = 256
    patience: int = 3


@dataclass
class Tagger:
    """A trained P_θ(t|i). ``predict`` gives probabilities; ``top_tags`` the tags to write."""

    KIND: ClassVar[str] = "tagger"
    module: StandardizedMLP
    config: TaggerConfig
    report: FitReport

    @property
    def dim(self) -> int:
        return int(self.module.hidden.in_features)

    @property
    def n_tags(self) -> int:
        return int(self.module.out.out_features)

    def shape(self) -> dict[str, int]:
        """What `build` needs besides the config to recreate the module (saved with the weights)."""
        return {"dim": self.dim, "n_tags": self.n_tags}

    @classmethod
    def build(cls, config: TaggerConfig, shape: dict[str, Any], report: FitReport) -> Tagger:
        """An untrained module of the given shape, for `persist.load` to fill with weights."""
        module = StandardizedMLP(shape["dim"], config.hidden, shape["n_tags"], config.dropout)
        return cls(module.to(resolve_device(config.device)).eval(), config, report)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """P_θ(t|i) for every row of ``x`` [n, d] and every tag: float32 [n, n_tags] in [0, 1]."""
        x = matrix("x", x, cols=self.dim, min_rows=0)
        out = np.empty((x.shape[0], self.n_tags), dtype=np.float32)
        device = next(self.module.parameters()).device
        with torch.no_grad():
            for start in range(0, x.shape[0], PREDICT_ROWS):
                xb = torch.from_numpy(x[start : start + PREDICT_ROWS]).to(device)
                out[start : start + PREDICT_ROWS] = torch.sigmoid(self.module(xb)).cpu().numpy()
        return out

    def top_tags(self, x: np.ndarray, k: int = 10, min_p: float = 0.5) -> list[list[tuple[int, float]]]:
        """Per row of ``x``, at most ``k`` (tag index, p) with p ≥ ``min_p``, best first, ties by index."""
        k = positive_int("k", k)
        if not 0.0 <= min_p <= 1.0:
            raise InvalidInput(f"min_p must be in [0, 1], got {min_p!r}")
        x = matrix("x", x, cols=self.dim, min_rows=0)
        result: list[list[tuple[int, float]]] = []
        for start in range(0, x.shape[0], PREDICT_ROWS):
            p = self.predict(x[start : start + PREDICT_ROWS])
            best = top_per_row(p, k, p >= min_p)
            for row, row_p in zip(best, p, strict=True):
                result.append([(int(t), float(row_p[t])) for t in row if t >= 0])
        return result


def _labels(y: Any, n_items: int) -> sp.csr_array:
    """The tag matrix as float32 CSR [n_items, n_tags] with duplicates summed and zeros dropped, checked."""
    if not sp.issparse(y):
        raise InvalidInput(f"y must be a scipy.sparse matrix (items × tags), got {type(y).__name__}")
    if y.ndim != 2 or y.shape[0] != n_items or y.shape[1] < 1:
        raise InvalidInput(f"y has shape {y.shape}, expected ({n_items}, n_tags ≥ 1)")
    labels = sp.csr_array(y, dtype=np.float32)
    labels.sum_duplicates()
    if labels.nnz and labels.data.max() > 1.0:
        raise InvalidInput(
            f"y must lie in [0, 1]; found values up to {labels.data.max()} "
            "(scipy sums duplicate entries: give each item–tag pair once)"
        )
    unit_interval("y", labels.data)
    labels.eliminate_zeros()
    if labels.nnz == 0:
        raise InvalidInput("y has no tag at all: nothing to learn")
    return labels


def train_tagger(x: np.ndarray, y: Any, cfg: TaggerConfig | None = None) -> Tagger:
    """Trains P_θ(t|i) on item embeddings ``x`` [n, d] and LLM tags ``y`` (sparse [n, n_tags], p in [0, 1]).

    A share ``cfg.val_share`` of the items is held out for early stopping (validation BCE). All input
    checks run before training: InvalidInput on bad shapes, NaN, values outside [0, 1] or no tags.
    Deterministic for a given ``cfg.seed`` on a given device.
    """
    cfg = cfg or TaggerConfig()
    x = matrix("x", x, min_rows=1)
    labels = _labels(y, x.shape[0])
    device = resolve_device(cfg.device)
    generator = torch.Generator().manual_seed(cfg.seed)
    train_rows, val_rows = split(x.shape[0], cfg.val_share, generator)
    features = torch.from_numpy(x).to(device)
    train_np = train_rows.numpy()
    prior = torch.from_numpy(np.asarray(labels[train_np].mean(axis=0), dtype=np.float32).ravel())
    with seeded(cfg.seed, device):
        module = StandardizedMLP(x.shape[1], cfg.hidden, labels.shape[1], cfg.dropout)
        module.reset_parameters(torch.from_numpy(x[train_np]))
        with torch.no_grad():  # start at the frequency baseline: each tag's log-odds in the training rows
            module.out.bias.copy_(torch.logit(prior.clamp(1e-4, 1 - 1e-4)))
        module.to(device)

        def loss(rows: np.ndarray) -> torch.Tensor:
            target = torch.from_numpy(labels[rows].toarray()).to(device)  # [B, T]
            logits = module(features[torch.from_numpy(rows).to(device)])
            return F.binary_cross_entropy_with_logits(logits, target, reduction="sum") / len(rows)

        def val_loss() -> float:
            rows = val_rows.numpy()
            total = 0.0
            for start in range(0, len(rows), PREDICT_ROWS):
                chunk = rows[start : start + PREDICT_ROWS]
                total += float(loss(chunk)) * len(chunk)
            return total / len(rows)

        train_epoch = epochs_over(train_np, cfg.batch_size, generator, loss)
        report = fit(module, cfg, train_epoch, val_loss if len(val_rows) else None)
    return Tagger(module, cfg, report)
