"""The planted truth of a synthetic world: loaded whole, or refused with a clear error before any write."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rolegraph.errors import BadRowsError, InvalidInput
from rolegraph.graph.loaders.synth_truth import load_truth, load_world
from rolegraph.graph.model import LogicKind, Source
from rolegraph.graph.store import GraphStore
from rolegraph.progress import no_progress
from tests.support.graphs import Graphs


def _copy(world: Path, to: Path) -> Path:
    return Path(shutil.copytree(world, to / "world"))


def _logic(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "truth" / "logic.json").read_text()))


def _truth_items(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "truth" / "items.jsonl").read_text().splitlines()]


def test_truth_loads_every_planted_tag_and_edge(store: GraphStore, tiny_world: Path) -> None:
    load_world(store, tiny_world, no_progress, truth=False)
    written = load_truth(store, tiny_world, (Source.LLM,))
    logic, items = _logic(tiny_world), _truth_items(tiny_world)
    assert written == {
        "roles": len(logic["roles"]),
        "topics": len(logic["topics"]),
        "has_user_tag.llm": sum(len(i["roles"]) for i in items),
        "has_item_tag.llm": sum(len(i["topics"]) for i in items),
        "u2i.llm": len(logic["u2i"]),
        "i2u.llm": len(logic["i2u"]),
    }
    planted = {(e["role"], e["topic"]): e["weight"] for e in logic["u2i"]}
    stored = store.logic_hop(LogicKind.U2I, logic["roles"], Source.LLM)
    assert {(src, dst): w for src, dst, w in stored} == pytest.approx(planted)
    before = store.content_hash()
    assert load_truth(store, tiny_world, (Source.LLM,)) == written  # a rerun changes nothing
    assert store.content_hash() == before


#: spoils a copy of the world's truth; each case below names what the error must say
Spoil = Callable[[Path], object]


def _weight(value: object, graph: str = "i2u") -> Spoil:
    def spoil(folder: Path) -> None:
        logic = _logic(folder)
        logic[graph][2]["weight"] = value
        (folder / "truth" / "logic.json").write_text(json.dumps(logic, indent=1))

    return spoil


def _logic_text(text: str) -> Spoil:
    return lambda folder: (folder / "truth" / "logic.json").write_text(text)


def _logic_bytes(data: bytes) -> Spoil:
    return lambda folder: (folder / "truth" / "logic.json").write_bytes(data)


def _logic_field(name: str, value: object) -> Spoil:
    def spoil(folder: Path) -> None:
        logic = _logic(folder)
        logic[name] = value
        (folder / "truth" / "logic.json").write_text(json.dumps(logic, indent=1))

    return spoil


def _item_line(line: str) -> Spoil:
    def spoil(folder: Path) -> None:
        with (folder / "truth" / "items.jsonl").open("a") as fh:
            fh.write(line + "\n")

    return spoil


def _edge(graph: str, entry: Callable[[dict[str, Any]], object]) -> Spoil:
    """Adds to a logic graph the entry ``entry`` makes from logic.json."""

    def spoil(folder: Path) -> None:
        logic = _logic(folder)
        logic[graph].append(entry(logic))
        (folder / "truth" / "logic.json").write_text(json.dumps(logic, indent=1))

    return spoil


def _remove(name: str) -> Spoil:
    return lambda folder: (folder / "truth" / name).unlink()


# the tiny world has 40 items: a line added to truth/items.jsonl is line 41
BAD_TRUTHS: dict[str, tuple[Spoil, str]] = {
    "I2U weight above 1 (tags and U2I come first)": (
        _weight(1.5),
        r"logic\.json: i2u\[2\]: weight must be between 0 and 1, got 1\.5",
    ),
    "negative u2i weight": (_weight(-0.1, "u2i"), r"u2i\[2\]: weight must be between 0 and 1"),
    "weight as text": (_weight("0.5"), r"i2u\[2\]: weight must be a finite number, got '0\.5'"),
    "NaN weight": (_weight(float("nan")), r"i2u\[2\]: weight must be a finite number"),
    "item without roles": (_item_line('{"id": "i000001"}'), r'items\.jsonl:41: missing "roles"'),
    "truncated item line": (_item_line('{"id": "i000001",'), r"items\.jsonl:41: not valid JSON"),
    "item line not an object": (_item_line("[1, 2]"), r"items\.jsonl:41: not a JSON object"),
    "item roles not a list": (
        _item_line('{"id": "i9", "roles": "parents", "topics": []}'),
        r'items\.jsonl:41: "roles" must be a list of role keys, got str',
    ),
    "item with an unknown topic": (
        _item_line('{"id": "i9", "roles": [], "topics": ["no such topic"]}'),
        r"items\.jsonl:41: topic 'no such topic' is not among the \"topics\" of logic\.json",
    ),
    "item listed twice": (
        _item_line('{"id": "i000001", "roles": [], "topics": []}'),
        r"items\.jsonl:41: duplicate id 'i000001' \(first on line 2\)",
    ),
    "empty logic": (_logic_text("{}"), r'logic\.json: missing "roles"'),
    "truncated logic": (_logic_text('{\n "roles": ["a",\n'), r"logic\.json:3: not valid JSON"),
    "logic not an object": (_logic_text("[]"), r"logic\.json: not a JSON object"),
    "logic not UTF-8": (_logic_bytes(b'{"roles": ["caf\xe9"]}'), r"logic\.json: not UTF-8 text"),
    "roles not a list": (_logic_field("roles", "parents"), r'"roles" must be a list of tag keys, got str'),
    "i2u missing": (_logic_field("i2u", None), r'"i2u" must be a list of logic edges, got null'),
    "edge without a weight": (
        _edge("u2i", lambda logic: {"role": logic["roles"][0], "topic": logic["topics"][0]}),
        r'u2i\[\d+\]: missing "weight"',
    ),
    "edge to an unknown topic": (
        _edge("i2u", lambda logic: {"topic": "nowhere", "role": logic["roles"][0], "weight": 0.5}),
        r"i2u\[\d+\]: topic 'nowhere' is not among \"topics\"",
    ),
    "edge from an unknown role": (
        _edge("u2i", lambda logic: {"role": "nobody", "topic": logic["topics"][0], "weight": 0.5}),
        r"u2i\[\d+\]: role 'nobody' is not among \"roles\"",
    ),
    "edge not an object": (_edge("u2i", lambda logic: "role->topic"), r"u2i\[\d+\]: must be a JSON object, got str"),
    "no logic file": (_remove("logic.json"), r"logic\.json: no such file"),
    "no items file": (_remove("items.jsonl"), r"items\.jsonl: no such file"),
}


@pytest.fixture(scope="module")
def world_store(graphs: Graphs, engine: str, tiny_world: Path) -> Iterator[GraphStore]:
    """The tiny world's items, users and interactions, without its truth (the failing loads share it)."""
    with graphs.store(engine) as store:
        load_world(store, tiny_world, no_progress, truth=False)
        yield store


