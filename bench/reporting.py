"""What every benchmark report shares: how it was made, and how it is written.

Each benchmark writes ``bench/results/<name>.json`` (the numbers) and ``<name>.md`` (a table for people)::

    report = stamp("cover", seeds=[0]) | {...the numbers...}
    write(args.out, report, markdown)

`stamp` gives the opening fields: ``benchmark`` (the name), ``date`` (UTC, ISO 8601), ``machine`` (cores,
CPU model, memory in GiB, Python, platform) and ``provenance`` (`rolegraph.provenance.Provenance`: commit
and whether the tree was dirty, the command line, the same date and machine, the library versions and the
LLM model file, the seeds, wall time, the load average at the start). `write` fills the provenance's wall
time (seconds since the benchmark's process started) and the load average at the end, writes both files
and puts the provenance line under the Markdown's title.
bench/README.md documents the fields; tests/bench/test_reports.py checks every JSON in bench/results/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rolegraph.provenance import collect, ended, process_wall_s, with_line

RESULTS = Path(__file__).resolve().parent / "results"


def short_commit(commit: str, dirty: bool | None) -> str:
    """A commit as the Markdown names it: its first 7 characters in backticks, " (dirty)" after a dirty tree."""
    return f"`{commit[:7]}`" + (" (dirty)" if dirty else "")


def stamp(name: str, *, seeds: list[int] | None = None, note: str | None = None) -> dict[str, Any]:
    """The opening fields of a report (see the module docstring). ``seeds``: the random seeds the run
    drew from ([] when it draws nothing at random; None leaves them unknown)."""
    prov = collect(seeds, note=note).as_dict()
    return {"benchmark": name, "date": prov["date"], "machine": prov["machine"], "provenance": prov}


def write(out: Path, report: dict[str, Any], markdown: str) -> None:
    """Writes the report as JSON and Markdown under ``out`` and prints the JSON; the provenance's wall
    time is this process's so far when the report does not give one."""
    prov = report.setdefault("provenance", stamp(report["benchmark"])["provenance"])
    if prov.get("wall_s") is None:
        prov["wall_s"] = round(process_wall_s(), 1)
    prov["load"] = ended(prov.get("load"))
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2) + "\n"
    (out / f"{report['benchmark']}.json").write_text(text)
    (out / f"{report['benchmark']}.md").write_text(with_line(markdown, prov))
    print(text, end="")


def paired_text(c: dict[str, Any] | None) -> str:
    """A paired per-user comparison (`recsys.stats.paired_users`) as "+1.2 % [-0.5, +2.9], p 0.12"; "–" when
    there is none."""
    if c is None or c.get("rel") is None:
        return "–"
    lo, hi = c["rel_ci"]
    return f"{c['rel'] * 100:+.1f} % [{lo * 100:+.1f}, {hi * 100:+.1f}], p {c['p_users']:.2g}"
