"""Loads the named Cypher statements of ``cypher/*.cypher``.

A file holds blocks that start with ``// name: <name>``; ``// params: a, b`` declares the parameters the
block uses (``-`` for none). Everything up to the next name line is the statement. The same format is
read by ``tools/cypher-lint/lint.mjs``, which parses every block with Neo4j's front end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rolegraph.errors import QueryError

CYPHER_DIR = Path(__file__).resolve().parent.parent / "cypher"

_NAME = re.compile(r"^//\s*name:\s*(\S+)\s*$")
_PARAMS = re.compile(r"^//\s*params:\s*(.*)$")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Statement:
    """One named statement: its text (comments stripped) and declared parameters."""

    name: str
    text: str
    params: frozenset[str]
    path: Path
    line: int


def parse_file(path: Path) -> list[Statement]:
    """Splits a ``.cypher`` file into named statements; raises QueryError on a malformed file."""
    statements: list[Statement] = []
    name: str | None = None
    start = 0
    params: set[str] = set()
    body: list[str] = []

    def close() -> None:
        if name is None:
            return
        text = "\n".join(body).strip().rstrip(";").strip()
        if not text:
            raise QueryError(f"{path}:{start}: statement '{name}' is empty")
        used = set(_PARAM_USE.findall(_strip_strings(text)))
        if used != params:
            raise QueryError(f"{path}:{start}: statement '{name}' declares {sorted(params)} but uses {sorted(used)}")
        statements.append(Statement(name, text, frozenset(params), path, start))

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if m := _NAME.match(line):
            close()
            name, start, params, body = m.group(1), number, set(), []
        elif m := _PARAMS.match(line):
            params |= {p.strip() for p in m.group(1).split(",") if p.strip() and p.strip() != "-"}
        elif line.lstrip().startswith("//"):
            continue
        elif name is None:
            if line.strip():
                raise QueryError(f"{path}:{number}: statement text before the first '// name:' line")
        else:
            body.append(line)
    close()
    return statements


def _strip_strings(text: str) -> str:
    """Removes quoted string literals so a '$' inside a string is not taken for a parameter."""
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", text)


@cache
def catalog(root: Path = CYPHER_DIR) -> dict[str, Statement]:
    """All statements under ``root`` except the schema folder, by name. Names are unique."""
    found: dict[str, Statement] = {}
    for path in sorted(root.rglob("*.cypher")):
        if "schema" in path.relative_to(root).parts or "node_modules" in path.parts:
            continue
        for stmt in parse_file(path):
            if stmt.name in found:
                raise QueryError(f"statement '{stmt.name}' is defined in {found[stmt.name].path} and {path}")
            found[stmt.name] = stmt
    return found


def statement(name: str) -> Statement:
    """The statement called ``name``; raises QueryError if there is none."""
    try:
        return catalog()[name]
    except KeyError:
        raise QueryError(f"no Cypher statement named '{name}' in {CYPHER_DIR}") from None


def schema_statements(backend: str) -> list[Statement]:
    """The DDL of one backend (``neo4j`` or ``falkordb``), in file order."""
    return parse_file(CYPHER_DIR / "schema" / f"{backend}.cypher")
