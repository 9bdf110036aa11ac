"""Text that is not valid Unicode (lone surrogates: bytes that were not UTF-8, decoded with ``surrogateescape``)
is refused where it enters, before anything is written, on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolegraph.errors import InvalidInput
from rolegraph.graph import analyst
from rolegraph.graph.loaders.files import read_items
from rolegraph.graph.loaders.write import write_dataset
from rolegraph.graph.model import ItemRecord, UserRecord
from rolegraph.graph.store import GraphStore
from rolegraph.graph.validate import check_text, check_unicode
from rolegraph.progress import no_progress

BAD = "caf\udce9"  # "café" as Latin-1 bytes read as UTF-8 with surrogateescape


def test_a_lone_surrogate_is_refused_and_located() -> None:
    with pytest.raises(
        InvalidInput, match=r"title is not valid Unicode text: a lone surrogate '\\udce9' at character 3"
    ):
        check_text(BAD, "title")
    assert check_unicode("café 🎬", "title") == "café 🎬"  # real non-ASCII text and astral characters pass


@pytest.mark.parametrize(
    "record",
    [
        ItemRecord("i1", BAD),
        ItemRecord("i1", "fine", text=BAD),
        ItemRecord("i1", "fine", attrs={"genre": BAD}),
        ItemRecord("i1", "fine", attrs={"genres": ["drama", BAD]}),
    ],
)
def test_items_with_such_text_are_refused_and_nothing_is_written(store: GraphStore, record: ItemRecord) -> None:
    before = (store.stats(), store.content_hash())
    with pytest.raises(InvalidInput, match="not valid Unicode"):
        store.upsert_items([ItemRecord("fine", "fine"), record])
    assert (store.stats(), store.content_hash()) == before


def test_users_with_such_attributes_are_refused(store: GraphStore) -> None:
    before = store.content_hash()
    with pytest.raises(InvalidInput, match="not valid Unicode"):
        store.upsert_users([UserRecord("u1"), UserRecord("u2", {"occupation": BAD})])
    assert store.content_hash() == before


def test_a_strict_file_load_reports_the_line_and_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text('{"id": "a", "title": "ok"}\n{"id": "b", "title": "caf\\udce9"}\n')
    before = store.content_hash()
    with pytest.raises(InvalidInput, match=r"items.jsonl:2: title is not valid Unicode"):
        write_dataset(store, read_items(path), no_progress, strict=True)
    assert store.content_hash() == before


def test_analyst_parameters_and_free_queries_are_checked() -> None:
    with pytest.raises(InvalidInput, match="parameter user is not valid Unicode"):
        analyst.convert("user", "\udcff", None)
    with pytest.raises(InvalidInput, match="the query is not valid Unicode"):
        analyst.adhoc(f"RETURN '{BAD}' AS x", {})
