"""Neo4j-only behaviour of the backend, on a real local server."""

from __future__ import annotations

import threading
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


def _read_until_closed(
    backend: Neo4jBackend, answers: list[int], unexpected: list[BaseException], reading: threading.Event
) -> None:
    while True:
        try:
            answers.append(backend.run(SUM, {"n": 10}, write=False)[0]["s"])
            reading.set()  # it has answered once: the close below lands while it reads
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
        reading = [threading.Event() for _ in range(4)]
        readers = [threading.Thread(target=_read_until_closed, args=(backend, answers, unexpected, e)) for e in reading]
        for r in readers:
            r.start()
        assert all(e.wait(60) for e in reading), "a reader never got an answer"
        backend.close()
        for r in readers:
            r.join(60)
        assert not any(r.is_alive() for r in readers), "a reader hung after close()"
        assert unexpected == []
        assert answers and set(answers) == {55}
