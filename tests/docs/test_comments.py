"""Comments explain the code, not the tracker: no comment or docstring cites an issue number."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from tests.docs.test_links import ROOT, own_files

ISSUE = re.compile(r"\bissues?\s*#\s*\d+|\(#\d+\)", re.IGNORECASE)
# comment syntax of the repository's other text files: Cypher, shell, YAML, Makefile, Dockerfile, .env
LINE_COMMENT = {".cypher": "//", ".sh": "#", ".yml": "#", ".yaml": "#", ".mjs": "//", ".js": "//"}
BY_NAME = {"Makefile": "#", "Dockerfile": "#", ".env.example": "#", "run": "#"}


def python_prose(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every comment and docstring of a Python file."""
    source = path.read_text(encoding="utf-8")
    found = [
        (tok.start[0], tok.string)
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc and node.body:
                found.append((node.body[0].lineno, doc))
    return found


def line_comments(path: Path, marker: str) -> list[tuple[int, str]]:
    """(line, text) of the comments of a file whose comments start with ``marker``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(n, line[line.index(marker) :]) for n, line in enumerate(lines, 1) if marker in line]


def test_no_comment_cites_an_issue() -> None:
    hits = []
    for path in own_files():
        if path.suffix == ".py":
            prose = python_prose(path)
        elif marker := LINE_COMMENT.get(path.suffix) or BY_NAME.get(path.name):
            prose = line_comments(path, marker)
        else:
            continue
        hits += [f"{path.relative_to(ROOT)}:{n}" for n, text in prose if ISSUE.search(text)]
    assert not hits, "comments citing an issue number (say why the code is so instead): " + ", ".join(hits)


def test_the_pattern() -> None:
    assert ISSUE.search("the scale issue #2 asks for") and ISSUE.search("Goal (#5)")
    assert not ISSUE.search('colour "#848484"') and not ISSUE.search("see the issue tracker")
