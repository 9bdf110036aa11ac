"""How long-running library work reports progress, without knowing who shows it.

A library function that loops over many rows takes a `ProgressFactory`: called with a description and
a total, it gives a context manager that yields a `Tick` (advance by a count). The command line passes
rich progress bars; tests and benchmarks pass `no_progress`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

#: advances a progress display by a count of rows (items, tags, users…)
Tick = Callable[[int], None]
#: (description, total) -> a context manager yielding a `Tick`
ProgressFactory = Callable[[str, int], AbstractContextManager[Tick]]


@contextmanager
def no_progress(description: str, total: int) -> Iterator[Tick]:
    """A `ProgressFactory` that shows nothing (library callers, benchmarks, tests)."""
    yield lambda n: None
