"""A slow database answers 504 at the request's deadline, with the statement cancelled by the database at
that deadline (a genuinely expensive query, not a sleep)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.testclient import TestClient

from rolegraph.graph.backend import Backend, Row, remaining_ms
from rolegraph.graph.queries import Statement
from rolegraph.graph.store import GraphStore
from tests.api.conftest import READ_KEY, make_app
from tests.graph.test_deadline import EXPENSIVE


class SlowBackend:
    """Runs a genuinely expensive statement before every read, under the same deadline, and keeps the time
    the deadline left it (``budgets_ms``): it refuses to start minutes of work without one."""

    def __init__(self, inner: Backend):
        self.inner = inner
        self.kind = inner.kind
        self.uri = inner.uri
        self.budgets_ms: list[int] = []

    def _expensive(self) -> None:
        budget = remaining_ms(EXPENSIVE.name)
        if budget is None:
            raise AssertionError("the request ran a statement without a deadline")
        self.budgets_ms.append(budget)
        self.inner.run(EXPENSIVE, {}, write=False)

    def run(self, stmt: Statement, params: Mapping[str, Any], *, write: bool) -> list[Row]:
        if not write:
            self._expensive()
        return self.inner.run(stmt, params, write=write)

    def read_graph(self, stmt: Statement, params: Mapping[str, Any]) -> list[Row]:
        self._expensive()
        return self.inner.read_graph(stmt, params)

    def unique_constraints(self) -> set[tuple[str, tuple[str, ...]]]:
        return self.inner.unique_constraints()

    def close(self) -> None:
        pass


def test_slow_store_is_504_within_the_deadline(world_store: GraphStore) -> None:
    backend = SlowBackend(world_store.backend)
    app = make_app(GraphStore(backend), api_query_timeout_s=0.5)
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        for path, params in (("/explore", {"user": "alice"}), ("/explain", {"user": "alice", "item": "item 01"})):
            backend.budgets_ms.clear()
            r = c.get(path, params=params)
            assert r.status_code == 504, r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert "cancelled" in r.json()["detail"]
            # the statement reached the database with the request's deadline, within its 0.5 s: the database
            # cancelled it there (504 is the API's answer to that cancellation; alone it runs for minutes)
            assert backend.budgets_ms and all(0 < b <= 500 for b in backend.budgets_ms), backend.budgets_ms
    # the database is free again: the same world answers at once through the plain store
    with TestClient(make_app(world_store), headers={"X-API-Key": READ_KEY}) as c:
        assert c.get("/explore", params={"user": "alice"}).status_code == 200
