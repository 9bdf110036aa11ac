"""`rolegraph grow` and `rolegraph tags`: argument handling, and a run whose LLM answers nothing (the runs
themselves: tests/reasoning/grow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rolegraph.cli.main import main
from rolegraph.graph.connect import open_store
from tests.reasoning.grow import world
from tests.support.graphs import Graphs, env
from tests.support.openai_server import Reply, ScriptedServer


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grow", "--day", "2026-13-01"], "day"),
        (["grow", "--max-items", "-1"], "max_items"),
        (["grow", "--threshold", "1.5"], "threshold"),
        (["grow", "--chunk", "0"], "chunk"),
        (["tags", "unmerge", " spaced "], "whitespace"),
        (["backfill", "--day", "bad"], "--day must be YYYY-MM-DD"),
        (["backfill", "--days", "0"], "--days and --budget must be at least 1"),
        (["backfill", "--budget", "-3"], "--days and --budget must be at least 1"),
    ],
)
def test_bad_arguments_exit_1_with_one_line_and_touch_nothing(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("ROLEGRAPH_GRAPH_URI", f"falkordb-lite://{tmp_path}/never.db")
    assert main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert not (tmp_path / "never.db").exists()


def test_help_lists_the_run_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["grow", "--help"])
    out = capsys.readouterr().out
    for flag in ("--day", "--max-items", "--max-tags", "--json", "--no-distill", "--threshold", "--tau", "--top-b"):
        assert flag in out


def test_gate_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["gate", "--help"])
    out = capsys.readouterr().out
    for flag in ("--day", "--dry-run", "--no-reask", "--json"):
        assert flag in out


def test_a_gate_dry_run_on_an_empty_graph_judges_nothing_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ROLEGRAPH_GRAPH_URI", f"falkordb-lite://{tmp_path}/graph.db")
    assert main(["init"]) == 0
    assert main(["gate", "--day", "2026-03-01", "--dry-run", "--json", str(tmp_path / "g.json")]) == 0
    said = json.loads((tmp_path / "g.json").read_text())
    assert said["status"] == "dry run" and said["counts"]["gate_judged"] == 0
    with open_store() as store:
        assert store.run("gate-2026-03-01") is None  # a dry run records no run


def test_a_run_whose_llm_fails_every_item_exits_2_and_says_so(tmp_path: Path, graphs: Graphs, engine: str) -> None:
    # an LLM that answers nothing (a crashed or misnamed server) must not pass for an empty day
    with graphs.settings(engine) as settings, ScriptedServer(lambda n, body: Reply(status=503)) as llm:
        with open_store(settings) as store:
            world.load(store, 3)
        llm_env = {
            "ROLEGRAPH_LLM_BASE_URL": llm.base_url,
            "ROLEGRAPH_LLM_MODEL": "scripted",
            "ROLEGRAPH_LLM_STRATEGY": "json",
            "ROLEGRAPH_LLM_ATTEMPTS": "2",
            "ROLEGRAPH_LLM_BACKOFF_S": "0.01",
            "ROLEGRAPH_LLM_CACHE_PATH": str(tmp_path / "cache.sqlite"),
        }
        command = [sys.executable, "-m", "rolegraph.cli.main", "grow", "--day", "2026-03-01", "--no-distill"]
        environ = {**os.environ, **env(settings), **llm_env}

        def grow() -> subprocess.CompletedProcess[str]:  # the same command each time, its summary in g.json
            return subprocess.run(
                [*command, "--json", "g.json"], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=300
            )

        done = grow()
        said = " ".join(done.stderr.split())
        assert done.returncode == 2, done.stderr
        assert "none of its 3 items was tagged" in said and "retried by the next run" in said
        summary = json.loads((tmp_path / "g.json").read_text())  # what the run did is still written
        assert summary["counts"]["items_failed"] == 3
        with open_store(settings) as store:
            assert {r["props"].get("tag_status") for r in store.iter_items()} == {"failed"}
        # the same command again (the LLM still down): the day is not "finished before", it asks again
        again = grow()
        assert again.returncode == 2, again.stderr
        assert "none of its 3 items was tagged" in " ".join(again.stderr.split())
        rerun = json.loads((tmp_path / "g.json").read_text())
        assert rerun["status"] == "done" and rerun["counts"]["items_failed"] == 3 and rerun["counts"]["llm_calls"] > 0
