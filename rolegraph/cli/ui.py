"""Terminal output shared by the commands: progress bars, tables, JSON, one-line errors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from rolegraph.progress import Tick

#: what a command group's ``register`` receives: the `rolegraph` parser's sub-command action
Subparsers = argparse._SubParsersAction

console = Console(stderr=True)
out = Console()


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Tick]:
    """A progress bar on stderr (a `rolegraph.progress.ProgressFactory`); yields a callback that
    advances it by a count."""
    columns = (
        TextColumn("{task.description:>14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def table(title: str, headers: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> None:
    """Prints a table to stdout."""
    t = Table(title=title)
    for h in headers:
        t.add_column(h, justify="right" if h in ("count", "n", "rows") else "left")
    for row in rows:
        t.add_row(*(f"{c:,}" if isinstance(c, int) else str(c) for c in row))
    out.print(t)


def dump_json(data: object, path: Path | None) -> None:
    """Writes ``data`` as JSON to ``path``, or to stdout when path is None."""
    text = json.dumps(data, indent=2, sort_keys=True, default=str)
    if path is None:
        sys.stdout.write(text + "\n")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")


def fail(message: str, code: int = 2) -> int:
    """Prints a one-line error on stderr and returns the exit code."""
    print(f"rolegraph: error: {message}", file=sys.stderr)
    return code
