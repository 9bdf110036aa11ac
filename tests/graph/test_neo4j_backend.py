"""Neo4j-only behaviour of the backend, on a real local server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rolegraph.errors import GraphUnavailable
from rolegraph.graph.neo4j_backend import Neo4jBackend, open_neo4j
from rolegraph.graph.queries import Statement
from tests.support.neo4j import LocalNeo4j

SUM = Statement("sum_range", "UNWIND range(1, $n) AS x RETURN sum(x) AS s", frozenset({"n"}), Path(), 0)


@pytest.fixture
def uri(local_neo4j: LocalNeo4j) -> Iterator[str]:
    with local_neo4j.databases().lend(schema=True) as found:
        yield found


def _read_until_closed(backend: Neo4jBackend, answers: list[int], unexpected: list[BaseException]) -> None:
    while True:
        try:
            answers.append(backend.run(SUM, {"n": 10}, write=False)[0]["s"])
        except GraphUnavailable:
            return  # the one error a closed store may give
        except BaseException as e:
            unexpected.append(e)
            return


def test_closing_while_other_threads_read_lets_them_finish_cleanly(uri: str) -> None:
    # A service's background reload may still read when the store is closed. Closing the driver under
    # running statements broke their connections (BufferError in close, AttributeError in a reader) in
    # most runs of these 20 tries of four readers each.
    for _ in range(20):
        backend = open_neo4j(uri, "neo4j", "", "neo4j", 10.0)
        answers: list[int] = []
        unexpected: list[BaseException] = []
        readers = [threading.Thread(target=_read_until_closed, args=(backend, answers, unexpected)) for _ in range(4)]
        for r in readers:
            r.start()
        time.sleep(0.3)
        backend.close()
        for r in readers:
            r.join(60)
        assert unexpected == []
        assert answers and set(answers) == {55}
