"""`rolegraph neo4j start | status | stop` on the command line, against the real fetched server."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import GraphDatabase

from rolegraph.cli.main import main
from rolegraph.cli.neo4j import NOT_RUNNING
from rolegraph.graph.neo4j_server import stop
from rolegraph.ports import free_port


def test_start_prints_the_uri_last_status_reports_it_and_stop_ends_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, port = str(tmp_path / "neo4j"), free_port()
    try:
        assert main(["neo4j", "start", "--data", data, "--port", str(port)]) == 0
        uri = capsys.readouterr().out.splitlines()[-1]
        assert uri == f"bolt://127.0.0.1:{port}"
        with GraphDatabase.driver(uri, auth=None) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1

        assert main(["neo4j", "status", "--data", data]) == 0
        out = capsys.readouterr().out
        assert "answers Bolt" in out and out.splitlines()[-1] == uri

        # starting again reports the running server instead of a second one
        assert main(["neo4j", "start", "--data", data, "--port", str(free_port())]) == 0
        assert capsys.readouterr().out.splitlines()[-1] == uri

        assert main(["neo4j", "stop", "--data", data]) == 0
        assert "stopped" in capsys.readouterr().err
        assert main(["neo4j", "status", "--data", data]) == NOT_RUNNING
        assert "not running" in capsys.readouterr().out
    finally:
        stop(tmp_path / "neo4j", kill=True)  # the server outlives a failed assertion otherwise


def test_stop_without_a_server_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["neo4j", "stop", "--data", str(tmp_path)]) == 0
    assert "no Neo4j server was running" in capsys.readouterr().err


def test_a_bad_port_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["neo4j", "start", "--data", str(tmp_path), "--port", "70000"]) == 1
    assert "--port" in capsys.readouterr().err
