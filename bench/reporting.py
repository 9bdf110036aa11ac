"""What every benchmark report shares: when and where it ran, and how it is written.

Each benchmark writes ``bench/results/<name>.json`` (the numbers) and ``<name>.md`` (a table for people).
"""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def stamp(name: str) -> dict[str, Any]:
    """The opening fields of a report: benchmark name, UTC time, machine."""
    return {
        "benchmark": name,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }


def write(out: Path, report: dict[str, Any], markdown: str) -> None:
    """Writes the report as JSON and Markdown under ``out`` and prints the JSON."""
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2) + "\n"
    (out / f"{report['benchmark']}.json").write_text(text)
    (out / f"{report['benchmark']}.md").write_text(markdown)
    print(text, end="")
