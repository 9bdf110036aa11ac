"""`rolegraph init | load | stats | synth | load-truth`: the graph's schema, data in, counts out."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rolegraph.cli.ui import Subparsers, console, dump_json, progress_bar, table

_FILES = (
    ("items", 'items JSONL: one {"id", "title", "text", …} per line'),
    ("users", 'users JSONL: one {"id", …attributes} per line'),
    ("interactions", "interactions CSV (user_id,item_id,ts[,rating]) or JSONL with those fields"),
)
_VIEWS = ("cover", "full", "both")


def register(sub: Subparsers) -> None:
    """Adds init, load, stats, synth and load-truth."""
    p = sub.add_parser("init", help="create the graph's uniqueness constraints and indexes (idempotent)")
    p.set_defaults(func=init)

    p = sub.add_parser(
        "load",
        help="load data into the graph (idempotent: loading twice changes nothing)",
        description="Bad rows are listed with file and line and skipped (exit 0 with the count); a load in "
        "which every row is bad writes nothing and exits 1, and --strict refuses the load if any row is bad.",
    )
    what = p.add_subparsers(dest="what", required=True, metavar="SOURCE")
    m = what.add_parser("movielens", help="MovieLens-100K atomic files (items, users, ratings)")
    m.add_argument(
        "--dir", type=Path, default=None, help="folder with ml-100k.item/.user/.inter (default data/ml-100k)"
    )
    sources = [m]
    for name, helptext in _FILES:
        f = what.add_parser(name, help=helptext, description=helptext)
        f.add_argument("path", type=Path, help="the file to load (UTF-8)")
        sources.append(f)
    for q in sources:
        q.add_argument("--strict", action="store_true", help="refuse the whole load if any row is bad")
        q.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the summary as JSON")
    p.set_defaults(func=load)

    p = sub.add_parser("stats", help="node counts per label and edge counts per relationship type")
    p.add_argument("--json", action="store_true", help='print JSON: {"nodes": {label: n}, "relationships": {type: n}}')
    p.set_defaults(func=stats)

    p = sub.add_parser(
        "synth",
        help="generate a synthetic world with planted roles, topics and logic",
        description="Writes items.jsonl, users.jsonl, interactions.csv (loadable with `rolegraph load`) and the "
        "planted truth in truth/ (loadable with `rolegraph load-truth`).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--users", type=int, default=1000, help="number of users")
    p.add_argument("--items", type=int, default=500, help="number of items")
    p.add_argument("--roles", type=int, default=40, help="planted user roles (user tags)")
    p.add_argument("--topics", type=int, default=80, help="planted topics (item tags)")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed writes the same files")
    p.add_argument("--fanout", type=int, default=5, help="logic edges per role and per topic")
    p.add_argument("--interactions-per-user", type=float, default=20.0, help="mean (Poisson)")
    p.add_argument("--noise", type=float, default=0.1, help="share of interactions with any item, by popularity")
    p.add_argument("--session-length", type=float, default=5.0, help="mean items per session (geometric)")
    p.add_argument("--stay", type=float, default=0.7, help="chance that a session's next item keeps its topic")
    p.add_argument("--item-zipf", type=float, default=1.0, help="exponent of the items' long-tail popularity")
    p.add_argument(
        "--role-zipf", type=float, default=0.8, help="exponent of the role prior 1/rank^a (0: every role as common)"
    )
    p.add_argument("--roles-per-item", type=int, default=3, help="draws of an item's role tags from its consumers")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.set_defaults(func=synth)

    p = sub.add_parser("load-truth", help="write a synthetic world's planted tags and logic into the graph")
    p.add_argument("dir", type=Path, help="a `rolegraph synth` output folder (with truth/)")
    p.add_argument("--graph", choices=_VIEWS, default="both", help="which view(s) to write (cover = G*, full = G)")
    p.set_defaults(func=load_truth)


# Each command imports the library it runs inside its function: start-up time of every other command.


def init(args: argparse.Namespace) -> int:
    """`rolegraph init`: constraints and indexes."""
    from rolegraph.graph.connect import open_backend
    from rolegraph.graph.schema import init_schema
    from rolegraph.settings import GraphSettings

    settings = GraphSettings()
    backend = open_backend(settings)
    try:
        init_schema(backend)
    finally:
        backend.close()
    console.print(f"schema ready at {settings.graph_uri}")
    return 0


def load(args: argparse.Namespace) -> int:
    """`rolegraph load SOURCE`: parse, then write what parsed cleanly; print a summary."""
    from rolegraph.graph.connect import open_store
    from rolegraph.graph.loaders.files import read_interactions, read_items, read_users
    from rolegraph.graph.loaders.movielens import read_movielens
    from rolegraph.graph.loaders.write import write_dataset
    from rolegraph.settings import DataSettings

    started = time.monotonic()
    if args.what == "movielens":
        data = read_movielens(args.dir or Path(DataSettings().data_dir) / "ml-100k")
    else:
        data = {"items": read_items, "users": read_users, "interactions": read_interactions}[args.what](args.path)
    with open_store() as store:
        summary = write_dataset(store, data, progress_bar, strict=args.strict)
    for row in summary.bad_rows[:20]:
        console.print(f"[yellow]skipped[/yellow] {row}", highlight=False)
    if len(summary.bad_rows) > 20:
        console.print(f"[yellow]… and {len(summary.bad_rows) - 20} more skipped rows[/yellow]")
    rows = [*summary.written.items(), ("skipped rows", len(summary.bad_rows))]
    table(f"load {args.what} ({time.monotonic() - started:.1f} s)", ("what", "rows"), rows)
    if args.json is not None:
        dump_json({"written": summary.written, "skipped": [str(r) for r in summary.bad_rows]}, args.json)
    return 0


def stats(args: argparse.Namespace) -> int:
    """`rolegraph stats`: counts per label and per relationship type, the tag merges made, blocked and undone,
    the item → tag edges the quality gate quarantined (by type and reason) and the candidate pairs behaviour
    proposed (by kind and status)."""
    from rolegraph.graph.connect import open_store

    with open_store() as store:
        s = store.stats()
        merges = store.tags.merge_counts()
        quarantined = store.quarantine.counts()
        candidates = store.calibration.counts()
    if args.json:
        dump_json(
            {
                "nodes": s.nodes,
                "relationships": s.relationships,
                "merges": merges,
                "quarantined": quarantined,
                "candidates": candidates,
            },
            None,
        )
        return 0
    table("nodes", ("label", "count"), sorted(s.nodes.items()))
    table("relationships", ("type", "count"), sorted(s.relationships.items()))
    table("tag merges", ("what", "count"), [(f"merges {k}", n) for k, n in merges.items()])
    table("quarantined tag edges", ("type/reason", "count"), sorted(quarantined.items()))
    table("candidate logic pairs", ("kind/status", "count"), sorted(candidates.items()))
    return 0


def synth(args: argparse.Namespace) -> int:
    """`rolegraph synth`: write a synthetic world to a folder."""
    from rolegraph.graph.synth import SynthConfig, generate

    cfg = SynthConfig(
        users=args.users,
        items=args.items,
        roles=args.roles,
        topics=args.topics,
        seed=args.seed,
        fanout=args.fanout,
        interactions_per_user=args.interactions_per_user,
        noise=args.noise,
        session_length=args.session_length,
        stay=args.stay,
        item_zipf=args.item_zipf,
        role_zipf=args.role_zipf,
        roles_per_item=args.roles_per_item,
    )
    cfg.check()
    with progress_bar("users", cfg.users) as tick:
        counts = generate(cfg, args.out, tick)
    table(f"synthetic world in {args.out}", ("what", "count"), sorted(counts.items()))
    return 0


def load_truth(args: argparse.Namespace) -> int:
    """`rolegraph load-truth DIR`: the planted truth as the LLM's view (full), the cover view, or both."""
    from rolegraph.graph.connect import open_store
    from rolegraph.graph.loaders.synth_truth import load_truth as write_truth
    from rolegraph.graph.model import Source

    sources = tuple(Source) if args.graph == "both" else (Source.view(args.graph),)
    with open_store() as store:
        written = write_truth(store, args.dir, sources)
    table(f"planted truth of {args.dir}", ("what", "rows"), sorted(written.items()))
    return 0
