"""`rolegraph grow` (the daily run) and `rolegraph tags unmerge`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from graph import validate as v
from graph.connect import open_store
from reasoning.grow.context import GrowConfig
from reasoning.grow.wiring import open_run
from reasoning.unmerge import unmerge as unmerge_tag
from rolegraph.cli.ui import console, progress_bar, table
from rolegraph.errors import InvalidInput


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "grow",
        help="the daily run: LLM tags and logic, canonicalization, cover sets, distillation, G*",
        description="Tags items not tagged yet (roles and topics), asks the LLM for the logic of frontier tags "
        "(U2I role→topics, I2U topic→roles), merges near-duplicate tags, updates the cover sets, trains the "
        "distilled models and publishes G*. Resumable: rerun the same day after a crash; a finished day is "
        "not run again. LLM: ROLEGRAPH_LLM_BASE_URL (unset = the embedded llama.cpp server, started as needed).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--day", default=date.today().isoformat(), help="the run's day, YYYY-MM-DD")
    p.add_argument("--max-items", type=int, default=50, help="items to tag (the first untagged ones by id)")
    p.add_argument("--max-tags", type=int, default=50, help="frontier tags per logic direction (U2I, I2U)")
    p.add_argument("--chunk", type=int, default=16, help="items or tags per journaled chunk")
    p.add_argument("--threshold", type=float, default=0.92, help="cosine at which a new tag merges into one")
    p.add_argument("--tau", type=float, default=0.99, help="cover-set coverage target")
    p.add_argument("--window", type=int, default=30, help="cover-set history in days (stale-tag removal)")
    p.add_argument("--top-b", type=int, default=20, help="G* edges per cover-set source")
    p.add_argument("--no-distill", action="store_true", help="skip the distilled models and G*")
    p.add_argument("--distill-top-k", type=int, default=5, help="distilled tags per unseen item, at most")
    p.add_argument("--distill-min-p", type=float, default=0.2, help="least P_θ(t|i) of a distilled tag")
    p.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the summary as JSON")
    p.set_defaults(func=grow)

    p = sub.add_parser("tags", help="tag vocabulary maintenance")
    what = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    u = what.add_parser(
        "unmerge",
        help="undo a canonicalization merge: the alias becomes its own tag again, with its items",
        description="Removes ALIAS_OF from the alias, moves the item edges that reached the canonical tag "
        "through it back, and pins it so later runs keep it apart.",
    )
    u.add_argument("alias", help="the alias tag's key (as shown in a grow summary)")
    p.set_defaults(func=unmerge)


def _config(args: argparse.Namespace) -> GrowConfig:
    for name in ("max_items", "max_tags"):
        if getattr(args, name) < 0:
            raise InvalidInput(f"--{name.replace('_', '-')} must be at least 0")
    if args.chunk < 1 or args.top_b < 1 or args.window < 1 or args.distill_top_k < 1:
        raise InvalidInput("--chunk, --top-b, --window and --distill-top-k must be at least 1")
    if not 0 <= args.distill_min_p <= 1:
        raise InvalidInput("--distill-min-p must be in [0, 1]")
    if not 0 < args.threshold <= 1 or not 0 < args.tau <= 1:
        raise InvalidInput("--threshold and --tau must be in (0, 1]")
    return GrowConfig(
        day=v.check_day(args.day),
        max_items=args.max_items,
        max_tags=args.max_tags,
        chunk=args.chunk,
        threshold=args.threshold,
        tau=args.tau,
        window=args.window,
        top_b=args.top_b,
        distill=not args.no_distill,
        distill_top_k=args.distill_top_k,
        distill_min_p=args.distill_min_p,
    )


def grow(args: argparse.Namespace) -> int:
    from rolegraph.cli.main import dump_json

    config = _config(args)
    with open_store() as store, open_run(store, config, progress_bar) as run:
        summary = run()
    if summary.status == "already done":
        console.print(f"{summary.run} finished before: nothing to do (0 LLM calls)")
    rows = [(k, int(val) if float(val).is_integer() else f"{val:.3f}") for k, val in summary.counts.items()]
    table(f"{summary.run} ({summary.status})", ("what", "count"), rows)
    if summary.cover:
        table(
            "cover sets",
            ("kind", "size", "recall", "added", "removed"),
            [
                (k, int(c["size"]), f"{c['recall']:.3f}", int(c["added"]), int(c["removed"]))
                for k, c in summary.cover.items()
            ],
        )
    if summary.merges:
        shown = summary.merges[:15]
        table(
            f"merges ({len(summary.merges)})",
            ("alias", "canonical", "cosine"),
            [(a, c, f"{s:.3f}") for a, c, s in shown],
        )
    table("timings", ("step", "seconds"), [(k, f"{s:.1f}") for k, s in summary.timings.items()])
    if args.json is not None:
        dump_json(summary.as_dict(), args.json)
    return 0


def unmerge(args: argparse.Namespace) -> int:
    v.check_tag_key(args.alias)  # refused before the graph is opened
    with open_store() as store:
        targets, moved = unmerge_tag(store, args.alias)
    console.print(
        f"{args.alias} is its own tag again (was an alias of {', '.join(targets)}); {moved} item edges moved back"
    )
    return 0
