"""What both distilled models share: training settings, the device, seeding, and the early-stopping loop.

The loop is model-agnostic: it gets a closure that runs one epoch of optimizer steps and returns the
mean training loss, and one that returns the validation loss. It keeps the parameters of the best
validation epoch and stops after ``patience`` epochs without improvement.
"""

from __future__ import annotations

import contextlib
import copy
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from rolegraph.errors import InvalidInput, RolegraphError
from rolegraph.reasoning.distill.checks import positive_int


class TrainingDiverged(RolegraphError):
    """The loss became NaN or infinite (inputs passed the checks: lower lr, or rescale extreme embeddings)."""


@dataclass(frozen=True)
class FitConfig:
    """Training settings both models share; each model's config extends this one with its own defaults.

    hidden: width of the hidden layer; epochs: at most this many passes over the training rows;
    lr / weight_decay: Adam (the paper trains with 1e-3 / 1e-5); batch_size: rows per optimizer step;
    seed: everything random (initialization, split, shuffling, dropout) derives from it;
    val_share: share of rows held out for early stopping (at least one row, when there are two); with
    no row held out (val_share 0, or a single row) all ``epochs`` run on every row;
    patience: epochs without a better validation loss before stopping; dropout: on the hidden layer;
    device: "cpu", "cuda", … or None for CUDA when present, else CPU.
    """

    hidden: int = 256
    epochs: int = 50
    lr: float = 1e-3
    weight_decay: float = 1e-5
    batch_size: int = 256
    seed: int = 0
    val_share: float = 0.1
    patience: int = 3
    dropout: float = 0.1
    device: str | None = None

    def __post_init__(self) -> None:
        for name in ("hidden", "epochs", "batch_size", "patience"):
            positive_int(name, getattr(self, name))
        if not 0.0 < self.lr <= 1.0:  # Adam moves each weight by about lr per step; above 1 nothing trains
            raise InvalidInput(f"lr must be in (0, 1], got {self.lr!r}")
        if not (math.isfinite(self.weight_decay) and self.weight_decay >= 0):
            raise InvalidInput(f"weight_decay must be ≥ 0, got {self.weight_decay!r}")
        if not 0.0 <= self.val_share < 1.0:
            raise InvalidInput(f"val_share must be in [0, 1), got {self.val_share!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise InvalidInput(f"dropout must be in [0, 1), got {self.dropout!r}")


@dataclass(frozen=True)
class FitReport:
    """How training went: epochs run, the epoch kept (1-based) and its losses (val NaN without validation)."""

    epochs: int
    best_epoch: int
    train_loss: float
    val_loss: float


def resolve_device(name: str | None) -> torch.device:
    """The configured device, or CUDA when present and CPU otherwise."""
    if name is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError as e:
        raise InvalidInput(f"unknown device {name!r}") from e
    if device.type == "cuda" and not torch.cuda.is_available():
        raise InvalidInput(f"device {name!r} asked for but CUDA is not available")
    return device


@contextlib.contextmanager
def seeded(seed: int, device: torch.device) -> Iterator[None]:
    """Runs the block with torch's global RNG seeded, restoring the caller's RNG state afterwards.

    Layer initialization and dropout draw from the global RNG; forking it keeps training deterministic
    without disturbing anyone else's random stream.
    """
    devices = [device.index or 0] if device.type == "cuda" else []  # [] forks the CPU state only
    with torch.random.fork_rng(devices=devices, device_type="cuda"):
        torch.manual_seed(seed)
        yield


def split(n: int, val_share: float, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded random (train, validation) split of ``range(n)``, n ≥ 1.

    Validation gets at least one row when ``val_share`` > 0 and n ≥ 2; a single row trains alone.
    """
    order = torch.randperm(n, generator=generator)
    n_val = min(max(round(n * val_share), 1), n - 1) if val_share > 0 else 0
    return order[n_val:], order[:n_val]


def epochs_over(
    rows: np.ndarray, batch_size: int, generator: torch.Generator, loss: Callable[[np.ndarray], torch.Tensor]
) -> Callable[[torch.optim.Optimizer], float]:
    """One epoch as a closure for `fit`: ``rows`` shuffled by ``generator``, one Adam step per batch.

    ``loss(batch_rows)`` returns the batch's mean loss; the epoch returns the mean over all rows.
    """

    def run(optimizer: torch.optim.Optimizer) -> float:
        order = rows[torch.randperm(len(rows), generator=generator).numpy()]
        total = 0.0
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            optimizer.zero_grad()
            batch_loss = loss(batch)
            batch_loss.backward()
            optimizer.step()
            total += batch_loss.item() * len(batch)
        return total / len(order)

    return run


def fit(
    module: nn.Module,
    cfg: FitConfig,
    train_epoch: Callable[[torch.optim.Optimizer], float],
    val_loss: Callable[[], float] | None,
) -> FitReport:
    """Trains ``module`` with Adam, early-stopping on ``val_loss`` (None: all epochs), best weights restored."""
    optimizer = torch.optim.Adam(module.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    best = (math.inf, 0, math.nan)  # (validation loss, epoch, training loss)
    best_state = module.state_dict()
    epoch = 0
    for epoch in range(1, cfg.epochs + 1):
        module.train()
        train = train_epoch(optimizer)
        if not math.isfinite(train):
            raise TrainingDiverged(f"training loss is {train} at epoch {epoch}: lower lr or check the inputs' scale")
        if val_loss is None:
            best, best_state = (math.nan, epoch, train), module.state_dict()
            continue
        module.eval()
        with torch.no_grad():
            val = val_loss()
        if not math.isfinite(val):
            raise TrainingDiverged(f"validation loss is {val} at epoch {epoch}: lower lr or check the inputs' scale")
        if val < best[0]:
            best, best_state = (val, epoch, train), copy.deepcopy(module.state_dict())
        elif epoch - best[1] >= cfg.patience:
            break
    module.load_state_dict(best_state)
    module.eval()
    return FitReport(epochs=epoch, best_epoch=best[1], train_loss=best[2], val_loss=best[0])
