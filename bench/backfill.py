"""The whole MovieLens catalogue tagged by the LLM: `rolegraph backfill` on the demo graph until no item is
left, timed day by day, and what it wrote.

    python bench/backfill.py [--graph-uri falkordb-lite://data/graph.db] [--day DAY] [--budget 600]
                             [--days 10] [--max-tags 50] [--max-checks 500]

Runs `rolegraph backfill` (the command a user runs: most-interacted untagged items first, each day journaled and
every answer cached) in place on the graph, with the embedded LLM unless ROLEGRAPH_LLM_BASE_URL names another.
Resumable: after a stop, rerun the same command; finished days cost no LLM call and are reported from the log
of the command that ran them (data/bench-logs/backfill-day-DAY.json). Then reads the graph: items the LLM tagged
(of all), roles and topics per such item (edges kept, and those the gate quarantined), the share of the days'
tags that passed the gate, the vocabulary, kept answers that copy a worked example of the tagging prompt (the
gate's echo rule), and 20 items drawn at random (seed 0) with their kept tags, for a reader to judge. Writes
bench/results/backfill.{json,md}; the backfill's own summaries go to data/bench-logs/backfill-DAY.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from reporting import RESULTS, stamp, write
from tiers import BACKFILL_DAY

from rolegraph.graph.connect import open_store
from rolegraph.graph.store import GraphStore
from rolegraph.reasoning.gate import GateConfig, echoed
from rolegraph.reasoning.grow.gating import examples
from rolegraph.reasoning.tasks import Task
from rolegraph.settings import GraphSettings

TAG_EDGES = {"HAS_USER_TAG": "roles", "HAS_ITEM_TAG": "topics"}
SHOWN = 20  # items a reader judges
DAY_NOTES = {
    "already done": "finished before this command, and its log is gone",
    "earlier": "finished by an earlier command (figures from its log)",
    "resumed": "resumed after a stop: its items were tagged before (figures in that run's log); the rest ran here",
}
#: the status cell of a day with figures (a resumed day's are those of the run that finished it)
STATUS = {"earlier": "earlier: done", "resumed": "done, resumed after a stop (the figures: the run that finished it)"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--graph-uri", default="falkordb-lite://data/graph.db")
    ap.add_argument(
        "--day", default=BACKFILL_DAY, help="the first day, after the demo's (default: %(default)s, bench-full's)"
    )
    ap.add_argument("--budget", type=int, default=600, help="items tagged per day")
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--max-tags", type=int, default=50, help="frontier tags per logic direction per day")
    ap.add_argument("--max-checks", type=int, default=500, help="candidate pairs checked per logic direction per day")
    ap.add_argument("--logs", type=Path, default=Path("data/bench-logs"))
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    report = stamp("backfill", seeds=[0])  # the start's load; seed 0 draws the items shown
    args.logs.mkdir(parents=True, exist_ok=True)
    summaries = args.logs / f"backfill-{args.day}.json"
    keep_day_logs(summaries, args.logs)  # an earlier command's days, before this one rewrites the file
    command = [
        str(Path(sys.executable).with_name("rolegraph")), "backfill", "--day", args.day, "--days", str(args.days),
        "--budget", str(args.budget), "--max-tags", str(args.max_tags),
        "--max-checks", str(args.max_checks), "--json", str(summaries),
    ]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, check=True, env={**os.environ, "ROLEGRAPH_GRAPH_URI": args.graph_uri})
    wall = time.monotonic() - started
    keep_day_logs(summaries, args.logs)
    days = [earlier(d, args.logs) for d in with_logged(json.loads(summaries.read_text())["days"], args)]
    with open_store(GraphSettings(graph_uri=args.graph_uri)) as store:
        graph = read_graph(store)
    report |= {
        "config": {k: str(v) for k, v in vars(args).items()},
        "wall_s": round(wall, 1),
        "days": [day_row(d) for d in days],
        "gate": gate(days),
        "graph": graph,
    }
    write(args.out, report, markdown(report))


def keep_day_logs(summaries: Path, logs: Path) -> None:
    """Saves each day the backfill ran (not one it found done) to its own log, ``backfill-day-DAY.json``, so a
    later command that finds the day done can still report its figures."""
    if not summaries.exists():
        return
    for d in json.loads(summaries.read_text())["days"]:
        if d["status"] == "done" and d["counts"].get("items_planned", 0):
            (logs / f"backfill-day-{d['day']}.json").write_text(json.dumps(d, indent=1))


def with_logged(days: list[dict[str, Any]], args: argparse.Namespace) -> list[dict[str, Any]]:
    """The days this command's backfill listed, and after them the logged days of the span it was given
    (``--day``, ``--days``) that it did not reach: a rerun of a finished backfill stops at its first day,
    having nothing left to plan, and the later days are reported from their logs (as found done)."""
    listed = {d["day"] for d in days}
    span = {(date.fromisoformat(args.day) + timedelta(days=i)).isoformat() for i in range(args.days)}
    logged = sorted(
        log.name.removeprefix("backfill-day-").removesuffix(".json") for log in args.logs.glob("backfill-day-*.json")
    )
    later = [{"day": day, "status": "already done"} for day in logged if day in span and day not in listed]
    return days + later


def earlier(summary: dict[str, Any], logs: Path) -> dict[str, Any]:
    """A day this command found done, as the command that ran it logged it (status "earlier"), when logged."""
    log = logs / f"backfill-day-{summary['day']}.json"
    if summary["status"] != "already done" or not log.exists():
        return summary
    return {**json.loads(log.read_text()), "status": "earlier"}


def day_row(summary: dict[str, Any]) -> dict[str, Any]:
    """One day's items, LLM calls and seconds (from its summary)."""
    c, t = summary["counts"], summary["timings_s"]
    status = summary["status"]
    done = c.get("items_done", 0) + c.get("items_failed", 0) + c.get("items_quarantined", 0)
    if status in ("done", "earlier") and c.get("items_planned", 0) > done:
        status = "resumed"  # part of its items were tagged by an earlier, interrupted run: the rest ran here
    return {
        "day": summary["day"],
        "status": status,
        "items": int(c.get("items_done", 0)),
        "items_failed": int(c.get("items_failed", 0) + c.get("items_quarantined", 0)),
        "llm_calls": int(c.get("llm_calls", 0)),
        "cache_hits": int(c.get("llm_cache_hits", 0)),
        "tag_s": t.get("tag (LLM)", 0.0),
        "reask_s": t.get("re-ask echoes (LLM)", 0.0),  # tagging again the answers that echoed a worked example
        "logic_s": t.get("logic (LLM)", 0.0),
        "total_s": t.get("total", 0.0),
        "new_tags": int(c.get("user_tags_new", 0) + c.get("item_tags_new", 0)),
        "merges": int(c.get("aliases_merged", 0)),
    }


