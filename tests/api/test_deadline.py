"""A slow database answers 504 within the request's deadline, with the statement cancelled by the
database (a genuinely expensive query, not a sleep)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from fastapi.testclient import TestClient

from rolegraph.graph.backend import Backend, Row
from rolegraph.graph.queries import Statement
from rolegraph.graph.store import GraphStore
from tests.api.conftest import READ_KEY, make_app
from tests.graph.test_deadline import EXPENSIVE


class SlowBackend:
    """Runs a genuinely expensive statement before every read, under the same deadline."""

    def __init__(self, inner: Backend):
        self.inner = inner
        self.kind = inner.kind
        self.uri = inner.uri

    def run(self, stmt: Statement, params: Mapping[str, Any], *, write: bool) -> list[Row]:
        if not write:
            self.inner.run(EXPENSIVE, {}, write=False)
        return self.inner.run(stmt, params, write=write)

    def read_graph(self, stmt: Statement, params: Mapping[str, Any]) -> list[Row]:
        self.inner.run(EXPENSIVE, {}, write=False)
        return self.inner.read_graph(stmt, params)

    def unique_constraints(self) -> set[tuple[str, tuple[str, ...]]]:
        return self.inner.unique_constraints()

    def close(self) -> None:
        pass


def test_slow_store_is_504_within_the_deadline(world_store: GraphStore) -> None:
    slow = GraphStore(SlowBackend(world_store.backend))
    app = make_app(slow, api_query_timeout_s=0.5)
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        for path, params in (("/explore", {"user": "alice"}), ("/explain", {"user": "alice", "item": "item 01"})):
            started = time.monotonic()
            r = c.get(path, params=params)
            elapsed = time.monotonic() - started
            assert r.status_code == 504, r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert "cancelled" in r.json()["detail"]
            assert elapsed < 5  # the expensive statement alone would run for minutes
    # the database is free again: the same world answers at once through the plain store
    with TestClient(make_app(world_store), headers={"X-API-Key": READ_KEY}) as c:
        assert c.get("/explore", params={"user": "alice"}).status_code == 200
