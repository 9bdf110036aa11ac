"""Generic files anyone can bring: items and users as JSONL, interactions as CSV or JSONL.

- items JSONL: ``{"id": …, "title": …, "text": …}`` plus any scalar fields (kept as properties, except
  names the system owns: `graph.model.ITEM_SYSTEM_PROPERTIES`)
- users JSONL: ``{"id": …}`` plus attributes
- interactions CSV (header ``user_id,item_id,ts[,rating]``) or JSONL with the same fields
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rolegraph.errors import BadRow, InvalidInput
from rolegraph.graph import validate as v
from rolegraph.graph.loaders.dataset import Dataset, collect
from rolegraph.graph.model import ITEM_SYSTEM_PROPERTIES, InteractionRecord, ItemRecord, UserRecord


def jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line, object) per non-blank line, or (line, error message) for a line that is not a JSON object.

    Raises InvalidInput if ``path`` is not a file, UnicodeDecodeError (while iterating) if it is not UTF-8.
    """
    with _open(path) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                yield number, f"not valid JSON ({e.msg})"
                continue
            except RecursionError:  # a line nested thousands deep: one bad row, not the end of the load
                yield number, "not valid JSON (nested too deeply)"
                continue
            except ValueError as e:  # e.g. an integer of more digits than Python converts
                yield number, f"not valid JSON ({e})"
                continue
            yield number, obj if isinstance(obj, dict) else "not a JSON object"


def check_file(path: Path, hint: str = "") -> None:
    """InvalidInput unless ``path`` is a regular file; says whether it is missing (then ``hint`` follows), a
    directory, or something else (a pipe, a device: the loaders read a file twice)."""
    if path.is_file():
        return
    if path.is_dir():
        raise InvalidInput(f"{path}: is a directory, not a file")
    if path.exists():
        raise InvalidInput(f"{path}: not a regular file")
    raise InvalidInput(f"{path}: no such file{hint}")


def _open(path: Path) -> Any:
    check_file(path)
    return path.open(encoding="utf-8-sig", errors="strict", newline="")


def _collect[R: (ItemRecord, UserRecord)](
    path: Path, parse: Callable[[dict[str, Any]], R], bad: list[BadRow]
) -> list[R]:
    try:
        return collect(str(path), jsonl_rows(path), parse, bad)
    except UnicodeDecodeError as e:
        raise InvalidInput(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from e


def _item(obj: dict[str, Any]) -> ItemRecord:
    attrs = {k: val for k, val in obj.items() if k not in ("id", "title", "text")}
    return ItemRecord(
        id=v.check_id(obj.get("id"), "item id"),
        title=v.check_text(obj.get("title"), "title", 1000),
        text=v.check_text(obj.get("text"), "text"),
        source="file",
        attrs=v.check_properties(attrs, ITEM_SYSTEM_PROPERTIES),
    )


def _user(obj: dict[str, Any]) -> UserRecord:
    attrs = {k: val for k, val in obj.items() if k != "id"}
    return UserRecord(id=v.check_id(obj.get("id"), "user id"), attrs=v.check_properties(attrs))


def read_items(path: Path) -> Dataset:
    """Parses an items JSONL file."""
    bad: list[BadRow] = []
    return Dataset(items=_collect(path, _item, bad), bad_rows=bad)


def read_users(path: Path) -> Dataset:
    """Parses a users JSONL file."""
    bad: list[BadRow] = []
    return Dataset(users=_collect(path, _user, bad), bad_rows=bad)


def _interaction(obj: dict[str, Any]) -> InteractionRecord:
    ts_raw = obj.get("ts")
    try:
        ts = v.check_timestamp(float(str(ts_raw)), "ts")
    except ValueError:
        raise InvalidInput(f"ts must be a non-negative number (seconds since the epoch), got {ts_raw!r}") from None
    rating_raw = obj.get("rating")
    rating: float | None = None
    if rating_raw not in (None, ""):
        try:
            rating = v.check_number(float(str(rating_raw)), "rating")
        except (TypeError, ValueError):
            raise InvalidInput(f"rating must be a number, got {rating_raw!r}") from None
    return InteractionRecord(
        user_id=v.check_id(obj.get("user_id"), "user_id"),
        item_id=v.check_id(obj.get("item_id"), "item_id"),
        ts=ts,
        rating=rating,
    )


def read_interactions(path: Path) -> Dataset:
    """Parses interactions from CSV (by header) or JSONL (by the first non-blank character)."""
    out = Dataset()
    source = str(path)
    try:
        with _open(path) as fh:
            head = fh.read(4096).lstrip()[:1]
        rows: Iterator[tuple[int, dict[str, Any] | str]] = jsonl_rows(path) if head == "{" else _csv_rows(path)
        for number, obj in rows:
            if isinstance(obj, str):
                out.bad_rows.append(BadRow(source, number, obj))
                continue
            try:
                out.interactions.append(_interaction(obj))
                out.interaction_lines.append((source, number))
            except InvalidInput as e:
                out.bad_rows.append(BadRow(source, number, str(e)))
    except UnicodeDecodeError as e:
        raise InvalidInput(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from e
    return out


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    with _open(path) as fh:
        reader = csv.DictReader(fh)
        missing = {"user_id", "item_id", "ts"} - set(reader.fieldnames or [])
        if missing:
            raise InvalidInput(f"{path}: CSV header lacks {sorted(missing)} (need user_id,item_id,ts[,rating])")
        for row in reader:
            if None in row:
                yield reader.line_num, "more fields than the header"
            else:
                yield reader.line_num, row
