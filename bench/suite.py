"""How long `make test` takes as CI runs it: a clean clone of HEAD, `CI=true bash .ci/run`, timed.

    python bench/suite.py [--keep DIR]

The clone takes the committed HEAD only (uncommitted changes are not measured; the report says which
commit ran). The environment is reused from the cache outside the clone (`ROLEGRAPH_CACHE`), as CI reuses
it, so this measures the cached case: set-up checks, cypher-lint, ruff, import-linter, mypy and pytest. The
whole output goes to data/bench-logs/suite-ci.log; the report gives the outcome, the pytest counts and time,
the slowest tests when pytest printed them, and the wall time. Goal: ≤ 30 minutes on the 2-core machine.
Writes bench/results/suite.json and bench/results/suite.md.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import Any

from clean_clone import ROOT, clone, head, run_logged
from reporting import RESULTS, stamp, write

LOG = ROOT / "data" / "bench-logs" / "suite-ci.log"
GOAL_S = 30 * 60
SUMMARY = re.compile(r"^=+ (?P<body>.*\d+ passed.*) in (?P<seconds>[\d.]+)s")
COUNT = re.compile(r"(\d+) (passed|failed|skipped|errors?|warnings?|xfailed|xpassed)")
DURATION = re.compile(r"^(?P<seconds>[\d.]+)s (?P<phase>call|setup|teardown)\s+(?P<test>.+?)\s*$")


def parse(lines: list[str]) -> dict[str, Any]:
    """pytest's counts and time from its summary line, and the slowest tests it listed."""
    out: dict[str, Any] = {"pytest_s": None, "counts": {}, "slowest": []}
    for line in lines:
        found = SUMMARY.match(line)
        if found:
            out["pytest_s"] = float(found["seconds"])
            out["counts"] = {kind.rstrip("s"): int(n) for n, kind in COUNT.findall(found["body"])}
        step = DURATION.match(line)
        if step:
            out["slowest"].append({"seconds": float(step["seconds"]), "phase": step["phase"], "test": step["test"]})
    return out


def markdown(r: dict[str, Any]) -> str:
    counts = ", ".join(f"{n:,} {kind}" for kind, n in r["counts"].items()) or "no pytest summary"
    slowest = "\n".join(f"| {s['seconds']:.1f} | {s['phase']} | `{s['test']}` |" for s in r["slowest"][:15])
    table = (
        f"\nThe slowest tests (from pytest's `--durations`):\n\n| s | phase | test |\n|---:|---|---|\n{slowest}\n"
        if slowest
        else ""
    )
    pytest_s = f"{r['pytest_s'] / 60:.1f} min" if r["pytest_s"] is not None else "unknown"
    return f"""# The test suite as CI runs it ({r["date"]})

A clean clone of commit `{r["measured_commit"][:12]}`, `CI=true bash .ci/run` with the environment cached,
on {r["machine"]["cores"]} cores: **{r["outcome"]}** (exit status {r["returncode"]}) — {counts}; pytest
{pytest_s}, the whole run **{r["wall_s"] / 60:.1f} min** (goal ≤ {GOAL_S // 60} min:
{"met" if r["goal_met"] else "**not met**"}). The rest of the run is the set-up check, cypher-lint, ruff,
import-linter and mypy. Full output: `data/bench-logs/suite-ci.log` on the machine that ran it.
{table}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, help="clone into DIR and keep it (default: a temporary folder)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    report = stamp("suite", seeds=[]) | {"measured_commit": head()}
    with clone(args.keep, "rolegraph-suite-") as work:
        run = run_logged(["bash", ".ci/run"], work, os.environ | {"CI": "true"}, LOG)
    returncode, wall_s = run.returncode, run.wall_s
    report |= {
        "returncode": returncode,
        "outcome": "passed" if returncode == 0 else "failed",
        "wall_s": round(wall_s, 1),
    }
    report |= parse(run.text()) | {"goal_s": GOAL_S, "goal_met": returncode == 0 and wall_s <= GOAL_S}
    report["provenance"]["wall_s"] = round(wall_s, 1)
    write(args.out, report, markdown(report))
    return returncode


if __name__ == "__main__":
    raise SystemExit(main())
