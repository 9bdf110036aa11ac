"""The entry point's error contract: a malformed setting is one line naming it (exit 2), never a traceback;
a port no server can listen on is bad input (exit 1) before anything starts; an embedded graph path that
holds no graph is refused in one line, without a file written, by every command but `init`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from rolegraph.cli.main import main
from tests.support.processes import embedded_servers


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("ROLEGRAPH_BATCH_SIZE", "abc", "ROLEGRAPH_BATCH_SIZE='abc': Input should be a valid integer"),
        ("ROLEGRAPH_BATCH_SIZE", "0", "ROLEGRAPH_BATCH_SIZE='0': Input should be greater than or equal to 1"),
        ("ROLEGRAPH_PAGE_SIZE", "-3", "ROLEGRAPH_PAGE_SIZE='-3'"),
    ],
)
def test_a_malformed_setting_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, variable: str, value: str, said: str
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["stats"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rolegraph: error: invalid setting") and said in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_setting_its_source_cannot_parse_is_named_too(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEGRAPH_API_KEYS", "not json")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "api_keys" in err and "Traceback" not in err


@pytest.mark.parametrize("port", ["0", "-5", "65536", "99999"])
def test_serve_refuses_a_port_no_server_can_listen_on(capsys: pytest.CaptureFixture[str], port: str) -> None:
    assert main(["serve", "--port", port]) == 1
    assert f"--port must be between 1 and 65535, got {port}" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["/proc/no-such-folder/summary.json", "FOLDER"])
def test_a_summary_file_that_cannot_be_written_stops_the_command_before_it_starts(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, where: str
) -> None:
    items = tmp_path / "items.jsonl"
    items.write_text('{"id": "a", "title": "A"}\n')
    monkeypatch.setenv("ROLEGRAPH_GRAPH_URI", f"falkordb-lite://{tmp_path}/never.db")
    target = str(tmp_path) if where == "FOLDER" else where
    assert main(["load", "items", str(items), "--json", target]) == 1
    assert f"--json {target}: " in capsys.readouterr().err
    assert not (tmp_path / "never.db").exists()  # the graph was not even opened


# commands that open an existing graph (each refuses before its own work starts)
OPENING = [
    ["stats"],
    ["cypher", "run", "--query", "RETURN 1 AS one"],
    ["explore", "--all-users"],
    ["export", "--out", "EXPORT"],
    ["load", "items", "ITEMS"],
    ["serve", "--port", "8799"],
]


def _args(command: list[str], tmp_path: Path) -> list[str]:
    items = tmp_path / "input" / "items.jsonl"
    items.parent.mkdir(exist_ok=True)
    items.write_text('{"id": "a", "title": "A"}\n')
    return [{"EXPORT": str(tmp_path / "export"), "ITEMS": str(items)}.get(a, a) for a in command]


@pytest.mark.parametrize("command", OPENING, ids=lambda c: c[0])
def test_a_mistyped_graph_path_is_refused_and_not_created(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: list[str]
) -> None:
    graph = tmp_path / "no" / "such" / "g.db"
    monkeypatch.setenv("ROLEGRAPH_GRAPH_URI", f"falkordb-lite://{graph}")
    assert main(_args(command, tmp_path)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"rolegraph: error: no graph at {graph} — run `rolegraph init` (or check ROLEGRAPH_GRAPH_URI)"]
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", [*OPENING, ["init"]], ids=lambda c: c[0])
def test_a_file_that_is_not_a_graph_is_refused_and_left_as_it_was(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: list[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "items.jsonl").write_text('{"id": "1", "title": "not a graph"}\n')
    monkeypatch.setenv("ROLEGRAPH_GRAPH_URI", f"falkordb-lite://{data}/items.jsonl")
    assert main(_args(command, tmp_path)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"rolegraph: error: {data}/items.jsonl is not a rolegraph graph — check ROLEGRAPH_GRAPH_URI"]
    assert [p.name for p in data.iterdir()] == ["items.jsonl"]
    assert (data / "items.jsonl").read_text() == '{"id": "1", "title": "not a graph"}\n'


def test_init_creates_the_graph_where_none_is_then_the_others_open_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    graph = tmp_path / "new" / "folder" / "g.db"
    monkeypatch.setenv("ROLEGRAPH_GRAPH_URI", f"falkordb-lite://{graph}")
    assert main(["init"]) == 0
    assert (graph.parent / "g.db.aof").is_dir()
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["nodes"] == {}


def test_sigterm_stops_a_command_and_the_embedded_graph_server_it_started(tmp_path: Path) -> None:
    """SIGTERM (docker stop, systemd, a job runner's timeout) takes Ctrl-C's way out: every ``with`` closes,
    so the embedded FalkorDB server the command started does not outlive it (`rolegraph backfill` left it and
    the llama.cpp server running), and the exit code says SIGTERM (128 + 15)."""
    environ = {**os.environ, "ROLEGRAPH_GRAPH_URI": f"falkordb-lite://{tmp_path}/g.db"}
    cli = [sys.executable, "-m", "rolegraph.cli.main"]
    subprocess.run([*cli, "init"], env=environ, check=True, capture_output=True, timeout=120)
    busy = "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN count(*) AS n"  # hours of counting
    argv = [*cli, "cypher", "run", "--query", busy, "--timeout", "3600"]
    try:
        with subprocess.Popen(argv, env=environ, stderr=subprocess.PIPE, text=True) as command:
            until = time.monotonic() + 120
            while not embedded_servers(tmp_path):  # the command has opened the graph
                assert command.poll() is None and time.monotonic() < until, "the command did not open the graph"
                time.sleep(0.05)
            command.send_signal(signal.SIGTERM)
            assert command.wait(60) == 128 + signal.SIGTERM
            assert command.stderr is not None and "stopped (SIGTERM)" in command.stderr.read()
        psutil.wait_procs(embedded_servers(tmp_path), timeout=30)
        assert embedded_servers(tmp_path) == []
    finally:
        for server in embedded_servers(tmp_path):  # only this test's: they run in its temporary folder
            server.kill()
