"""Creates and checks the uniqueness constraints behind every MERGE key (`graph.model.NODE_KEYS`).

`rolegraph init` calls `init_schema`; every store opened for work calls `check_schema`, so a database
without its constraints is refused before a write could create duplicates.
"""

from __future__ import annotations

import re

from rolegraph.errors import SchemaError
from rolegraph.graph.backend import Backend
from rolegraph.graph.falkor import FalkorBackend
from rolegraph.graph.model import NODE_KEYS
from rolegraph.graph.queries import schema_statements

_INDEX_TARGET = re.compile(r"FOR \(n:(\w+)\) ON \(([^)]*)\)")


def required_constraints() -> set[tuple[str, tuple[str, ...]]]:
    """(label, properties) of every uniqueness constraint the data model needs."""
    return {(label.value, props) for label, props in NODE_KEYS.items()}


def init_schema(backend: Backend) -> None:
    """Creates the indexes and constraints that are missing. Idempotent."""
    ddl = [s for s in schema_statements(backend.kind) if not s.name.startswith("list_")]
    if isinstance(backend, FalkorBackend):
        # FalkorDB refuses to create an index twice: create only the missing ones, then the constraints.
        # (The listing runs as a write so that it also creates the graph key on an empty database.)
        listing = next(s for s in schema_statements("falkordb") if s.name == "list_indexes")
        have = {(r["label"], p) for r in backend.run(listing, {}, write=True) for p in r["properties"]}
        for stmt in ddl:
            m = _INDEX_TARGET.search(stmt.text)
            if m is None:
                raise SchemaError(f"cannot read the index target of '{stmt.name}'")
            indexed = [p.strip().removeprefix("n.") for p in m.group(2).split(",")]
            if not all((m.group(1), p) in have for p in indexed):
                backend.run(stmt, {}, write=True)
        for label, props in sorted(required_constraints()):
            backend.ensure_unique(label, props)
    else:
        for stmt in ddl:
            backend.run(stmt, {}, write=True)
    check_schema(backend)


def check_schema(backend: Backend) -> None:
    """Raises SchemaError naming the missing constraints, if any."""
    missing = required_constraints() - backend.unique_constraints()
    if missing:
        shown = ", ".join(f":{label}({', '.join(props)})" for label, props in sorted(missing))
        raise SchemaError(f"the graph at {backend.uri} lacks uniqueness constraints {shown} — run `rolegraph init`")
