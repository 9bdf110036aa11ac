"""`make demo` as a first-time user runs it, timed step by step: scripts/demo.sh with `DEMO_SERVE=0` on a
scratch embedded graph, an empty LLM answer cache (every answer comes from the embedded Gemma 3 270M) and a
scratch model folder, so nothing of the user's `data/` is read or rewritten but MovieLens and the model.

    python bench/demo.py [--items 50] [--tags 50] [--epochs 3]

The environment is the one `make setup` built (the demo's own set-up is timed by `bench/suite.py`'s clean
clone, not here). Reports each step's seconds (from the demo's steps-DAY.tsv), the growth run's own timings
and counts (its summary JSON), the trained model's test metrics (the model folder's manifest) and the number
of HAS_ROLE edges written back, in bench/results/demo.{json,md}; the README's demo paragraph quotes them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

from reporting import RESULTS, stamp, write

from rolegraph.graph.connect import open_store
from rolegraph.ports import free_port
from rolegraph.settings import GraphSettings

ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-01-01"  # a fixed day: the run's id, so reruns name the same run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--tags", type=int, default=50)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="rolegraph-demo-") as tmp:
        scratch = Path(tmp)
        graph_uri = f"falkordb-lite://{scratch}/graph.db"
        env = os.environ | {
            "ROLEGRAPH_GRAPH_URI": graph_uri,
            "ROLEGRAPH_LLM_CACHE_PATH": str(scratch / "llm-cache.sqlite"),
            "ROLEGRAPH_RECSYS_DIR": str(scratch / "recsys"),
            "DEMO_OUT": str(scratch / "demo"),
            "DEMO_DAY": DAY,
            "DEMO_PORT": str(free_port()),
            "DEMO_SERVE": "0",
            "DEMO_ITEMS": str(args.items),
            "DEMO_TAGS": str(args.tags),
            "DEMO_EPOCHS": str(args.epochs),
        }
        started = time.monotonic()
        done = subprocess.run(["bash", "scripts/demo.sh"], cwd=ROOT, env=env, capture_output=True, text=True)
        wall = round(time.monotonic() - started, 1)
        if done.returncode != 0:
            print(done.stdout[-4000:], done.stderr[-4000:], sep="\n")
            raise SystemExit(f"demo: scripts/demo.sh exited {done.returncode}")
        steps = step_seconds(scratch / "demo" / f"steps-{DAY}.tsv")
        grow = json.loads((scratch / "demo" / f"grow-{DAY}.json").read_text())
        manifest = json.loads((scratch / "recsys" / "current" / "manifest.json").read_text())
        with open_store(GraphSettings(graph_uri=graph_uri)) as store:
            stats = store.stats()
    graph = {"nodes": stats.nodes, "relationships": stats.relationships}
    report = stamp("demo", seeds=[int(manifest["seed"])]) | {
        "config": {"items": args.items, "tags": args.tags, "epochs": args.epochs, "day": DAY},
        "wall_s": wall,
        "steps_s": steps,
        "grow": {"timings_s": grow["timings_s"], "counts": grow["counts"]},
        "train": {"model": manifest["model"], "epochs": manifest["epochs"], "test": manifest["test"]},
        "graph": graph,
    }
    write(args.out, report, markdown(report))


def step_seconds(path: Path) -> dict[str, float]:
    """Seconds each step took, from the times the steps began (the last mark is "done")."""
    with path.open() as fh:
        marks = [(row["step"].split(" ", 1)[0], float(row["started_s"])) for row in csv.DictReader(fh, delimiter="\t")]
    names = {"1/5": "init", "2/5": "load", "3/5": "grow", "4/5": "train", "5/5": "serve"}
    return {names[a]: b_at - a_at for (a, a_at), (_, b_at) in pairwise(marks) if a in names}


def markdown(r: dict[str, Any]) -> str:
    s, g, c = r["steps_s"], r["grow"]["timings_s"], r["grow"]["counts"]
    test = r["train"]["test"]
    return "\n".join(
        [
            f"# `make demo`, timed ({r['date']})",
            "",
            f"Command: `python bench/demo.py` — scripts/demo.sh with DEMO_SERVE=0 on a scratch embedded graph, an "
            f"empty LLM answer cache and a scratch model folder: {r['config']['items']} items, "
            f"{r['config']['tags']} frontier tags per direction, at most {r['config']['epochs']} epochs.",
            "",
            f"**{r['wall_s']:.0f} s** from the first step to a serving API that answered the three example calls.",
            "",
            "| step | seconds |",
            "|---|---:|",
            *(f"| {name} | {sec:.0f} |" for name, sec in s.items()),
            "",
            f"Growth run: tagging {g['tag (LLM)']:.0f} s, logic {g['logic (LLM)']:.0f} s, the rest "
            f"{g['total'] - g['tag (LLM)'] - g['logic (LLM)']:.0f} s; {c['items_done']} items tagged, "
            f"{c['item_tags_new']} new item tags, {c['u2i_edges']} U2I and {c['i2u_edges']} I2U edges, "
            f"{c['llm_calls']} LLM calls ({c['llm_failures']} failed), {c['gate_quarantined']} of "
            f"{c['gate_judged']} tag edges quarantined by the gate.",
            "",
            f"Training: {r['train']['model']}, {r['train']['epochs']} epochs, test NDCG@10 {test['ndcg@10']:.4f}, "
            f"coverage@10 {test['coverage@10']:.3f}; {r['graph']['relationships'].get('HAS_ROLE', 0):,} HAS_ROLE "
            "edges written back.",
            "",
        ]
    )


if __name__ == "__main__":
    main()
