"""The re-ask of echoed answers on the embedded Gemma 3 270M: how many tagging answers copy a worked example
of the prompt, and what asking them again without that example gives.

    python bench/reask_gemma.py [--items 150] [--handbook]

A fresh graph with MovieLens-100K (items, users, interactions) and a cold response cache; one grow day tags
the --items most-interacted items (as a backfill day does: `grow --budget N`), gates the answers, and
re-asks each answer the gate found echoing a worked example without that example (`grow.reasking`); no
logic (--max-tags 0) and no distillation, so the numbers are the tagging step's. The control is in the same
run: an echoed answer is quarantined whole, so without the re-ask its item keeps no tags of that kind.
Reports answers echoed (by kind and example), the re-asks' outcomes, the re-asked answers' tags kept by the
gate beside the first answers', the items left with no role with and without the re-ask, and every
re-asked item with the answer it copied and the tags it kept. Writes bench/results/reask_gemma.{json,md}.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from grow_common import movielens_store
from reporting import RESULTS, stamp, write

from rolegraph.graph.store import GraphStore
from rolegraph.progress import no_progress
from rolegraph.reasoning.embed import load_minilm
from rolegraph.reasoning.gate import ECHO
from rolegraph.reasoning.grow.config import GrowConfig
from rolegraph.reasoning.grow.gating import examples
from rolegraph.reasoning.grow.wiring import open_run
from rolegraph.reasoning.tasks import Task
from rolegraph.settings import LLMSettings

KINDS = {"HAS_USER_TAG": "roles", "HAS_ITEM_TAG": "topics"}
TASKS = {"HAS_USER_TAG": Task.ITEM_ROLES, "HAS_ITEM_TAG": Task.ITEM_TOPICS}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=150, help="the most-interacted items to tag")
    ap.add_argument("--handbook", action="store_true", help="per-category handbooks in the prompts (as a backfill)")
    ap.add_argument("--movielens", type=Path, default=Path("data/ml-100k"))
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    embedder = load_minilm()
    with tempfile.TemporaryDirectory() as tmp, movielens_store(Path(tmp), args.movielens) as store:
        settings = LLMSettings(llm_cache_path=str(Path(tmp) / "cache.sqlite"))
        config = GrowConfig(
            day="2026-01-01",
            max_items=args.items,
            max_tags=0,
            distill=False,
            popular_first=True,
            handbook=args.handbook,
        )
        started = time.monotonic()
        with open_run(store, config, no_progress, settings, embedder, distill=False) as run:
            summary = run()
        wall = time.monotonic() - started
        numbers = _numbers(store, summary.counts, summary.timings, wall)
    flags = " --handbook" if args.handbook else ""
    report = stamp("reask_gemma", seeds=[]) | {"config": {k: str(v) for k, v in vars(args).items()}, **numbers}
    write(args.out, report, _markdown(report, f"python bench/reask_gemma.py --items {args.items}{flags}"))


def _numbers(store: GraphStore, counts: dict[str, float], timings: dict[str, float], wall: float) -> dict[str, Any]:
    titles = {r["id"]: r["props"].get("title", r["id"]) for r in store.iter_items()}
    reasked = {r["id"]: r["props"].get("reasked") or [] for r in store.iter_items()}
    kept: dict[tuple[str, str], list[str]] = {}
    aside: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for page in store.iter_edge_pages():
        for e in page:
            props = e["props"]
            if e["type"] in KINDS and props.get("source") == "llm":
                kept.setdefault((e["src"], e["type"]), []).append(e["dst"])
            elif e["type"] == "QUARANTINED":
                aside.setdefault((e["src"], props["kind"]), []).append((e["dst"], str(props["reason"])))
    marks = {(item, m.split()[0]): m.split()[1:] for item, ms in reasked.items() for m in ms}
    asked = {pair: status for pair, (_, status) in marks.items()}
    worked = {t: [ex.title for ex in examples(task)] for t, task in TASKS.items()}
    # the example the first answer echoed: the one the re-ask's prompt version (<version>~<i>) left out
    first = Counter(f"{KINDS[t]}: {worked[t][int(v.rpartition('~')[2])]}" for (_, t), (v, _) in marks.items())
    copied: dict[tuple[str, str], list[str]] = {}  # (item, type) → the examples its answers echoed, in order
    for pair, rows in aside.items():
        copied[pair] = sorted({_example(reason) for _, reason in rows if reason.startswith(ECHO)} - {""})
    again = {pair for pair, exs in copied.items() if pair in asked and len(exs) > 1}
    done = [pair for pair, status in asked.items() if status == "done"]
    planned = int(counts.get("items_planned", 0))
    role_items = {i for i, t in kept if t == "HAS_USER_TAG"}
    rescued = {i for i, t in done if t == "HAS_USER_TAG" and i in role_items}
    reask_judged = counts.get("gate_reask_judged", 0)
    shown = [
        {
            "item": titles.get(i, i),
            "kind": KINDS[t],
            "copied": copied.get((i, t), []),
            "outcome": asked[i, t],
            "kept": sorted(kept.get((i, t), [])),
        }
        for i, t in sorted(asked, key=lambda p: (titles.get(p[0], p[0]), p[1]))
    ]
    return {
        "counts": {k: counts[k] for k in sorted(counts) if k.startswith(("gate", "reask", "items_", "llm_"))},
        "timings": timings,
        "wall_s": round(wall, 1),
        "result": {
            "items": planned,
            "answers": 2 * planned,
            "echoed": int(counts.get("gate_echoes", 0)),
            "echoed_by": dict(sorted(first.items())),
            "reasked": len(asked),
            "reask_outcomes": dict(sorted(Counter(asked.values()).items())),
            "echoed_again": len(again),
            "first_pass": 1 - counts.get("gate_quarantined", 0) / max(counts.get("gate_judged", 0), 1),
            "reask_pass": 1 - counts.get("gate_reask_quarantined", 0) / reask_judged if reask_judged else None,
            "reask_tags_kept": sum(len(kept.get(p, [])) for p in done) / max(len(done), 1),
            "items_with_roles": len(role_items),
            "items_with_roles_without_reask": len(role_items - rescued),
            "reask_s": timings.get("re-ask echoes (LLM)", 0.0),
            "tag_s": timings.get("tag (LLM)", 0.0),
        },
        "examples": shown,
    }


def _example(reason: str) -> str:
    """The worked example an echo reason names: "echo of a worked example (Babe (1995): 6 of 7 tags)"."""
    inner = reason[len(ECHO) :].strip().removeprefix("(").removesuffix(")")
    return inner.rpartition(": ")[0]


def _markdown(r: dict[str, Any], command: str) -> str:
    n = r["result"]
    pass_text = "–" if n["reask_pass"] is None else f"{n['reask_pass']:.0%}"
    by = ", ".join(f"{k} {v}" for k, v in n["echoed_by"].items()) or "none"
    outcomes = ", ".join(f"{k} {v}" for k, v in n["reask_outcomes"].items()) or "none"
    lines = [
        f"# Echoed answers asked again without the example, on the embedded Gemma 3 270M ({r['date']})",
        "",
        f"Command: `{command}` — MovieLens-100K, the {n['items']} most-interacted items, one grow day with a cold "
        "response cache, tagging and the gate only (no logic, no distillation), completion strategy.",
        "",
        "| | |",
        "|---|---|",
        f"| tagging answers (roles + topics) | {n['answers']} |",
        f"| echoed a worked example (quarantined whole) | {n['echoed']} ({by}) |",
        f"| re-asked without that example | {n['reasked']} ({outcomes}) |",
        f"| re-asked answers echoing again (quarantined, not asked a third time) | {n['echoed_again']} |",
        f"| tags passing the gate: first answers / re-asked answers | {n['first_pass']:.0%} / {pass_text} |",
        f"| tags kept per re-asked answer | {n['reask_tags_kept']:.1f} |",
        f"| items with a kept role: with the re-ask / without (control, same run) | {n['items_with_roles']} / "
        f"{n['items_with_roles_without_reask']} of {n['items']} |",
        f"| LLM seconds: tagging / re-ask | {n['tag_s']:.0f} / {n['reask_s']:.0f} |",
        "",
        "Every re-asked answer, with the example(s) its answers copied and the tags the gate kept from the re-ask:",
        "",
        *(
            f"- {e['item']} ({e['kind']}): copied {', '.join(e['copied']) or '–'}; {e['outcome']}; "
            f"kept {e['kept'] or 'nothing'}"
            for e in r["examples"]
        ),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
