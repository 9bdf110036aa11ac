"""`rolegraph grow` (the daily run) and `rolegraph tags unmerge`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rolegraph.cli.ui import Subparsers, console, dump_json, progress_bar, table
from rolegraph.reasoning.grow.config import GrowConfig

if TYPE_CHECKING:
    from rolegraph.reasoning.grow.run import Summary

_DEFAULTS = GrowConfig(day="2000-01-01")  # the defaults users see in --help are the config's own
_MAX_CHECKS = (
    "candidate logic pairs the LLM checks per direction per day (and as many re-checks), the likeliest real "
    "first; the rest wait for the next day"
)
_NO_REASK = "keep an answer that echoes a worked example quarantined, without asking again without the example"


def register(sub: Subparsers) -> None:
    """Adds `grow` and `tags unmerge`."""
    d = _DEFAULTS
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
    p.add_argument("--max-items", type=int, default=d.max_items, help="items to tag (the first untagged ones by id)")
    p.add_argument(
        "--budget",
        type=int,
        default=None,
        metavar="N",
        help="tag N items, the most-interacted untagged ones first (instead of --max-items): one day of a backfill",
    )
    p.add_argument("--max-tags", type=int, default=d.max_tags, help="frontier tags per logic direction (U2I, I2U)")
    p.add_argument("--max-checks", type=int, default=d.max_checks, help=_MAX_CHECKS)
    p.add_argument("--chunk", type=int, default=d.chunk, help="items or tags per journaled chunk")
    p.add_argument("--threshold", type=float, default=d.threshold, help="MiniLM cosine at which a merge is proposed")
    p.add_argument("--tau", type=float, default=d.tau, help="cover-set coverage target")
    p.add_argument("--window", type=int, default=d.window, help="cover-set history in days (stale-tag removal)")
    p.add_argument("--top-b", type=int, default=d.top_b, help="G* edges per cover-set source")
    p.add_argument("--no-distill", action="store_true", help="skip the distilled models and G*")
    p.add_argument("--handbook", action="store_true", help="per-category handbooks in the tagging prompts")
    p.add_argument("--no-reask", action="store_true", help=_NO_REASK)
    p.add_argument("--distill-top-k", type=int, default=d.distill_top_k, help="distilled tags per unseen item")
    p.add_argument("--distill-min-p", type=float, default=d.distill_min_p, help="least P_θ(t|i) of a distilled tag")
    p.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the summary as JSON")
    p.set_defaults(func=grow)

    b = sub.add_parser(
        "backfill",
        help="grow the whole catalogue: daily runs of --budget items, most-interacted first, until all are tagged",
        description="Runs `rolegraph grow --budget N` for --days successive days from --day (or until no item is "
        "left untagged). Each day is resumable and cached: rerun the same command after a crash or a stop.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    b.add_argument("--day", default=date.today().isoformat(), help="the first day, YYYY-MM-DD")
    b.add_argument("--days", type=int, default=1, help="at most this many days")
    b.add_argument("--budget", type=int, default=200, help="items tagged per day")
    b.add_argument("--max-tags", type=int, default=d.max_tags, help="frontier tags per logic direction per day")
    b.add_argument("--max-checks", type=int, default=d.max_checks, help=_MAX_CHECKS)
    b.add_argument("--chunk", type=int, default=d.chunk, help="items or tags per journaled chunk")
    b.add_argument("--no-distill", action="store_true", help="skip the distilled models and G*")
    b.add_argument("--handbook", action="store_true", help="per-category handbooks in the tagging prompts")
    b.add_argument("--no-reask", action="store_true", help=_NO_REASK)
    b.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the summaries as JSON")
    b.set_defaults(func=backfill)

    q = sub.add_parser(
        "gate",
        help="today's quality gate over every LLM tag already in the graph (a graph grown before a rule existed)",
        description="Judges the tags every item keeps from the LLM by today's quality gate, quarantines those below "
        "it with the reason, and asks each answer found echoing a worked example once more without that example. "
        "A run of its own (gate-DAY): journaled, so rerun the same command after a crash; a finished day does "
        "nothing. --dry-run judges and writes nothing.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    q.add_argument("--day", default=date.today().isoformat(), help="the run's day, YYYY-MM-DD")
    q.add_argument("--dry-run", action="store_true", help="count what would be quarantined; write nothing")
    q.add_argument("--no-reask", action="store_true", help=_NO_REASK)
    q.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the summary as JSON")
    q.set_defaults(func=regate)

    p = sub.add_parser("tags", help="tag vocabulary maintenance")
    action = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    u = action.add_parser(
        "unmerge",
        help="undo a canonicalization merge: the alias becomes its own tag again, with its items",
        description="Removes ALIAS_OF from the alias, moves the item edges, logic edges (U2I and I2U) and user "
        "roles that reached the canonical tag through it back, and pins it so later runs keep it apart (the next "
        "daily run asks for its own logic).",
    )
    u.add_argument("alias", help="the alias tag's key (as shown in a grow summary)")
    u.set_defaults(func=unmerge)


def grow(args: argparse.Namespace) -> int:
    """`rolegraph grow`: one day's run, resumable; prints what it did."""
    from rolegraph.graph.connect import open_store
    from rolegraph.reasoning.grow.wiring import open_run

    config = GrowConfig(
        day=args.day,
        max_items=args.max_items if args.budget is None else args.budget,
        popular_first=args.budget is not None,
        handbook=args.handbook,
        reask=not args.no_reask,
        max_tags=args.max_tags,
        max_checks=args.max_checks,
        chunk=args.chunk,
        threshold=args.threshold,
        tau=args.tau,
        window=args.window,
        top_b=args.top_b,
        distill=not args.no_distill,
        distill_top_k=args.distill_top_k,
        distill_min_p=args.distill_min_p,
    )
    with open_store() as store, open_run(store, config, progress_bar) as run:
        summary = run()
    _show(summary)
    if args.json is not None:
        dump_json(summary.as_dict(), args.json)
    _fail_if_nothing_tagged(summary)
    return 0


