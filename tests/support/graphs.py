"""Fresh graphs for tests on either engine, behind one interface: stores, bare backends, and settings a
child process opens by URI.

FalkorDB: a new graph key on the session's embedded server, dropped afterwards. Neo4j: a database lent by
`tests.support.neo4j.Neo4jDatabases`, wiped when lent.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

from rolegraph.graph.backend import Backend
from rolegraph.graph.falkor import FalkorBackend
from rolegraph.graph.schema import init_schema
from rolegraph.graph.store import GraphStore
from rolegraph.settings import GraphSettings
from tests.support.neo4j import LocalNeo4j

ENGINES = ("falkordb", "neo4j")


class Graphs:
    """Hands out empty graphs on the engine a test names."""

    def __init__(self, falkordb: FalkorBackend, neo4j: LocalNeo4j):
        self._falkordb = falkordb
        self._neo4j = neo4j

    @contextlib.contextmanager
    def store(self, engine: str, batch_size: int = 5000, page_size: int = 10_000) -> Iterator[GraphStore]:
        """An empty store with its schema, closed (and its graph dropped) afterwards."""
        if engine == "neo4j":
            with self._neo4j.databases().store(batch_size, page_size) as s:
                yield s
            return
        backend = self._falkordb_graph()
        init_schema(backend)
        with GraphStore(backend, batch_size=batch_size, page_size=page_size) as s:
            yield s

    @contextlib.contextmanager
    def bare(self, engine: str) -> Iterator[Backend]:
        """A backend on an empty database without the schema `rolegraph init` creates."""
        if engine == "neo4j":
            databases = self._neo4j.databases()
            with databases.lend(schema=False) as uri:
                backend = databases.open(uri)
                try:
                    yield backend
                finally:
                    backend.close()
            return
        backend = self._falkordb_graph()
        try:
            yield backend
        finally:
            backend.close()

    @contextlib.contextmanager
    def settings(self, engine: str, *, schema: bool = True) -> Iterator[GraphSettings]:
        """Settings naming an empty database (with the schema or without), for the command line and child
        processes (see `env`); the database is dropped or wiped afterwards."""
        with self._database(engine, schema) as (settings, backend):
            try:
                yield settings
            finally:
                backend.close()

    @contextlib.contextmanager
    def shared(self, engine: str) -> Iterator[tuple[GraphSettings, GraphStore]]:
        """An empty store with its schema, and the settings by which a child process opens the same graph."""
        with self._database(engine, True) as (settings, backend), GraphStore(backend) as store:
            yield settings, store

    @contextlib.contextmanager
    def _database(self, engine: str, schema: bool) -> Iterator[tuple[GraphSettings, Backend]]:
        if engine == "neo4j":
            databases = self._neo4j.databases()
            with databases.lend(schema=schema) as uri:
                settings = GraphSettings(
                    graph_uri=uri,
                    neo4j_user=databases.user,
                    neo4j_password=databases.password,  # type: ignore[arg-type]
                    neo4j_database=databases.database,
                )
                yield settings, databases.open(uri)
            return
        backend = self._falkordb_graph()
        if schema:
            init_schema(backend)
        # the session's server, joined by its file: a child process opens the same graph key
        yield GraphSettings(graph_uri=self._falkordb.uri, graph_name=backend._graph.name), backend

    def _falkordb_graph(self) -> FalkorBackend:
        """A backend on a new graph key of the session's server; closing it drops the graph."""
        db: Any = self._falkordb._db
        name = f"test_{uuid.uuid4().hex[:12]}"
        graph = db.select_graph(name)

        def drop_graph() -> None:  # keeps the session's server running
            with contextlib.suppress(Exception):  # the graph may never have been created
                graph.delete()

        return FalkorBackend(db, graph, f"{self._falkordb.uri}#{name}", drop_graph)


def env(settings: GraphSettings) -> dict[str, str]:
    """``ROLEGRAPH_*`` variables that make a child process open the database of ``settings``."""
    return {
        "ROLEGRAPH_GRAPH_URI": settings.graph_uri,
        "ROLEGRAPH_GRAPH_NAME": settings.graph_name,
        "ROLEGRAPH_NEO4J_USER": settings.neo4j_user,
        "ROLEGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "ROLEGRAPH_NEO4J_DATABASE": settings.neo4j_database,
    }
