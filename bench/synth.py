"""Benchmark of the synthetic world generator at 1M users × 100k items.

    python bench/synth.py [--users 1000000] [--items 100000] [--roles 8000] [--topics 20000]

Writes bench/results/synth.json and bench/results/synth.md (wall time, peak memory, output size).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from reporting import RESULTS, stamp, write

from rolegraph.graph.synth import SynthConfig, generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--roles", type=int, default=8000)
    parser.add_argument("--topics", type=int, default=20000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    cfg = SynthConfig(users=args.users, items=args.items, roles=args.roles, topics=args.topics, seed=0)
    tmp = Path(tempfile.mkdtemp())
    try:
        started = time.perf_counter()
        counts = generate(cfg, tmp / "world")
        wall = time.perf_counter() - started
        size = sum(f.stat().st_size for f in (tmp / "world").rglob("*") if f.is_file())
    finally:
        shutil.rmtree(tmp)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = stamp("synth", seeds=[cfg.seed]) | {
        "config": {"users": cfg.users, "items": cfg.items, "roles": cfg.roles, "topics": cfg.topics},
        "counts": counts,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak_mb),
        "output_mb": round(size / 1e6),
    }
    row = (
        f"| {cfg.users:,} | {cfg.items:,} | {cfg.roles:,} | {cfg.topics:,} | {counts['interactions']:,} "
        f"| {report['wall_s']} s | {report['peak_rss_mb']:,} MB | {report['output_mb']:,} MB |"
    )
    markdown = (
        f"# Synthetic world benchmark ({report['date']})\n\n"
        f"Command: `python bench/synth.py` on {report['machine']['cores']} cores, "
        f"Python {report['machine']['python']}.\n\n"
        "| users | items | roles | topics | interactions | wall | peak memory | output |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"{row}\n"
    )
    write(args.out, report, markdown)


if __name__ == "__main__":
    main()
