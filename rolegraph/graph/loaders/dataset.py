"""A parsed data set: records ready to write plus the rows that were rejected."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from rolegraph.errors import BadRow, InvalidInput
from rolegraph.graph.duplicates import last_per_key
from rolegraph.graph.model import InteractionRecord, ItemRecord, UserRecord


@dataclass
class Dataset:
    """Records parsed from one or more files, with every rejected row."""

    items: list[ItemRecord] = field(default_factory=list)
    users: list[UserRecord] = field(default_factory=list)
    interactions: list[InteractionRecord] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    #: line of each interaction in its file, to report interactions whose item is unknown
    interaction_lines: list[tuple[str, int]] = field(default_factory=list)


def dedupe[R](source: str, keyed: Sequence[tuple[int, str, R]], bad: list[BadRow]) -> list[R]:
    """The last row per key (`graph.duplicates.last_per_key`, the store's rule); each earlier copy becomes a
    bad row naming the line that replaced it."""
    result = last_per_key([(key, record) for _, key, record in keyed])
    for dropped, kept in result.replaced:
        line, key, _ = keyed[dropped]
        bad.append(BadRow(source, line, f"duplicate id {key!r} (line {keyed[kept][0]} has the copy loaded)"))
    return result.kept


class _Keyed(Protocol):
    @property
    def id(self) -> str: ...


def collect[R: _Keyed](
    source: str, rows: Iterable[tuple[int, Any]], parse: Callable[[Any], R], bad: list[BadRow]
) -> list[R]:
    """Parses ``(line, row)`` pairs into records, the last good copy per id kept.

    A row given as a string is already an error message for that line; rows that ``parse`` rejects with
    InvalidInput and earlier copies of an id become bad rows.
    """
    keyed: list[tuple[int, str, R]] = []
    for line, row in rows:
        if isinstance(row, str):
            bad.append(BadRow(source, line, row))
            continue
        try:
            record = parse(row)
        except InvalidInput as e:
            bad.append(BadRow(source, line, str(e)))
            continue
        keyed.append((line, record.id, record))
    return dedupe(source, keyed, bad)
