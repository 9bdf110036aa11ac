"""The seam between the store and a database engine.

A backend runs one named statement with parameters and returns rows as plain dicts. It knows nothing of
the data model; `graph.store.GraphStore` does. Two implementations: `graph.falkor.FalkorBackend`
(embedded or external FalkorDB) and `graph.neo4j_backend.Neo4jBackend`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from graph.queries import Statement

Row = dict[str, Any]


class Backend(Protocol):
    """A connected graph database."""

    #: "falkordb" or "neo4j": picks the schema file and the constraint mechanism.
    kind: str
    #: The URI it was opened from, for messages (no password).
    uri: str

    def run(self, stmt: Statement, params: Mapping[str, Any], *, write: bool) -> list[Row]:
        """Runs one statement in its own transaction; ``write=False`` runs it read-only."""
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
