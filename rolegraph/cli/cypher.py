"""`rolegraph cypher`: list, show and run the analysts' read-only Cypher library (`graph.analyst`)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from typing import Any

from rolegraph.cli.ui import Subparsers, out, table
from rolegraph.errors import InvalidInput
from rolegraph.graph import analyst
from rolegraph.graph.backend import Row, deadline

MAX_TIMEOUT_S = 86_400  # a day: longer is a mistake (and infinity cannot be a server timeout)

FORMATS = ("table", "json", "csv")
#: an analyst's query that runs longer is cancelled by the database itself, not left running on the server
DEFAULT_TIMEOUT_S = 60.0


def register(sub: Subparsers) -> None:
    """Adds `rolegraph cypher list|show|run` to the sub-parsers action ``sub``."""
    p = sub.add_parser(
        "cypher",
        help="the analysts' Cypher library: list, show and run read-only queries",
        description="Named read-only queries in cypher/analyst/. Anything that could write is refused before "
        "it runs, and queries run in the database's read-only mode.",
    )
    action = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    ls = action.add_parser("list", help="the library's queries with their purpose and parameters")
    ls.add_argument("--json", action="store_true", help="print the headers as JSON")
    ls.set_defaults(func=list_queries)

    show = action.add_parser("show", help="one query's header and Cypher (paste it into Neo4j Browser)")
    show.add_argument("name", help="a query name from `rolegraph cypher list`")
    show.set_defaults(func=show_query)

    run = action.add_parser(
        "run",
        help="run one query read-only",
        description="Runs a library query by NAME, or free Cypher with --query or --file (checked the same way). "
        "Values are typed by the query's declared parameters (string, int, float, bool, JSON list or map); free "
        "Cypher guesses them (int, finite float, bool, JSON, else string). An integer past signed 64 bits, or a "
        "declared float that is not finite, is refused.",
    )
    run.add_argument("name", nargs="?", help="a query name from `rolegraph cypher list`")
    run.add_argument("--query", default=None, metavar="CYPHER", help="run this Cypher text instead of a named query")
    run.add_argument("--file", default=None, metavar="PATH", help="run the Cypher in this file instead")
    run.add_argument(
        "--param", action="append", default=[], metavar="K=V", help="a parameter value (repeat for several)"
    )
    run.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    run.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"the database cancels the query after this long (default: {DEFAULT_TIMEOUT_S:g})",
    )
    run.set_defaults(func=run_query)


def list_queries(args: argparse.Namespace) -> int:
    """`rolegraph cypher list`."""
    lib = analyst.library()
    if args.json:
        data = [
            {
                "name": q.name,
                "purpose": q.purpose,
                "params": {n: {"type": p.type, "default": p.default, "doc": p.doc} for n, p in q.params.items()},
                "examples": list(q.examples),
                "file": str(q.statement.path.relative_to(analyst.CYPHER_DIR.parent)),
            }
            for q in lib.values()
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return 0
    rows = [(q.name, _signature(q), q.purpose) for q in sorted(lib.values(), key=lambda q: q.name)]
    table(f"{len(rows)} analyst queries (rolegraph cypher show NAME)", ("name", "parameters", "purpose"), rows)
    return 0


def _signature(q: analyst.AnalystQuery) -> str:
    return ", ".join(p.name if p.required else f"{p.name}={p.default}" for p in q.params.values()) or "-"


def show_query(args: argparse.Namespace) -> int:
    """`rolegraph cypher show NAME`."""
    q = _named(args.name)
    lines = [f"// {q.name} — {q.purpose}"]
    lines += [f"// ${p.name}: {p.type}{'' if p.required else f' = {p.default}'} — {p.doc}" for p in q.params.values()]
    lines += [f"// example: {e}" for e in q.examples]
    sys.stdout.write("\n".join(lines) + "\n" + q.text + ";\n")
    return 0


def _named(name: str) -> analyst.AnalystQuery:
    lib = analyst.library()
    if name not in lib:
        raise InvalidInput(f"no analyst query named '{name}' — `rolegraph cypher list` shows them")
    return lib[name]


def run_query(args: argparse.Namespace) -> int:
    """`rolegraph cypher run`: checks everything before the database is opened."""
    from rolegraph.graph.connect import open_store

    given = _pairs(args.param)
    sources = [s for s in (args.name, args.query, args.file) if s is not None]
    if len(sources) != 1:
        raise InvalidInput("give exactly one of NAME, --query CYPHER or --file PATH")
    if args.name is not None:
        q = _named(args.name)
        stmt, params = q.statement, analyst.bind(q, given)
    else:
        text = args.query if args.query is not None else _read(args.file)
        stmt, params = analyst.adhoc(text, given)
    if not 0 < args.timeout <= MAX_TIMEOUT_S:  # NaN and infinity fail this too
        raise InvalidInput(f"--timeout must be between 0 and {MAX_TIMEOUT_S:,} seconds, not {args.timeout:g}")
    with open_store() as store, deadline(args.timeout):
        rows = analyst.run(store.backend, stmt, params)
    write_rows([{k: analyst.display(v) for k, v in r.items()} for r in rows], args.format, title=stmt.name)
    return 0


def _pairs(raw: Sequence[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in raw:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"--param {item!r} is not K=V")
        if key.strip() in pairs:
            raise InvalidInput(f"--param {key.strip()} is given twice")
        pairs[key.strip()] = value
    return pairs


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise InvalidInput(f"cannot read {path}: {e.strerror}") from None


def write_rows(rows: list[Row], fmt: str, title: str = "") -> None:
    """Prints rows as a table, a JSON list of objects, or CSV (nested values as JSON) to stdout."""
    columns = list(rows[0]) if rows else []
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, indent=2, default=str) + "\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(r[c]) for c in columns] for r in rows)
    elif rows:
        table(f"{title} ({len(rows)} rows)", tuple(columns), [tuple(_cell(r[c]) for c in columns) for r in rows])
    else:
        out.print(f"{title}: no rows")


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    if value is None:
        return ""
    return value
