"""A clean clone of the committed HEAD, and a command run in it with its output kept: what bench/suite.py (CI's
run, the environment cached) and bench/fresh_demo.py (`make demo` with every cache empty) time."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def head() -> str:
    """The commit a clone takes (uncommitted changes are not measured)."""
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@contextmanager
def clone(keep: Path | None, prefix: str) -> Iterator[Path]:
    """A clone of HEAD in ``keep`` (which must be empty or missing; kept after) or in a temporary folder
    (removed after)."""
    work = keep or Path(tempfile.mkdtemp(prefix=prefix))
    if work.exists() and any(work.iterdir()):
        raise SystemExit(f"{work} is not empty")
    subprocess.run(["git", "clone", "-q", str(ROOT), str(work)], check=True)
    try:
        yield work
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


@dataclass(frozen=True)
class Run:
    """A finished command: its exit status, its output lines with the seconds from its start at which each
    came, and its wall time."""

    returncode: int
    lines: list[tuple[float, str]]
    wall_s: float

    def text(self) -> list[str]:
        return [line for _, line in self.lines]

    def first(self, marker: str) -> float | None:
        """Seconds from the start to the first line containing ``marker`` (None: no such line)."""
        return next((at for at, line in self.lines if marker in line), None)


def run_logged(argv: list[str], cwd: Path, env: Mapping[str, str], log: Path) -> Run:
    """Runs ``argv`` in ``cwd``, its output (stderr merged) written to ``log`` and echoed to stderr as it comes."""
    log.parent.mkdir(parents=True, exist_ok=True)
    lines: list[tuple[float, str]] = []
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(
            argv, cwd=cwd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(line)
            lines.append((time.perf_counter() - started, line.rstrip("\n")))
            print(line, end="", file=sys.stderr)
        returncode = proc.wait()
    return Run(returncode, lines, time.perf_counter() - started)
