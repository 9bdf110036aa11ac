"""`make demo` on a fresh machine: a clean clone of HEAD with empty environment, pip and npm caches, timed from
the command to the API answering the demo's example calls.

    python bench/fresh_demo.py [--keep DIR]

The README's first command as a first-time user types it, with `DEMO_SERVE=0` so that it ends after the example
calls: `make demo` builds the Python environment (torch downloads, llama.cpp and FalkorDB compile), fetches
MovieLens-100K, the Gemma GGUF, Neo4j and the npm packages (`ROLEGRAPH_CACHE`, `PIP_CACHE_DIR` and
`npm_config_cache` point at empty temporary folders, removed after), then runs scripts/demo.sh (an empty graph
and LLM answer cache in the clone). Debian's packages (chromium, docker-compose) are the machine's, as `make
setup` finds them installed after its first run. Needs the package registries. The set-up's time is where the
demo's first step begins; each demo step's from the demo's steps-DAY.tsv. Output: data/bench-logs/fresh-demo.log;
writes bench/results/fresh_demo.{json,md}.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from clean_clone import ROOT, clone, head, run_logged
from demo import DAY, step_seconds
from docs_common import clock
from reporting import RESULTS, stamp, write

from rolegraph.ports import free_port

LOG = ROOT / "data" / "bench-logs" / "fresh-demo.log"
FIRST_STEP = "== 1/5"  # scripts/demo.sh's first step: the set-up is done
BUILT = "setup: building the environment"  # scripts/setup-venv.sh, when it builds instead of reusing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", type=Path, help="clone into DIR and keep it (default: a temporary folder)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    report = stamp("fresh_demo", seeds=[]) | {"measured_commit": head()}
    with clone(args.keep, "rolegraph-fresh-") as work, tempfile.TemporaryDirectory(prefix="rolegraph-caches-") as c:
        caches = Path(c)
        env = os.environ | {
            "ROLEGRAPH_CACHE": str(caches / "rolegraph"),
            "PIP_CACHE_DIR": str(caches / "pip"),
            "npm_config_cache": str(caches / "npm"),
            "DEMO_SERVE": "0",
            "DEMO_DAY": DAY,
            "DEMO_PORT": str(free_port()),
        }
        env = {k: v for k, v in env.items() if not k.startswith("ROLEGRAPH_") or k == "ROLEGRAPH_CACHE"}
        run = run_logged(["make", "demo"], work, env, LOG)
        tsv = work / "data" / "demo" / f"steps-{DAY}.tsv"
        steps = step_seconds(tsv) if tsv.exists() else {}
    setup_s = run.first(FIRST_STEP)
    report |= {
        "config": {"command": "make demo", "day": DAY, "serve": False},
        "returncode": run.returncode,
        "outcome": "passed" if run.returncode == 0 else "failed",
        "environment_built": run.first(BUILT) is not None,
        "wall_s": round(run.wall_s, 1),
        "setup_s": None if setup_s is None else round(setup_s, 1),
        "demo_s": None if setup_s is None else round(run.wall_s - setup_s, 1),
        "steps_s": steps,
    }
    report["provenance"]["wall_s"] = round(run.wall_s, 1)
    write(args.out, report, markdown(report))
    return run.returncode


def _clock(seconds: float | None) -> str:
    return "unknown" if seconds is None else clock(seconds)


def markdown(r: dict[str, Any]) -> str:
    built = (
        "built from nothing" if r["environment_built"] else "**reused** (the cache was not empty: not a fresh set-up)"
    )
    rows = "\n".join(f"| {name} | {sec:.0f} |" for name, sec in r["steps_s"].items())
    return f"""# `make demo` on a fresh clone with empty caches ({r["date"]})

A clean clone of commit `{r["measured_commit"][:12]}`, `DEMO_SERVE=0 make demo` with empty environment, pip and
npm caches on {r["machine"]["cores"]} cores: **{r["outcome"]}** (exit status {r["returncode"]}) —
**{_clock(r["wall_s"])}** from the command to the API answering the example calls, of which the set-up
(the environment {built}, MovieLens-100K, the Gemma GGUF, Neo4j, npm packages) {_clock(r["setup_s"])}
and the demo {_clock(r["demo_s"])}.
Full output: `data/bench-logs/fresh-demo.log` on the machine that ran it.

| demo step | seconds |
|---|---:|
{rows}
"""


if __name__ == "__main__":
    raise SystemExit(main())
