"""MovieLens-100K in RecBole's atomic-file layout (``ml-100k.item``, ``.user``, ``.inter``).

Files are tab-separated with typed headers such as ``item_id:token``; the item text the LLM reads is
"Title (year). Genres: A, B." and ratings become INTERACTED edges with ts and rating.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from rolegraph.errors import BadRow, InvalidInput
from rolegraph.graph import validate as v
from rolegraph.graph.loaders.dataset import Dataset, collect
from rolegraph.graph.loaders.files import check_file
from rolegraph.graph.model import InteractionRecord, ItemRecord, UserRecord


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    check_file(path, " — run `make data` (or `make setup`) to fetch MovieLens-100K")
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = [h.split(":", 1)[0] for h in next(reader, [])]
        for number, fields in enumerate(reader, start=2):
            if fields:
                yield number, dict(zip(header, fields, strict=False))


def _item(row: dict[str, str]) -> ItemRecord:
    title = row.get("movie_title", "").strip()
    year = row.get("release_year", "").strip()
    genres = [g.replace("_", " ") for g in row.get("class", "").split()]
    text = f"{title} ({year})." if year else f"{title}."
    if genres:
        text += f" Genres: {', '.join(genres)}."
    attrs: dict[str, object] = {"genres": genres}
    if year.isdigit():
        attrs["year"] = int(year)
    return ItemRecord(
        id=v.check_id(row.get("item_id"), "item_id"),
        title=v.check_text(title, "movie_title", 1000),
        text=text,
        source="movielens",
        attrs=v.check_properties(attrs),
    )


def _user(row: dict[str, str]) -> UserRecord:
    attrs: dict[str, object] = {k: row[k] for k in ("gender", "occupation", "zip_code") if row.get(k)}
    if row.get("age", "").isdigit():
        attrs["age"] = int(row["age"])
    return UserRecord(id=v.check_id(row.get("user_id"), "user_id"), attrs=v.check_properties(attrs))


def _interaction(row: dict[str, str]) -> InteractionRecord:
    try:
        ts = v.check_timestamp(float(row["timestamp"]), "timestamp")
        rating = v.check_number(float(row["rating"]), "rating")
    except (KeyError, ValueError):
        raise InvalidInput("rating and timestamp must be numbers") from None
    return InteractionRecord(
        v.check_id(row.get("user_id"), "user_id"), v.check_id(row.get("item_id"), "item_id"), ts, rating
    )


def read_movielens(folder: Path, name: str = "ml-100k") -> Dataset:
    """Parses the three atomic files of a RecBole MovieLens folder."""
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder}: not a folder (--dir takes the folder holding {name}.item, .user and .inter)")
    out = Dataset()
    out.items = collect(str(folder / f"{name}.item"), _rows(folder / f"{name}.item"), _item, out.bad_rows)
    out.users = collect(str(folder / f"{name}.user"), _rows(folder / f"{name}.user"), _user, out.bad_rows)
    path = folder / f"{name}.inter"
    for number, row in _rows(path):
        try:
            out.interactions.append(_interaction(row))
            out.interaction_lines.append((str(path), number))
        except InvalidInput as e:
            out.bad_rows.append(BadRow(str(path), number, str(e)))
    return out
