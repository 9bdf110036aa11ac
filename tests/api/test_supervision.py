"""The embedded database killed under a running service: the supervisor restarts it on the same files
(nothing lost), /explore answers from the read model meanwhile (marked stale), other calls are refused at
once from the supervisor's down state without reaching for the database, and /health and /metrics say so.

Nothing here is timed (speed goals are benchmarks' business): the test holds the restart back for as long
as it looks at the outage, so every answer it gets meanwhile was given while the restart could not finish —
no call waited for it — and the service coming back is only waited for (a polling condition)."""

from __future__ import annotations

import fcntl
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rolegraph.api.explore_service import SOURCE_HEADER, STALE, STALE_HEADER
from rolegraph.errors import GraphUnavailable
from rolegraph.graph.falkor import FalkorBackend, open_embedded
from rolegraph.graph.schema import init_schema
from rolegraph.graph.store import GraphStore
from tests.api.conftest import READ_KEY, WorldScorer, make_app
from tests.api.world import build_world, write_world

WAIT_S = 60.0  # how long the test waits for a condition before it fails (a hang guard, not a goal)


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[GraphStore]:
    """The fixture world in an embedded server of its own (the test kills it)."""
    backend = open_embedded(str(tmp_path / "graph.db"), "rolegraph", f"falkordb-lite://{tmp_path}/graph.db")
    init_schema(backend)
    store = GraphStore(backend, page_size=5)
    write_world(store, build_world())
    yield store
    backend.close()


@contextmanager
def _restart_held(db_file: Path) -> Iterator[None]:
    """Holds the start lock of the server on ``db_file``, so a restart waits until the block ends: the
    outage then lasts as long as the test needs to look at it, however fast the machine restarts."""
    with open(db_file.with_name(f"{db_file.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_the_service_survives_its_database_being_killed(own_server: GraphStore, tmp_path: Path) -> None:
    store = own_server
    backend = store.backend
    assert isinstance(backend, FalkorBackend) and backend.supervisor is not None
    supervisor = backend.supervisor
    before = store.content_hash()
    app = make_app(store, WorldScorer(build_world()), api_rate_per_s=10_000, api_read_model_staleness_s=0)
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        assert app.state.read_model.wait(30)
        explore = {"user": "alice"}
        first = c.get("/explore", params=explore)
        assert first.status_code == 200 and first.headers[SOURCE_HEADER] == "read-model"
        pid = backend.server_pid
        assert pid is not None
        with _restart_held(tmp_path / "graph.db"):
            os.kill(pid, signal.SIGKILL)
            assert _until(lambda: not supervisor.state().up, WAIT_S), "the supervisor did not see the death"
            health = c.get("/health")
            assert health.status_code == 503 and health.json()["graph_server"]["up"] is False
            for _ in range(5):
                # the read model answers while the database is down, and says so
                r = c.get("/explore", params=explore)
                assert r.status_code == 200 and r.headers.get(STALE_HEADER.lower()) == STALE
                assert c.get("/explain", params={"user": "alice", "item": "item 03"}).status_code in (200, 503)
                assert c.get("/items/item 03").status_code == 503
            # the refusal is the supervisor's, made before any statement is sent (not a lost connection)
            with pytest.raises(GraphUnavailable, match="is down and being restarted"):
                store.ping()
            assert supervisor.restarts == 0 and not supervisor.state().up  # all the above: while it was held

        def back() -> bool:
            health = c.get("/health")
            return health.status_code == 200 and health.json()["graph_server"]["up"] and health.json()["graph"]

        assert _until(back, WAIT_S), c.get("/health").text
        assert supervisor.restarts == 1 and backend.server_pid != pid
        assert store.content_hash() == before
        again = c.get("/explore", params=explore)
        assert again.status_code == 200 and again.json() == first.json()
        assert again.headers.get(STALE_HEADER.lower()) is None
        assert c.get("/explain", params={"user": "alice", "item": "item 03"}).status_code == 200
        metrics = c.get("/metrics").text
        assert "rolegraph_graph_up 1.0" in metrics and "rolegraph_graph_restarts 1.0" in metrics
