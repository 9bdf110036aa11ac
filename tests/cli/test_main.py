"""The entry point's error contract: a malformed setting is one line naming it (exit 2), never a traceback;
a port no server can listen on is bad input (exit 1) before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolegraph.cli.main import main


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
