"""The embedded database killed under a running service: the supervisor restarts it on the same files
(nothing lost), /explore answers from the read model meanwhile (marked stale), other calls fail fast, and
/health and /metrics say so. The acceptance bounds (back within 10 s, no request waits more than 1 s
while it is down) are checked here with the clock, generously: they are the behaviour under test."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rolegraph.api.explore_service import SOURCE_HEADER, STALE_HEADER
from rolegraph.graph.falkor import FalkorBackend, open_embedded
from rolegraph.graph.schema import init_schema
from rolegraph.graph.store import GraphStore
from tests.api.conftest import READ_KEY, WorldScorer, make_app
from tests.api.world import build_world, write_world

BACK_WITHIN_S = 10.0
FAIL_FAST_S = 1.0


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[GraphStore]:
    """The fixture world in an embedded server of its own (the test kills it)."""
    backend = open_embedded(str(tmp_path / "graph.db"), "rolegraph", f"falkordb-lite://{tmp_path}/graph.db")
    init_schema(backend)
    store = GraphStore(backend, page_size=5)
    write_world(store, build_world())
    yield store
    backend.close()


def _timed(c: TestClient, path: str, params: dict[str, str]) -> tuple[float, int, dict[str, str]]:
    started = time.monotonic()
    r = c.get(path, params=params)
    return time.monotonic() - started, r.status_code, dict(r.headers)


def test_the_service_survives_its_database_being_killed(own_server: GraphStore) -> None:
    store = own_server
    backend = store.backend
    assert isinstance(backend, FalkorBackend) and backend.supervisor is not None
    before = store.content_hash()
    app = make_app(store, WorldScorer(build_world()), api_rate_per_s=10_000, api_read_model_staleness_s=0)
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        assert app.state.read_model.wait(30)
        explore = {"user": "alice"}
        first = c.get("/explore", params=explore)
        assert first.status_code == 200 and first.headers[SOURCE_HEADER] == "read-model"
        pid = backend.server_pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        waits, stale = [], 0
        while True:
            health = c.get("/health")
            back = health.status_code == 200 and health.json()["graph_server"]["up"]
            if back and health.json()["graph"]:
                break
            assert time.monotonic() - killed < BACK_WITHIN_S, health.text
            took, status, headers = _timed(c, "/explore", explore)
            waits.append(took)
            assert status == 200
            stale += headers.get(STALE_HEADER.lower()) is not None
            took, status, _ = _timed(c, "/explain", {"user": "alice", "item": "item 03"})
            waits.append(took)
            assert status in (200, 503)
            took, status, _ = _timed(c, "/items/item 03", {})
            waits.append(took)
            assert status in (200, 503)
            time.sleep(0.05)
        assert stale > 0  # the read model answered while the database was down
        assert max(waits, default=0.0) < FAIL_FAST_S
        assert backend.supervisor.restarts == 1 and backend.server_pid != pid
        assert store.content_hash() == before
        again = c.get("/explore", params=explore)
        assert again.status_code == 200 and again.json() == first.json()
        assert c.get("/explain", params={"user": "alice", "item": "item 03"}).status_code == 200
        metrics = c.get("/metrics").text
        assert "rolegraph_graph_up 1.0" in metrics and "rolegraph_graph_restarts 1.0" in metrics
