"""Running the service: where it listens and the uvicorn process(es) that serve it."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import uvicorn

from rolegraph.api.app import create_app
from rolegraph.api.settings import ApiSettings
from rolegraph.graph.store import GraphStore

LOOPBACK = "127.0.0.1"


def listen_address(settings: ApiSettings, host: str | None, port: int | None) -> tuple[str, int, str | None]:
    """(host, port, warning): without keys the host is forced to loopback, and the warning says so."""
    host = host or settings.api_host
    port = port if port is not None else settings.api_port
    if settings.api_keys:
        return host, port, None
    warning = "no API keys configured (ROLEGRAPH_API_KEYS): serving on loopback only"
    if host not in (LOOPBACK, "localhost", "::1"):
        warning += f", not on {host} — create a key with `rolegraph api-key NAME`"
        host = LOOPBACK
    return host, port, warning


def run_server(
    settings: ApiSettings, store: GraphStore, host: str, port: int, workers: int, **uvicorn_options: Any
) -> None:
    """Runs the service under uvicorn until it is stopped, over ``store`` (opened by the caller, so a
    graph that cannot be reached or lacks its constraints fails before anything is served).

    One worker serves with that store; with several, each worker process builds its own app (and read
    model) from the environment's settings and joins the embedded FalkorDB server the caller's store
    started (started at once, each would start its own on the same file)."""
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "info", "access_log": False, **uvicorn_options}
    if workers == 1:
        with _sigterm_unwinds():
            uvicorn.run(create_app(settings, store=store), **options)
    else:
        with _sigterm_unwinds():
            uvicorn.run("rolegraph.api.app:create_app", factory=True, workers=workers, **options)


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM as SystemExit(143) while uvicorn runs. uvicorn shuts down on it, then raises it again once done;
    with the default handler that second one killed the process before the caller's ``with open_store()``
    closed the store, so the embedded FalkorDB server it had started outlived it (one per `make demo`)."""
    if threading.current_thread() is not threading.main_thread():  # signals are the main thread's
        yield
        return

    def _exit(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
