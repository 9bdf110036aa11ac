"""The documentation a newcomer reads: the README stays a front door, every link in it and in docs/ leads to
a file (and heading) of this repository, and nothing in the repository points outside it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = sorted([README, ROOT / "rolegraph" / "cypher" / "README.md", *(ROOT / "docs").glob("*.md")])
README_MAX_LINES = 150

# folders that are not the repository's own text: environments, caches, installed packages, data, build output
SKIP_DIRS = {".git", ".venv", "node_modules", "data", "test-artifacts", "build", "dist", "__pycache__"}
# written in two parts so that this file does not contain what it looks for
OUTSIDE = "/".join(("..", "shared"))

_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"`[^`]*`")
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def links(page: Path) -> list[str]:
    """Every link and image target on a Markdown page, outside code blocks and code spans."""
    lines = prose_lines(page.read_text(encoding="utf-8"))
    return [m.group(1) for line in lines for m in _LINK.finditer(_CODE_SPAN.sub("", line))]


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings (a repeated heading gets -1, -2, … as on GitHub)."""
    seen: dict[str, int] = {}
    found = set()
    for line in prose_lines(page.read_text(encoding="utf-8")):
        m = _HEADING.match(line)
        if not m:
            continue
        base = slug(m.group(2))
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


def broken(page: Path, target: str) -> str | None:
    """Why ``target`` (a link on ``page``) does not lead into this repository, or None when it does."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
        return "links outside the repository"
    path_part, _, anchor = target.partition("#")
    dest = (page.parent / path_part).resolve() if path_part else page
    if not dest.is_relative_to(ROOT):
        return "leaves the repository"
    if not dest.exists():
        return "no such file"
    if anchor and dest.suffix == ".md" and anchor not in anchors(dest):
        return f"no heading #{anchor} in {dest.relative_to(ROOT)}"
    return None


def own_files() -> list[Path]:
    """The repository's own files: not environments, caches, installed packages or data."""
    files = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith((".egg-info", "_cache"))]
        files += [Path(folder) / name for name in names]
    return files


def repository_text_files() -> list[Path]:
    """The repository's own files that read as UTF-8 text."""
    files = []
    for path in own_files():
        try:
            path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        files.append(path)
    return files


def test_the_pages_exist() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in PAGES}
    for page in ("design", "cli", "growing", "recommender", "api", "analysts", "operations", "benchmarks", "README"):
        assert f"docs/{page}.md" in names


def test_readme_is_a_front_door() -> None:
    n = len(README.read_text(encoding="utf-8").splitlines())
    assert n <= README_MAX_LINES, f"README.md has {n} lines; keep it ≤ {README_MAX_LINES} and move detail to docs/"


def test_readme_indexes_every_docs_page() -> None:
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in links(README)}
    for page in (ROOT / "docs").glob("*.md"):
        assert page.resolve() in linked, f"README.md does not link docs/{page.name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_leads_into_the_repository(page: Path) -> None:
    bad = [f"{t}: {why}" for t in links(page) if (why := broken(page, t))]
    assert not bad, f"{page.relative_to(ROOT)}: " + "; ".join(bad)


def test_nothing_points_outside_the_repository() -> None:
    hits = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in repository_text_files()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE in line
    ]
    assert not hits, f"{OUTSIDE} is outside the repository: " + ", ".join(hits)


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("The daily run: `rolegraph grow`", "the-daily-run-rolegraph-grow"),
        ("Peers (RecBole)", "peers-recbole"),
        ("The daily growth run (paper §2.1–2.2, App. B.4–B.5)", "the-daily-growth-run-paper-2122-app-b4b5"),
    ],
)
def test_slug_matches_github(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_a_broken_link_is_caught(tmp_path: Path) -> None:
    page = ROOT / "docs" / "README.md"
    assert broken(page, "design.md") is None
    assert broken(page, "design.md#design") is None
    assert broken(page, "nowhere.md") == "no such file"
    assert broken(page, "design.md#nowhere") == "no heading #nowhere in docs/design.md"
    assert broken(page, "https://example.org/") == "links outside the repository"
    assert broken(page, "../../elsewhere.md") == "leaves the repository"
