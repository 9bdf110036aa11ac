"""`rolegraph` — build, grow and query the role/topic logic graph.

Every command reads its settings from ROLEGRAPH_* environment variables (see README); errors are one
line on stderr with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from rolegraph import __version__
from rolegraph.cli import commands
from rolegraph.cli.ui import fail
from rolegraph.errors import InvalidInput, RolegraphError

# Modules that add their own sub-commands: each has ``register(sub)`` taking the sub-parsers action.
# The import happens when the parser is built, so `rolegraph --help` stays fast for the core commands.
COMMAND_MODULES: tuple[str, ...] = ("reasoning.cli", "recsys.cli", "api.cli", "rolegraph.cli.cypher")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="rolegraph",
        description="Knowledge graph of user roles, item topics and the logic between them.",
        epilog="Graph location: ROLEGRAPH_GRAPH_URI (default falkordb-lite://data/graph.db, embedded). "
        "See README.md for all settings.",
    )
    parser.add_argument("--version", action="version", version=f"rolegraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create the graph's uniqueness constraints and indexes (idempotent)")
    p.set_defaults(func=commands.init)

    p = sub.add_parser("load", help="load data into the graph (idempotent: loading twice changes nothing)")
    what = p.add_subparsers(dest="what", required=True, metavar="SOURCE")
    m = what.add_parser("movielens", help="MovieLens-100K atomic files (items, users, ratings)")
    m.add_argument(
        "--dir", type=Path, default=None, help="folder with ml-100k.item/.user/.inter (default data/ml-100k)"
    )
    for name, helptext in (
        ("items", 'items JSONL: one {"id", "title", "text", …} per line'),
        ("users", 'users JSONL: one {"id", …attributes} per line'),
        ("interactions", "interactions CSV (user_id,item_id,ts[,rating]) or JSONL with those fields"),
    ):
        f = what.add_parser(name, help=helptext, description=helptext)
        f.add_argument("path", type=Path, help="the file to load (UTF-8)")
    for q in (m, *[what.choices[n] for n in ("items", "users", "interactions")]):
        q.add_argument("--strict", action="store_true", help="refuse the whole load if any row is bad")
        q.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the summary as JSON")
    p.set_defaults(func=commands.load)

    p = sub.add_parser("stats", help="node counts per label and edge counts per relationship type")
    p.add_argument("--json", action="store_true", help='print JSON: {"nodes": {label: n}, "relationships": {type: n}}')
    p.set_defaults(func=commands.stats)

    p = sub.add_parser("llm", help="the embedded LLM (llama.cpp server on the packaged Gemma 3 270M)")
    llm = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    serve = llm.add_parser(
        "serve",
        help="run the OpenAI-compatible server in the foreground (Ctrl-C stops it)",
        description="Serves the GGUF at ROLEGRAPH_LLM_MODEL_PATH under the name ROLEGRAPH_LLM_MODEL on "
        "ROLEGRAPH_LLM_HOST:ROLEGRAPH_LLM_PORT (loopback by default). Point ROLEGRAPH_LLM_BASE_URL at vLLM "
        "instead in production.",
    )
    serve.add_argument("--host", default=None, help="listen address (default: ROLEGRAPH_LLM_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="listen port (default: ROLEGRAPH_LLM_PORT, 8765)")
    p.set_defaults(func=commands.llm)

    p = sub.add_parser(
        "synth",
        help="generate a synthetic world with planted roles, topics and logic",
        description="Writes items.jsonl, users.jsonl, interactions.csv (loadable with `rolegraph load`) and the "
        "planted truth in truth/.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--users", type=int, default=1000, help="number of users")
    p.add_argument("--items", type=int, default=500, help="number of items")
    p.add_argument("--roles", type=int, default=40, help="planted user roles (user tags)")
    p.add_argument("--topics", type=int, default=80, help="planted topics (item tags)")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed writes the same files")
    p.add_argument("--fanout", type=int, default=5, help="logic edges per role and per topic")
    p.add_argument("--interactions-per-user", type=float, default=20.0, help="mean (Poisson)")
    p.add_argument("--noise", type=float, default=0.1, help="share of interactions with a random item")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.set_defaults(func=commands.synth)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except InvalidInput as e:
        return fail(str(e), 1)
    except RolegraphError as e:
        return fail(str(e), 2)
    except KeyboardInterrupt:
        return fail("interrupted — rerun the same command to resume (writes are idempotent)", 130)


def _json_default(value: object) -> object:
    return str(value)


def dump_json(data: object, path: Path | None) -> None:
    """Writes ``data`` as JSON to ``path``, or to stdout when path is None."""
    text = json.dumps(data, indent=2, sort_keys=True, default=_json_default)
    if path is None:
        sys.stdout.write(text + "\n")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
