"""Checks of option values that several commands share (a value argparse's type cannot judge alone)."""

from __future__ import annotations

from rolegraph.errors import InvalidInput


def check_port(port: int, what: str = "--port") -> int:
    """``port`` when a server can listen on it (1–65535); InvalidInput (exit 1) otherwise."""
    if not 0 < port < 65536:
        raise InvalidInput(f"{what} must be between 1 and 65535, got {port}")
    return port
