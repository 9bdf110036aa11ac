"""MovieLens-100K from the RecBole wheel, parsed (loading it twice, on both engines, is tested through the
command line in tests/cli/test_data.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolegraph.errors import InvalidInput
from rolegraph.graph.loaders.movielens import read_movielens


def test_parse_counts_and_item_text(movielens_dir: Path) -> None:
    data = read_movielens(movielens_dir)
    assert (len(data.users), len(data.items), len(data.interactions)) == (943, 1682, 100_000)
    assert data.bad_rows == []
    toy = next(i for i in data.items if i.id == "1")
    assert toy.title == "Toy Story"
    assert toy.text.startswith("Toy Story (1995). Genres: ")
    assert toy.attrs["year"] == 1995 and "Animation" in toy.attrs["genres"]  # type: ignore[operator]
    user = next(u for u in data.users if u.id == "1")
    assert set(user.attrs) >= {"age", "gender", "occupation"}


def test_a_folder_that_is_a_file_or_missing_is_named(tmp_path: Path, movielens_dir: Path) -> None:
    with pytest.raises(InvalidInput, match=r"ml-100k\.item: not a folder \(--dir takes the folder holding"):
        read_movielens(movielens_dir / "ml-100k.item")
    with pytest.raises(InvalidInput, match=r"ml-100k\.item: no such file — run `make data`"):
        read_movielens(tmp_path / "nowhere")
    (tmp_path / "ml-100k.item").mkdir()
    with pytest.raises(InvalidInput, match=r"ml-100k\.item: is a directory, not a file"):
        read_movielens(tmp_path)