def gate(days: list[dict[str, Any]]) -> dict[str, Any]:
    """The days' tags judged by the gate and how many it quarantined (the days reported, each from the command
    that ran it)."""
    judged = sum(int(d["counts"].get("gate_judged", 0)) for d in days)
    quarantined = sum(int(d["counts"].get("gate_quarantined", 0)) for d in days)
    return {"judged": judged, "quarantined": quarantined, "passed": 1 - quarantined / judged if judged else None}


def read_graph(store: GraphStore) -> dict[str, Any]:
    """Items the LLM tagged, their kept and quarantined tags, the vocabulary, and the items shown."""
    rows = list(store.iter_items())
    items = {r["id"]: str(r["props"].get("title", r["id"])) for r in rows}
    texts = {r["id"]: str(r["props"].get("text", "")) for r in rows}
    kept: dict[str, dict[str, list[str]]] = {}
    quarantined: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    distilled: set[str] = set()
    for page in store.iter_edge_pages():
        for e in page:
            kind = TAG_EDGES.get(e["type"])
            if kind and e["props"].get("source") == "llm":
                kept.setdefault(e["src"], {"roles": [], "topics": []})[kind].append(e["dst"])
            elif kind:
                distilled.add(e["src"])
            elif e["type"] == "QUARANTINED":
                quarantined[TAG_EDGES.get(e["props"].get("kind", ""), "other")] += 1
                reasons[str(e["props"].get("reason", "")).split(" (")[0]] += 1
                kept.setdefault(e["src"], {"roles": [], "topics": []})
    tags = list(store.iter_tags())
    tagged = sorted(kept)
    seen = Counter(r["item"] for r in store.iter_interactions())
    covered = sum(n for item, n in seen.items() if item in kept)
    n = len(tagged) or 1
    shown = sorted(random.Random(0).sample(tagged, min(SHOWN, len(tagged))), key=lambda i: items.get(i, i))
    echoes = {
        kind: _echoes(kept, texts, kind, task)
        for kind, task in (("roles", Task.ITEM_ROLES), ("topics", Task.ITEM_TOPICS))
    }
    return {
        "items": len(items),
        "llm_tagged": len(tagged),
        "distilled_only": len(distilled - set(kept)),
        "untagged": len(set(items) - set(kept) - distilled),
        "interactions_on_llm_tagged": covered / max(sum(seen.values()), 1),
        "roles_per_item": sum(len(v["roles"]) for v in kept.values()) / n,
        "topics_per_item": sum(len(v["topics"]) for v in kept.values()) / n,
        "no_kept_tag": sum(1 for v in kept.values() if not v["roles"] and not v["topics"]),
        "quarantined_edges": dict(quarantined),
        "gate_passed": _share(
            sum(len(v["roles"]) + len(v["topics"]) for v in kept.values()), sum(quarantined.values())
        ),
        "quarantine_reasons": dict(reasons.most_common()),
        "role_tags": sum(1 for t in tags if t["is_user_tag"]),
        "topic_tags": sum(1 for t in tags if t["is_item_tag"]),
        "kept_echoes": {kind: len(found) for kind, found in echoes.items()},
        "shown": [
            {
                "item": i,
                "title": items.get(i, i),
                **{k: sorted(v) for k, v in kept[i].items()},
                "echo": {kind: found[i] for kind, found in echoes.items() if i in found},
            }
            for i in shown
        ],
    }


