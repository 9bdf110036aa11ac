"""`rolegraph evaluate` end to end on the tiny synthetic world: the --json layout the peers read; `rolegraph train`'s
refusals, which leave the served model, the export and the roles as they were."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rolegraph.cli.main import main
from rolegraph.graph.connect import open_store
from rolegraph.graph.loaders.synth_truth import load_world
from rolegraph.progress import no_progress
from rolegraph.recsys.metrics import NAMES
from rolegraph.recsys.writeback import count_roles


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


def test_export_refuses_a_previous_folder_that_is_no_export(
    tiny_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROLEGRAPH_GRAPH_URI", f"falkordb-lite://{tmp_path}/graph.db")
    assert main(["init"]) == 0
    with open_store() as store:
        load_world(store, tiny_world, no_progress)
    assert main(["export", "--out", str(tmp_path / "day1")]) == 0
    capsys.readouterr()
    for previous, problem in [("/nonexistent", "no such folder"), (str(tiny_world), "not an export folder")]:
        assert main(["export", "--out", str(tmp_path / "day2"), "--previous", previous]) == 1
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and err[0].startswith(f"rolegraph: error: {previous}: {problem}"), err
        assert not (tmp_path / "day2").exists()
    assert main(["export", "--out", str(tmp_path / "day2"), "--previous", str(tmp_path / "day1")]) == 0
    day1, day2 = (tmp_path / day / "maps" / "item.txt" for day in ("day1", "day2"))
    assert day2.read_text() == day1.read_text()


def test_a_refused_or_failed_evaluate_keeps_the_previous_export(
    tiny_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """evaluate checks every setting before it reads the graph and writes its export only after the seeds
    trained: a bad model setting or a failed training used to leave the previous export overwritten."""
    export_dir = tmp_path / "export"
    argv = ["evaluate", "--dataset", f"synth:{tiny_world}", "--models", "sasrec,tagcf-ut-util", "--seeds", "1"]
    argv += ["--epochs", "1", "--hidden", "8", "--set", "layers=1", "--set", "max_len=8", "--jobs", "1"]
    argv += ["--export-dir", str(export_dir)]
    assert main([*argv, "--json", str(tmp_path / "eval.json")]) == 0
    kept = _recsys_files(export_dir)
    assert "manifest.json" in kept["files"] and "maps/user.txt" in kept["files"]
    capsys.readouterr()
    (tmp_path / "a-folder").mkdir()
    for args, message in [
        (["--set", "stride=-1"], "stride must be 0 or more"),
        (["--hidden", "0"], "hidden must be at least 1, got 0"),
        (["--report", str(tmp_path / "r.md"), "--sweep-lambda", "0.1,abc"], "--sweep-lambda: 'abc' is not a number"),
        (["--report", str(tmp_path / "r.md"), "--sweep-lambda", "-1"], "--sweep-lambda: lam must be 0 or more"),
        (["--report", str(tmp_path / "a-folder")], "--report"),
    ]:
        assert main([*argv, *args]) == 1, args
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and message in err[0], (args, err)
        assert _recsys_files(export_dir) == kept, args

    # the configured graph: every user has three interactions, so SASRec has nothing to learn (after the read)
    monkeypatch.setenv("ROLEGRAPH_GRAPH_URI", f"falkordb-lite://{tmp_path}/graph.db")
    _load_three_each(tmp_path)
    capsys.readouterr()
    dataset = argv.index("--dataset") + 1
    assert main([*argv[:dataset], "movielens", *argv[dataset + 1 :]]) == 1
    assert "nothing to train sasrec on: no user has two training interactions" in capsys.readouterr().err
    assert _recsys_files(export_dir) == kept


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


TINY_TRAIN = ["train", "--model", "tagcf-ut-util", "--epochs", "1", "--hidden", "8", "--device", "cpu"]
TINY_TRAIN += ["--set", "layers=1", "--set", "max_len=8", "--set", "k=3"]
BAD_TRAINING = [
    (["--epochs", "0"], "epochs must be at least 1, got 0"),
    (["--epochs", "-1"], "epochs must be at least 1, got -1"),
    (["--patience", "0"], "patience must be at least 1, got 0"),
    (["--hidden", "-4"], "hidden must be at least 1, got -4"),
    (["--model", "bpr", "--hidden", "0"], "hidden must be at least 1, got 0"),
    (["--set", "lr=nan"], "lr must be a finite number, got nan"),
    (["--set", "dropout=1"], "dropout must be 0 or more and below 1, got 1.0"),
    (["--set", "batch_size=0"], "batch_size must be at least 1, got 0"),
]


def _load_three_each(tmp_path: Path) -> None:
    """Into the configured graph (made here): 6 items and 4 users with three interactions each, so after the
    split (the last two held out) no user has two training interactions."""
    (tmp_path / "items.jsonl").write_text("".join(f'{{"id": "i{n}", "title": "I{n}"}}\n' for n in range(6)))
    events = "".join(f"u{u},i{(u + k) % 6},{10 * u + k}\n" for u in range(4) for k in range(3))
    (tmp_path / "events.csv").write_text("user_id,item_id,ts\n" + events)
    assert main(["init"]) == 0 and main(["load", "items", str(tmp_path / "items.jsonl")]) == 0
    assert main(["load", "interactions", str(tmp_path / "events.csv")]) == 0


def _recsys_files(root: Path) -> dict[str, object]:
    """Every file under ``root`` (bytes and modification time; not through the ``current`` link) and where
    ``current`` points."""
    files = {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for folder, _, names in os.walk(root)
        for p in (Path(folder) / n for n in names)
        if not p.is_symlink()
    }
    return {"files": files, "current": os.readlink(root / "current") if (root / "current").is_symlink() else None}


@pytest.mark.parametrize(("args", "message"), BAD_TRAINING)
def test_train_refuses_bad_settings_before_the_graph_is_opened(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROLEGRAPH_GRAPH_URI", f"falkordb-lite://{tmp_path}/never.db")
    monkeypatch.setenv("ROLEGRAPH_RECSYS_DIR", str(tmp_path / "recsys"))
    assert main([*TINY_TRAIN, *args]) == 1
    assert capsys.readouterr().err.splitlines() == [f"rolegraph: error: {message}"]
    assert not (tmp_path / "never.db").exists() and not (tmp_path / "recsys").exists()


def test_a_refused_train_keeps_the_served_model_the_export_and_the_roles(
    tiny_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "recsys"
    monkeypatch.setenv("ROLEGRAPH_GRAPH_URI", f"falkordb-lite://{tmp_path}/graph.db")
    monkeypatch.setenv("ROLEGRAPH_RECSYS_DIR", str(root))
    assert main(["init"]) == 0
    with open_store() as store:
        load_world(store, tiny_world, no_progress)
    assert main(TINY_TRAIN) == 0
    with open_store() as store:
        graph, roles = store.content_hash(), count_roles(store)
    kept = _recsys_files(root)
    assert kept["current"] is not None and (root / "export" / "manifest.json").is_file() and roles["T0"] > 0
    capsys.readouterr()

    for args, message in [*BAD_TRAINING, (["--device", "nonsense"], "unknown device 'nonsense'")]:
        assert main([*TINY_TRAIN, *args]) == 1
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and err[0].startswith("rolegraph: error: ") and message in err[0], args
        assert _recsys_files(root) == kept, args
    with open_store() as store:
        assert store.content_hash() == graph and count_roles(store) == roles

    monkeypatch.setenv("ROLEGRAPH_GRAPH_NAME", "empty")  # another graph in the same file: schema, nothing else
    assert main(["init"]) == 0
    capsys.readouterr()
    assert main(TINY_TRAIN) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["rolegraph: error: the graph has no users with interactions to train on (load interactions first)"]
    assert _recsys_files(root) == kept

    monkeypatch.setenv("ROLEGRAPH_GRAPH_NAME", "three-each")  # every user: one training item after the split
    _load_three_each(tmp_path)
    capsys.readouterr()
    assert main(TINY_TRAIN) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "rolegraph: error: nothing to train tagcf on: no user has two training interactions (a user with three or "
        "more has the last two held out for validation and test) — load more interactions"
    ]
    assert _recsys_files(root) == kept
    monkeypatch.delenv("ROLEGRAPH_GRAPH_NAME")
    with open_store() as store:
        assert store.content_hash() == graph and count_roles(store) == roles
