"""Progress of `rolegraph evaluate`: where it is (seed, training, epoch), elapsed time and an ETA.

The ETA of the run is the sum of what is left: of the current training, its seconds per epoch times the
epochs until early stopping would end it if validation NDCG@10 does not improve again (a lower bound,
at least ``min_epochs``); of every later training, the mean duration of the same training in earlier
seeds. Before each training has finished once there is no ETA of the run (only of the current training).
With seeds in parallel workers (``--jobs``), a worker's line has the ETA of its current training and
`SeedSchedule` estimates the run's from the durations of the seeds already done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


def clock(seconds: float) -> str:
    """1h02m, 3m05s or 42s."""
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


@dataclass
class EvalProgress:
    """Tracks trainings ``keys`` × ``seeds`` in that order (seed-major) and renders one status line."""

    keys: Sequence[str]
    seeds: Sequence[int]
    min_epochs: int
    patience: int
    max_epochs: int
    now: Callable[[], float] = time.monotonic
    seed_count: int = 0  # seeds of the whole run when this tracks a part of them (a worker); 0: len(seeds)
    durations: dict[str, list[float]] = field(default_factory=dict)  # key → seconds of each finished training
    _current: tuple[str, int] | None = None
    _started_run: float = 0.0
    _started: float = 0.0
    _best: tuple[int, float] = (0, -1.0)

    def __post_init__(self) -> None:
        self._started_run = self.now()

    def start(self, key: str, seed: int) -> None:
        """A new training begins (the previous one, with its test evaluation, has ended)."""
        self.finish()
        self._current, self._started, self._best = (key, seed), self.now(), (0, -1.0)

    def finish(self) -> None:
        """The current training (and its test evaluation) has ended."""
        if self._current is not None:
            self.durations.setdefault(self._current[0], []).append(self.now() - self._started)
            self._current = None

    def training_left(self, epoch: int, per_epoch: float) -> float:
        """Estimated seconds left in the current training (until early stopping would end it)."""
        stop = min(self.max_epochs, max(self.min_epochs, self._best[0] + self.patience))
        return per_epoch * max(stop - epoch, 0)

    def remaining(self, epoch: int, per_epoch: float) -> float | None:
        """Estimated seconds left in the whole run, or None while some training has never finished."""
        assert self._current is not None
        key, seed = self._current
        left = self.training_left(epoch, per_epoch)
        position = list(self.seeds).index(seed) * len(self.keys) + list(self.keys).index(key)
        for index in range(position + 1, len(self.seeds) * len(self.keys)):
            done = self.durations.get(self.keys[index % len(self.keys)])
            if not done:
                return None
            left += sum(done) / len(done)
        return left

    def epoch(self, epoch: int, loss: float, valid: float) -> str:
        """Records one epoch of the current training; returns the status line."""
        assert self._current is not None, "start() first"
        key, seed = self._current
        if valid > self._best[1]:
            self._best = (epoch, valid)
        now = self.now()
        per_epoch = (now - self._started) / epoch
        if self.seed_count:  # a worker: its training's ETA (the run's comes from SeedSchedule)
            eta_text = f"training ETA {clock(self.training_left(epoch, per_epoch))}"
        else:
            eta = self.remaining(epoch, per_epoch)
            eta_text = f"ETA {clock(eta) if eta is not None else 'after seed 1'}"
        number = seed + 1 if self.seed_count else list(self.seeds).index(seed) + 1
        where = f"seed {number}/{self.seed_count or len(self.seeds)} · {key}"
        where += f" ({list(self.keys).index(key) + 1}/{len(self.keys)})"
        return (
            f"{where} · epoch {epoch} · loss {loss:.4f} · valid NDCG@10 {valid:.4f} (best {self._best[1]:.4f} "
            f"@ {self._best[0]}) · {per_epoch:.1f} s/epoch · {clock(now - self._started)} in this training · "
            f"{clock(now - self._started_run)} elapsed · {eta_text}"
        )


@dataclass
class SeedSchedule:
    """The seeds of a run on ``jobs`` workers (each starts when a worker is free): the run's ETA."""

    seeds: int
    jobs: int
    now: Callable[[], float] = time.monotonic
    _started: dict[int, float] = field(default_factory=dict)
    _durations: list[float] = field(default_factory=list)

    def start(self, seed: int) -> None:
        """``seed`` began on a worker."""
        self._started.setdefault(seed, self.now())

    def finish(self, seed: int) -> None:
        """``seed`` is done (a seed never seen starting counts as taking no time)."""
        now = self.now()
        self._durations.append(now - self._started.pop(seed, now))

    @property
    def done(self) -> int:
        return len(self._durations)

    def remaining(self) -> float | None:
        """Seconds until every seed is done, each taking the mean duration of the finished ones (running
        seeds what is left of it); None before the first seed is done."""
        if not self._durations:
            return None
        mean, now = sum(self._durations) / len(self._durations), self.now()
        free = sorted(max(mean - (now - t), 0.0) for t in self._started.values())
        free += [0.0] * max(self.jobs - len(free), 0)
        for _ in range(self.seeds - self.done - len(self._started)):  # not started: next free worker
            free.sort()
            free[0] += mean
        return max(free, default=0.0)

    def line(self) -> str:
        """``k/N seeds done · ETA …``."""
        eta = self.remaining()
        return f"{self.done}/{self.seeds} seeds done · ETA {clock(eta) if eta is not None else 'after seed 1'}"
