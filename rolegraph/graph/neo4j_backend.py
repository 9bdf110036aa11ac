"""Neo4j 5 backend over Bolt with the official driver.

Data statements run through ``driver.execute_query``: a managed transaction (``execute_read`` in a READ
session for reads, ``execute_write`` for writes) that the driver retries on transient errors and whose
result is consumed inside it, with the driver's bookmark manager, so a read after a write sees it. Schema
statements (``cypher/schema/neo4j.cypher``) run on their own as auto-commit transactions: Neo4j refuses
schema and data changes in one transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import DriverError, Neo4jError
from neo4j.graph import Node, Path, Relationship

from rolegraph.errors import GraphUnavailable, InvalidInput, QueryError
from rolegraph.graph.backend import QueryTimeout, Row, remaining_ms
from rolegraph.graph.queries import Statement, schema_statements

#: how long `close` waits for statements that other threads are running
_CLOSE_WAIT_S = 30.0


class Neo4jBackend:
    """Runs named statements on one Neo4j database; reads run in READ access mode (the server refuses a
    write in them), and under a deadline each transaction carries the time left as its timeout."""

    kind = "neo4j"

    def __init__(self, driver: neo4j.Driver, database: str, uri: str):
        self._driver = driver
        self._database = database
        self.uri = uri
        # statements in flight on any thread: the driver must not be closed under them
        self._in_flight = 0
        self._closed = False
        self._idle = threading.Condition()

    def _execute(self, stmt: Statement, params: Mapping[str, Any], routing: RoutingControl) -> list[neo4j.Record]:
        query = _query(stmt)
        with self._translated(stmt):
            records, _, _ = self._driver.execute_query(query, dict(params), database_=self._database, routing_=routing)
        return list(records)

    def _auto_commit(self, stmt: Statement, params: Mapping[str, Any]) -> list[neo4j.Record]:
        # not retried by the driver: schema statements are idempotent (IF NOT EXISTS) and rerun by `init`
        bookmarks = self._driver.execute_query_bookmark_manager
        with self._translated(stmt), self._driver.session(database=self._database, bookmark_manager=bookmarks) as s:
            return list(s.run(_query(stmt), dict(params)))

    @contextmanager
    def _translated(self, stmt: Statement) -> Iterator[None]:
        """Counts the statement as in flight and turns driver errors into rolegraph's."""
        with self._idle:
            if self._closed:
                raise GraphUnavailable(f"the connection to Neo4j at {self.uri} is closed")
            self._in_flight += 1
        try:
            yield
        except DriverError as e:  # connection lost, session expired, …
            raise GraphUnavailable(f"lost the Neo4j connection at {self.uri}: {e}") from e
        except Neo4jError as e:
            if "TransactionTimedOut" in (e.code or ""):
                raise QueryTimeout(f"statement '{stmt.name}' was cancelled by the database at its deadline") from e
            raise QueryError(f"statement '{stmt.name}' failed: {e.message or e}") from e
        except UnicodeEncodeError as e:  # text the validation of its caller let through; nothing was sent
            raise InvalidInput(f"statement '{stmt.name}': a parameter is not valid Unicode text ({e.reason})") from e
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def run(self, stmt: Statement, params: Mapping[str, Any], *, write: bool) -> list[Row]:
        if write and _is_schema(stmt):
            return [record.data() for record in self._auto_commit(stmt, params)]
        routing = RoutingControl.WRITE if write else RoutingControl.READ
        return [record.data() for record in self._execute(stmt, params, routing)]

    def run_batches(self, stmt: Statement, batches: Iterable[Mapping[str, Any]], *, write: bool) -> Iterator[list[Row]]:
        # the driver encodes parameters inside execute_query; one statement after the other
        for params in batches:
            yield self.run(stmt, params, write=write)

    def read_graph(self, stmt: Statement, params: Mapping[str, Any]) -> list[Row]:
        records = self._execute(stmt, params, RoutingControl.READ)
        # a Record iterates its values; keys() gives the column names
        return [dict(zip(record.keys(), map(_plain, record.values()), strict=True)) for record in records]

    def unique_constraints(self) -> set[tuple[str, tuple[str, ...]]]:
        listing = next(s for s in schema_statements("neo4j") if s.name == "list_constraints")
        return {(row["label"], tuple(row["properties"])) for row in self.run(listing, {}, write=False)}

    def close(self) -> None:
        # The driver closes connections that other threads are using (a service's background reload, say)
        # and corrupts them: refuse new statements, let those in flight finish, then close.
        with self._idle:
            self._closed = True
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=_CLOSE_WAIT_S)
        self._driver.close()


def _query(stmt: Statement) -> neo4j.Query:
    """The statement with the time left before the current deadline as its transaction timeout."""
    timeout_ms = remaining_ms(stmt.name)
    return neo4j.Query(stmt.text, timeout=None if timeout_ms is None else timeout_ms / 1000)


def _is_schema(stmt: Statement) -> bool:
    """Whether ``stmt`` is DDL from the schema folder (`queries.schema_statements`)."""
    return stmt.path.parent.name == "schema"


def _plain(value: Any) -> Any:
    """A driver value as plain data (see `Backend.read_graph`)."""
    if isinstance(value, Node):
        return {"id": value.element_id, "labels": sorted(value.labels), "properties": dict(value.items())}
    if isinstance(value, Relationship):
        ends = [n.element_id if n is not None else None for n in (value.start_node, value.end_node)]
        return {
            "id": value.element_id,
            "type": value.type,
            "start": ends[0],
            "end": ends[1],
            "properties": dict(value.items()),
        }
    if isinstance(value, Path):
        return {"nodes": [_plain(n) for n in value.nodes], "relationships": [_plain(r) for r in value.relationships]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def open_neo4j(uri: str, user: str, password: str, database: str, timeout_s: float) -> Neo4jBackend:
    """Connects to Neo4j and checks that the server answers."""
    driver = None
    try:
        # no notifications: the server's hints on a statement (an unknown property key on an empty
        # graph, say) are for someone writing Cypher, not for a service's log
        driver = GraphDatabase.driver(
            uri, auth=(user, password), connection_timeout=timeout_s, notifications_min_severity="OFF"
        )
        driver.verify_connectivity()
    except (Neo4jError, DriverError, ValueError, OSError) as e:
        if driver is not None:
            driver.close()
        raise GraphUnavailable(
            f"cannot reach Neo4j at {uri}: {e} — check the URI, ROLEGRAPH_NEO4J_USER / ROLEGRAPH_NEO4J_PASSWORD "
            "and that the server is running"
        ) from e
    return Neo4jBackend(driver, database, uri)
