"""`rolegraph explore --all-users`: every user's T(1) by sparse products, written back as HAS_ROLE T1 edges."""

from __future__ import annotations

import argparse
import time

from rolegraph.cli.ui import Subparsers, console

#: the graph views by their API names (`cover` = G*, distilled; `full` = G, the LLM's)
VIEWS = {"cover": "distilled", "full": "llm"}


def register(sub: Subparsers) -> None:
    """Adds `explore`."""
    p = sub.add_parser(
        "explore",
        help="explore every user's roles in a batch and write T(1) back (HAS_ROLE set T1)",
        description="Computes C(1) and T(1) of every user from their T0 roles as two sparse matrix products per "
        "chunk of users (the arithmetic of GET /explore), and writes T(1) back as HAS_ROLE {set: 'T1'} edges "
        "(p, rank, run SET). Idempotent: a rerun, also after a crash, writes the same edges.",
    )
    p.add_argument("--all-users", action="store_true", required=True, help="every user (the only mode)")
    p.add_argument("--graph", choices=tuple(VIEWS), default="cover", help="graph view (default cover = G*)")
    p.add_argument("--delta", type=float, default=0.0, help="topic threshold δ (default 0)")
    p.add_argument("--branch", type=int, default=20, help="topics kept per user (default 20)")
    p.add_argument("-k", type=int, default=10, help="new roles kept per user (default 10)")
    p.add_argument("--chunk", type=int, default=5_000, help="users per sparse product (default 5000)")
    p.set_defaults(func=explore)


def explore(args: argparse.Namespace) -> int:
    """`rolegraph explore --all-users`."""
    from rolegraph.cli.ui import progress_bar
    from rolegraph.errors import InvalidInput
    from rolegraph.graph.connect import open_store
    from rolegraph.graph.explore_batch import explore_all
    from rolegraph.graph.model import Source

    if not 1 <= args.k <= 100 or not 1 <= args.branch <= 1000 or not 0 <= args.delta < 1 or args.chunk < 1:
        raise InvalidInput("need 1 ≤ k ≤ 100, 1 ≤ branch ≤ 1000, 0 ≤ delta < 1 and chunk ≥ 1")
    started = time.perf_counter()
    with open_store() as store:
        report = explore_all(
            store,
            Source(VIEWS[args.graph]),
            delta=args.delta,
            branch=args.branch,
            k=args.k,
            chunk=args.chunk,
            progress=progress_bar,
        )
    console.print(
        f"{report.users:,} users explored in {time.perf_counter() - started:.1f} s: {report.t1_entries:,} T(1) and "
        f"{report.c1_entries:,} C(1) entries; {report.written:,} HAS_ROLE T1 edges written (run {report.run}); "
        f"reading {report.read_s:.1f} s, computing {report.compute_s:.1f} s, writing {report.write_s:.1f} s"
    )
    return 0
