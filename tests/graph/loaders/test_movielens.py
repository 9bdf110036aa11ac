"""MovieLens-100K from the RecBole wheel, parsed (loading it twice, on both engines, is tested through the
command line in tests/cli/test_data.py)."""

from __future__ import annotations

from pathlib import Path

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
