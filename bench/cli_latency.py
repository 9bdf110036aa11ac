"""How fast the command line answers: `--help` of every command, and the read-only commands on the demo
graph (`stats`, `cypher run`), each as a whole process, several times.

    python bench/cli_latency.py [--graph data/graph.db] [--runs 7]

The read-only commands run twice over: "cold", when no process holds the embedded FalkorDB server (the
command starts it on the file and stops it), and "shared", while another process holds it (the command
joins the running server, as it does beside `rolegraph serve`). Writes bench/results/cli_latency.json and
.md with min / median / max wall seconds. Goals: `--help` ≤ 0.5 s, `stats` ≤ 2 s on the demo graph.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from reporting import RESULTS, stamp, write

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "rolegraph"
HELP_GOAL_S, READ_GOAL_S = 0.5, 2.0
COMMANDS = ("init", "load", "stats", "synth", "load-truth", "llm", "grow", "tags", "export", "train", "evaluate")
COMMANDS += ("serve", "api-key", "cypher", "neo4j")


def timed(args: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    """min / median / max wall seconds of ``rolegraph ARGS`` over ``runs`` runs (each must succeed)."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([str(CLI), *args], env=env, cwd=ROOT, capture_output=True, text=True)
        seconds.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"rolegraph {' '.join(args)} failed: {done.stderr.strip()}")
    return {"min_s": min(seconds), "median_s": statistics.median(seconds), "max_s": max(seconds), "runs": runs}


def hold_server(env: dict[str, str]) -> subprocess.Popen[str]:
    """Another process that opens the graph and keeps its embedded server running until stopped."""
    code = (
        "import sys, time\n"
        "from rolegraph.graph.connect import open_store\n"
        "with open_store() as store:\n"
        "    store.ping(); print('ready', flush=True); sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    if holder.stdout.readline().strip() != "ready":
        raise SystemExit("the holding process could not open the graph")
    return holder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "data" / "graph.db", help="the demo graph's file")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if not (args.graph.exists() or args.graph.with_name(f"{args.graph.name}.aof").exists()):  # data or its log
        raise SystemExit(f"{args.graph} does not exist: run `make demo` first (it builds the demo graph)")
    env = {**os.environ, "ROLEGRAPH_GRAPH_URI": f"falkordb-lite://{args.graph.resolve()}"}
    rows: dict[str, dict[str, float]] = {"--help": timed(["--help"], env, args.runs)}
    for command in COMMANDS:
        rows[f"{command} --help"] = timed([command, "--help"], env, args.runs)
    reads = {"stats": ["stats"], "cypher run": ["cypher", "run", "analyst_orphan_tags", "--format", "json"]}
    for name, argv in reads.items():
        rows[f"{name} (cold)"] = timed(argv, env, args.runs)
    holder = hold_server(env)
    try:
        for name, argv in reads.items():
            rows[f"{name} (shared)"] = timed(argv, env, args.runs)
    finally:
        holder.communicate("")
    helps = [r["median_s"] for k, r in rows.items() if k.endswith("--help")]
    goals = {
        f"--help ≤ {HELP_GOAL_S} s (every command, median)": max(helps) <= HELP_GOAL_S,
        f"stats ≤ {READ_GOAL_S} s on the demo graph (cold, median)": rows["stats (cold)"]["median_s"] <= READ_GOAL_S,
    }
    graph_mb = sum(f.stat().st_size for f in args.graph.parent.glob(f"{args.graph.name}*") if f.is_file())
    graph_mb += sum(f.stat().st_size for f in args.graph.parent.glob(f"{args.graph.name}.aof/*"))
    report = stamp("cli_latency", seeds=[]) | {
        "graph": str(args.graph),
        "graph_mb": round(graph_mb / 1e6, 1),
        "load_average": os.getloadavg(),
        "rows": rows,
        "goals": goals,
    }
    lines = [
        "# Command-line latency",
        "",
        f"{report['date']} · {report['machine']['cores']} cores · `python bench/cli_latency.py` · demo graph "
        f"{report['graph_mb']} MB on disk · load average before the run {report['load_average'][0]:.2f}",
        "",
        "Each command as a whole process (interpreter start-up included). Read-only commands: *cold* = no process "
        "holds the embedded FalkorDB server (the command starts and stops it); *shared* = `rolegraph serve` or "
        "another command holds it and the command joins it.",
        "",
        "| command | min s | median s | max s |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `rolegraph {k}` | {r['min_s']:.3f} | {r['median_s']:.3f} | {r['max_s']:.3f} |" for k, r in rows.items()
    ]
    lines += ["", "## Goals", ""] + [f"- {'met' if ok else 'NOT met'}: {goal}" for goal, ok in goals.items()]
    write(args.out, report, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
