"""MovieLens-100K from the RecBole wheel: parsed, loaded, read back, and loaded again without change."""

from __future__ import annotations

from pathlib import Path

from rolegraph.graph.loaders.movielens import read_movielens
from rolegraph.graph.loaders.write import write_dataset
from rolegraph.graph.store import GraphStore
from rolegraph.progress import no_progress


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


def test_load_twice_changes_nothing(store: GraphStore, movielens_dir: Path) -> None:
    data = read_movielens(movielens_dir)
    summary = write_dataset(store, data, no_progress)
    assert summary.written == {"items": 1682, "users": 943, "interactions": 100_000}
    stats = store.stats()
    assert stats.nodes == {"Item": 1682, "User": 943}
    assert stats.relationships == {"INTERACTED": 100_000}
    first = store.content_hash()
    write_dataset(store, read_movielens(movielens_dir), no_progress)
    assert store.stats() == stats
    assert store.content_hash() == first
