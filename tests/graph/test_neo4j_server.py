"""The local Neo4j server: a real start on the fetched jars, its refusals, and the pinned version."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from neo4j import GraphDatabase

from rolegraph.errors import GraphUnavailable
from rolegraph.graph import neo4j_server
from rolegraph.graph.neo4j_server import NEO4J_VERSION, ServerConfig, serving, start, status, stop
from rolegraph.ports import free_port
from tests.support.neo4j import LocalNeo4j

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(local_neo4j: LocalNeo4j, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The session's server (one JVM serving every database of the suite), or one of its own when the
    session uses servers given by ROLEGRAPH_TEST_NEO4J_URI."""
    local_neo4j.databases()
    if local_neo4j.state is not None:
        yield local_neo4j.folder, local_neo4j.state.uri
        return
    folder = tmp_path_factory.mktemp("neo4j-server")
    with serving(folder) as state:
        yield folder, state.uri


def test_the_server_answers_bolt_as_community_of_the_pinned_version(server: tuple[Path, str]) -> None:
    folder, uri = server
    found = status(folder)
    assert found.answering and found.state is not None and found.state.uri == uri
    with GraphDatabase.driver(uri, auth=None) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS version, edition"
        )
        default, _, _ = driver.execute_query("SHOW DEFAULT DATABASE YIELD name")
    assert (records[0]["version"], records[0]["edition"]) == (NEO4J_VERSION, "community")
    assert default[0]["name"] == "neo4j"
    assert (folder / "data" / "databases" / "neo4j").is_dir()  # the data live in the given folder


def test_a_second_server_for_the_same_folder_is_refused(server: tuple[Path, str]) -> None:
    folder, _ = server
    running = status(folder).state
    assert running is not None
    with pytest.raises(GraphUnavailable, match=f"already runs .*pid {running.pid}"):
        start(ServerConfig(data_dir=folder, port=free_port()))


def test_a_taken_port_is_refused_before_a_jvm_starts(server: tuple[Path, str], tmp_path: Path) -> None:
    _, uri = server
    port = int(uri.rsplit(":", 1)[1])
    with pytest.raises(GraphUnavailable, match=f"port {port} .* is taken"):
        start(ServerConfig(data_dir=tmp_path, port=port))
    assert not (tmp_path / neo4j_server.STATE_FILE).exists()


def test_unfetched_jars_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(GraphUnavailable, match=r"not fetched .* run `make setup`.*org\.neo4j:neo4j:"):
        start(ServerConfig(data_dir=tmp_path / "data", port=free_port(), install_dir=tmp_path / "nothing"))


def test_a_missing_java_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphUnavailable, match=r"no `java` on PATH .* Java 17"):
        start(ServerConfig(data_dir=tmp_path / "data", port=free_port()))


def test_a_jvm_that_exits_during_start_up_is_reported_with_its_output(tmp_path: Path) -> None:
    # a process that has already ended: the launcher's watchdog stops the JVM at once
    gone = subprocess.Popen(["true"])
    gone.wait()
    config = ServerConfig(data_dir=tmp_path, port=free_port(), exit_with_pid=gone.pid)
    with pytest.raises(GraphUnavailable, match=f"exited during start-up .*process {gone.pid} has ended"):
        start(config)
    assert status(tmp_path).state is None
    assert not (tmp_path / neo4j_server.STATE_FILE).exists()


def test_a_stale_state_file_is_neither_running_nor_stopped(tmp_path: Path) -> None:
    # the pid of a live process that is not our launcher (a recycled pid) must not be signalled
    other = subprocess.Popen(["sleep", "30"])
    try:
        state = {"pid": other.pid, "port": free_port(), "version": NEO4J_VERSION}
        (tmp_path / neo4j_server.STATE_FILE).write_text(json.dumps(state))
        assert status(tmp_path).state is None
        assert stop(tmp_path) is None
        assert other.poll() is None
        assert not (tmp_path / neo4j_server.STATE_FILE).exists()
    finally:
        other.kill()
        other.wait()


def test_the_version_is_pinned_alike_in_the_fetch_the_code_and_the_compose_file() -> None:
    pom = (ROOT / "tools" / "neo4j" / "pom.xml").read_text()
    fetched = re.search(r"<neo4j.version>([^<]+)</neo4j.version>", pom)
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    image = compose["services"]["neo4j"]["image"]
    assert fetched is not None and fetched.group(1) == NEO4J_VERSION
    assert f"neo4j:{NEO4J_VERSION}-community" in image
