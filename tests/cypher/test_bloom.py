"""The Neo4j Bloom perspective: its structure, its search phrases' Cypher equal to the analysts' library,
and every phrase run on the embedded engine against paths worked out independently in Python."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rolegraph.graph import analyst
from rolegraph.graph.model import Label, RelType
from rolegraph.graph.queries import CYPHER_DIR
from rolegraph.graph.store import GraphStore
from tests.graph import analyst_world as w

PERSPECTIVE = CYPHER_DIR / "bloom" / "rolegraph-perspective.json"
GENERATOR = Path(__file__).resolve().parents[2] / "scripts" / "bloom_perspective.py"
HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@pytest.fixture(scope="module")
def perspective() -> dict[str, Any]:
    return json.loads(PERSPECTIVE.read_text(encoding="utf-8"))


@pytest.fixture
def world(store: GraphStore) -> Iterator[GraphStore]:
    w.build(store)
    yield store


def test_top_level_structure(perspective: dict[str, Any]) -> None:
    shape = {"name": str, "id": str, "version": str, "categories": list, "labels": dict, "relationshipTypes": list,
             "templates": list, "palette": dict, "hiddenRelationshipTypes": list, "hideUncategorisedData": bool,
             "metadata": dict}  # fmt: skip
    for key, kind in shape.items():
        assert isinstance(perspective[key], kind), key


def test_categories_have_captions_and_styles(perspective: dict[str, Any]) -> None:
    categories = {c["name"]: c for c in perspective["categories"]}
    assert set(categories) == {"Item", "UserTag", "ItemTag", "CoverSet", "User"}
    assert len({c["id"] for c in categories.values()}) == 5
    for c in categories.values():
        assert set(c["labels"]) <= {label.value for label in Label}
        names = {p["name"] for p in c["properties"]}
        assert c["captionKeys"] and set(c["captionKeys"]) <= names
        assert [k["key"] for k in c["captions"]] == c["captionKeys"]
        assert HEX.match(c["color"]) and c["size"] > 0
        assert {p["propertyKey"] for p in perspective["labels"][c["labels"][0]]} == names
    assert categories["Item"]["captionKeys"] == ["title"]
    assert categories["UserTag"]["captionKeys"] == ["name"] == categories["ItemTag"]["captionKeys"]
    hidden = {p["name"] for p in categories["UserTag"]["properties"] if p["exclude"]}
    assert "embedding" in hidden  # 384 floats are not for display


def test_logic_edges_width_by_weight_colour_by_source(perspective: dict[str, Any]) -> None:
    rels = {r["name"]: r for r in perspective["relationshipTypes"]}
    assert set(rels) <= {t.value for t in RelType}
    for name, width_by in (("U2I", "weight"), ("I2U", "weight"), ("HAS_USER_TAG", "p"), ("HAS_ITEM_TAG", "p")):
        rules = rels[name]["styleRules"]
        (width,) = [r for r in rules if r["type"] == "range"]
        assert width["basedOn"] == width_by and width["applySize"]
        assert width["minSizeValue"] < width["maxSizeValue"]
        colours = {r["conditionValue"]: r["colorValue"] for r in rules if r["type"] == "single" and r["applyColor"]}
        assert set(colours) == {"llm", "distilled"} and colours["llm"] != colours["distilled"]
        assert all(r["basedOn"] == "source" for r in rules if r["type"] == "single")
        assert {p["propertyKey"] for p in rels[name]["properties"]} >= {width_by, "source", "run"}
    for segment in perspective["metadata"]["pathSegments"]:
        assert segment["relationshipType"] in rels


def test_search_phrases_are_the_library_queries(perspective: dict[str, Any]) -> None:
    lib = analyst.library()
    phrases = {t["text"]: t for t in perspective["templates"]}
    assert set(phrases) == {"logic chains from $role", "why $item for $user", "roles behind $topic"}
    for text, template in phrases.items():
        query = lib[template["id"].removeprefix("tmpl:")]
        assert template["cypher"] == query.text, (
            f"'{text}' differs from {query.name} — run scripts/bloom_perspective.py"
        )
        in_phrase = set(re.findall(r"\$(\w+)", text))
        assert in_phrase == set(query.params) == {p["name"].removeprefix("$") for p in template["params"]}
        assert not template["hasCypherErrors"] and not template["isUpdateQuery"]
    bloom_queries = {n for n in lib if n.startswith("bloom_")}
    assert bloom_queries == {t["id"].removeprefix("tmpl:") for t in perspective["templates"]}


def test_file_is_what_the_generator_writes(perspective: dict[str, Any]) -> None:
    spec = importlib.util.spec_from_file_location("bloom_perspective", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == perspective, "regenerate with scripts/bloom_perspective.py"


# ----------------------------------------------------------------- the phrases on the embedded engine
def _key(node: dict[str, Any]) -> str:
    props = node["properties"]
    return str(props.get("key", props.get("id")))


def _summary(path: dict[str, Any]) -> tuple[tuple[str, ...], tuple[tuple[str, str | None], ...]]:
    nodes = tuple(_key(n) for n in path["nodes"])
    rels = tuple((r["type"], r["properties"].get("source")) for r in path["relationships"])
    return nodes, rels


def _phrase(world: GraphStore, perspective: dict[str, Any], text: str, **params: str) -> list[Any]:
    (template,) = [t for t in perspective["templates"] if t["text"] == text]
    stmt, values = analyst.adhoc(template["cypher"], params)
    rows = analyst.run(world.backend, stmt, values)
    assert all(list(r) == ["p"] for r in rows)  # Bloom draws paths
    return [_summary(r["p"]) for r in rows]


def _u2i(src: str) -> list[tuple[str, float, str]]:
    return [(d, wt, s.value) for a, d, wt, s, *_ in w.U2I if a == src]


def _i2u(src: str) -> list[tuple[str, float, str]]:
    return [(d, wt, s.value) for a, d, wt, s, *_ in w.I2U if a == src]


def test_logic_chains_phrase(world: GraphStore, perspective: dict[str, Any]) -> None:
    role = "student"
    chains = [
        (a * b, ((role, c, t2), (("U2I", s), ("I2U", s))))
        for c, a, s in _u2i(role)
        for t2, b, s2 in _i2u(c)
        if s2 == s and t2 != role
    ]
    expected = [summary for _, summary in sorted(chains, key=lambda x: -x[0])]
    assert len(expected) == 3
    assert _phrase(world, perspective, "logic chains from $role", role=role) == expected


def test_roles_behind_topic_phrase(world: GraphStore, perspective: dict[str, Any]) -> None:
    topic = "crime"
    expected = {((topic, t), (("I2U", s),)) for t, _, s in _i2u(topic)}
    expected |= {((topic, a), (("U2I", s.value),)) for a, c, _, s, *_ in w.U2I if c == topic}
    assert len(expected) == 6
    got = _phrase(world, perspective, "roles behind $topic", topic=topic)
    assert len(got) == len(expected) and set(got) == expected


def test_why_item_for_user_phrase(world: GraphStore, perspective: dict[str, Any]) -> None:
    user, item = "u1", "i3"
    roles = [t for u, t, *_ in w.HAS_ROLE if u == user]
    serves = {t: s.value for i, t, _, s in w.ITEM_ROLES if i == item}
    about = {c: s.value for i, c, _, s in w.ITEM_TOPICS if i == item}
    hr = ("HAS_ROLE", None)
    expected = {((user, t, item), (hr, ("HAS_USER_TAG", serves[t]))) for t in roles if t in serves}
    for t in roles:
        for c, _, s in _u2i(t):
            if c in about:
                expected.add(((user, t, c, item), (hr, ("U2I", s), ("HAS_ITEM_TAG", about[c]))))
            for t2, _, s2 in _i2u(c):
                if s2 == s and t2 in serves:
                    expected.add(((user, t, c, t2, item), (hr, ("U2I", s), ("I2U", s), ("HAS_USER_TAG", serves[t2]))))
    assert len(expected) == 13
    got = _phrase(world, perspective, "why $item for $user", item=item, user=user)
    assert len(got) == len(expected) and set(got) == expected


def test_phrases_with_nothing_to_show_return_nothing(world: GraphStore, perspective: dict[str, Any]) -> None:
    assert _phrase(world, perspective, "logic chains from $role", role="nobody") == []
    assert _phrase(world, perspective, "why $item for $user", item="i2", user="u4") == []  # parent: no path to Heat
