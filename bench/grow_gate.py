"""The quality gate on planted junk: an oracle LLM answers the synthetic world's item tags from the planted
truth, and one answer in ten also carries a junk name — a person's name, a generic word or an off-topic
phrase (tests/support/oracle.py `JUNK`). One day of `rolegraph grow` (tagging and the gate; no logic), then
the quarantined and kept item → tag edges are counted against what was injected.

    python bench/grow_gate.py [--items 400] [--junk 0.1] [--noise 0,0.3]

Each edge is injected junk, genuine (a tag of the item's planted truth) or swapped (a vocabulary name the
noisy oracle answered instead of a planted one: wrong, but not junk). Quarantine precision = junk edges
quarantined / edges quarantined (the swapped ones quarantined count against it; "precision over errors"
counts them as right); recall = junk edges quarantined / junk edges written; genuine kept = genuine edges
kept / genuine edges written. Writes bench/results/grow_gate.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from grow_common import oracle_settings, scratch_store
from reporting import RESULTS, stamp, write

from rolegraph.graph.loaders.files import read_items
from rolegraph.graph.synth import SynthConfig, generate
from rolegraph.progress import no_progress
from rolegraph.reasoning.canonical import normalize
from rolegraph.reasoning.embed import load_minilm
from rolegraph.reasoning.grow.config import GrowConfig
from rolegraph.reasoning.grow.wiring import open_run
from tests.support.openai_server import ScriptedServer
from tests.support.oracle import JUNK, Oracle


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=400)
    ap.add_argument("--junk", type=float, default=0.1)
    ap.add_argument("--noise", default="0,0.3")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    embedder = load_minilm()
    junk_keys = {normalize(n): kind for kind, names in JUNK.items() for n in names}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "world"
        generate(SynthConfig(users=10, items=args.items, roles=30, topics=50, seed=args.seed), world)
        items = read_items(world / "items.jsonl").items
        planted = {
            row["id"]: {normalize(n) for n in row["roles"] + row["topics"]}
            for row in map(json.loads, (world / "truth" / "items.jsonl").read_text().splitlines())
        }
        for noise in (float(x) for x in args.noise.split(",")):
            folder = Path(tmp) / f"noise-{noise}"
            folder.mkdir()
            oracle = Oracle(world, noise, args.seed, junk=args.junk)
            with ScriptedServer(oracle) as server, scratch_store(folder) as store:
                store.upsert_items(items)
                settings = oracle_settings(server.base_url, folder)
                started = time.monotonic()
                config = GrowConfig(day="2026-01-01", max_items=args.items, max_tags=0, chunk=64, distill=False)
                with open_run(store, config, no_progress, settings, embedder, distill=False) as run:
                    run()
                wall = round(time.monotonic() - started, 1)
                judged = _judge(store, junk_keys, planted)
                rows.append({"noise": noise, "wall_s": wall, **judged, "injected": len(oracle.injected)})
                print(rows[-1], flush=True)
    report = stamp("grow_gate", seeds=[args.seed]) | {
        "config": {k: str(v) for k, v in vars(args).items()},
        "runs": rows,
    }
    lines = [
        f"# The quality gate on planted junk ({report['date']})",
        "",
        f"Command: `python bench/grow_gate.py` — synthetic world with {args.items} items; an oracle LLM answering "
        f"item tags from the planted truth (names swapped with probability *noise*), {args.junk:.0%} of its answers "
        "carrying one junk name; one daily run (tagging, then the gate).",
        "",
        "| noise | junk edges | quarantined | precision | recall | genuine kept | swapped quarantined "
        "| precision over errors | junk kept | by reason (kind → reason) |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *(
            f"| {r['noise']} | {r['junk']} | {r['quarantined']} | {r['precision']:.3f} | {r['recall']:.3f} "
            f"| {r['genuine_kept']:.3f} | {_swapped(r)} "
            f"| {r['precision_errors']:.3f} | {_names(r['junk_kept'])} | {_names(r['by_reason'])} |"
            for r in rows
        ),
        "",
        "Genuine: a tag of the item's planted truth; swapped: a vocabulary name the noisy oracle answered in "
        "place of a planted one (wrong, but not junk — the gate quarantining it counts against precision, not "
        "for it; precision over errors counts it as right).",
        "",
    ]
    write(args.out, report, "\n".join(lines))


def _swapped(run: dict) -> str:  # type: ignore[type-arg]
    return f"{run['swapped_quarantined']:.3f} of {run['swapped']}" if run["swapped"] else "– (none)"


def _names(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {n}" for k, n in counts.items()) or "–"


def _judge(store, junk_keys: dict[str, str], planted: dict[str, set[str]]) -> dict:  # type: ignore[no-untyped-def]
    """Counts the run's item → tag edges by what they are — injected junk, a tag of the item's planted
    truth (genuine) or a vocabulary name the noisy oracle swapped in (wrong, but no junk) — and by fate."""
    counts: Counter[tuple[str, bool]] = Counter()  # (class, quarantined) → edges
    reasons: Counter[str] = Counter()
    junk_kept: Counter[str] = Counter()
    for page in store.iter_edge_pages():
        for e in page:
            if e["type"] not in ("HAS_USER_TAG", "HAS_ITEM_TAG", "QUARANTINED"):
                continue
            junk = junk_keys.get(e["dst"])
            cls = "junk" if junk else "genuine" if e["dst"] in planted.get(e["src"], ()) else "swapped"
            out = e["type"] == "QUARANTINED"
            counts[cls, out] += 1
            if out:
                reason = str(e["props"].get("reason", "")).split(" (")[0]
                reasons[f"{junk or cls} → {reason}"] += 1
            elif junk:
                junk_kept[e["dst"]] += 1
    quarantined = sum(n for (_, out), n in counts.items() if out)

    def share(cls: str, out: bool) -> float:
        total = counts[cls, True] + counts[cls, False]
        return counts[cls, out] / total if total else 1.0

    return {
        "junk": counts["junk", True] + counts["junk", False],
        "swapped": counts["swapped", True] + counts["swapped", False],
        "quarantined": quarantined,
        "precision": counts["junk", True] / quarantined if quarantined else 1.0,
        "precision_errors": (counts["junk", True] + counts["swapped", True]) / quarantined if quarantined else 1.0,
        "recall": share("junk", True),
        "genuine_kept": share("genuine", False),
        "swapped_quarantined": share("swapped", True),
        "by_reason": dict(sorted(reasons.items())),
        "junk_kept": dict(sorted(junk_kept.items())),
    }


if __name__ == "__main__":
    main()
