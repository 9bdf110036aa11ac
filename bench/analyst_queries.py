"""Every query of the analysts' library run on a real graph through `rolegraph cypher run NAME`: rows and time.

Each analyst query should return rows on the demo graph (`make demo`: MovieLens-100K, one
growth run with LLM tags on a sample of items, distilled tags for the rest, a trained TagCF writing
users' roles back). Optional parameters keep their header defaults; required ones take an example value
read from the graph itself (the `bench_sample_*` statements of cypher/bench.cypher: the role starting the
most LLM logic chains, the busiest topic, the item pair sharing the most roles, the user with the most
probable T1 role, the latest growth run and its day, the heaviest LLM U2I edge); `kind` runs both ways.
Each query runs as its own `rolegraph cypher run NAME --param … --format json` process, as an analyst
would run it, so the time includes starting the CLI (and, for the embedded backend, the database).

    python bench/analyst_queries.py [--graph-uri falkordb-lite://data/graph.db]

Writes bench/results/analyst_queries.json and bench/results/analyst_queries.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from reporting import RESULTS, stamp, write

from rolegraph.graph import analyst
from rolegraph.graph.connect import open_store
from rolegraph.graph.statements import Stmt
from rolegraph.graph.store import GraphStore
from rolegraph.settings import GraphSettings

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).parent / "rolegraph"

# parameter → (sample statement, column, how it is chosen); QUERY_SAMPLES overrides it for one query
Sample = tuple[Stmt, str, str]
SAMPLES: dict[str, Sample] = {
    "role": (Stmt.BENCH_SAMPLE_ROLE, "role", "the role starting the most LLM logic chains"),
    "topic": (Stmt.BENCH_SAMPLE_TOPIC, "topic", "the topic with the most LLM logic edges"),
    "item_a": (Stmt.BENCH_SAMPLE_ITEMS, "item_a", "the item pair sharing the most LLM roles"),
    "item_b": (Stmt.BENCH_SAMPLE_ITEMS, "item_b", "the item pair sharing the most LLM roles"),
    "item": (Stmt.BENCH_SAMPLE_ITEMS, "item_a", "the first item of the pair sharing the most LLM roles"),
    "user": (Stmt.BENCH_SAMPLE_USER, "user", "the user with the most probable T1 role"),
    "run": (Stmt.BENCH_SAMPLE_RUN, "run", "the latest growth run"),
    "before": (Stmt.BENCH_SAMPLE_RUN, "day", "the latest growth run's day (tags not seen in it)"),
    "day": (Stmt.BENCH_SAMPLE_RUN, "day", "the latest growth run's day (its merges)"),
    "src": (Stmt.BENCH_SAMPLE_EDGE, "src", "the heaviest LLM U2I edge"),
    "dst": (Stmt.BENCH_SAMPLE_EDGE, "dst", "the heaviest LLM U2I edge"),
}
QUERY_SAMPLES: dict[str, dict[str, Sample]] = {
    "analyst_why_items_together_via_logic": {
        "item_a": (Stmt.BENCH_SAMPLE_LOGIC_ITEMS, "item_a", "the item pair with the most LLM logic links"),
        "item_b": (Stmt.BENCH_SAMPLE_LOGIC_ITEMS, "item_b", "the item pair with the most LLM logic links"),
    },
}
KINDS = ("user", "item")
# Runs beyond the defaults: the other views of analyst_cover_misses.
EXTRA = [("analyst_cover_misses", {"kind": k, "view": view}) for view in ("llm", "recall") for k in KINDS]


def sample(query: str, param: str) -> Sample | None:
    """How a required parameter of ``query`` gets its value, or None when nothing samples it."""
    return QUERY_SAMPLES.get(query, {}).get(param) or SAMPLES.get(param)


def cases(
    store: GraphStore, library: dict[str, analyst.AnalystQuery] | None = None
) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """(query name, --param values, how each was chosen) for every library query: required parameters
    sampled from the graph, `kind` both ways, optional ones left to their header defaults; then the
    `EXTRA` runs (of ``library``: by default the whole library). Raises SystemExit when a required value
    cannot be sampled."""
    queries = sorted((library or analyst.library()).values(), key=lambda q: q.name)
    required = {q.name: [p.name for p in q.params.values() if p.required and p.name != "kind"] for q in queries}
    found = {(q, p): sample(q, p) for q, names in required.items() for p in names}
    missing = sorted(f"{q}: {p}" for (q, p), how in found.items() if how is None)
    if missing:
        raise SystemExit(f"no sample for required parameters ({'; '.join(missing)}) — add one to SAMPLES")
    plan = {key: how for key, how in found.items() if how is not None}
    # the first row of each sample statement needed ({} when it finds nothing)
    rows = {name: (store.read(name) or [{}])[0] for name in sorted({how[0] for how in plan.values()})}
    out: list[tuple[str, dict[str, str], dict[str, str]]] = []
    for q in queries:
        kinds = KINDS if "kind" in q.params and q.params["kind"].required else (None,)
        for kind in kinds:
            given = {} if kind is None else {"kind": kind}
            why = {}
            for p in required[q.name]:
                statement, column, why[p] = plan[(q.name, p)]
                if column not in rows[statement]:
                    raise SystemExit(f"{q.name}: {statement} found nothing for parameter {p} in this graph")
                given[p] = str(rows[statement][column])
            out.append((q.name, given, why))
    return out + [(name, given, {}) for name, given in EXTRA if name in required]


def run_one(uri: str, name: str, given: dict[str, str]) -> dict[str, Any]:
    """Runs one query through the CLI; returns its command, row count, seconds and any error."""
    args = [name, *(a for k, v in given.items() for a in ("--param", f"{k}={v}")), "--format", "json"]
    env = {**os.environ, "ROLEGRAPH_GRAPH_URI": uri}
    start = time.perf_counter()
    done = subprocess.run([str(CLI), "cypher", "run", *args], capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {"query": name, "params": given, "command": " ".join(["rolegraph cypher run", *args])}
    if done.returncode != 0:
        return {**result, "rows": None, "seconds": round(seconds, 2), "error": done.stderr.strip()}
    return {**result, "rows": len(json.loads(done.stdout)), "seconds": round(seconds, 2), "error": None}


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    runs = report["runs"]
    default = [r for r in runs if not r["extra"]]
    with_rows = sum(1 for r in default if r["rows"])
    names = {r["query"] for r in default}
    empty = [f"{r['query']} ({', '.join(f'{k}={v}' for k, v in r['params'].items())})" for r in runs if not r["rows"]]
    lines = [
        f"# Analyst queries on a real graph ({report['date']})",
        "",
        f"Machine: {m['cores']} cores, Python {m['python']}, {m['platform']}; {report['note']}",
        f"Graph: `{report['graph_uri']}` ({report['graph']}). Command: `{report['command']}`.",
        "",
        f"**{with_rows} of {len(default)} runs with the header defaults returned rows** ({len(names)} queries,"
        f" `kind` both ways); {len(runs) - len(default)} more runs try the other views of analyst_cover_misses."
        + (f" No rows: {', '.join(empty)}." if empty else ""),
        "",
        "Required parameters are sampled from the graph (cypher/bench.cypher):",
        "",
        "| parameter | value | chosen as |",
        "|---|---|---|",
    ]
    chosen = sorted({(p, r["params"][p], why) for r in runs for p, why in r["chosen"].items()})
    lines += [f"| `{p}` | `{value}` | {why} |" for p, value, why in chosen]
    lines += ["", "| query | parameters (others: header defaults) | rows | seconds |", "|---|---|---|---|"]
    for r in runs:
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items()) or "-"
        rows = r["rows"] if r["error"] is None else f"error: {r['error']}"
        lines.append(f"| `{r['query']}` | {params} | {rows} | {r['seconds']} |")
    lines += ["", "Seconds include starting the CLI and the embedded database for each query.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph-uri", default=GraphSettings().graph_uri, help="the graph to query")
    parser.add_argument("--graph", default="the demo graph", help="a few words on what graph this is")
    parser.add_argument("--note", default="", help="a note on the machine (e.g. shared with other work)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    with open_store(GraphSettings(graph_uri=args.graph_uri)) as store:
        todo = cases(store)
    runs = [
        {**run_one(args.graph_uri, name, given), "chosen": why, "extra": (name, given) in EXTRA}
        for name, given, why in todo
    ]
    report = {
        **stamp("analyst_queries", seeds=[]),
        "command": shlex.join(["python", "bench/analyst_queries.py", *sys.argv[1:]]),
        "graph_uri": args.graph_uri,
        "graph": args.graph,
        "note": args.note,
        "runs": runs,
    }
    write(args.out, report, markdown(report))


if __name__ == "__main__":
    main()
