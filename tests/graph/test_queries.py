"""The named-statement catalog and the Neo4j-parser lint of rolegraph/cypher/."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from rolegraph.errors import QueryError
from rolegraph.graph.queries import catalog, parse_file, schema_statements, statement

LINT = Path(__file__).resolve().parents[2] / "tools" / "cypher-lint" / "lint.mjs"


def test_catalog_has_the_store_statements() -> None:
    names = set(catalog())
    assert {"upsert_items", "upsert_u2i", "frontier_user_tags", "explore_u2i", "explain_via_topic_role"} <= names
    assert statement("upsert_items").params == frozenset({"rows"})
    assert "// " not in statement("upsert_items").text


def test_unknown_statement_is_a_clear_error() -> None:
    with pytest.raises(QueryError, match="no Cypher statement named 'nope'"):
        statement("nope")


def test_undeclared_parameter_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cypher"
    bad.write_text("// name: q\n// params: a\nMATCH (n:Item {id: $a}) WHERE n.x = $b RETURN n;\n")
    with pytest.raises(QueryError, match="declares \\['a'\\] but uses \\['a', 'b'\\]"):
        parse_file(bad)


def test_schema_files_parse_for_both_backends() -> None:
    assert any("REQUIRE" in s.text for s in schema_statements("neo4j"))
    assert any("CREATE INDEX" in s.text for s in schema_statements("falkordb"))


def _lint(*roots: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None or not (LINT.parent / "node_modules").is_dir():
        pytest.fail("node and tools/cypher-lint/node_modules are needed — run `make setup`")
    return subprocess.run([node, str(LINT), *map(str, roots)], capture_output=True, text=True, timeout=120)


def test_lint_passes_on_the_repository() -> None:
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 problems" in result.stdout


def test_lint_fails_on_a_planted_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "ok.cypher").write_text("// name: fine\n// params: id\nMATCH (n:Item {id: $id}) RETURN n.id AS id;\n")
    (tmp_path / "planted.cypher").write_text("// name: broken\n// params: id\nMATCH (n:Item {id: $id}) RETRN n;\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "planted.cypher:3: error in 'broken'" in result.stdout
    assert "ok.cypher" not in result.stdout


def test_lint_fails_on_an_undeclared_parameter_and_unknown_label(tmp_path: Path) -> None:
    (tmp_path / "x.cypher").write_text("// name: q\nMATCH (n:Itme {id: $id}) RETURN n.id AS id;\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "Parameter $id is not defined" in result.stdout
    assert "Label Itme is not present" in result.stdout
