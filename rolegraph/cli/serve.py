"""`rolegraph serve` (the HTTP API under uvicorn) and `rolegraph api-key` (a new key and its entry)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rolegraph.cli.ui import Subparsers, console
from rolegraph.errors import ConfigError, InvalidInput


def register(sub: Subparsers) -> None:
    """Adds `serve` and `api-key`."""
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


# Each command imports the library it runs inside its function: start-up time of every other command.


def serve(args: argparse.Namespace) -> int:
    """Runs the service in the foreground until Ctrl-C or SIGTERM."""
    from pydantic import ValidationError

    from rolegraph.api.server import listen_address, run_server
    from rolegraph.api.settings import ApiSettings
    from rolegraph.cli.options import check_port
    from rolegraph.graph.connect import open_store

    if args.workers < 1:
        raise InvalidInput(f"--workers must be at least 1, got {args.workers}")
    if args.port is not None:
        check_port(args.port)
    try:
        settings = ApiSettings()
    except ValidationError as e:
        raise ConfigError(f"ROLEGRAPH_API_* settings are invalid: {e}") from e
    host, port, warning = listen_address(settings, args.host, args.port)
    with open_store() as store:  # an unreachable graph, or one without its schema, stops here
        if warning:
            console.print(f"[yellow]{warning}[/yellow]")
        console.print(f"rolegraph API on http://{host}:{port} — OpenAPI docs at /docs ({args.workers} workers)")
        run_server(settings, store, host, port, args.workers)
    return 0


def api_key(args: argparse.Namespace) -> int:
    """Prints a fresh key (shown once) and the ROLEGRAPH_API_KEYS entry holding its digest."""
    from rolegraph.api.security import new_key

    scopes = {s.strip() for s in args.scopes.split(",") if s.strip()}
    if not scopes or not scopes <= {"read", "write"}:
        raise InvalidInput(f"--scopes must name read and/or write, got {args.scopes!r}")
    key, entry = new_key(args.name, scopes)
    line: dict[str, Any] = {"name": entry.name, "sha256": entry.sha256, "scopes": sorted(entry.scopes)}
    # plain print: the key and the entry must not be wrapped
    print(f"key (give it to the caller; it is not stored anywhere): {key}")
    print(f"entry for ROLEGRAPH_API_KEYS (a JSON list of such entries): {json.dumps(line)}")
    return 0
