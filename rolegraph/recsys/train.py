"""Training with Adam and early stopping on validation NDCG@10 (the best epoch's weights are kept)."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from rolegraph.errors import InvalidInput
from rolegraph.recsys.dataset import RecData, training_targets
from rolegraph.recsys.models.base import Recommender
from rolegraph.recsys.ranking import collect_parts, rank_metrics

EpochHook = Callable[[int, float, float], None]  # (epoch, mean loss, validation NDCG@10)


@dataclass
class FitResult:
    """What a training run did."""

    best_epoch: int = 0
    best_valid_ndcg10: float = -1.0
    losses: list[float] = field(default_factory=list)
    valid_ndcg10: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)  # training only, validation excluded
    valid_seconds: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.losses)


def pick_device(name: str = "auto") -> torch.device:
    """``auto``: CUDA when present, else CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(name)
    except RuntimeError as e:
        raise InvalidInput(f"unknown device {name!r}: give auto, cpu, cuda or cuda:N") from e


def set_threads(n: int) -> None:
    """Limits torch's intra-op threads (1 is the default of every command: on a shared 2-core machine two
    spinning OpenMP threads made small problems many times slower)."""
    if n < 1:
        raise InvalidInput(f"threads must be at least 1, got {n}")
    torch.set_num_threads(n)


def seed_everything(seed: int) -> torch.Generator:
    """Seeds torch and numpy; returns the generator that shuffles and samples training batches."""
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    return torch.Generator().manual_seed(seed)


def check_trainable(model: Recommender, data: RecData) -> None:
    """InvalidInput when ``model`` is trainable and ``data``'s training split gives it no example to learn from
    (`dataset.training_targets`): a sequential model needs a user with two training interactions."""
    if not model.trainable or training_targets(data.split, model.sequential):
        return
    if model.sequential:
        raise InvalidInput(
            f"nothing to train {model.kind} on: no user has two training interactions (a user with three or "
            "more has the last two held out for validation and test) — load more interactions"
        )
    raise InvalidInput(f"nothing to train {model.kind} on: no user has a training interaction — load interactions")


def fit(
    model: Recommender,
    data: RecData,
    generator: torch.Generator,
    device: torch.device,
    on_epoch: EpochHook | None = None,
) -> FitResult:
    """Trains ``model`` in place for at most ``cfg.epochs`` epochs; stops after ``cfg.patience`` epochs
    without a better validation NDCG@10 and restores the best epoch's weights.

    InvalidInput, before anything is trained, when ``data`` holds nothing a trainable model learns from
    (`check_trainable`): the untrained weights would otherwise pass for a trained model.
    """
    check_trainable(model, data)
    cfg = model.cfg
    model.to(device)
    model.prepare(data)
    if not model.trainable:
        model.eval()
        return FitResult()
    model.train()
    lr, weight_decay = model.optimizer_settings()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    result = FitResult()
    best_state = copy.deepcopy(model.state_dict())
    for epoch in range(1, cfg.epochs + 1):
        started, total, steps = time.perf_counter(), 0.0, 0
        for batch in model.batches(data, generator):
            optimizer.zero_grad()
            loss = model.loss({k: v.to(device) for k, v in batch.items()})
            loss.backward()
            optimizer.step()
            total, steps = total + float(loss.detach()), steps + 1
        result.epoch_seconds.append(time.perf_counter() - started)
        result.losses.append(total / max(steps, 1))
        started = time.perf_counter()
        parts = collect_parts(model, data, "valid", device)
        valid = rank_metrics(parts, data.n_items, *model.selection_betas())["ndcg@10"]
        result.valid_seconds.append(time.perf_counter() - started)
        result.valid_ndcg10.append(valid)
        if on_epoch is not None:
            on_epoch(epoch, result.losses[-1], valid)
        if valid > result.best_valid_ndcg10:
            result.best_epoch, result.best_valid_ndcg10 = epoch, valid
            best_state = copy.deepcopy(model.state_dict())
        elif epoch >= cfg.min_epochs and epoch - result.best_epoch >= cfg.patience:
            break
    model.load_state_dict(best_state)
    model.eval()
    return result
