"""A real local Neo4j server for tests: started on a free loopback port under a temporary folder, stopped after.

The server is tied to the test process (`ServerConfig.exit_with_pid`), so a session killed before its
teardown leaves no JVM behind. A conftest that wants one server for the session imports `neo4j_uri`.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from rolegraph.graph.neo4j_server import ServerConfig, start, stop


def free_port() -> int:
    """A loopback port nothing listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_neo4j(folder: Path) -> Iterator[str]:
    """Runs a Neo4j server with its data in ``folder``; yields its ``bolt://`` URI."""
    state = start(ServerConfig(data_dir=folder, port=free_port(), exit_with_pid=os.getpid()))
    try:
        yield state.uri
    finally:
        stop(folder, timeout_s=120.0, kill=True)


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URI of one Neo4j server for the whole session (its database starts empty)."""
    with local_neo4j(tmp_path_factory.mktemp("neo4j")) as uri:
        yield uri
