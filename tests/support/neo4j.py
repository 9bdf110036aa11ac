"""Real local Neo4j servers for tests, and the session's databases lent one holder at a time.

The session's server is started by `rolegraph.graph.neo4j_server.serving`: free loopback ports, tied to the
test process (`ServerConfig.exit_with_pid`), so a session killed before its teardown leaves no JVM behind.
Community holds one user database per server, so the session's server runs several servers in one JVM
(`ServerConfig.extra_ports`, a few seconds each) and `Neo4jDatabases` lends their databases: a test, or a
module-scoped fixture, holds one for as long as it needs and gets it wiped.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from rolegraph.graph.neo4j_backend import Neo4jBackend, open_neo4j
from rolegraph.graph.neo4j_server import ServerState, serving
from rolegraph.graph.queries import parse_file
from rolegraph.graph.schema import init_schema
from rolegraph.graph.store import GraphStore

#: DROP statements for every index and constraint of cypher/schema/neo4j.cypher (checked by a test)
RESET_FILE = Path(__file__).with_name("neo4j_reset.cypher")


class Neo4jDatabases:
    """Lends the databases at ``uris`` (one per server), each to one holder at a time, wiped."""

    def __init__(self, uris: list[str], user: str = "neo4j", password: str = "", database: str = "neo4j"):
        self.uris = list(uris)
        self.user, self.password, self.database = user, password, database
        self._free = list(reversed(self.uris))
        self._with_schema: set[str] = set()  # databases whose constraints are known to be in place
        self._lock = threading.Lock()

    def open(self, uri: str) -> Neo4jBackend:
        """A backend on one of the databases (the caller closes it)."""
        return open_neo4j(uri, self.user, self.password, self.database, 10.0)

    @contextmanager
    def lend(self, *, schema: bool) -> Iterator[str]:
        """A database with no data, with the schema of `rolegraph init` or (``schema=False``) none at all;
        yields its URI and takes it back afterwards. Fails the test when every database is lent."""
        with self._lock:
            if not self._free:
                pytest.fail(
                    f"all {len(self.uris)} Neo4j test databases are in use — a test holds too many graphs at "
                    "once, or ROLEGRAPH_TEST_NEO4J_URI names too few (give at least 4, comma-separated)"
                )
            uri = self._free.pop()
        try:
            self._prepare(uri, schema)
            yield uri
        finally:
            if not schema:  # what the holder did to the schema is not known
                self._with_schema.discard(uri)
            with self._lock:
                self._free.append(uri)

    @contextmanager
    def store(self, batch_size: int = 5000, page_size: int = 10_000) -> Iterator[GraphStore]:
        """A store on a lent database, empty, with its schema."""
        with self.lend(schema=True) as uri, GraphStore(self.open(uri), batch_size=batch_size, page_size=page_size) as s:
            yield s

    def _prepare(self, uri: str, schema: bool) -> None:
        with GraphStore(self.open(uri)) as store:
            store.clear()
            if not schema:
                for stmt in parse_file(RESET_FILE):
                    store.backend.run(stmt, {}, write=True)
                self._with_schema.discard(uri)
            elif uri not in self._with_schema:
                init_schema(store.backend)
                self._with_schema.add(uri)


class LocalNeo4j:
    """The session's Neo4j databases, started on first use: a session that runs no Neo4j test starts no JVM.

    ``ROLEGRAPH_TEST_NEO4J_URI`` (comma-separated, one URI per database, with ``ROLEGRAPH_TEST_NEO4J_USER``,
    ``…_PASSWORD``, ``…_DATABASE``) uses running servers instead; their databases are wiped."""

    #: databases the session's server holds: a test's own graphs plus the module-scoped ones alive with it
    DATABASES = 4

    def __init__(self, folder: Path):
        self.folder = folder
        #: the server this session started (None before the first use, or with ROLEGRAPH_TEST_NEO4J_URI)
        self.state: ServerState | None = None
        self._databases: Neo4jDatabases | None = None
        self._server: ExitStack | None = None
        self._lock = threading.Lock()

    def databases(self) -> Neo4jDatabases:
        """The lender, starting the server the first time."""
        with self._lock:
            if self._databases is None:
                self._databases = self._start()
            return self._databases

    def _start(self) -> Neo4jDatabases:
        external = os.environ.get("ROLEGRAPH_TEST_NEO4J_URI")
        if external:
            return Neo4jDatabases(
                [u.strip() for u in external.split(",") if u.strip()],
                os.environ.get("ROLEGRAPH_TEST_NEO4J_USER", "neo4j"),
                os.environ.get("ROLEGRAPH_TEST_NEO4J_PASSWORD", ""),
                os.environ.get("ROLEGRAPH_TEST_NEO4J_DATABASE", "neo4j"),
            )
        self._server = ExitStack()
        self.state = self._server.enter_context(
            serving(self.folder, databases=self.DATABASES, heap_mib=768, pagecache_mib=64)
        )
        return Neo4jDatabases(list(self.state.uris))

    def close(self) -> None:
        """Stops the server if this session started one."""
        if self._server is not None:
            self._server.close()
