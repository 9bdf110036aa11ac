"""The daily worker loop (scripts/worker-daily.sh) and its healthcheck, run as they run in the container.

`rolegraph` is replaced on PATH by a recorder script, so these tests check the schedule (once per day,
retry after a failure, nothing after a finished day, the next day when the clock turns) rather than the
growth run itself. The schedule is driven by events, not by the clock: the worker's clock
(``WORKER_CLOCK``) reads a file the test writes, and its wait between checks (``WORKER_WAIT``) announces
itself on the worker's output and returns when the test sends a tick.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
DAY, NEXT_DAY = "2026-03-01", "2026-03-02"
EVENT_S = 30.0  # how long an expected event may take on a loaded machine; a failing test waits this long


class Worker:
    """scripts/worker-daily.sh in a process of its own, with an injected clock and wait."""

    def __init__(self, tmp_path: Path, rc: int, block: bool = False, done: str | None = None):
        self.state, self.log = tmp_path / "state", tmp_path / "calls.log"
        if done is not None:  # a day that already succeeded
            self.state.mkdir()
            (self.state / "last-day").write_text(done + "\n")
        self.clock, self.tick_fifo, self.hold_fifo = tmp_path / "today", tmp_path / "tick", tmp_path / "hold"
        os.mkfifo(self.tick_fifo)
        os.mkfifo(self.hold_fifo)
        self.set_day(DAY)
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        hold = f'read _ < "{self.hold_fifo}"\n' if block else ""
        _script(bin_dir / "rolegraph", f'echo "$*" >> "{self.log}"\n{hold}exit {rc}\n')
        _script(bin_dir / "clock", f'cat "{self.clock}"\n')
        _script(bin_dir / "wait", f'echo "waiting $1"\nread _ < "{self.tick_fifo}"\n')
        env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "WORKER_STATE_DIR": str(self.state),
               "WORKER_CHECK_S": "3600", "WORKER_GROW_ARGS": "--max-items 5",
               "WORKER_CLOCK": str(bin_dir / "clock"), "WORKER_WAIT": str(bin_dir / "wait")}  # fmt: skip
        self.proc = subprocess.Popen(
            [str(SCRIPTS / "worker-daily.sh")], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for text in self.proc.stdout:
            self.lines.put(text.rstrip("\n"))

    def set_day(self, day: str) -> None:
        self.clock.write_text(day + "\n")

    def expect(self, prefix: str) -> None:
        """Waits for the worker's next line that starts with ``prefix`` (earlier lines are skipped)."""
        while True:
            try:
                text = self.lines.get(timeout=EVENT_S)
            except queue.Empty:
                pytest.fail(f"the worker printed no line starting with {prefix!r} within {EVENT_S} s")
            if text.startswith(prefix):
                return

    def waiting(self) -> None:
        """Waits until a check is over and the worker waits for the next one."""
        self.expect("waiting 3600")

    def tick(self) -> None:
        """Makes the next check due."""
        _send(self.tick_fifo)

    def stop(self) -> int:
        """SIGTERM; the loop's exit code."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=EVENT_S)

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


def _send(fifo: Path) -> None:
    """One line into ``fifo`` once its reader has opened it (ENXIO until then)."""
    deadline = time.monotonic() + EVENT_S
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"nothing read {fifo.name} within {EVENT_S} s")
            time.sleep(0.01)
    try:
        os.write(fd, b"\n")
    finally:
        os.close(fd)


@pytest.fixture
def worker(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Worker]:
    w = Worker(tmp_path, **request.param)
    yield w
    if w.proc.poll() is None:
        w.proc.kill()
        w.proc.wait()


def _grow(day: str) -> str:
    return f"grow --day {day} --max-items 5"


@pytest.mark.parametrize("worker", [{"rc": 0}], indirect=True)
def test_grows_today_once(worker: Worker) -> None:
    worker.waiting()
    worker.tick()
    worker.waiting()
    worker.tick()
    worker.waiting()
    assert worker.stop() == 0
    assert worker.calls() == [_grow(DAY)]  # three checks, one run
    assert (worker.state / "last-day").read_text().strip() == DAY
    assert not (worker.state / "running").exists()


@pytest.mark.parametrize("worker", [{"rc": 0}], indirect=True)
def test_the_next_day_grows_when_the_clock_turns(worker: Worker) -> None:
    worker.waiting()
    worker.set_day(NEXT_DAY)
    worker.tick()
    worker.waiting()
    worker.tick()
    worker.waiting()
    worker.stop()
    assert worker.calls() == [_grow(DAY), _grow(NEXT_DAY)]
    assert (worker.state / "last-day").read_text().strip() == NEXT_DAY


@pytest.mark.parametrize("worker", [{"rc": 1}], indirect=True)
def test_a_failed_day_is_retried_at_each_check(worker: Worker) -> None:
    for _ in range(2):
        worker.waiting()
        worker.tick()
    worker.waiting()
    worker.stop()
    assert worker.calls() == [_grow(DAY)] * 3
    assert not (worker.state / "last-day").exists()


@pytest.mark.parametrize("worker", [{"rc": 0, "done": DAY}], indirect=True)
def test_a_finished_day_is_not_run_again(worker: Worker) -> None:
    worker.waiting()
    worker.tick()
    worker.waiting()
    assert worker.stop() == 0
    assert worker.calls() == []


@pytest.mark.parametrize("worker", [{"rc": 0, "block": True}], indirect=True)
def test_sigterm_during_a_run_stops_it_and_leaves_the_day_to_do(worker: Worker) -> None:
    worker.expect(f"worker: rolegraph grow --day {DAY}")
    assert (worker.state / "running").exists()
    assert worker.stop() == 0
    assert not (worker.state / "running").exists() and not (worker.state / "last-day").exists()


@pytest.mark.parametrize(
    ("setup", "healthy"),
    [("running", True), ("fresh", True), ("stale", False), ("nothing", False)],
)
def test_healthcheck(tmp_path: Path, setup: str, healthy: bool) -> None:
    if setup == "running":
        (tmp_path / "running").touch()
    elif setup in ("fresh", "stale"):
        (tmp_path / "last-day").write_text("2026-01-01\n")
        if setup == "stale":
            old = time.time() - 27 * 3600
            os.utime(tmp_path / "last-day", (old, old))
    result = subprocess.run([str(SCRIPTS / "worker-health.sh")], env={**os.environ, "WORKER_STATE_DIR": str(tmp_path)})
    assert (result.returncode == 0) is healthy
