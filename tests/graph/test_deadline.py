"""Per-statement deadlines (the database cancels a statement that runs past them) and read-only reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolegraph.errors import QueryError
from rolegraph.graph.backend import QueryTimeout, deadline, remaining_ms, without_deadline
from rolegraph.graph.queries import Statement
from rolegraph.graph.store import GraphStore

# ~2.7·10^10 rows: minutes of work for the database, streamed (no large list is built)
EXPENSIVE = Statement(
    "expensive",
    "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b UNWIND range(1, 3000) AS c RETURN count(*) AS n",
    frozenset(),
    Path("test"),
    0,
)
WRITE = Statement("write", "CREATE (:Probe {x: 1}) RETURN 1 AS n", frozenset(), Path("test"), 0)


def test_the_database_cancels_a_statement_at_its_deadline(store: GraphStore) -> None:
    for _ in range(3):  # repeated: a cancelled statement must not keep the server busy
        # the database's own abort ends the call: the backends turn only the server's timeout error (FalkorDB's
        # "Query timed out", Neo4j's TransactionTimedOut) into this message, and the statement needs minutes
        with deadline(0.3), pytest.raises(QueryTimeout, match="'expensive' was cancelled by the database"):
            store.backend.run(EXPENSIVE, {}, write=False)
    assert store.ping()


def test_a_passed_deadline_runs_nothing(store: GraphStore) -> None:
    # a deadline of 0 has passed as soon as it is set (the monotonic clock never goes back)
    with deadline(0), pytest.raises(QueryTimeout, match="not started"):
        store.ping()
    assert store.ping()  # no deadline outside the block


def test_nested_deadlines_keep_the_earlier_one() -> None:
    assert remaining_ms("x") is None
    with deadline(0.5):
        with deadline(100):
            left = remaining_ms("x")
            assert left is not None and left <= 500
        with without_deadline():
            assert remaining_ms("x") is None
    assert remaining_ms("x") is None


def test_reads_are_read_only(store: GraphStore) -> None:
    with pytest.raises(QueryError):
        store.backend.run(WRITE, {}, write=False)
    assert store.stats().nodes == {}
    assert store.backend.run(WRITE, {}, write=True) == [{"n": 1}]


def test_graph_reads_have_the_deadline_too(store: GraphStore) -> None:
    with deadline(0.3), pytest.raises(QueryTimeout):
        store.backend.read_graph(EXPENSIVE, {})
