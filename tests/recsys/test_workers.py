"""Seeds in worker processes: the same numbers as one process, and a failing seed ends the run at once."""

from __future__ import annotations

import multiprocessing
import time

import numpy as np
import pytest

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.evaluate import Evaluation, evaluate_seed
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.models.registry import parse_model
from rolegraph.recsys.workers import default_jobs, merge, run_parallel

CFG = ModelConfig(hidden=8, layers=1, max_len=8, stride=3, epochs=2, min_epochs=1)


def test_workers_match_one_process_and_report_progress(tiny_graph: GraphData) -> None:
    specs = [parse_model("sasrec"), parse_model("bpr")]
    events: list[tuple[str, int]] = []
    lines: dict[int, list[str]] = {}
    got = run_parallel(
        tiny_graph, specs, [0, 1, 2], CFG, device="cpu", threads=1, jobs=2,
        on_line=lambda seed, line: lines.setdefault(seed, []).append(line),
        seed_started=lambda seed: events.append(("start", seed)),
        seed_done=lambda seed: events.append(("done", seed)),
    )  # fmt: skip
    want = Evaluation(seeds=[0, 1, 2])
    for seed in want.seeds:
        evaluate_seed(tiny_graph, specs, seed, CFG, want, "cpu")
    assert got.seeds == [0, 1, 2] and set(got.metrics) == {"sasrec", "bpr"}
    for name, by_metric in want.metrics.items():
        for metric, values in by_metric.items():
            assert got.metrics[name][metric] == pytest.approx(values, abs=1e-6)
    assert [b["seed"] for b in got.betas] == [b["seed"] for b in want.betas]
    assert sorted(events) == [("done", 0), ("done", 1), ("done", 2), ("start", 0), ("start", 1), ("start", 2)]
    for seed in (0, 1, 2):  # each seed starts before it ends; 2 epochs of each training, numbered as in the run
        assert events.index(("start", seed)) < events.index(("done", seed))
        assert len(lines[seed]) == 4 and all(line.startswith(f"seed {seed + 1}/3 · ") for line in lines[seed])


def test_a_failing_seed_ends_the_run_with_its_error(tiny_graph: GraphData) -> None:
    # seed 0 would train for minutes; torch refuses seed 2**70 at once: the run must end with that error
    # and terminate seed 0's worker rather than wait for it
    slow = CFG.with_overrides(epochs=10_000, min_epochs=10_000)
    before, done = set(multiprocessing.active_children()), []
    with pytest.raises(ValueError, match="Overflow"):
        run_parallel(
            tiny_graph, [parse_model("sasrec")], [0, 2**70], slow, device="cpu", threads=1, jobs=2,
            on_line=lambda seed, line: None, seed_started=lambda seed: None, seed_done=done.append,
        )  # fmt: skip
    assert done == [], "the run waited for seed 0 to finish its 10,000 epochs"
    deadline = time.monotonic() + 10
    while set(multiprocessing.active_children()) - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not set(multiprocessing.active_children()) - before, "a worker outlived the failed run"


def test_merge_keeps_seed_order_and_default_jobs_fit_the_cores() -> None:
    a, b = Evaluation(seeds=[0]), Evaluation(seeds=[1])
    a.add("m", {"ndcg@10": 0.1}, np.array([0, 3]))
    b.add("m", {"ndcg@10": 0.2}, np.array([1, 2]))
    a.timings["m"], b.timings["m"] = [{"cpu_s": 1.0}], [{"cpu_s": 2.0}]
    merged = merge([a, b])
    assert merged.seeds == [0, 1] and merged.metrics["m"]["ndcg@10"] == [0.1, 0.2]
    assert merged.timings["m"] == [{"cpu_s": 1.0}, {"cpu_s": 2.0}]
    assert [r.tolist() for r in merged.ranks["m"]] == [[0, 3], [1, 2]]
    assert default_jobs(5, 1, "cuda") == 1 and default_jobs(1, 1, "cpu") == 1
    assert 1 <= default_jobs(5, 1, "cpu") <= 5 and default_jobs(5, 10_000, "cpu") == 1
