"""Reports the imports inside functions of the library (every package but the command line) and fails
when one is not explained.

An import inside a function is allowed only to keep start-up time down (torch, matplotlib, a driver
only some commands need); its function's first such import carries a ``# lazy: <why>`` comment. Cycles
are not a reason: the import-linter contracts (``make lint``) count imports inside functions too, so
one that closed a cycle would fail there.

    python tools/lazy_imports.py rolegraph
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

EXEMPT = ("cli",)  # the command line imports each command's library when the command runs, by design


def function_imports(path: Path) -> list[tuple[str, int, bool]]:
    """(function name, line, explained) of the first import of each function that imports."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for node in ast.walk(ast.parse("\n".join(lines), str(path))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        imports = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
        if imports:
            first = min(n.lineno for n in imports)
            found.append((node.name, first, "# lazy:" in lines[first - 1]))
    return found


def main(root: str) -> int:
    package = Path(root)
    total, unexplained = 0, []
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parts[0] in EXEMPT:
            continue
        for name, line, explained in function_imports(path):
            total += 1
            if not explained:
                unexplained.append(f"{path}:{line}: import inside {name}() without a '# lazy: <why>' comment")
    print(f"function-level imports in library code: {total} function(s), {len(unexplained)} unexplained")
    for message in unexplained:
        print(message, file=sys.stderr)
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "rolegraph"))
