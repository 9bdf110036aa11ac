"""Statement names are checked once: the `Stmt` enum against the named blocks of cypher/, and the code
against the enum (every member is used; no plumbing call names a statement by string)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

from rolegraph.graph.queries import CYPHER_DIR, catalog
from rolegraph.graph.statements import Stmt

ROOT = Path(__file__).resolve().parents[2]
#: where statements are run from: the package and the benchmarks (cypher/bench.cypher)
SOURCES = (ROOT / "rolegraph", ROOT / "bench")
#: the methods of `graph.runner.StatementRunner` that take a statement first
PLUMBING = frozenset(
    {"read", "write", "pages", "rows", "read_each", "write_each", "write_rows", "write_batches", "drain"}
)
_PREFIX = re.compile(r"^[a-z][a-z0-9]*_[a-z0-9_]*$")


def run_by_name() -> set[str]:
    """The statements the code runs by name: every one but the analysts' library (``cypher/analyst``, run
    by the name an analyst types); the schema is not in the catalog."""
    return {name for name, s in catalog().items() if s.path.relative_to(CYPHER_DIR).parts[0] != "analyst"}


def python_files(roots: Iterable[Path]) -> list[Path]:
    return sorted(p for root in roots for p in root.rglob("*.py") if p.name != "statements.py")


def member_uses(files: Iterable[Path]) -> set[str]:
    """The member names of every ``Stmt.NAME`` in ``files``."""
    return {
        node.attr
        for path in files
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Stmt"
    }


def named_by_string(files: Iterable[Path], names: set[str]) -> set[tuple[str, int, str]]:
    """(file, line, text) of each plumbing call whose statement is a string naming one of ``names`` or an
    f-string that starts like one."""
    found = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            if node.func.attr not in PLUMBING:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and first.value in names:
                found.add((path.name, node.lineno, str(first.value)))
            elif isinstance(first, ast.JoinedStr) and first.values and isinstance(first.values[0], ast.Constant):
                head = str(first.values[0].value)
                if _PREFIX.match(head) and any(n.startswith(head) for n in names):
                    found.add((path.name, node.lineno, head + "…"))
    return found


def test_members_are_exactly_the_named_statements() -> None:
    members = {m.value for m in Stmt}
    assert members - run_by_name() == set(), "members that no .cypher file defines"
    assert run_by_name() - members == set(), "statements in cypher/ that Stmt does not list"
    assert [m.name for m in Stmt if m.value != m.name.lower()] == []


def test_every_member_is_used() -> None:
    used = member_uses(python_files(SOURCES))
    assert used - {m.name for m in Stmt} == set(), "Stmt.NAME uses that name no member"
    assert {m.value for m in Stmt if m.name not in used} == set(), "members no code runs"


def test_no_statement_is_named_by_a_string() -> None:
    found = named_by_string(python_files(SOURCES), run_by_name())
    assert found == set()


def test_the_checks_find_a_planted_unused_member_and_a_string_name(tmp_path: Path) -> None:
    code = tmp_path / "code.py"
    code.write_text(
        "store.read(Stmt.PING)\n"
        "store.write('upsert_items', rows=[])\n"
        "store.read(f'grow_planned_{kind}', day=day)\n"
        "handle.write('header\\n')\n"
    )
    assert member_uses([code]) == {"PING"}
    assert named_by_string([code], run_by_name()) == {
        ("code.py", 2, "upsert_items"),
        ("code.py", 3, "grow_planned_…"),
    }
