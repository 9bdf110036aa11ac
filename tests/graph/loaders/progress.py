"""A progress factory for tests that records nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def no_progress(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """Accepts progress ticks and drops them."""
    yield lambda n: None
