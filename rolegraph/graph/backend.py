"""The seam between the store and a database engine.

A backend runs one named statement with parameters and returns rows as plain dicts. It knows nothing of
the data model; `graph.store.GraphStore` does. Two implementations: `graph.falkor.FalkorBackend`
(embedded or external FalkorDB) and `graph.neo4j_backend.Neo4jBackend`.

Deadlines: inside ``with deadline(seconds):`` every statement a backend runs carries the time left as a
server-side limit (FalkorDB's per-query ``TIMEOUT``, Neo4j's transaction timeout), so the database itself
cancels a statement that runs past it and the caller gets `QueryTimeout`. The deadline is a context
variable: it follows the code into worker threads started with a copied context (asyncio, anyio).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from rolegraph.errors import QueryError
from rolegraph.graph.queries import Statement

Row = dict[str, Any]

_DEADLINE: ContextVar[float | None] = ContextVar("rolegraph_query_deadline", default=None)


class QueryTimeout(QueryError):
    """A statement ran past its deadline and the database cancelled it (or it was not started)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Statements run inside the block must finish within ``seconds`` from now (nested blocks keep the
    earlier deadline)."""
    at = time.monotonic() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(at if outer is None else min(at, outer))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


@contextmanager
def without_deadline() -> Iterator[None]:
    """Lifts the current deadline inside the block (for one-off work such as building an index)."""
    token = _DEADLINE.set(None)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining_ms(what: str) -> int | None:
    """Milliseconds left before the current deadline (at least 1), or None when there is none.

    Raises QueryTimeout naming ``what`` when the deadline has already passed, so no statement starts late.
    """
    at = _DEADLINE.get()
    if at is None:
        return None
    left = at - time.monotonic()
    if left <= 0:
        raise QueryTimeout(f"statement '{what}' not started: the deadline had passed")
    return max(1, math.ceil(left * 1000))


class Backend(Protocol):
    """A connected graph database."""

    #: "falkordb" or "neo4j": picks the schema file and the constraint mechanism.
    kind: str
    #: The URI it was opened from, for messages (no password).
    uri: str

    def run(self, stmt: Statement, params: Mapping[str, Any], *, write: bool) -> list[Row]:
        """Runs one statement in its own transaction; ``write=False`` runs it read-only (the database
        refuses a write). Under a `deadline` the database cancels it when time runs out (QueryTimeout)."""
        ...

    def run_batches(self, stmt: Statement, batches: Iterable[Mapping[str, Any]], *, write: bool) -> Iterator[list[Row]]:
        """Runs ``stmt`` once per parameter set of ``batches``, in order, each in its own transaction, and
        yields each one's rows when it is done. A backend may prepare the next set while the database
        applies the current one; a failed statement raises before any later set is sent."""
        ...

    def read_graph(self, stmt: Statement, params: Mapping[str, Any]) -> list[Row]:
        """Runs one statement read-only and returns any value, graph elements included: a node as
        ``{"id", "labels", "properties"}``, a relationship as ``{"id", "type", "start", "end", "properties"}``,
        a path as ``{"nodes": [...], "relationships": [...]}`` (ids are the engine's own). Slower than
        `run`; for the analysts' queries and Bloom search phrases."""
        ...

    def unique_constraints(self) -> set[tuple[str, tuple[str, ...]]]:
        """The operational uniqueness constraints, as (label, properties)."""
        ...

    def close(self) -> None:
        """Releases connections (and stops an embedded server this process started)."""
        ...