def _fail_if_nothing_tagged(summary: Summary) -> None:
    """LLMUnavailable (exit status 2) when every planned item failed: a broken LLM is not an empty day."""
    from rolegraph.errors import LLMUnavailable

    if (why := summary.failed_everything()) is not None:
        raise LLMUnavailable(why)


def backfill(args: argparse.Namespace) -> int:
    """`rolegraph backfill`: successive days of `grow --budget N` until every item is tagged."""
    from datetime import timedelta

    from rolegraph.errors import InvalidInput
    from rolegraph.graph.connect import open_store
    from rolegraph.graph.validate import check_day
    from rolegraph.reasoning.grow.wiring import open_run

    if args.days < 1 or args.budget < 1:
        raise InvalidInput(f"--days and --budget must be at least 1, got {args.days} and {args.budget}")
    summaries = []
    first = date.fromisoformat(check_day(args.day, "--day"))
    with open_store() as store:
        for n in range(args.days):
            day = (first + timedelta(days=n)).isoformat()
            config = GrowConfig(
                day=day,
                max_items=args.budget,
                max_tags=args.max_tags,
                max_checks=args.max_checks,
                chunk=args.chunk,
                distill=not args.no_distill,
                popular_first=True,
                handbook=args.handbook,
                reask=not args.no_reask,
            )
            with open_run(store, config, progress_bar) as run:
                summary = run()
            _show(summary)
            summaries.append(summary.as_dict())
            if summary.failed_everything() is not None:
                break  # the next days would fail the same way
            if store.growth.plannable() == 0:  # failed items, and unusable answers not yet retried, go on
                console.print(f"every item is tagged, or set aside after its retry, after {day}")
                break
    if args.json is not None:
        dump_json({"days": summaries}, args.json)
    if summaries:
        _fail_if_nothing_tagged(summary)
    return 0


def regate(args: argparse.Namespace) -> int:
    """`rolegraph gate`: the quality gate over every LLM tag in the graph, resumable; prints what it did."""
    from rolegraph.graph.connect import open_store
    from rolegraph.reasoning.grow import regating
    from rolegraph.reasoning.grow.wiring import open_context

    config = GrowConfig(day=args.day, reask=not args.no_reask)
    run = regating.run_id(config.day)
    with open_store() as store, open_context(store, config, progress_bar, run=run) as ctx:
        status = regating.regate(ctx, dry_run=args.dry_run)
        counts = {**dict(sorted(ctx.counts.items())), **ctx.client.usage.as_dict()}
    if status == "already done":
        console.print(f"{run} finished before: nothing to do (0 LLM calls)")
    rows = [(k, int(v) if float(v).is_integer() else f"{v:.3f}") for k, v in counts.items()]
    table(f"{run} ({status})", ("what", "count"), rows)
    if args.json is not None:
        dump_json({"run": run, "status": status, "counts": counts, "timings": ctx.timings}, args.json)
    return 0


def _show(summary: Summary) -> None:
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
        merges = [(m.alias_key, m.canonical_key, f"{m.score:.3f}", m.method, m.reason) for m in summary.merges[:15]]
        table(f"merges ({len(summary.merges)})", ("alias", "canonical", "cosine", "method", "reason"), merges)
    table("timings", ("step", "seconds"), [(k, f"{s:.1f}") for k, s in summary.timings.items()])


def unmerge(args: argparse.Namespace) -> int:
    """`rolegraph tags unmerge ALIAS`."""
    from rolegraph.graph import validate
    from rolegraph.graph.connect import open_store
    from rolegraph.reasoning.unmerge import unmerge as unmerge_tag

    alias = validate.check_tag_key(args.alias)  # refused before the graph is opened
    with open_store() as store:
        targets, moved = unmerge_tag(store, alias)
    console.print(
        f"{alias} is its own tag again (was an alias of {', '.join(targets)}); moved back: {moved.item_edges} item "
        f"edges, {moved.logic_edges} logic edges, {moved.roles} user roles ({moved.roles_moved} taken off "
        f"{', '.join(targets)}, the others shared with it)"
    )
    return 0
