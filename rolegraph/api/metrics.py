"""Prometheus metrics of the service: requests by route and status, latency by route (ASGI middleware
with its own registry, so several apps in one process do not collide)."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The registry and the instruments."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "rolegraph_http_requests", "HTTP requests answered", ("method", "route", "status"), registry=self.registry
        )
        self.latency = Histogram(
            "rolegraph_http_request_duration_seconds",
            "time to answer, by route",
            ("route",),
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self._supervisor: Any = None
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def of(self, method: str, route: str, status: int) -> tuple[Counter, Histogram]:
        """The request counter and the latency histogram of one (method, route, status), looked up once
        (prometheus's ``labels`` takes a lock and builds its key on every call)."""
        key = (method, route, status)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = (self.requests.labels(method, route, str(status)), self.latency.labels(route))
        return found

    def watch_graph(self, supervisor: Any) -> None:
        """Gauges of the embedded database's supervisor (`graph.falkor.Supervisor`), read at each scrape
        (registered once per registry; a later call points them at another supervisor)."""
        first = self._supervisor is None
        self._supervisor = supervisor
        if not first:
            return
        up = Gauge(
            "rolegraph_graph_up", "1 while the embedded database runs, 0 while it is restarted", registry=self.registry
        )
        up.set_function(lambda: 1.0 if self._supervisor.up else 0.0)
        restarts = Gauge(
            "rolegraph_graph_restarts", "restarts of the embedded database by this process", registry=self.registry
        )
        restarts.set_function(lambda: float(self._supervisor.restarts))


class MetricsMiddleware:
    """Counts every HTTP request under its route template (``unmatched`` when no route matched)."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            count, latency = self.metrics.of(scope["method"], getattr(scope.get("route"), "path", "unmatched"), status)
            count.inc()
            latency.observe(time.perf_counter() - started)
