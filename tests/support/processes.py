"""Finding the processes a test started, without touching anyone else's."""

from __future__ import annotations

from pathlib import Path

import psutil


def embedded_servers(folder: Path) -> list[psutil.Process]:
    """The redis-server processes whose working folder is ``folder`` (the embedded server runs beside its
    file, so a test's temporary folder names only the servers of that test)."""
    found = []
    for proc in psutil.process_iter(["name"]):
        try:
            if proc.info["name"] == "redis-server" and Path(proc.cwd()) == folder:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found
