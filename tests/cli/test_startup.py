"""What loading the command line costs: `rolegraph --help` and every command's `--help` import
`rolegraph.cli.main` and nothing heavy — the numerics, the model and web stacks and the database drivers
load only in the commands that use them (bench/cli_latency.py times it; here only what is imported)."""

from __future__ import annotations

import json
import subprocess
import sys

#: libraries that each add tens to hundreds of milliseconds to a process's start
HEAVY = (
    "torch",
    "scipy",
    "numpy",
    "sentence_transformers",
    "transformers",
    "langchain_core",
    "langgraph",
    "fastapi",
    "uvicorn",
    "neo4j",
    "falkordb",
    "redis",
    "httpx",
    "matplotlib",
)


def test_the_command_line_imports_nothing_heavy() -> None:
    probe = (
        "import json, sys\n"
        "import rolegraph.cli.main\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
