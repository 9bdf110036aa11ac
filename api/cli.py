"""`rolegraph serve` (the HTTP API under uvicorn) and `rolegraph api-key` (a new key and its entry)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pydantic import ValidationError

from api.settings import ApiSettings
from rolegraph.cli.ui import console
from rolegraph.errors import ConfigError, InvalidInput

LOOPBACK = "127.0.0.1"


def listen_address(settings: ApiSettings, host: str | None, port: int | None) -> tuple[str, int, str | None]:
    """(host, port, warning): without keys the host is forced to loopback, and the warning says so."""
    host = host or settings.api_host
    port = port or settings.api_port
    if settings.api_keys:
        return host, port, None
    warning = "no API keys configured (ROLEGRAPH_API_KEYS): serving on loopback only"
    if host not in (LOOPBACK, "localhost", "::1"):
        warning += f", not on {host} — create a key with `rolegraph api-key NAME`"
        host = LOOPBACK
    return host, port, warning


def serve(args: argparse.Namespace) -> int:
    """Runs the service in the foreground until Ctrl-C or SIGTERM."""
    try:
        settings = ApiSettings()
    except ValidationError as e:
        raise ConfigError(f"ROLEGRAPH_API_* settings are invalid: {e}") from e
    host, port, warning = listen_address(settings, args.host, args.port)
    if warning:
        console.print(f"[yellow]{warning}[/yellow]")
    if args.workers < 1:
        raise InvalidInput(f"--workers must be at least 1, got {args.workers}")
    console.print(f"rolegraph API on http://{host}:{port} — OpenAPI docs at /docs ({args.workers} workers)")
    run_server(settings, host, port, args.workers)
    return 0


def run_server(settings: ApiSettings, host: str, port: int, workers: int, **uvicorn_options: Any) -> None:
    """Runs the service under uvicorn until it is stopped. With several workers, each worker process
    builds its own app (and read model) from the environment's settings; this process opens the graph
    first, so an embedded FalkorDB server is running before the workers start and they all join that
    one server (started at once, each would start its own on the same file)."""
    import uvicorn

    from api.app import create_app
    from graph.connect import open_store

    options: dict[str, Any] = {"host": host, "port": port, "log_level": "info", "access_log": False, **uvicorn_options}
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    with open_store():
        uvicorn.run("api.app:create_app", factory=True, workers=workers, **options)


def api_key(args: argparse.Namespace) -> int:
    """Prints a fresh key (shown once) and the ROLEGRAPH_API_KEYS entry holding its digest."""
    from api.security import new_key

    scopes = {s.strip() for s in args.scopes.split(",") if s.strip()}
    if not scopes or not scopes <= {"read", "write"}:
        raise InvalidInput(f"--scopes must name read and/or write, got {args.scopes!r}")
    key, entry = new_key(args.name, scopes)
    line: dict[str, Any] = {"name": entry.name, "sha256": entry.sha256, "scopes": sorted(entry.scopes)}
    # plain print: the key and the entry must not be wrapped
    print(f"key (give it to the caller; it is not stored anywhere): {key}")
    print(f"entry for ROLEGRAPH_API_KEYS (a JSON list of such entries): {json.dumps(line)}")
    return 0


def register(sub: Any) -> None:
    """Adds `serve` and `api-key` to the `rolegraph` command line."""
    p = sub.add_parser(
        "serve",
        help="run the HTTP API (uvicorn); OpenAPI docs at /docs",
        description="Serves /explore, /explain, /recommend, tags, users, items, /health and /metrics. Keys, "
        "limits and deadlines come from ROLEGRAPH_API_* settings; without keys it binds to loopback only. "
        "/explore answers from an in-memory read model of the graph that lags writes by at most "
        "ROLEGRAPH_API_READ_MODEL_STALENESS_S seconds (default 5; 0 checks the graph's version on every "
        "request; the service's own POSTs show at once); ROLEGRAPH_API_READ_MODEL=false answers from the "
        "database every time.",
    )
    p.add_argument("--host", default=None, help="listen address (default: ROLEGRAPH_API_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="listen port (default: ROLEGRAPH_API_PORT, 8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="uvicorn worker processes (one per core: 2 on a 2-core machine); each holds its own read model",
    )
    p.set_defaults(func=serve)

    k = sub.add_parser("api-key", help="make a new API key and print its ROLEGRAPH_API_KEYS entry")
    k.add_argument("name", help="who the key is for (shown in logs and metrics)")
    k.add_argument("--scopes", default="read", help="comma-separated: read, write (default: read)")
    k.set_defaults(func=api_key)
