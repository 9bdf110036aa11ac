"""Benchmark of tag canonicalization: 100k generated tag names resolved against a growing index.

    python bench/canonical.py [--tags 100000] [--threshold 0.92]

Names are combinations of qualifiers, adjectives and role nouns, a fifth of them written as variants
(plural, case, punctuation) of another name. Normalization folds those variants into one key, and only the
distinct keys are embedded and resolved: the rate is keys per second of resolution, over that work. Reports
embedding and resolution time and how many keys merged. Writes bench/results/canonical.json and .md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from pathlib import Path

import numpy as np
from reporting import RESULTS, stamp, write

from rolegraph.reasoning.canonical import Canonicalizer
from rolegraph.reasoning.embed import load_minilm

QUALIFIERS = [
    "",
    "first-time",
    "professional",
    "amateur",
    "retired",
    "young",
    "urban",
    "rural",
    "weekend",
    "competitive",
    "budget",
    "eco-minded",
    "late-night",
    "long-distance",
    "self-taught",
    "aspiring",
    "veteran",
    "hobbyist",
    "senior",
    "student",
    "part-time",
    "full-time",
    "travelling",
    "remote",
    "independent",
]
SETTINGS = ["", "local", "online"]
ADJECTIVES = [
    "jazz",
    "classical",
    "indie",
    "sci-fi",
    "horror",
    "comedy",
    "history",
    "cooking",
    "garden",
    "chess",
    "football",
    "yoga",
    "opera",
    "surf",
    "baking",
    "astronomy",
    "fashion",
    "film noir",
    "anime",
    "poetry",
    "robotics",
    "finance",
    "wildlife",
    "architecture",
    "theatre",
    "cycling",
    "hiking",
    "fishing",
    "camping",
    "coffee",
    "wine",
    "craft beer",
    "vinyl",
    "board game",
    "video game",
    "photography",
    "birdwatching",
    "knitting",
    "pottery",
    "dance",
]
NOUNS = [
    "fans",
    "musicians",
    "teachers",
    "students",
    "parents",
    "collectors",
    "critics",
    "lovers",
    "players",
    "enthusiasts",
    "writers",
    "makers",
    "bloggers",
    "coaches",
    "historians",
    "hosts",
    "volunteers",
    "club members",
    "podcasters",
    "newcomers",
    "families",
    "couples",
    "grandparents",
    "nerds",
    "geeks",
    "buffs",
    "devotees",
    "hobbyists",
    "experts",
    "beginners",
    "instructors",
    "reviewers",
    "curators",
    "organizers",
    "influencers",
    "researchers",
    "photographers",
    "travellers",
    "owners",
    "readers",
    "viewers",
    "listeners",
    "followers",
    "supporters",
    "patrons",
    "mentors",
    "apprentices",
    "scholars",
    "archivists",
    "designers",
]


def names(n: int, rng: np.random.Generator) -> list[str]:
    """n tag names: distinct combinations, a fifth of them rewritten as a surface variant of another."""
    combos = [" ".join(w for w in c if w) for c in itertools.product(QUALIFIERS, SETTINGS, ADJECTIVES, NOUNS)]
    if n > len(combos):
        raise SystemExit(f"at most {len(combos):,} distinct names can be generated")
    base = [combos[i] for i in rng.permutation(len(combos))[:n]]
    for i in rng.choice(n, n // 5, replace=False):
        source = base[int(rng.integers(n))]
        base[i] = rng.choice([source.title(), source.upper() + "!", source.rstrip("s"), f"  {source}  "])
    return base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tags", type=int, default=100_000)
    parser.add_argument("--threshold", type=float, default=0.92)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    tags = names(args.tags, rng)
    t = time.perf_counter()
    embedder = load_minilm()
    load_s = time.perf_counter() - t
    canonicalizer = Canonicalizer(embedder, threshold=args.threshold)
    t = time.perf_counter()
    resolved = canonicalizer.resolve(tags)
    resolve_s = time.perf_counter() - t
    distinct_keys = len({r.key for r in resolved})
    merged_keys = len({r.key for r in resolved if r.merged})
    report = stamp("canonical", seeds=[0]) | {
        "tags": args.tags,
        "threshold": args.threshold,
        "model_load_s": round(load_s, 1),
        "resolve_s": round(resolve_s, 1),
        "keys_per_s": round(distinct_keys / resolve_s),
        "distinct_keys_after_normalization": distinct_keys,
        "keys_merged_by_embedding": merged_keys,
        "canonical_tags": len(canonicalizer),
        "examples": [(r.name, r.canonical, round(r.score, 3)) for r in resolved if r.merged][:10],
    }
    examples = "\n".join(f"| {a} | {b} | {s} |" for a, b, s in report["examples"])
    markdown = (
        f"# Canonicalization benchmark ({report['date']})\n\n"
        f"Command: `python bench/canonical.py` on {os.cpu_count()} cores, packaged all-MiniLM-L6-v2 on the CPU, "
        f"threshold {args.threshold}.\n\n"
        "| names | distinct keys after normalization | merged by embedding | canonical tags | resolve time | "
        "distinct keys/s | model load |\n|---|---|---|---|---|---|---|\n"
        f"| {args.tags:,} | {distinct_keys:,} | {merged_keys:,} | {len(canonicalizer):,} | {report['resolve_s']} s "
        f"| {report['keys_per_s']:,} | {report['model_load_s']} s |\n\n"
        "Examples of merges (name → canonical key, cosine):\n\n| name | canonical | cosine |\n|---|---|---|\n"
        f"{examples}\n"
    )
    write(args.out, report, markdown)


if __name__ == "__main__":
    main()
