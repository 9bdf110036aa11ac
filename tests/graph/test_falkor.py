"""The FalkorDB backend itself: reply parsing, errors, and the embedded server's life cycle."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psutil
import pytest

from graph.falkor import FalkorBackend, open_embedded
from graph.queries import Statement
from graph.store import GraphStore
from rolegraph.errors import QueryError


def _stmt(text: str) -> Statement:
    return Statement("adhoc", text, frozenset(), Path("test"), 0)


def test_values_of_every_returned_type_round_trip(store: GraphStore) -> None:
    if not isinstance(store.backend, FalkorBackend):
        pytest.skip("FalkorDB reply parsing")
    text = (
        "RETURN 1 AS i, 2.5 AS f, 'x\"y' AS s, true AS t, false AS f2, null AS n, [1, 'a', [2.0]] AS l, "
        "{a: 1, b: [true]} AS m"
    )
    (row,) = store.backend.run(_stmt(text), {}, write=False)
    assert row == {
        "i": 1,
        "f": 2.5,
        "s": 'x"y',
        "t": True,
        "f2": False,
        "n": None,
        "l": [1, "a", [2.0]],
        "m": {"a": 1, "b": [True]},
    }


def test_nodes_in_results_and_runtime_errors_are_query_errors(store: GraphStore) -> None:
    if not isinstance(store.backend, FalkorBackend):
        pytest.skip("FalkorDB reply parsing")
    store.backend.run(_stmt("CREATE (:Item {id: 'n1'})"), {}, write=True)
    with pytest.raises(QueryError, match="not supported"):
        store.backend.run(_stmt("MATCH (n:Item) RETURN n"), {}, write=False)
    with pytest.raises(QueryError, match="adhoc"):
        store.backend.run(_stmt("RETURN 1 / 0 AS x, toInteger('a') + [] AS y"), {}, write=False)
    with pytest.raises(QueryError, match="adhoc"):
        store.backend.run(_stmt("CREATE (:Item {id: 'n2'})"), {}, write=False)  # read-only refuses writes


def test_embedded_server_stops_on_close_after_threaded_use(tmp_path: Path) -> None:
    backend = open_embedded(str(tmp_path / "g.db"), "g", "test")
    pid = backend._db.client.pid
    stmt = _stmt("RETURN 1 AS ok")
    threads = [threading.Thread(target=lambda: backend.run(stmt, {}, write=True)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert psutil.pid_exists(pid)
    backend.close()
    deadline = time.monotonic() + 15
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the embedded FalkorDB server outlived close()"
        time.sleep(0.1)
