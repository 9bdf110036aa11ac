"""`rolegraph evaluate` end to end on the tiny synthetic world: the --json layout the peers read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rolegraph.cli.main import main
from rolegraph.recsys.metrics import NAMES


def test_evaluate_writes_the_json_layout(tiny_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEGRAPH_RECSYS_DIR", str(tmp_path / "recsys"))
    out, report = tmp_path / "eval.json", tmp_path / "eval.md"
    argv = [
        "evaluate",
        "--dataset",
        f"synth:{tiny_world}",
        "--models",
        "sasrec,tagcf-ut-util,tagcf-ut-expl,bpr,tag-profile,oracle-roles",
    ]
    argv += ["--seeds", "2", "--epochs", "1", "--hidden", "8", "--set", "layers=1", "--set", "max_len=8"]
    assert main([*argv, "--json", str(out), "--report", str(report)]) == 0
    data = json.loads(out.read_text())
    made = data.pop("provenance")
    assert made["seeds"] == [0, 1] and made["command"].startswith("python") and made["wall_s"] > 0
    assert set(data) == {"sasrec", "tagcf-ut-util", "tagcf-ut-expl", "bpr", "tag-profile", "oracle-roles"}
    for name, entry in data.items():
        assert set(entry) == {*NAMES, "p_vs_sasrec", "paired"}
        assert set(entry["paired"]) == {"sasrec", "tag-profile"} - {name}
        for c in entry["paired"].values():
            assert c["users"] == 60 and len(c["p_users_per_seed"]) == 2 and c["diff_ci"][0] <= c["diff_ci"][1]
        for metric in NAMES:
            assert set(entry[metric]) == {"mean", "std", "values"} and len(entry[metric]["values"]) == 2
            assert entry[metric]["mean"] == pytest.approx(sum(entry[metric]["values"]) / 2)
        assert set(entry["p_vs_sasrec"]) == set(NAMES)
    assert all(p is None for p in data["sasrec"]["p_vs_sasrec"].values())
    text = report.read_text()
    assert "## Goals" in text and "## Paired per-user tests" in text and report.with_suffix(".betas.png").is_file()
    runs = json.loads(report.with_suffix(".runs.json").read_text())
    trained = {"sasrec", "tagcf-ut", "tagcf-ut-expl", "bpr"}
    assert set(runs["timings"]) == trained | {"tag-profile", "oracle-roles"} and runs["cpu_s"] > 0
    assert all(len(t) == 2 for t in runs["timings"].values())
    assert all(r["cpu_s"] > 0 for key in trained for r in runs["timings"][key])
    assert runs["provenance"] == made and "*Provenance:* commit" in text
    assert "| tag weight T(0) | tag weight T(1) |" in text
    for b in runs["betas"]:  # how far each tag term can move a ranking at the chosen β
        assert b["tag_weight"]["tag0"] >= 0 and b["tag_weight"]["tag1"] >= 0
        assert b["beta0"] > 0 or b["tag_weight"]["tag0"] == 0
    manifest = json.loads((tmp_path / "recsys" / "exports").glob("*/manifest.json").__next__().read_text())
    assert manifest["runs"] == ["synth-truth"]


def test_evaluate_refuses_unknown_model_and_dataset(tmp_path: Path) -> None:
    assert main(["evaluate", "--models", "sasrec,nope", "--json", str(tmp_path / "x.json")]) == 1
    assert main(["evaluate", "--models", "oracle-roles", "--json", str(tmp_path / "x.json")]) == 1
    assert main(["evaluate", "--dataset", "synth:/no/such/folder"]) == 1


def test_parallel_seeds_give_the_numbers_of_one_process(
    tiny_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEGRAPH_RECSYS_DIR", str(tmp_path / "recsys"))
    argv = ["evaluate", "--dataset", f"synth:{tiny_world}", "--models", "sasrec,tagcf-ut-expl,lightgcn", "--seeds"]
    argv += ["3", "--epochs", "2", "--hidden", "8", "--set", "layers=1", "--set", "max_len=8", "--set", "stride=3"]
    results = {}
    for jobs in (1, 2):
        out, report = tmp_path / f"jobs{jobs}.json", tmp_path / f"jobs{jobs}.md"
        assert main([*argv, "--jobs", str(jobs), "--json", str(out), "--report", str(report)]) == 0
        results[jobs] = {k: v for k, v in json.loads(out.read_text()).items() if k != "provenance"}
        runs = json.loads(report.with_suffix(".runs.json").read_text())
        assert [b["seed"] for b in runs["betas"]] == [0, 1, 2]
        assert all(len(rows) == 3 for rows in runs["timings"].values())
        assert runs["cpu_s"] > 0 and f"{jobs} seed(s) at a time" in report.read_text()
    assert set(results[1]) == set(results[2]) == {"sasrec", "tagcf-ut-expl", "lightgcn"}
    for name, entry in results[1].items():
        for metric in NAMES:
            assert results[2][name][metric]["values"] == pytest.approx(entry[metric]["values"], abs=1e-6)
    assert len(set(results[1]["sasrec"]["ndcg@10"]["values"])) > 1  # the seeds differ: each got its own seed


def test_evaluate_refuses_bad_settings_before_training(
    tiny_world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["evaluate", "--dataset", f"synth:{tiny_world}", "--models", "sasrec", "--seeds", "1", "--epochs", "1"]
    assert main([*argv, "--jobs", "0"]) == 1
    assert "--jobs must be at least 1, got 0" in capsys.readouterr().err
    assert main([*argv, "--export-dir", str(tmp_path / "x"), "--set", "stride=-1"]) == 1
    assert "stride must be 0 or more (0: max_len, windows apart), got -1" in capsys.readouterr().err
    assert main([*argv, "--device", "nonsense"]) == 1
    assert "unknown device 'nonsense': give auto, cpu, cuda or cuda:N" in capsys.readouterr().err
    assert main([*argv, "--hidden", "10", "--set", "heads=4"]) == 1
    assert "hidden (10) must be a multiple of heads (4)" in capsys.readouterr().err


def test_train_refuses_an_evaluation_control(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--model", "sasrec-mix"]) == 1  # before any graph is opened
    assert "sasrec-mix is an evaluation control" in capsys.readouterr().err


def test_evaluate_pairs_against_the_models_asked_for(
    tiny_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROLEGRAPH_RECSYS_DIR", str(tmp_path / "recsys"))
    argv = ["evaluate", "--dataset", f"synth:{tiny_world}", "--models", "sasrec,bpr,tag-profile", "--seeds", "1"]
    argv += ["--epochs", "1", "--hidden", "8", "--set", "layers=1", "--set", "max_len=8"]
    assert main([*argv, "--paired", "lightgcn"]) == 1  # refused before anything is trained
    assert "--paired lightgcn: not among --models (sasrec,bpr,tag-profile)" in capsys.readouterr().err
    out, report = tmp_path / "eval.json", tmp_path / "eval.md"
    assert main([*argv, "--paired", "bpr", "--json", str(out), "--report", str(report)]) == 0
    data = json.loads(out.read_text())
    assert {name: set(data[name]["paired"]) for name in ("sasrec", "bpr", "tag-profile")} == {
        "sasrec": {"bpr"},
        "bpr": set(),
        "tag-profile": {"bpr"},
    }
    assert data["sasrec"]["paired"]["bpr"]["users"] == 60
    assert "--paired bpr" in report.read_text() and "| sasrec | bpr | 60 |" in report.read_text()