@pytest.mark.parametrize("case", list(BAD_TRUTHS))
def test_a_bad_truth_is_refused_before_any_write(
    world_store: GraphStore, tiny_world: Path, tmp_path: Path, case: str
) -> None:
    spoil, message = BAD_TRUTHS[case]
    folder = _copy(tiny_world, tmp_path)
    spoil(folder)
    before = (world_store.stats(), world_store.content_hash())
    with pytest.raises(InvalidInput, match=message):
        load_truth(world_store, folder)
    assert (world_store.stats(), world_store.content_hash()) == before


def test_every_bad_item_line_is_reported(world_store: GraphStore, tiny_world: Path, tmp_path: Path) -> None:
    folder = _copy(tiny_world, tmp_path)
    for line in ('{"id": "a", "roles": []}', "", '{"id": "", "roles": [], "topics": []}', '{"id": "b"'):
        _item_line(line)(folder)
    with pytest.raises(BadRowsError) as raised:
        load_truth(world_store, folder)
    assert [str(r).split("items.jsonl:")[1] for r in raised.value.rows] == [
        '41: missing "topics"',
        "43: item id is empty",
        "44: not valid JSON (Expecting ',' delimiter)",
    ]


def test_a_world_with_a_bad_truth_writes_nothing(store: GraphStore, tiny_world: Path, tmp_path: Path) -> None:
    folder = _copy(tiny_world, tmp_path)
    _weight(1.5)(folder)
    with pytest.raises(InvalidInput, match="weight must be between 0 and 1"):
        load_world(store, folder, no_progress)
    assert store.stats().nodes == {} and store.stats().relationships == {}


def test_a_world_with_a_bad_user_line_writes_nothing(store: GraphStore, tiny_world: Path, tmp_path: Path) -> None:
    """The items come first in the folder; a bad user line must stop them too."""
    folder = _copy(tiny_world, tmp_path)
    with (folder / "users.jsonl").open("a") as fh:
        fh.write('{"id": "u1", "age": {"nested": 1}}\n')
    with pytest.raises(BadRowsError, match=r"users\.jsonl:\d+: property 'age' has unsupported type dict"):
        load_world(store, folder, no_progress)
    assert store.stats().nodes == {}


def test_a_world_loads_with_its_truth(store: GraphStore, tiny_world: Path) -> None:
    written = load_world(store, tiny_world, no_progress)
    logic = _logic(tiny_world)
    assert written["items"] == 40 and written["users"] == 60 and written["interactions"] > 0
    assert written["u2i.llm"] == written["u2i.distilled"] == len(logic["u2i"])
    stats = store.stats()
    assert stats.nodes["UserTag"] == len(logic["roles"]) and stats.nodes["ItemTag"] == len(logic["topics"])
    assert stats.relationships["U2I"] == 2 * len(logic["u2i"]) and stats.relationships["I2U"] == 2 * len(logic["i2u"])
