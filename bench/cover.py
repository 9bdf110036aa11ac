"""Benchmark of the cover-set step (Algorithm 1) at 1M items × 10 tags.

    python bench/cover.py [--items 1000000] [--tags-per-item 10] [--vocabulary 200000] [--tau 0.99]

Tags are drawn with frequency ∝ rank^-exponent (tag frequency is power-law in the paper). Day 1 starts
from an empty cover set; day 2 is a fresh sample on top of day 1's set. Writes bench/results/cover.json
and bench/results/cover.md.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from reporting import RESULTS, stamp, write

from rolegraph.reasoning.cover import cover_step


def _day(rng: np.random.Generator, items: int, per_item: int, vocabulary: int, exponent: float) -> sp.csr_array:
    p = 1.0 / np.arange(1, vocabulary + 1) ** exponent
    cols = rng.choice(vocabulary, size=items * per_item, p=p / p.sum())
    rows = np.repeat(np.arange(items), per_item)
    return sp.csr_array((np.ones(cols.size, dtype=bool), (rows, cols)), shape=(items, vocabulary))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--tags-per-item", type=int, default=10)
    parser.add_argument("--vocabulary", type=int, default=200_000)
    parser.add_argument("--tau", type=float, default=0.99)
    parser.add_argument("--exponent", type=float, default=0.9, help="tag frequency ∝ rank^-exponent")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    members = np.zeros(args.vocabulary, dtype=bool)
    last_seen = np.full(args.vocabulary, 10**6)
    for day in (1, 2):
        m = _day(rng, args.items, args.tags_per_item, args.vocabulary, args.exponent)
        started = time.perf_counter()
        step = cover_step(m, members, last_seen, tau=args.tau, window=30)
        wall = time.perf_counter() - started
        last_seen = np.where(np.asarray(m.sum(axis=0)).ravel() > 0, 0, last_seen + 1)
        members = step.members
        rows.append(
            {
                "day": day,
                "nnz": int(m.nnz),
                "wall_s": round(wall, 2),
                "cover_size": int(members.sum()),
                "added": len(step.added),
                "removed": len(step.removed),
                "recall": round(step.recall, 4),
            }
        )
    report = stamp("cover", seeds=[0]) | {
        "config": vars(args) | {"out": str(args.out)},
        "days": rows,
    }
    lines = [
        f"# Cover-set benchmark ({report['date']})",
        "",
        f"Command: `python bench/cover.py` on {os.cpu_count()} cores: {args.items:,} items × "
        f"{args.tags_per_item} tags drawn from {args.vocabulary:,} with frequency ∝ rank^-{args.exponent}, "
        f"τ = {args.tau}; day 1 starts from an empty cover set.",
        "",
        "| day | tag records | wall | cover size | added | removed | recall |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {r['day']} | {r['nnz']:,} | {r['wall_s']} s | {r['cover_size']:,} | {r['added']:,} | {r['removed']:,} "
            f"| {r['recall']} |"
            for r in rows
        ),
        "",
    ]
    write(args.out, report, "\n".join(lines))


if __name__ == "__main__":
    main()
