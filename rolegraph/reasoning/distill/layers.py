"""The one network both distilled models are made of: a standardized two-layer MLP."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class StandardizedMLP(nn.Module):
    """x [N, d_in] → [N, d_out]: standardize with the training rows' statistics, Linear → GELU → dropout → Linear.

    Standardizing matters for text embeddings: unit-length 384-d vectors have coordinates near 0.05,
    which would leave the first layer in GELU's linear range at initialization.
    """

    shift: torch.Tensor  # [d_in] buffers, saved in the state dict
    spread: torch.Tensor

    def __init__(self, dim_in: int, hidden: int, dim_out: int, dropout: float):
        super().__init__()
        self.register_buffer("shift", torch.zeros(dim_in))
        self.register_buffer("spread", torch.ones(dim_in))
        self.hidden = nn.Linear(dim_in, hidden)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, dim_out)

    def reset_parameters(self, x: torch.Tensor) -> None:
        """Fresh weights (from torch's global RNG); standardization from the training rows ``x`` [N, d_in]."""
        self.hidden.reset_parameters()
        self.out.reset_parameters()
        with torch.no_grad():
            self.shift.copy_(x.mean(dim=0))
            self.spread.copy_(x.std(dim=0, unbiased=False).clamp_min(1e-6))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.gelu(self.hidden((x - self.shift) / self.spread))  # [N, H]
        return self.out(self.dropout(h))  # [N, d_out]
