"""The `rolegraph` console script end to end, as a child process, on an empty database of each engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rolegraph.graph.connect import open_store
from rolegraph.ports import free_port
from rolegraph.settings import GraphSettings
from tests.support.graphs import Graphs, env


@pytest.fixture
def graph(graphs: Graphs, engine: str) -> Iterator[GraphSettings]:
    """An empty database without its schema, of the engine under test."""
    with graphs.settings(engine, schema=False) as settings:
        yield settings


def _run(args: list[str], cwd: Path, graph: GraphSettings | None = None) -> subprocess.CompletedProcess[str]:
    # without a graph: an embedded file of its own (the command's handling of arguments is tested)
    full_env = {**os.environ, **(env(graph) if graph else {"ROLEGRAPH_GRAPH_URI": f"falkordb-lite://{cwd}/graph.db"})}
    return subprocess.run(
        [sys.executable, "-m", "rolegraph.cli.main", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = _run(["--help"], tmp_path)
    assert result.returncode == 0
    for command in ("init", "load", "stats", "synth"):
        assert command in result.stdout


def test_synth_init_load_stats(tmp_path: Path, graph: GraphSettings) -> None:
    world = tmp_path / "world"
    assert (
        _run(
            ["synth", "--users", "40", "--items", "30", "--roles", "6", "--topics", "8", "--out", str(world)], tmp_path
        ).returncode
        == 0
    )
    assert _run(["init"], tmp_path, graph).returncode == 0
    for what, name in (("items", "items.jsonl"), ("users", "users.jsonl"), ("interactions", "interactions.csv")):
        result = _run(["load", what, str(world / name), "--json", str(tmp_path / f"{what}.json")], tmp_path, graph)
        assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "interactions.json").read_text())
    n_events = sum(1 for _ in (world / "interactions.csv").open()) - 1
    assert summary == {"written": {"interactions": n_events}, "skipped": []}
    result = _run(["stats", "--json"], tmp_path, graph)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "nodes": {"Item": 30, "User": 40},
        "relationships": {"INTERACTED": n_events},
        "quarantined": {},  # nothing grown yet: no tag set aside by the quality gate
        "candidates": {},  # nor any logic pair proposed by behaviour
        "merges": {"made": 0, "blocked": 0, "undone": 0},
    }


def test_load_before_init_says_what_to_do(tmp_path: Path, graph: GraphSettings) -> None:
    (tmp_path / "items.jsonl").write_text('{"id": "a", "title": "A"}\n')
    result = _run(["load", "items", str(tmp_path / "items.jsonl")], tmp_path, graph)
    assert result.returncode == 2
    assert "run `rolegraph init`" in result.stderr


def test_strict_load_with_bad_rows_fails_and_writes_nothing(tmp_path: Path, graph: GraphSettings) -> None:
    assert _run(["init"], tmp_path, graph).returncode == 0
    (tmp_path / "items.jsonl").write_text('{"id": "a", "title": "A"}\n{"id": ""}\n')
    result = _run(["load", "items", str(tmp_path / "items.jsonl"), "--strict"], tmp_path, graph)
    assert result.returncode == 1
    assert "items.jsonl:2: item id is empty" in result.stderr
    stats = _run(["stats", "--json"], tmp_path, graph)
    assert json.loads(stats.stdout)["nodes"] == {}


def test_a_load_of_only_bad_rows_exits_1_and_one_with_some_exits_0(tmp_path: Path, graph: GraphSettings) -> None:
    assert _run(["init"], tmp_path, graph).returncode == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": ""}\n{not json\n[1]\n{"title": "no id"}\n')
    result = _run(["load", "items", str(bad), "--json", str(tmp_path / "bad.json")], tmp_path, graph)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"rolegraph: error: nothing written, every row is bad — 4 bad rows: {bad}:1: item id is empty; "
        f"{bad}:2: not valid JSON (Expecting property name enclosed in double quotes); {bad}:3: not a JSON object; "
        f"{bad}:4: item id is missing (null)"
    ]
    assert json.loads(_run(["stats", "--json"], tmp_path, graph).stdout)["nodes"] == {}
    bad.write_text('{"id": "a", "title": "A"}\n{"id": ""}\n')  # some rows good: loaded, the rest skipped
    result = _run(["load", "items", str(bad), "--json", str(tmp_path / "some.json")], tmp_path, graph)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "some.json").read_text()) == {
        "written": {"items": 1},
        "skipped": [f"{bad}:2: item id is empty"],
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load", "items", "/no/such/file.jsonl"], "/no/such/file.jsonl: no such file"),
        (["load", "items", "/tmp"], "/tmp: is a directory, not a file"),
        (["load", "interactions", "."], ".: is a directory, not a file"),
        (["synth", "--users", "0", "--out", "x"], "users, items, roles and topics must all be at least 1"),
    ],
)
def test_bad_arguments_fail_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    assert _run(["init"], tmp_path).returncode == 0
    result = _run(args, tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("rolegraph: error:") == 1 and message in result.stderr, result.stderr


def test_llm_serve_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    import signal
    import time
    import urllib.request

    from rolegraph.reasoning.llm.server import _answers

    port = free_port()
    model = Path(__file__).resolve().parents[2] / "data" / "models" / "gemma-3-270m-q4_k_m.gguf"
    env = {**os.environ, "ROLEGRAPH_LLM_MODEL_PATH": str(model)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rolegraph.cli.main", "llm", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while not _answers(url):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.2)
        with urllib.request.urlopen(f"{url}/models", timeout=5) as response:
            assert json.load(response)["data"][0]["id"] == "gemma3-270m"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopping" in err
    assert not _answers(url)


def test_init_then_load_movielens_twice(tmp_path: Path, graph: GraphSettings, movielens_dir: Path) -> None:
    # what a user types against a server: the same counts on every engine, and a second load changes nothing
    assert _run(["init"], tmp_path, graph).returncode == 0
    load = ["load", "movielens", "--dir", str(movielens_dir), "--json", str(tmp_path / "load.json")]
    result = _run(load, tmp_path, graph)
    assert result.returncode == 0, result.stderr
    written = json.loads((tmp_path / "load.json").read_text())["written"]
    assert written == {"items": 1682, "users": 943, "interactions": 100_000}
    expected = {
        "nodes": {"Item": 1682, "User": 943},
        "relationships": {"INTERACTED": 100_000},
        "merges": {"made": 0, "blocked": 0, "undone": 0},
        "quarantined": {},
        "candidates": {},
    }
    assert json.loads(_run(["stats", "--json"], tmp_path, graph).stdout) == expected
    first = _content_hash(graph)
    assert _run(load, tmp_path, graph).returncode == 0
    assert json.loads(_run(["stats", "--json"], tmp_path, graph).stdout) == expected
    assert _content_hash(graph) == first


def _content_hash(graph: GraphSettings) -> str:
    with open_store(graph) as store:
        return store.content_hash()
