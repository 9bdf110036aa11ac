"""Recommender evaluation reports: a synthetic world with oracle tags, and MovieLens-100K.

    python bench/recsys_eval.py synth [--seeds 5] [--users 2000 --items 3000 …] [--models …]
    python bench/recsys_eval.py movielens [--seeds 5] [--models …]   # the graph at ROLEGRAPH_GRAPH_URI

Runs `rolegraph evaluate` and writes bench/results/recsys_<name>.json (the --json layout) and .md (the
report with training time per epoch, evaluation time, the chosen β and the goals checked).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from reporting import RESULTS

from rolegraph.cli.main import main as rolegraph
from rolegraph.graph.synth import SynthConfig, generate


def run(name: str, dataset: str, models: str, seeds: int, extra: list[str], out: Path) -> int:
    """One `rolegraph evaluate` with its JSON and report under ``out``."""
    argv = ["evaluate", "--dataset", dataset, "--models", models, "--seeds", str(seeds)]
    argv += ["--json", str(out / f"recsys_{name}.json"), "--report", str(out / f"recsys_{name}.md"), *extra]
    return rolegraph(argv)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("which", choices=["synth", "movielens"])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument(
        "--models", default="sasrec,tagcf-ut-util,tagcf-ut-expl,tagcf-it-util,tagcf-it-expl,bpr,lightgcn,tag-profile"
    )
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--interactions-per-user", type=float, default=15.0)
    parser.add_argument("--name", default=None, help="report name (default recsys_<which>)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args, extra = parser.parse_known_args()
    if args.which == "movielens":
        return run(args.name or "movielens", "movielens", args.models, args.seeds, extra, args.out)
    cfg = SynthConfig(users=args.users, items=args.items, interactions_per_user=args.interactions_per_user, seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        generate(cfg, Path(tmp) / "world")
        return run(args.name or "synth", f"synth:{tmp}/world", args.models, args.seeds, extra, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
