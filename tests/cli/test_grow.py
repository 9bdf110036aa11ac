"""`rolegraph grow` and `rolegraph tags` argument handling (the runs themselves: tests/reasoning/grow)."""

from __future__ import annotations

import pytest

from rolegraph.cli.main import main


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grow", "--day", "2026-13-01"], "day"),
        (["grow", "--max-items", "-1"], "max_items"),
        (["grow", "--threshold", "1.5"], "threshold"),
        (["grow", "--chunk", "0"], "chunk"),
        (["tags", "unmerge", " spaced "], "whitespace"),
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