def _echoes(kept: dict[str, dict[str, list[str]]], texts: dict[str, str], kind: str, task: Task) -> dict[str, str]:
    """Items whose kept LLM tags of one kind (``roles`` or ``topics``, answered by ``task``) repeat a worked
    example of the tagging prompt (the gate's echo rule, `reasoning.gate.echoed`), with what they repeat:
    answers kept by days gated before the rule existed."""
    worked, cfg = examples(task), GateConfig()
    found = {item: echoed(tags[kind], texts.get(item, ""), worked, cfg) for item, tags in kept.items() if tags[kind]}
    return {item: what for item, what in found.items() if what}


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _share(kept: int, quarantined: int) -> float | None:
    """The share of the LLM's item → tag edges the gate kept (None without any)."""
    return kept / (kept + quarantined) if kept + quarantined else None


def markdown(r: dict[str, Any]) -> str:
    g, gate_ = r["graph"], r["gate"]
    passed = "–" if gate_["passed"] is None else f"{gate_['passed']:.1%}"
    lines = [
        f"# The MovieLens catalogue tagged by the LLM: `rolegraph backfill` ({r['date']})",
        "",
        f"Command: `{r['provenance']['command']}` on `{r['config']['graph_uri']}`; {r['wall_s']:.0f} s of wall "
        "time in this command (a day finished by an earlier command is listed from that command's log as "
        '"earlier: …", or said to be done when its log is gone).',
        "",
        "| day | status | items | failed | LLM calls | cache hits | tagging s | logic s | day s | new tags | merges |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {d['day']} | {STATUS.get(d['status'], d['status'])} | {d['items']} | {d['items_failed']} "
            f"| {d['llm_calls']} | {d['cache_hits']} "
            f"| {d['tag_s']:.0f} | {d['logic_s']:.0f} | {d['total_s']:.0f} | {d['new_tags']} | {d['merges']} |"
            if d["status"] in ("done", "earlier", "resumed")
            else f"| {d['day']} | {DAY_NOTES[d['status']]} |" + " |" * 9
            for d in r["days"]
        ),
        "",
        f"**{g['llm_tagged']:,} of {g['items']:,} items tagged by the LLM**, carrying "
        f"{g['interactions_on_llm_tagged']:.1%} of the interactions ({g['distilled_only']:,} items carry only "
        f"distilled tags, {g['untagged']:,} none); per LLM-tagged item {g['roles_per_item']:.2f} roles and "
        f"{g['topics_per_item']:.2f} topics kept, {g['no_kept_tag']} items with every tag quarantined. The gate "
        f"kept {_pct(g['gate_passed'])} of the LLM's item → tag edges in the graph ({passed} of the "
        f"{gate_['judged']:,} tags the days above wrote; quarantined by reason: "
        f"{g['quarantine_reasons']}). Vocabulary: {g['role_tags']:,} role tags, {g['topic_tags']:,} topic tags.",
        "",
        f"Kept answers that repeat a worked example of the tagging prompt (the gate's echo rule, read over the "
        f"graph; days gated before the rule existed kept them): {g['kept_echoes']['roles']:,} items' roles, "
        f"{g['kept_echoes']['topics']:,} items' topics.",
        "",
        f"{len(g['shown'])} LLM-tagged items drawn at random (seed 0), with the tags the gate kept (MovieLens "
        "lists a few films twice, under two ids):",
        "",
        *(
            f"- {s['title']} (item {s['item']}): roles {s['roles']}; topics {s['topics']}"
            + "".join(f" — {k}: echo of {v}" for k, v in s.get("echo", {}).items())
            for s in g["shown"]
        ),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
