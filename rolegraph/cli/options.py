"""Checks of option values that several commands share (a value argparse's type cannot judge alone)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rolegraph.errors import InvalidInput


def check_port(port: int, what: str = "--port") -> int:
    """``port`` when a server can listen on it (1–65535); InvalidInput (exit 1) otherwise."""
    if not 0 < port < 65536:
        raise InvalidInput(f"{what} must be between 1 and 65535, got {port}")
    return port


def check_output(path: Path, what: str = "--json") -> Path:
    """``path`` when a file can be written there: its folder is made (as writing it would) and a scratch
    file written and removed in it; InvalidInput otherwise — checked before a command writes to the graph,
    not after (permission bits alone do not tell: root passes them where no file can be made)."""
    if path.is_dir():
        raise InvalidInput(f"{what} {path}: is a folder, not a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as e:
        raise InvalidInput(f"{what} {path}: cannot write there ({e.strerror or e})") from e
    return path
