"""The evaluate progress line: position, best epoch, and an ETA from earlier seeds' trainings."""

from __future__ import annotations

from rolegraph.recsys.progress import EvalProgress, SeedSchedule, clock


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_clock_formats() -> None:
    assert (clock(42), clock(185), clock(3720)) == ("42s", "3m05s", "1h02m")


def test_eta_appears_after_every_training_finished_once() -> None:
    t = Clock()
    p = EvalProgress(["sasrec", "bpr"], [0, 1], min_epochs=2, patience=2, max_epochs=10, now=t)
    p.start("sasrec", 0)
    t.t = 10.0
    line = p.epoch(1, 1.0, 0.1)
    assert "seed 1/2 · sasrec (1/2)" in line and "ETA after seed 1" in line and "10.0 s/epoch" in line
    t.t = 20.0
    p.epoch(2, 0.9, 0.05)
    t.t = 30.0
    p.epoch(3, 0.8, 0.04)  # no better than epoch 1: early stopping ends it now (1 + patience 2 = 3)
    p.start("bpr", 0)
    t.t = 32.0
    p.epoch(1, 0.5, 0.2)
    p.start("sasrec", 1)
    assert p.durations == {"sasrec": [30.0], "bpr": [2.0]}
    t.t = 37.0
    line = p.epoch(1, 1.0, 0.3)
    # sasrec seed 1: 5 s/epoch, at least until epoch 3 (best 1 + patience 2) → 10 s; then bpr: 2 s
    assert "(best 0.3000 @ 1)" in line and "ETA 12s" in line
    assert p.remaining(1, 5.0) == 12.0
    t.t = 70.0
    p.start("bpr", 1)
    t.t = 71.0
    assert p.epoch(1, 0.5, 0.2).endswith("ETA 2s")  # until epoch 3 (best 1 + patience 2) at 1 s, nothing after


def test_a_worker_line_has_its_training_eta_and_the_run_seed_number() -> None:
    t = Clock()
    p = EvalProgress(["sasrec", "bpr"], [3], min_epochs=2, patience=2, max_epochs=10, now=t, seed_count=5)
    p.start("sasrec", 3)
    t.t = 4.0
    line = p.epoch(1, 1.0, 0.1)
    assert line.startswith("seed 4/5 · sasrec (1/2)") and line.endswith("training ETA 8s")  # to epoch 3


def test_seed_schedule_eta_fills_free_workers_with_the_mean_seed() -> None:
    t = Clock()
    s = SeedSchedule(seeds=5, jobs=2, now=t)
    s.start(0)
    s.start(1)
    assert s.remaining() is None and s.line() == "0/5 seeds done · ETA after seed 1"
    t.t = 100.0
    s.finish(0)
    s.start(2)
    t.t = 120.0
    s.finish(1)  # mean 110 s
    s.start(3)
    t.t = 130.0
    # seed 2 has 80 s left, seed 3 100 s; seed 4 starts on the first free worker: 80 + 110 = 190
    assert s.remaining() == 190.0 and s.done == 2
    assert s.line() == "2/5 seeds done · ETA 3m10s"
    t.t = 1000.0  # running seeds past the mean count as ending now
    assert s.remaining() == 110.0
