"""P_φ(dst|src): the distilled logic scorer (paper App. B.5), trained on the LLM's logic edges.

The LLM's targets rarely hit the cover set exactly, so a model over tag embeddings learns the logic
graph and then scores every cover-set target for every cover-set source. Train one per direction:
U2I (role → topic, P_φ(c|t)) and I2U (topic → role, P_φ(t|c)).

Model: two towers (an MLP for sources, one for targets) map tag embeddings to unit vectors; the
score of a pair is their cosine times a learned scale, and P_φ(·|src) is the softmax over the given
targets. Training minimizes the cross-entropy between that softmax over all training targets (a full
softmax: D is at most a few thousand) and each source's LLM edge weights normalized to sum to 1. The
validation share holds out whole sources, so early stopping measures what the growth run needs:
scoring sources the model has not seen. Because it works on embeddings, new tags score too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
from torch import nn

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.distill.checks import matrix, unit_interval
from rolegraph.reasoning.distill.fit import FitConfig, FitReport, epochs_over, fit, resolve_device, seeded, split
from rolegraph.reasoning.distill.layers import StandardizedMLP

SCORE_ROWS = 1024  # sources per forward pass when scoring
MAX_SCALE = 100.0  # cap on the learned logit scale (a temperature of 0.01)


@dataclass(frozen=True)
class LogicConfig(FitConfig):
    """Settings of P_φ; ``dim`` is the width of the shared space the towers map into.

    Defaults fit a few thousand sources on 2 CPU cores in well under a minute (bench/distill.py).
    """

    hidden: int = 256
    dim: int = 128
    epochs: int = 200
    batch_size: int = 128
    patience: int = 10

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.dim, int) or self.dim < 1:
            raise InvalidInput(f"dim must be a positive integer, got {self.dim!r}")


class TwoTower(nn.Module):
    """Logits [S, D] = scale · cos(src tower(src), dst tower(dst)); each tower a `StandardizedMLP`."""

    def __init__(self, dim_in: int, hidden: int, dim: int, dropout: float):
        super().__init__()
        self.src_tower = StandardizedMLP(dim_in, hidden, dim, dropout)
        self.dst_tower = StandardizedMLP(dim_in, hidden, dim, dropout)
        self.log_scale = nn.Parameter(torch.tensor(math.log(10.0)))

    def reset_parameters(self, src: torch.Tensor, dst: torch.Tensor) -> None:
        """Fresh weights; each tower standardized with its training embeddings [N, d]."""
        self.src_tower.reset_parameters(src)
        self.dst_tower.reset_parameters(dst)
        with torch.no_grad():
            self.log_scale.fill_(math.log(10.0))

    def dst(self, x: torch.Tensor) -> torch.Tensor:
        """Target embeddings [D, d] → unit vectors [D, dim] (computed once per batch of sources)."""
        return F.normalize(self.dst_tower(x), dim=-1)

    def forward(self, src: torch.Tensor, dst_vectors: torch.Tensor) -> torch.Tensor:
        """``src`` raw embeddings [S, d]; ``dst_vectors`` from `dst` [D, dim]."""
        scale = self.log_scale.exp().clamp(max=MAX_SCALE)
        return scale * F.normalize(self.src_tower(src), dim=-1) @ dst_vectors.T  # [S, D]


@dataclass
class LogicScorer:
    """A trained P_φ(dst|src). ``score`` gives, for each source, a distribution over the given targets."""

    KIND: ClassVar[str] = "logic"
    module: TwoTower
    config: LogicConfig
    report: FitReport

    @property
    def dim(self) -> int:
        return int(self.module.src_tower.hidden.in_features)

    def shape(self) -> dict[str, int]:
        """What `build` needs besides the config to recreate the module (saved with the weights)."""
        return {"dim": self.dim}

    @classmethod
    def build(cls, config: LogicConfig, shape: dict[str, Any], report: FitReport) -> LogicScorer:
        """An untrained module of the given shape, for `persist.load` to fill with weights."""
        module = TwoTower(shape["dim"], config.hidden, config.dim, config.dropout)
        return cls(module.to(resolve_device(config.device)).eval(), config, report)

    def score(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """P_φ(dst|src) for tag embeddings ``src`` [S, d] and ``dst`` [D, d]: float32 [S, D], rows sum to 1.

        Any tags may be given, seen in training or not. The result takes S × D × 4 bytes; for very large
        sets score a slice of sources at a time (and offset `top_b`'s source indices by the slice start).
        """
        src = matrix("src", src, cols=self.dim, min_rows=0)
        dst = matrix("dst", dst, cols=self.dim, min_rows=1)
        device = next(self.module.parameters()).device
        out = np.empty((src.shape[0], dst.shape[0]), dtype=np.float32)
        with torch.no_grad():
            dst_vectors = self.module.dst(torch.from_numpy(dst).to(device))
            for start in range(0, src.shape[0], SCORE_ROWS):
                sb = torch.from_numpy(src[start : start + SCORE_ROWS]).to(device)
                out[start : start + SCORE_ROWS] = torch.softmax(self.module(sb, dst_vectors), dim=1).cpu().numpy()
        return out


def _targets(edges: Any, n_src: int, n_dst: int) -> sp.csr_array:
    """The edges as a [S, D] CSR whose rows are each source's target distribution (weights / row sum).

    A pair given twice keeps its highest weight; sources whose weights are all 0 get an empty row.
    """
    if not isinstance(edges, tuple | list) or len(edges) != 3:
        raise InvalidInput("edges must be a tuple (src_idx, dst_idx, weight) of three 1-D arrays")
    s, d, w = (np.asarray(a) for a in edges)
    if not (s.ndim == d.ndim == w.ndim == 1 and len(s) == len(d) == len(w)):
        raise InvalidInput(f"edge arrays must be 1-D and of one length, got shapes {s.shape}, {d.shape}, {w.shape}")
    if len(s) == 0:
        raise InvalidInput("no logic edges: nothing to learn")
    for name, idx, n in (("src_idx", s, n_src), ("dst_idx", d, n_dst)):
        if not np.issubdtype(idx.dtype, np.integer):
            raise InvalidInput(f"{name} must hold integers, got dtype {idx.dtype}")
        if idx.min() < 0 or idx.max() >= n:
            raise InvalidInput(f"{name} must lie in [0, {n}); found {int(idx.min())}..{int(idx.max())}")
    if not np.issubdtype(w.dtype, np.number):
        raise InvalidInput(f"weight must hold numbers, got dtype {w.dtype}")
    w = w.astype(np.float64)
    unit_interval("weight", w)
    key = s.astype(np.int64) * n_dst + d
    order = np.lexsort((w, key))
    last = np.r_[key[order][1:] != key[order][:-1], True]  # the highest weight of each pair
    keep = order[last]
    m = sp.csr_array((w[keep], (s[keep], d[keep])), shape=(n_src, n_dst))
    m.eliminate_zeros()
    totals = np.asarray(m.sum(axis=1)).ravel()
    if not (totals > 0).any():
        raise InvalidInput("every logic edge has weight 0: nothing to learn")
    return sp.csr_array(sp.diags_array(1.0 / np.where(totals > 0, totals, 1.0)) @ m, dtype=np.float32)


def train_logic(src: np.ndarray, dst: np.ndarray, edges: Any, cfg: LogicConfig | None = None) -> LogicScorer:
    """Trains P_φ(dst|src) on tag embeddings ``src`` [S, d], ``dst`` [D, d] and the LLM's logic edges.

    ``edges`` = (src_idx, dst_idx, weight in [0, 1]) index rows of ``src`` and ``dst``. A share
    ``cfg.val_share`` of the sources with edges is held out for early stopping. All input checks run
    before training (InvalidInput). Deterministic for a given ``cfg.seed`` on a given device.
    """
    cfg = cfg or LogicConfig()
    src = matrix("src", src, min_rows=1)
    dst = matrix("dst", dst, cols=src.shape[1], min_rows=1)
    targets = _targets(edges, src.shape[0], dst.shape[0])
    sources = np.flatnonzero(np.diff(targets.indptr) > 0)
    device = resolve_device(cfg.device)
    generator = torch.Generator().manual_seed(cfg.seed)
    train_pos, val_pos = split(len(sources), cfg.val_share, generator)
    train_rows, val_rows = sources[train_pos.numpy()], sources[val_pos.numpy()]
    src_t, dst_t = torch.from_numpy(src).to(device), torch.from_numpy(dst).to(device)
    with seeded(cfg.seed, device):
        module = TwoTower(src.shape[1], cfg.hidden, cfg.dim, cfg.dropout)
        module.reset_parameters(torch.from_numpy(src[train_rows]), torch.from_numpy(dst))
        module.to(device)

        def loss(rows: np.ndarray) -> torch.Tensor:
            q = torch.from_numpy(targets[rows].toarray()).to(device)  # [B, D]
            logits = module(src_t[torch.from_numpy(rows).to(device)], module.dst(dst_t))
            return -(q * F.log_softmax(logits, dim=1)).sum(dim=1).mean()

        train_epoch = epochs_over(train_rows, cfg.batch_size, generator, loss)
        report = fit(module, cfg, train_epoch, (lambda: float(loss(val_rows))) if len(val_rows) else None)
    return LogicScorer(module, cfg, report)
