"""`rolegraph serve` and `rolegraph api-key` on the command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from rolegraph.api.security import KeyRing
from rolegraph.api.settings import ApiSettings
from rolegraph.cli.main import build_parser, main
from rolegraph.ports import free_port
from tests.support.processes import embedded_servers


def test_serve_and_api_key_are_registered() -> None:
    args = build_parser().parse_args(["serve", "--host", "127.0.0.1", "--port", "9001"])
    assert (args.host, args.port, args.workers) == ("127.0.0.1", 9001, 1)
    assert build_parser().parse_args(["serve", "--workers", "2"]).workers == 2


def test_serve_refuses_zero_workers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--workers", "0"]) == 1
    assert "--workers" in capsys.readouterr().err


def test_serve_help_states_the_read_models_staleness(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "ROLEGRAPH_API_READ_MODEL_STALENESS_S" in " ".join(capsys.readouterr().out.split())


def test_api_key_prints_a_key_its_entry_admits(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["api-key", "analyst", "--scopes", "read,write"]) == 0
    lines = capsys.readouterr().out.splitlines()
    key = lines[0].rsplit(" ", 1)[1]
    entry = json.loads(lines[1].split(": ", 1)[1])
    assert key not in lines[1]
    monkeypatch.setenv("ROLEGRAPH_API_KEYS", json.dumps([entry]))
    principal = KeyRing(ApiSettings().api_keys).identify(key)
    assert principal is not None and principal.name == "analyst" and principal.scopes == {"read", "write"}


def test_api_key_refuses_unknown_scopes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["api-key", "x", "--scopes", "admin"]) == 1
    assert "read and/or write" in capsys.readouterr().err


def test_malformed_key_entries_fail_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEGRAPH_API_KEYS", json.dumps([{"name": "x", "sha256": "not-hex"}]))
    with pytest.raises(ValueError, match="sha256"):
        ApiSettings()


def test_serve_on_a_graph_without_its_schema_says_what_to_do_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ROLEGRAPH_GRAPH_URI", f"falkordb-lite://{tmp_path}/fresh.db")
    assert main(["serve", "--port", "8799"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "run `rolegraph init`" in err[0], err


def test_sigterm_stops_the_service_and_the_embedded_graph_server_it_started(tmp_path: Path) -> None:
    """uvicorn raises SIGTERM again after its graceful shutdown; the store must still be closed first, so the
    embedded FalkorDB server does not outlive the service (`make demo` left one behind per run)."""
    graph = {"ROLEGRAPH_GRAPH_URI": f"falkordb-lite://{tmp_path}/g.db"}
    environ = {**os.environ, **graph}
    cli = [sys.executable, "-m", "rolegraph.cli.main"]
    subprocess.run([*cli, "init"], env=environ, check=True, capture_output=True, timeout=120)
    port = free_port()
    with subprocess.Popen([*cli, "serve", "--port", str(port)], env=environ, stderr=subprocess.PIPE) as service:
        until = time.monotonic() + 120
        while not _answers(f"http://127.0.0.1:{port}/health"):
            assert service.poll() is None and time.monotonic() < until, "the service did not start"
            time.sleep(0.2)
        servers = embedded_servers(tmp_path)
        assert servers, "no embedded FalkorDB server found for the graph"
        service.send_signal(signal.SIGTERM)
        assert service.wait(60) == 128 + signal.SIGTERM
    psutil.wait_procs(servers, timeout=30)
    assert embedded_servers(tmp_path) == []


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False
