"""Generic files: bad rows are reported with line numbers and skipped; --strict writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rolegraph.errors import BadRowsError, InvalidInput
from rolegraph.graph.loaders.files import read_interactions, read_items, read_users
from rolegraph.graph.loaders.write import write_dataset
from rolegraph.graph.model import ITEM_SYSTEM_PROPERTIES, UserRecord
from rolegraph.graph.store import GraphStore
from rolegraph.progress import no_progress


def _jsonl(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    return path


@pytest.fixture
def items_file(tmp_path: Path) -> Path:
    return _jsonl(
        tmp_path / "items.jsonl",
        [
            {"id": "a", "title": "A film", "text": "About jazz", "year": 1999},
            {"id": "", "title": "empty id"},
            "{not json",
            {"id": "b", "title": "B film", "text": "About sleep"},
            {"id": "a", "title": "duplicate"},
            {"id": "x" * 10_240, "title": "too long"},
            {"id": "c", "title": "bad prop", "bad-name": 1},
            ["a list"],
            {"id": "x' }) DETACH DELETE n //", "title": "literal"},
        ],
    )


def test_bad_item_rows_have_line_numbers(items_file: Path) -> None:
    data = read_items(items_file)
    assert [i.id for i in data.items] == ["a", "b", "x' }) DETACH DELETE n //"]
    assert data.items[0].title == "duplicate"  # an id given twice: the last copy is loaded, as the store does
    lines = {r.line: r.reason for r in data.bad_rows}
    assert set(lines) == {1, 2, 3, 6, 7, 8}
    assert "empty" in lines[2] and "JSON" in lines[3] and lines[1] == "duplicate id 'a' (line 5 has the copy loaded)"
    assert "characters long" in lines[6] and "property name" in lines[7] and "object" in lines[8]


def test_load_skips_bad_rows_and_writes_the_rest(store: GraphStore, items_file: Path) -> None:
    summary = write_dataset(store, read_items(items_file), no_progress)
    assert summary.written == {"items": 3} and len(summary.bad_rows) == 6
    item = store.item("x' }) DETACH DELETE n //")
    assert item is not None and item["title"] == "literal"
    first = store.item("a")
    assert first is not None and first["title"] == "duplicate" and "year" not in first


def test_an_id_repeated_in_a_file_keeps_its_last_copy_like_the_store(store: GraphStore, tmp_path: Path) -> None:
    """The file loader and the store's own upsert (the API's path) agree: the last copy of an id wins, and the
    loader counts every earlier copy as a skipped row naming the line that replaced it."""
    rows = [{"id": "u", "age": 1}, {"id": "v", "age": 5}, {"id": "u", "age": 2}, {"id": "u", "age": 3}]
    data = read_users(_jsonl(tmp_path / "users.jsonl", rows))
    assert [(u.id, u.attrs) for u in data.users] == [("u", {"age": 3}), ("v", {"age": 5})]
    assert [(r.line, r.reason) for r in data.bad_rows] == [
        (1, "duplicate id 'u' (line 4 has the copy loaded)"),
        (3, "duplicate id 'u' (line 4 has the copy loaded)"),
    ]
    summary = write_dataset(store, data, no_progress)
    assert summary.written == {"users": 2} and len(summary.bad_rows) == 2
    from_file = {r["props"]["id"]: r["props"]["age"] for r in store.iter_users()}
    store.clear()
    assert store.upsert_users([UserRecord(r["id"], {"age": r["age"]}) for r in rows]) == 2
    assert {r["props"]["id"]: r["props"]["age"] for r in store.iter_users()} == from_file == {"u": 3, "v": 5}
    with pytest.raises(BadRowsError, match=r"users\.jsonl:1: duplicate id 'u'"):  # --strict refuses repeats
        write_dataset(store, data, no_progress, strict=True)


def test_a_load_in_which_every_row_is_bad_fails_and_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    items = _jsonl(tmp_path / "bad.jsonl", ["{not json", {"id": ""}, ["a list"], {"title": "no id"}])
    with pytest.raises(BadRowsError) as e:
        write_dataset(store, read_items(items), no_progress)
    assert str(e.value).startswith(f"nothing written, every row is bad — 4 bad rows: {items}:1: not valid JSON")
    assert store.stats().nodes == {}
    csv = tmp_path / "inter.csv"  # well-formed rows, but none of their items is in the graph
    csv.write_text("user_id,item_id,ts\nu1,zzz,1\nu2,yyy,2\n")
    with pytest.raises(BadRowsError, match=r"every row is bad — 2 bad rows: .*unknown item_id 'zzz'"):
        write_dataset(store, read_interactions(csv), no_progress)
    assert store.stats().nodes == {} and store.stats().relationships == {}
    users = _jsonl(tmp_path / "users.jsonl", [{"id": "u1"}, {"id": "u2", "bad-name": 1}])
    assert write_dataset(store, read_users(users), no_progress).written == {"users": 1}  # some good: loaded


def test_strict_load_writes_nothing(store: GraphStore, items_file: Path) -> None:
    with pytest.raises(BadRowsError, match="6 bad rows"):
        write_dataset(store, read_items(items_file), no_progress, strict=True)
    assert store.stats().nodes == {}


def test_interactions_csv_and_unknown_items(store: GraphStore, tmp_path: Path, items_file: Path) -> None:
    write_dataset(store, read_items(items_file), no_progress)
    write_dataset(store, read_users(_jsonl(tmp_path / "users.jsonl", [{"id": "u1", "age": 31}])), no_progress)
    csv = tmp_path / "inter.csv"
    csv.write_text("user_id,item_id,ts,rating\nu1,a,100,4\nu1,b,200,\nu2,zzz,300,1\nu1,a,abc,2\n,a,5,1\nu1,a,1,2,9\n")
    data = read_interactions(csv)
    assert {r.line: r.reason for r in data.bad_rows}.keys() == {5, 6, 7}
    summary = write_dataset(store, data, no_progress)
    assert summary.written == {"interactions": 2}
    assert [r.line for r in summary.bad_rows] == [5, 6, 7, 4]
    assert "unknown item_id 'zzz'" in summary.bad_rows[-1].reason
    got = sorted((r["user"], r["item"], r["ts"], r["rating"]) for r in store.iter_interactions())
    assert got == [("u1", "a", 100, 4.0), ("u1", "b", 200, None)]


def test_interactions_jsonl(store: GraphStore, tmp_path: Path, items_file: Path) -> None:
    write_dataset(store, read_items(items_file), no_progress)
    path = _jsonl(tmp_path / "inter.jsonl", [{"user_id": "u9", "item_id": "b", "ts": 5}, {"user_id": "u9"}])
    data = read_interactions(path)
    assert [r.line for r in data.bad_rows] == [2]
    assert write_dataset(store, data, no_progress).written == {"interactions": 1}
    assert store.stats().nodes["User"] == 1  # users referenced by interactions are created


def test_missing_header_and_file_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("who,what\n1,2\n")
    with pytest.raises(InvalidInput, match="CSV header lacks"):
        read_interactions(bad)
    with pytest.raises(InvalidInput, match="no such file"):
        read_items(tmp_path / "missing.jsonl")
    for read in (read_items, read_users, read_interactions):  # not "no such file": it is there, as a folder
        with pytest.raises(InvalidInput) as e:
            read(tmp_path)
        assert str(e.value) == f"{tmp_path}: is a directory, not a file"
    with pytest.raises(InvalidInput, match=r"^/dev/null: not a regular file$"):
        read_items(Path("/dev/null"))
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"id": "\xe9"}\n')
    with pytest.raises(InvalidInput, match="not UTF-8"):
        read_items(latin)


def test_overflowing_and_missing_numbers_are_bad_rows(tmp_path: Path) -> None:
    csv = tmp_path / "inter.csv"
    csv.write_text("user_id,item_id,ts,rating\nu1,a,inf,1\nu1,a,1e30,1\nu1,a,5,nan\nu1,a,,1\nu1,a,7,2\n")
    data = read_interactions(csv)
    assert [r.line for r in data.bad_rows] == [2, 3, 4, 5]
    assert [(e.ts, e.rating) for e in data.interactions] == [(7, 2.0)]


def test_byte_order_mark_and_leading_blank_lines(tmp_path: Path) -> None:
    jsonl = tmp_path / "inter.jsonl"
    jsonl.write_bytes(b'\xef\xbb\xbf\n\n{"user_id": "u1", "item_id": "a", "ts": 3}\n')
    assert [(e.user_id, e.ts) for e in read_interactions(jsonl).interactions] == [("u1", 3)]
    csv = tmp_path / "inter.csv"
    csv.write_bytes(b"\xef\xbb\xbfuser_id,item_id,ts\nu1,a,4\n")
    assert [(e.user_id, e.ts) for e in read_interactions(csv).interactions] == [("u1", 4)]


@pytest.mark.parametrize("name", sorted(ITEM_SYSTEM_PROPERTIES - {"id", "title", "text"}))
def test_item_fields_may_not_take_a_system_property(store: GraphStore, tmp_path: Path, name: str) -> None:
    """A catalogue field named like the growth run's own state (tag_status, flags, …) would hide the item
    from the plan or be overwritten by it: the line is refused, and --strict writes nothing."""
    path = _jsonl(tmp_path / "items.jsonl", [{"id": "a", "title": "A"}, {"id": "b", "title": "B", name: "done"}])
    data = read_items(path)
    assert [str(r) for r in data.bad_rows] == [f"{path}:2: property name {name!r} is reserved"]
    with pytest.raises(BadRowsError, match=f"property name '{name}' is reserved"):
        write_dataset(store, data, no_progress, strict=True)
    assert store.stats().nodes == {}
    assert write_dataset(store, data, no_progress).written == {"items": 1}
    assert store.item("b") is None


def test_a_line_nested_too_deeply_is_one_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text(
        f'{{"id": "a", "title": "A"}}\n{{"id": "deep", "title": "x", "n": {deep}}}\n{{"id": "b", "title": "B"}}\n'
    )
    data = read_items(path)
    assert [r.id for r in data.items] == ["a", "b"]
    assert [(b.line, b.reason) for b in data.bad_rows] == [(2, "not valid JSON (nested too deeply)")]
