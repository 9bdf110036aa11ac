"""The seeds of `rolegraph evaluate` in parallel worker processes (``--jobs``).

Each seed runs in its own spawned process with ``threads`` torch threads and sends back its part of the
`Evaluation`. A seed's numbers do not depend on how many seeds run beside it: every seed seeds its own
generators, exactly as in one process. Workers send their status lines through a queue, so the parent
can show one line per running seed.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.evaluate import Evaluation, evaluate_seed, finalize, train_keys
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.models.registry import ModelSpec
from rolegraph.recsys.progress import EvalProgress
from rolegraph.recsys.train import set_threads

#: (seed, status line of its newest epoch)
OnLine = Callable[[int, str], None]
SeedEvent = Callable[[int], None]


@dataclass(frozen=True)
class SeedEvents:
    """What the caller hears while seeds train: a status line per epoch, a seed starting, a seed done."""

    on_line: OnLine
    started: SeedEvent
    done: SeedEvent


def train_seeds(
    g: GraphData,
    specs: Sequence[ModelSpec],
    seeds: Sequence[int],
    cfg: ModelConfig,
    *,
    device: str,
    threads: int,
    jobs: int,
    events: SeedEvents,
) -> Evaluation:
    """Every seed's trainings and tests, ``jobs`` seeds at a time (in worker processes when more than one),
    finalized (TagCF's β chosen); a seed's numbers do not depend on ``jobs``."""
    if jobs > 1:
        ev = run_parallel(
            g,
            specs,
            seeds,
            cfg,
            device=device,
            threads=threads,
            jobs=jobs,
            on_line=events.on_line,
            seed_started=events.started,
            seed_done=events.done,
        )
        finalize(ev)
        return ev
    ev = Evaluation(seeds=list(seeds))
    tracker = EvalProgress(train_keys(specs), seeds, cfg.min_epochs, cfg.patience, cfg.epochs)

    def hooks(key: str, seed: int) -> Callable[[int, float, float], None]:
        tracker.start(key, seed)
        return lambda epoch, loss, valid: events.on_line(seed, tracker.epoch(epoch, loss, valid))

    for seed in seeds:
        events.started(seed)
        evaluate_seed(g, specs, seed, cfg, ev, device, hooks)
        tracker.finish()
        events.done(seed)
    finalize(ev)
    return ev


def default_jobs(seeds: int, threads: int, device: str) -> int:
    """As many seeds at once as the usable CPU cores hold at ``threads`` each (one on a GPU)."""
    if device.startswith("cuda"):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(seeds, cores // max(threads, 1)))


def run_seed(
    g: GraphData,
    specs: Sequence[ModelSpec],
    seed: int,
    seed_count: int,
    cfg: ModelConfig,
    device: str,
    threads: int,
    lines: queue.Queue[tuple[int, str | None]],
) -> Evaluation:
    """One seed in a worker: its part of the evaluation. Puts ``(seed, None)`` on ``lines`` when it starts,
    then ``(seed, status line)`` after every epoch."""
    lines.put((seed, None))
    set_threads(threads)
    ev = Evaluation(seeds=[seed])
    tracker = EvalProgress(train_keys(specs), [seed], cfg.min_epochs, cfg.patience, cfg.epochs, seed_count=seed_count)

    def hooks(key: str, _seed: int) -> Callable[[int, float, float], None]:
        tracker.start(key, seed)
        return lambda epoch, loss, valid: lines.put((seed, tracker.epoch(epoch, loss, valid)))

    evaluate_seed(g, specs, seed, cfg, ev, device, hooks)
    return ev


def merge(parts: Sequence[Evaluation]) -> Evaluation:
    """One evaluation of ``parts`` in the given (seed) order, as if their seeds had run one after another."""
    out = Evaluation(seeds=[s for p in parts for s in p.seeds])
    for part in parts:
        for name, by_metric in part.metrics.items():
            for metric, values in by_metric.items():
                out.metrics.setdefault(name, {}).setdefault(metric, []).extend(values)
        for name, ranks in part.ranks.items():
            out.ranks.setdefault(name, []).extend(ranks)
        for key, rows in part.timings.items():
            out.timings.setdefault(key, []).extend(rows)
        for name, sweeps in part.sweeps.items():
            out.sweeps.setdefault(name, []).extend(sweeps)
        out.betas.extend(part.betas)
        out.choices.extend(part.choices)
    return out


def run_parallel(
    g: GraphData,
    specs: Sequence[ModelSpec],
    seeds: Sequence[int],
    cfg: ModelConfig,
    *,
    device: str,
    threads: int,
    jobs: int,
    on_line: OnLine,
    seed_started: SeedEvent,
    seed_done: SeedEvent,
) -> Evaluation:
    """Every seed in a pool of ``jobs`` spawned processes. A failing seed stops the run at once with its
    error (the other workers are terminated, not waited for); a worker that dies raises BrokenProcessPool."""
    context = multiprocessing.get_context("spawn")  # no forked torch or database state in the workers
    parts: dict[int, Evaluation] = {}
    with context.Manager() as manager:
        lines = manager.Queue()
        others = set(multiprocessing.active_children())
        pool = ProcessPoolExecutor(jobs, mp_context=context)
        try:
            pending = {pool.submit(run_seed, g, specs, s, len(seeds), cfg, device, threads, lines): s for s in seeds}
            while pending:
                finished = [f for f in pending if f.done()]
                _drain(lines, on_line, seed_started, wait=not finished)  # a seed's lines come before its result
                for future in finished:
                    parts[pending[future]] = future.result()  # raises the worker's exception
                    seed_done(pending.pop(future))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            for worker in set(multiprocessing.active_children()) - others:
                worker.terminate()
            raise
        pool.shutdown()
    return merge([parts[s] for s in seeds])


def _drain(lines: queue.Queue[tuple[int, str | None]], on_line: OnLine, seed_started: SeedEvent, wait: bool) -> None:
    """Hands every queued message on; with ``wait``, first waits up to half a second for one."""
    try:
        message = lines.get(timeout=0.5) if wait else lines.get_nowait()
        while True:
            seed, line = message
            if line is None:
                seed_started(seed)
            else:
                on_line(seed, line)
            message = lines.get_nowait()
    except queue.Empty:
        return
