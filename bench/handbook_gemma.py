"""Tags per item on the embedded Gemma 3 270M with and without the per-category handbook, and the rate of a
backfill day (most-interacted items first), measured on a small sample.

    python bench/handbook_gemma.py [--items 20] [--tags 40]

Two fresh graphs with MovieLens-100K (items, users, interactions), each with a cold response cache: A tags
the --items most-interacted items without handbooks (tagging and the gate only), B runs the day as the
backfill does (`grow --budget N --handbook`: handbooks of the items' genres, tagging, the gate, logic for up to
--tags frontier tags per direction, calibration). Reports tags per item (written + quarantined) for both,
the share that passed the gate, LLM calls and seconds, a few items with their tags, and the full
catalogue's projected time from B's rates. Writes bench/results/handbook_gemma.{json,md}.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from grow_common import movielens_store
from reporting import RESULTS, stamp, write

from rolegraph.graph.store import GraphStore
from rolegraph.progress import no_progress
from rolegraph.reasoning.embed import load_minilm
from rolegraph.reasoning.grow.config import GrowConfig
from rolegraph.reasoning.grow.wiring import open_run
from rolegraph.reasoning.handbook import categories
from rolegraph.settings import LLMSettings

CATALOGUE = 1682


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--tags", type=int, default=40)
    ap.add_argument("--movielens", type=Path, default=Path("data/ml-100k"))
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    embedder = load_minilm()
    runs: dict[str, dict[str, Any]] = {}
    variants = [("without handbook", False, 0), ("with handbook (backfill day)", True, args.tags)]
    for name, handbook, tags in variants:
        with tempfile.TemporaryDirectory() as tmp, movielens_store(Path(tmp), args.movielens) as store:
            settings = LLMSettings(llm_cache_path=str(Path(tmp) / "cache.sqlite"))
            config = GrowConfig(
                day="2026-01-01",
                max_items=args.items,
                max_tags=tags,
                distill=False,
                popular_first=True,
                handbook=handbook,
            )
            started = time.monotonic()
            with open_run(store, config, no_progress, settings, embedder, distill=False) as run:
                summary = run()
            runs[name] = _numbers(store, summary.counts, summary.timings, time.monotonic() - started)
            if handbook:  # a handbook is built once per category: the catalogue needs one per genre, not per item
                genres = len({g for r in store.iter_items() for g in categories(r["props"].get("text"))})
            print(name, runs[name], flush=True)
    b = runs["with handbook (backfill day)"]
    per_item = b["tag_s"] / max(b["items"], 1)
    per_handbook = b["handbook_s"] / max(b["handbooks"], 1)
    per_source = b["logic_s"] / max(b["sources"], 1)
    # the frontier's new tags per item are the sample's: the most-interacted items, early in a backfill, where
    # every tag is new; later items bring fewer (the backfill report counts the catalogue's)
    projected_h = (CATALOGUE * (per_item + b["new_tags_per_item"] * per_source) + genres * per_handbook) / 3600
    report = stamp("handbook_gemma", seeds=[]) | {  # temperature 0 and the most-interacted items: nothing drawn
        "config": {k: str(v) for k, v in vars(args).items()},
        "runs": runs,
        "projection": {"catalogue": CATALOGUE, "genres": genres, "hours": round(projected_h, 2)},
    }
    lines = [
        f"# Handbooks on the embedded Gemma 3 270M, and a backfill day's rate ({report['date']})",
        "",
        f"MovieLens-100K, the {args.items} most-interacted items (the same in both runs), cold caches, completion "
        "strategy; A tags them without handbooks (tagging and the gate), B runs the backfill's day with handbooks "
        f"and logic for up to {args.tags} frontier tags per direction. Rates on a shared machine are noisy.",
        "",
        "| run | items | tags per item (roles + topics) | passed the gate | LLM calls | LLM s | wall |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {k} | {r['items']} | {r['tags_per_item']:.2f} ({r['roles_per_item']:.2f} + {r['topics_per_item']:.2f}) "
            f"| {r['passed']:.1%} | {r['calls']} | {r['llm_s']:.0f} | {r['wall_s']:.0f} s |"
            for k, r in runs.items()
        ),
        "",
        f"With the handbook the model's answers kept {b['tags_per_item']:.1f} tags per item, without it "
        f"{runs['without handbook']['tags_per_item']:.1f}.",
        "",
        f"Projected full catalogue ({CATALOGUE} items, B's rates: {per_item:.1f} s of tagging per item, "
        f"{b['new_tags_per_item']:.2f} new frontier tags per item at {per_source:.1f} s each, one handbook for "
        f"each of the {genres} genres at {per_handbook:.1f} s): **{projected_h:.1f} hours** of LLM time on this "
        "machine. The sample's new tags per item are an upper bound: the later items of a backfill bring fewer.",
        "",
        "Items of the backfill day with their kept tags:",
        "",
        *(f"- {t}: roles {r}; topics {c}" for t, r, c in b["examples"]),
        "",
    ]
    write(args.out, report, "\n".join(lines))


def _numbers(store: GraphStore, c: dict[str, float], t: dict[str, float], wall: float) -> dict[str, Any]:
    items = int(c.get("items_done", 0)) or 1
    roles = c.get("user_tag_edges", 0)
    topics = c.get("item_tag_edges", 0)
    judged = c.get("gate_judged", 0) or 1
    examples: dict[str, tuple[list[str], list[str]]] = {}
    titles = {r["id"]: r["props"].get("title", r["id"]) for r in store.iter_items()}
    for page in store.iter_edge_pages():
        for e in page:
            if e["type"] in ("HAS_USER_TAG", "HAS_ITEM_TAG") and e["props"].get("source") == "llm":
                pair = examples.setdefault(e["src"], ([], []))
                pair[0 if e["type"] == "HAS_USER_TAG" else 1].append(e["dst"])
    return {
        "items": int(c.get("items_planned", 0)),
        "tags_per_item": (roles + topics) / items,
        "roles_per_item": roles / items,
        "topics_per_item": topics / items,
        "passed": 1 - c.get("gate_quarantined", 0) / judged,
        "calls": int(c.get("llm_calls", 0)),
        "llm_s": t.get("tag (LLM)", 0) + t.get("logic (LLM)", 0) + t.get("handbook (LLM)", 0),
        "tag_s": t.get("tag (LLM)", 0),
        "handbook_s": t.get("handbook (LLM)", 0),
        "logic_s": t.get("logic (LLM)", 0),
        "sources": int(c.get("u2i_sources_planned", 0) + c.get("i2u_sources_planned", 0)),
        "new_tags_per_item": (c.get("user_tags_new", 0) + c.get("item_tags_new", 0)) / items,
        "handbooks": int(c.get("handbooks_built", 0)),
        "wall_s": wall,
        "examples": [(titles.get(i, i), sorted(r), sorted(tp)) for i, (r, tp) in sorted(examples.items())[:8]],
    }


if __name__ == "__main__":
    main()
