"""How the store runs its named statements: one at a time, per batch of values, per keyset page.

`StatementRunner` is the plumbing under `graph.store.GraphStore` and the repositories it exposes
(`graph.journal`, `graph.covers`, …). It takes a statement by its `Stmt` member only, so no caller can
build a name at run time. Writes of many values are cut into batches of ``batch_size`` (one transaction
each, pipelined by the backend); paged reads fetch ``page_size`` rows per statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from itertools import islice
from typing import Any

from rolegraph.errors import InvalidInput
from rolegraph.graph.backend import Backend, Row, deadline
from rolegraph.graph.queries import statement
from rolegraph.graph.statements import Stmt
from rolegraph.progress import Tick


def chunks[T](rows: Iterable[T], size: int) -> Iterator[list[T]]:
    """Splits an iterable into lists of at most ``size`` items."""
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


class StatementRunner:
    """Runs named statements on a backend, read-only or in write transactions."""

    def __init__(self, backend: Backend, *, batch_size: int = 5000, page_size: int = 10_000):
        if batch_size < 1 or page_size < 1:
            raise InvalidInput(f"batch_size and page_size must be at least 1, got {batch_size} and {page_size}")
        self.backend = backend
        self.batch_size = batch_size
        self.page_size = page_size

    def read(self, name: Stmt, **params: Any) -> list[Row]:
        """Runs the named statement read-only."""
        return self.backend.run(statement(name), params, write=False)

    def write(self, name: Stmt, **params: Any) -> list[Row]:
        """Runs the named statement in a write transaction."""
        return self.backend.run(statement(name), params, write=True)

    def read_each(self, name: Stmt, param: str, values: Iterable[Any], size: int = 0, **params: Any) -> Iterator[Row]:
        """The rows of the named read run once per batch of ``values`` (passed as ``param``; ``size`` values
        a batch, ``batch_size`` when 0), in batch order."""
        for batch in chunks(values, size or self.batch_size):
            yield from self.read(name, **{param: batch}, **params)

    def write_each(
        self, name: Stmt, param: str, values: Iterable[Any], progress: Tick | None = None, **params: Any
    ) -> int:
        """Runs the named write once per batch of ``values`` (passed as ``param``); returns the sum of the
        ``n`` each returns."""
        batches = [{param: batch, **params} for batch in chunks(values, self.batch_size)]
        return self.write_batches(name, batches, [len(b[param]) for b in batches], progress)

    def write_rows(self, name: Stmt, rows: Iterable[dict[str, Any]], progress: Tick | None = None) -> int:
        """`write_each` of an ``UNWIND $rows`` statement."""
        return self.write_each(name, "rows", rows, progress)

    def write_batches(
        self, name: Stmt, batches: Iterable[dict[str, Any]], sizes: Sequence[int], progress: Tick | None = None
    ) -> int:
        """Runs the named write once per parameter set (one transaction each, pipelined by the backend);
        returns the sum of the ``n`` each returns. ``sizes`` are the rows of each batch, for progress."""
        written = 0
        for result, size in zip(self.backend.run_batches(statement(name), batches, write=True), sizes, strict=True):
            written += int(result[0]["n"]) if result else 0
            if progress is not None:
                progress(size)
        return written

    def drain(self, name: Stmt, **params: Any) -> int:
        """Runs a batched delete (``limit`` = ``batch_size``, returns ``n``) until it deletes nothing; returns
        the total deleted."""
        total = 0
        while n := int(self.write(name, limit=self.batch_size, **params)[0]["n"]):
            total += n
        return total

    def pages(
        self,
        name: Stmt,
        key: str = "id",
        limit: int | None = None,
        each_within: float | None = None,
        **params: Any,
    ) -> Iterator[list[Row]]:
        """Pages of a keyset-paged statement (``after``/``limit`` parameters, plus ``params``), in key order;
        at most ``limit`` rows in all when given. With ``each_within``, every page's statement must finish
        within that many seconds (a `deadline` of its own, for long loads outside a request)."""
        after, left = "", limit
        while left is None or left > 0:
            size = self.page_size if left is None else min(self.page_size, left)
            with deadline(each_within) if each_within is not None else nullcontext():
                page = self.read(name, after=after, limit=size, **params)
            if page:
                yield page
            if len(page) < size:
                return
            after = page[-1][key]
            left = None if left is None else left - len(page)

    def rows(self, name: Stmt, key: str = "id", **params: Any) -> Iterator[Row]:
        """Every row of a keyset-paged statement, in key order."""
        for page in self.pages(name, key=key, **params):
            yield from page

    def close(self) -> None:
        """Closes the backend."""
        self.backend.close()


class Repository:
    """The typed questions one concern asks of the graph, run through the store's `StatementRunner`."""

    def __init__(self, db: StatementRunner):
        self._db = db
