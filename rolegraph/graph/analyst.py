"""The analysts' Cypher library (``cypher/analyst/*.cypher``) and its read-only runner.

Each query is a named block like every other statement (`graph.queries`), with a documented header:

    // name: analyst_logic_chains
    // What it returns, in a sentence or two.
    // params: role, source, limit
    // param role: string — the role's tag key
    // param limit: int = 25 — at most this many rows
    // example: rolegraph cypher run analyst_logic_chains --param role=student

``// param NAME: TYPE [= DEFAULT] — text`` gives each declared parameter a type (string, int, float, bool,
list, map) that ``--param k=v`` values are converted to, and optionally a default. Every statement is
checked by `graph.readonly.check_read_only` before it runs and then runs read-only at the database.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rolegraph.errors import InvalidInput, QueryError
from rolegraph.graph.backend import Backend, QueryTimeout, Row
from rolegraph.graph.queries import CYPHER_DIR, Statement, catalog, parse_file
from rolegraph.graph.readonly import check_read_only, one_statement, parameters
from rolegraph.graph.validate import check_unicode

ANALYST_DIR = CYPHER_DIR / "analyst"
TYPES = ("string", "int", "float", "bool", "list", "map")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # the integers FalkorDB and Neo4j store
ADHOC = "adhoc"  # the statement name of a query a user gives as text (`--query`, `--file`)
_A = {"int": "an int", "float": "a float", "bool": "a bool (true or false)", "list": "a JSON list", "map": "a JSON map"}

_PARAM_DOC = re.compile(r"^//\s*param\s+(\w+)\s*:\s*(\w+)\s*(?:=\s*(.*?)\s*)?(?:—|--)\s*(.*)$")
_EXAMPLE = re.compile(r"^//\s*example:\s*(.*)$")
_SKIP = re.compile(r"^//\s*(name|params):")


@dataclass(frozen=True)
class Param:
    """A declared parameter: its type, default (None = required) and description."""

    name: str
    type: str
    default: Any
    doc: str

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class AnalystQuery:
    """One library query: the statement, its purpose, typed parameters and examples."""

    statement: Statement
    purpose: str
    params: dict[str, Param]
    examples: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.statement.name

    @property
    def text(self) -> str:
        return self.statement.text


def library(root: Path = ANALYST_DIR) -> dict[str, AnalystQuery]:
    """Every query under ``root`` by name, with its parsed header. Raises QueryError on a query whose
    header is incomplete (no purpose, an undocumented or mistyped parameter) or that could write."""
    known = catalog()
    found: dict[str, AnalystQuery] = {}
    for path in sorted(root.rglob("*.cypher")):
        headers = _headers(path)
        for stmt in parse_file(path):
            if known.get(stmt.name, stmt).path != stmt.path:
                raise QueryError(f"{path}:{stmt.line}: '{stmt.name}' is also defined in {known[stmt.name].path}")
            query = _document(stmt, headers.get(stmt.name, []))
            check_read_only(stmt.text)
            found[stmt.name] = query
    return found


def _headers(path: Path) -> dict[str, list[str]]:
    """The comment lines of each block (from its name line to its first line of Cypher), by name."""
    headers: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^//\s*name:\s*(\S+)\s*$", line):
            current = headers.setdefault(m.group(1), [])
        elif current is not None and line.lstrip().startswith("//"):
            current.append(line.strip())
        elif line.strip():
            current = None
    return headers


def _document(stmt: Statement, lines: list[str]) -> AnalystQuery:
    where = f"{stmt.path}:{stmt.line}: '{stmt.name}'"
    purpose: list[str] = []
    params: dict[str, Param] = {}
    examples: list[str] = []
    for line in lines:
        if m := _PARAM_DOC.match(line):
            name, kind, default, doc = m.groups()
            if kind not in TYPES:
                raise QueryError(f"{where}: parameter {name} has type '{kind}' — use one of {', '.join(TYPES)}")
            value = None if default is None else convert(name, default, kind)
            params[name] = Param(name, kind, value, doc.strip())
        elif m := _EXAMPLE.match(line):
            examples.append(m.group(1).strip())
        elif not _SKIP.match(line) and not params and not examples:
            purpose.append(line.removeprefix("//").strip())
    if not purpose:
        raise QueryError(f"{where} has no purpose line")
    if not examples:
        raise QueryError(f"{where} has no '// example:' line")
    if set(params) != set(stmt.params):
        raise QueryError(
            f"{where} documents parameters {sorted(params)} but declares {sorted(stmt.params)} "
            "— add a '// param NAME: TYPE — text' line for each"
        )
    return AnalystQuery(stmt, " ".join(purpose), params, tuple(examples))


def convert(name: str, raw: str, kind: str | None) -> Any:
    """Converts a ``--param`` value to ``kind``; with no kind, guesses (int, finite float, bool, JSON, else
    string: ``nan`` and ``inf`` stay text).
    Raises InvalidInput naming the parameter on a value of the wrong type, text that is not valid Unicode, or
    an integer (also one inside a JSON list or map) outside the databases' signed 64-bit range — refused, not
    clamped to 2^63-1 by the engine, nor guessed as a rounded float."""
    check_unicode(raw, f"parameter {name}")
    value = _typed(name, raw, kind)
    _check_int64(name, raw, value)
    return value


def _typed(name: str, raw: str, kind: str | None) -> Any:
    """``raw`` as ``kind`` (see `convert`), before the range check."""
    if kind == "string":
        return raw
    if kind is None:
        for guess in ("bool", "int", "float", "list", "map"):
            try:
                return _typed(name, raw, guess)
            except InvalidInput:
                continue
        return raw
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            number = float(raw)
            if not math.isfinite(number):  # NaN, inf or an overflow like 1e400: no query means one
                raise ValueError("not a finite number")
            return number
        if kind == "bool":
            if raw.lower() not in ("true", "false"):
                raise ValueError("expected true or false")
            return raw.lower() == "true"
        value = json.loads(raw)
    except ValueError as e:
        raise InvalidInput(f"parameter {name}={raw!r} is not {_A[kind]}: {e}") from None
    expected = list if kind == "list" else dict
    if not isinstance(value, expected):
        raise InvalidInput(f"parameter {name}={raw!r} is not {_A[kind]}")
    return value


def _check_int64(name: str, raw: str, value: Any) -> None:
    """InvalidInput when ``value`` is or holds an integer outside [-2^63, 2^63-1]."""
    if isinstance(value, list | dict):
        for inner in value.values() if isinstance(value, dict) else value:
            _check_int64(name, raw, inner)
    elif isinstance(value, int) and not isinstance(value, bool) and not INT64_MIN <= value <= INT64_MAX:
        where = "" if raw.strip() == str(value) else f" holds {value}, which"
        raise InvalidInput(
            f"parameter {name}={raw!r}{where} does not fit in a 64-bit integer, the databases' integer "
            f"({INT64_MIN} to {INT64_MAX})"
        )


def bind(query: AnalystQuery, given: Mapping[str, str]) -> dict[str, Any]:
    """Typed parameter values for ``query`` from raw ``--param`` strings plus defaults. Raises InvalidInput
    on an unknown or missing parameter."""
    unknown = sorted(set(given) - set(query.params))
    if unknown:
        declared = ", ".join(sorted(query.params)) or "none"
        raise InvalidInput(f"'{query.name}' has no parameter {', '.join(unknown)} (it takes: {declared})")
    values: dict[str, Any] = {}
    for name, param in query.params.items():
        if name in given:
            values[name] = convert(name, given[name], param.type)
        elif param.required:
            raise InvalidInput(f"'{query.name}' needs --param {name}=… ({param.type}: {param.doc})")
        else:
            values[name] = param.default
    return values


def adhoc(text: str, given: Mapping[str, str]) -> tuple[Statement, dict[str, Any]]:
    """A statement from free text (a file or ``--query``), checked read-only, with guessed parameter types.
    Raises WriteRefused when it could write and InvalidInput when parameters do not match its ``$names``."""
    toks = check_read_only(check_unicode(text, "the query"))
    text = one_statement(text, toks)
    if not text:
        raise InvalidInput("the query is empty")
    used = parameters(toks)
    if used != set(given):
        raise InvalidInput(f"the query uses parameters {sorted(used)} but was given {sorted(given)}")
    stmt = Statement(ADHOC, text, frozenset(used), Path("<query>"), 1)
    return stmt, {name: convert(name, raw, None) for name, raw in given.items()}


def run(backend: Backend, stmt: Statement, params: Mapping[str, Any]) -> list[Row]:
    """Runs a statement after the read-only check, read-only at the database; nodes, relationships and
    paths come back as plain dicts (see `Backend.read_graph`)."""
    check_read_only(stmt.text)
    try:
        return backend.read_graph(stmt, params)
    except QueryTimeout:
        raise
    except QueryError as e:  # the database refused the user's own text (syntax, types): bad input
        if stmt.name != ADHOC:
            raise
        raise InvalidInput(f"the query failed at the database: {e}") from e


def display(value: Any) -> Any:
    """A value for output: tag embeddings (384 floats) shown as their length, the rest unchanged."""
    if isinstance(value, dict):
        return {
            k: f"<{len(v)} floats>" if k == "embedding" and isinstance(v, list) else display(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [display(v) for v in value]
    return value
