"""Terminal output shared by the commands: progress bars, tables, one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

console = Console(stderr=True)
out = Console()


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr; yields a callback that advances it by a count."""
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


@contextmanager
def no_progress(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress factory that shows nothing (library callers, benchmarks, tests)."""
    yield lambda n: None


def table(title: str, headers: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> None:
    """Prints a table to stdout."""
    t = Table(title=title)
    for h in headers:
        t.add_column(h, justify="right" if h in ("count", "n", "rows") else "left")
    for row in rows:
        t.add_row(*(f"{c:,}" if isinstance(c, int) else str(c) for c in row))
    out.print(t)


def fail(message: str, code: int = 2) -> int:
    """Prints a one-line error on stderr and returns the exit code."""
    print(f"rolegraph: error: {message}", file=sys.stderr)
    return code
