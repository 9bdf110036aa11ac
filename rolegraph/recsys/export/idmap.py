"""Stable id maps: an id keeps its index from one export to the next; new ids are appended.

A map is a text file with one id per line; the line number (from 0) is the index. Ids that left the
graph keep their line, so indices of a model trained yesterday still mean the same thing today.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rolegraph.errors import InvalidInput


def read_map(path: Path) -> list[str]:
    """The ids of a map file in index order ([] when the file does not exist)."""
    if not path.is_file():
        return []
    ids = path.read_text(encoding="utf-8").splitlines()
    if len(set(ids)) != len(ids):
        raise InvalidInput(f"{path}: an id map may not repeat an id")
    return ids


def extend_map(previous: list[str], current: Iterable[str]) -> list[str]:
    """``previous`` unchanged, then the ids of ``current`` it lacks, in sorted order."""
    known = set(previous)
    for key in current:
        if "\n" in key or "\r" in key:
            raise InvalidInput(f"id {key!r} contains a line break and cannot go into an id map")
    return previous + sorted({k for k in current if k not in known})


def map_text(ids: list[str]) -> bytes:
    """A map's file content."""
    return "".join(f"{i}\n" for i in ids).encode("utf-8")
