"""The result figures of the docs, made from the reports in bench/results/.

    python bench/render_docs.py          # rewrite the marked places in README.md, bench/README.md, docs/*.md
    python bench/render_docs.py --check  # list the places that differ from their reports; exit 1 if any

A place is marked in the Markdown by HTML comments, which do not show when it is rendered::

    <!-- fig:NAME -->1,981 req/s<!-- /fig -->    a figure inside a sentence
    <!-- table:NAME -->                          a whole table: the lines up to the closing comment
    <!-- /table -->

NAME is a key of `FIGURES` or `TABLES`, each a function of the reports, made in docs_service.py (the graph
store, the API, growth, the LLM, the paper-scale run), docs_recsys.py (the recommender's evaluations),
docs_synth.py (synthetic world v2) and docs_peers.py (RecBole beside ours), on docs_common.py's helpers.
tests/docs/test_figures.py fails when a marked place differs from what its report gives, so a figure in the
docs is its report's figure; after a benchmark run, run this and commit the docs with the reports.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import docs_peers
import docs_recsys
import docs_service
import docs_synth
from docs_common import clock, report
from reporting import RESULTS, short_commit
from tiers import STEPS

ROOT = RESULTS.parents[1]
PAGES = ("README.md", "bench/README.md", "docs/*.md")
PLACE = re.compile(r"(?<!`)<!-- (fig|table):([\w.-]+) -->(.*?)<!-- /\1 -->", re.S)  # not in `code`


#: each report's row of the results table: (result, target) from the report
ROWS: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = (
    docs_service.ROWS | docs_peers.ROWS | docs_recsys.ROWS | docs_synth.ROWS
)


def made(name: str) -> str:
    """When and from which commit a report was made."""
    prov = report(name)["provenance"]
    date = prov["date"][:10] if prov["date"] else "date unknown"
    commit = short_commit(prov["commit"], prov["dirty"]) if prov["commit"] else "commit unknown"
    return f"{date}, {commit}"


def quick_tier() -> str:
    """How the quick tier's reports were last made: from one commit or several, their wall times summed and
    the load averages they record (``make bench`` runs them one after another)."""
    provs = [report(name)["provenance"] for step in STEPS if step.tier == "quick" for name in step.reports]
    commits = sorted({short_commit(p["commit"], p["dirty"]) for p in provs if p["commit"]})
    loads = [x for p in provs if p.get("load") for x in (p["load"]["start"][0], p["load"]["end"][0])]
    total = sum(p["wall_s"] or 0.0 for p in provs)
    dates = sorted(p["date"][:16].replace("T", " ") for p in provs if p["date"])
    last = dates[-1][11:] if dates[-1][:10] == dates[0][:10] else dates[-1]
    return (
        f"{len(provs)} reports from {' and '.join(commits) if len(commits) < 3 else f'{len(commits)} commits'}, "
        f"made {dates[0]}–{last} UTC, {clock(total)} of wall time summed"
        + (f", load average {min(loads):.1f}–{max(loads):.1f}" if loads else "")
    )


def results_table() -> str:
    """Every report: what it measures, its figures, its target, when it was made."""
    lines = ["| report | what | result | target | made |", "|---|---|---|---|---|"]
    for step in STEPS:
        if not (RESULTS / f"{step.name}.json").exists():  # a new step before its first run
            lines.append(f"| `{step.name}` | {step.what} | not run yet | – | – |")
            continue
        result, target = ROWS[step.name](report(step.name))
        link = f"[`{step.name}`](../bench/results/{step.name}.md)"
        lines.append(f"| {link} | {step.what} | {result} | {target or '–'} | {made(step.name)} |")
    return "\n".join(lines)


def tiers_table() -> str:
    """Every step of bench/tiers.py: its reports, tier, typical time, what it measures and its command."""
    lines = ["| report | tier | typical time | what it measures | needs | command |", "|---|---|---|---|---|---|"]
    for step in STEPS:
        links = ", ".join(f"[`{r}`](results/{_markdown(r)})" for r in step.reports)
        lines.append(
            f"| {links} | {step.tier} | {step.typical} | {step.what} | {step.needs or '–'} | `{step.command()}` |"
        )
    return "\n".join(lines)


def _markdown(name: str) -> str:
    md = RESULTS / f"{name}.md"
    return md.name if md.exists() else f"{name}.json"


def _row(name: str, part: int) -> Callable[[], str]:
    return lambda: ROWS[name](report(name))[part]


TABLES: dict[str, Callable[[], str]] = {
    "results": results_table,
    "tiers": tiers_table,
    **docs_service.TABLES,
    **docs_peers.TABLES,
    **docs_recsys.TABLES,
    **docs_synth.TABLES,
}

FIGURES: dict[str, Callable[[], str]] = (
    {f"{name}.result": _row(name, 0) for name in ROWS}
    | {f"{name}.made": partial(made, name) for name in ROWS}
    | {"bench.quick": quick_tier}
    | docs_service.FIGURES
    | docs_peers.FIGURES
    | docs_recsys.FIGURES
    | docs_synth.FIGURES
)


# ---- the pages ---------------------------------------------------------------------------------------


def pages() -> list[Path]:
    """The Markdown files that may hold marked places."""
    return sorted({p for pattern in PAGES for p in ROOT.glob(pattern)})


def render(text: str) -> str:
    """``text`` with every marked place made from the reports (KeyError: a place names no figure)."""

    def fill(m: re.Match[str]) -> str:
        kind, name, _ = m.groups()
        if kind == "fig":
            return f"<!-- fig:{name} -->{FIGURES[name]()}<!-- /fig -->"
        return f"<!-- table:{name} -->\n{TABLES[name]()}\n<!-- /table -->"

    return PLACE.sub(fill, text)


def places(text: str) -> list[tuple[str, str, str]]:
    """(kind, name, text) of every marked place in ``text``."""
    return [(m[1], m[2], m[3]) for m in PLACE.finditer(text)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only list the places that differ; exit 1 if any")
    args = parser.parse_args()
    stale = []
    for page in pages():
        text = page.read_text()
        new = render(text)
        if new != text:
            stale.append(page.relative_to(ROOT))
            if not args.check:
                page.write_text(new)
    verb = "differs from its reports" if args.check else "rewritten"
    for page in stale:
        print(f"render_docs: {page} {verb}", file=sys.stderr if args.check else sys.stdout)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
