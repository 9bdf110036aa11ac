"""The daily worker loop (scripts/worker-daily.sh) and its healthcheck, run as they run in the container.

`rolegraph` is replaced on PATH by a recorder script, so these tests check the schedule (once per day,
retry after a failure, nothing after a finished day) rather than the growth run itself.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _worker(tmp_path: Path, rc: int, seconds: float) -> tuple[list[str], Path, int]:
    """Runs the loop for ``seconds`` with checks every second and a `rolegraph` that exits ``rc``;
    returns the recorded calls, the state folder and the loop's exit code after SIGTERM."""
    bin_dir, state, log = tmp_path / "bin", tmp_path / "state", tmp_path / "calls.log"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "rolegraph"
    shim.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexit {rc}\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "WORKER_STATE_DIR": str(state),
           "WORKER_CHECK_S": "1", "WORKER_GROW_ARGS": "--max-items 5"}  # fmt: skip
    proc = subprocess.Popen([str(SCRIPTS / "worker-daily.sh")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(seconds)
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=10)
    calls = log.read_text().splitlines() if log.exists() else []
    return calls, state, code


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def test_grows_today_once(tmp_path: Path) -> None:
    calls, state, code = _worker(tmp_path, rc=0, seconds=3.5)
    assert calls == [f"grow --day {_today()} --max-items 5"]  # checked ~3 times, grew once
    assert (state / "last-day").read_text().strip() == _today()
    assert not (state / "running").exists() and code == 0


def test_a_failed_day_is_retried_at_each_check(tmp_path: Path) -> None:
    calls, state, _ = _worker(tmp_path, rc=1, seconds=3.5)
    assert len(calls) >= 2 and set(calls) == {f"grow --day {_today()} --max-items 5"}
    assert not (state / "last-day").exists()


def test_a_finished_day_is_not_run_again(tmp_path: Path) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "last-day").write_text(_today() + "\n")
    calls, _, _ = _worker(tmp_path, rc=0, seconds=2.5)
    assert calls == []


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
