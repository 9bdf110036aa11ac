"""Every result figure the docs quote in a marked place is its report's figure (bench/render_docs.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import render_docs
from tiers import STEPS

PAGES = render_docs.pages()


def _name(page: Path) -> str:
    return str(page.relative_to(render_docs.ROOT))


def test_the_docs_have_marked_places() -> None:
    found = {name for page in PAGES for _, name, _ in render_docs.places(page.read_text())}
    assert {"results", "tiers", "api_load", "recsys_movielens"} <= found


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_each_marked_place_says_what_its_report_says(page: Path) -> None:
    wrong = []
    for kind, name, text in render_docs.places(page.read_text()):
        made = render_docs.FIGURES if kind == "fig" else render_docs.TABLES
        assert name in made, f"{_name(page)}: <!-- {kind}:{name} --> names no figure of bench/render_docs.py"
        want = made[name]()
        if text.strip() != want.strip():
            wrong.append(f"{kind}:{name}: the page says {text.strip()[:200]!r}, its report {want.strip()[:200]!r}")
    assert not wrong, f"{_name(page)} differs from bench/results/ (run python bench/render_docs.py):\n" + "\n".join(
        wrong
    )


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_rendering_changes_nothing_outside_the_marked_places(page: Path) -> None:
    assert render_docs.render(page.read_text()) == page.read_text()


def test_the_results_table_and_the_bench_readme_list_every_report() -> None:
    results = render_docs.results_table()
    tiers = (render_docs.ROOT / "bench" / "README.md").read_text()
    for step in STEPS:
        assert f"[`{step.name}`](../bench/results/{step.name}.md)" in results
        for name in step.reports:
            assert f"[`{name}`](results/" in tiers, f"bench/README.md does not list {name}"


def test_the_script_runs_its_command_line() -> None:
    """`python bench/render_docs.py` is how the docs are remade after a benchmark (bench/README.md)."""
    script = render_docs.ROOT / "bench" / "render_docs.py"
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, check=True)
    assert "--check" in done.stdout
