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
    import uvicorn

    from api.app import create_app

    try:
        settings = ApiSettings()
    except ValidationError as e:
        raise ConfigError(f"ROLEGRAPH_API_* settings are invalid: {e}") from e
    host, port, warning = listen_address(settings, args.host, args.port)
    if warning:
        console.print(f"[yellow]{warning}[/yellow]")
    console.print(f"rolegraph API on http://{host}:{port} — OpenAPI docs at /docs")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=False)
    return 0


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
        "limits and deadlines come from ROLEGRAPH_API_* settings; without keys it binds to loopback only.",
    )
    p.add_argument("--host", default=None, help="listen address (default: ROLEGRAPH_API_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="listen port (default: ROLEGRAPH_API_PORT, 8000)")
    p.set_defaults(func=serve)

    k = sub.add_parser("api-key", help="make a new API key and print its ROLEGRAPH_API_KEYS entry")
    k.add_argument("name", help="who the key is for (shown in logs and metrics)")
    k.add_argument("--scopes", default="read", help="comma-separated: read, write (default: read)")
    k.set_defaults(func=api_key)
