"""Writes cypher/bloom/rolegraph-perspective.json, the Neo4j Bloom perspective of rolegraph.

The search phrases take their Cypher from the analysts' library (`cypher/analyst/bloom.cypher`), so
after editing a `bloom_*` query run ``.venv/bin/python scripts/bloom_perspective.py`` again; a test
(tests/cypher/test_bloom.py) fails while the two differ. The output is deterministic (fixed ids and
timestamps), so regenerating an unchanged library changes nothing.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rolegraph.graph.analyst import library  # noqa: E402

OUT = ROOT / "rolegraph" / "cypher" / "bloom" / "rolegraph-perspective.json"
STAMP = 1767225600000  # 2026-01-01T00:00:00Z in ms: fixed, so the file only changes with its content
LLM_COLOUR, DISTILLED_COLOUR = "#F79767", "#4C8EDA"  # orange = the LLM's graph G, blue = distilled G*

# (category, label, colour, size, caption properties, properties with their Bloom data types)
CATEGORIES: list[tuple[str, str, str, float, list[str], dict[str, str]]] = [
    ("Item", "Item", "#FFE081", 1.0, ["title"],
     {"id": "string", "title": "string", "text": "string", "source": "string", "first_seen": "string"}),
    ("UserTag", "UserTag", "#C990C0", 2.0, ["name"],
     {"key": "string", "name": "string", "first_seen": "string", "last_seen": "string", "item_count": "number",
      "embedding": "array"}),
    ("ItemTag", "ItemTag", "#57C7E3", 2.0, ["name"],
     {"key": "string", "name": "string", "first_seen": "string", "last_seen": "string", "item_count": "number",
      "embedding": "array"}),
    ("CoverSet", "CoverSet", "#8DCC93", 3.0, ["kind"], {"kind": "string"}),
    ("User", "User", "#D9C8AE", 1.0, ["id", "occupation"],
     {"id": "string", "age": "number", "gender": "string", "occupation": "string"}),
]  # fmt: skip
HIDDEN = {"embedding", "text"}  # long values Bloom should not draw or tooltip

LOGIC = {"weight": "number", "source": "string", "run": "string", "model": "string", "prompt_version": "string",
         "rationale": "string"}  # fmt: skip
ITEM_TAG = {"p": "number", "rank": "number", "source": "string", "run": "string"}
# (type, colour, size, properties, property that sets the width (None = fixed), colour by source)
RELATIONSHIPS: list[tuple[str, str, float, dict[str, str], str | None, bool]] = [
    ("U2I", "#A5ABB6", 1.0, LOGIC, "weight", True),
    ("I2U", "#A5ABB6", 1.0, LOGIC, "weight", True),
    ("HAS_USER_TAG", "#C990C0", 1.0, ITEM_TAG, "p", True),
    ("HAS_ITEM_TAG", "#57C7E3", 1.0, ITEM_TAG, "p", True),
    ("HAS_ROLE", "#D9C8AE", 1.0, {"p": "number", "rank": "number", "set": "string", "run": "string"}, "p", False),
    ("IN_COVER", "#8DCC93", 1.0, {"since": "string", "until": "string"}, None, False),
    ("ALIAS_OF", "#848484", 1.0, {"kind": "string", "score": "number", "run": "string"}, None, False),
    ("INTERACTED", "#D9D9D9", 0.5, {"ts": "number", "rating": "number"}, None, False),
]
PATHS = [("UserTag", "U2I", "ItemTag"), ("ItemTag", "I2U", "UserTag"), ("Item", "HAS_USER_TAG", "UserTag"),
         ("Item", "HAS_ITEM_TAG", "ItemTag"), ("User", "HAS_ROLE", "UserTag"), ("UserTag", "IN_COVER", "CoverSet"),
         ("ItemTag", "IN_COVER", "CoverSet"), ("UserTag", "ALIAS_OF", "UserTag"), ("ItemTag", "ALIAS_OF", "ItemTag"),
         ("User", "INTERACTED", "Item")]  # fmt: skip

# phrase → (library query, suggestions per parameter: (label, property))
PHRASES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "logic chains from $role": ("bloom_logic_chains", {"role": ("UserTag", "key")}),
    "why $item for $user": ("bloom_why_item_for_user", {"item": ("Item", "id"), "user": ("User", "id")}),
    "roles behind $topic": ("bloom_roles_behind_topic", {"topic": ("ItemTag", "key")}),
}


def _rule(n: int, **fields: Any) -> dict[str, Any]:
    base = {
        "id": f"rule-{n}",
        "disabled": False,
        "includeInLegend": True,
        "applyColor": False,
        "applySize": False,
        "applyCaption": False,
        "condition": None,
        "conditionValue": None,
        "colorValue": None,
        "sizeValue": None,
    }
    return {**base, **fields}


def _style_rules(width_by: str | None, by_source: bool, start: int) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    if width_by is not None:
        rules.append(
            _rule(
                start,
                type="range",
                basedOn=width_by,
                dataType="number",
                applySize=True,
                minValue=0.0,
                maxValue=1.0,
                minSizeValue=0.5,
                maxSizeValue=8.0,
            )
        )
    if by_source:
        for k, (value, colour) in enumerate((("llm", LLM_COLOUR), ("distilled", DISTILLED_COLOUR)), start=1):
            rules.append(
                _rule(
                    start + k,
                    type="single",
                    basedOn="source",
                    dataType="string",
                    condition="equals",
                    conditionValue=value,
                    applyColor=True,
                    colorValue=colour,
                )
            )
    return rules


def _category(n: int, name: str, label: str, colour: str, size: float, captions: list[str], props: dict) -> dict:
    return {
        "id": n,
        "name": name,
        "labels": [label],
        "properties": [
            {"name": p, "exclude": p in HIDDEN, "isCaption": p in captions, "dataType": t} for p, t in props.items()
        ],
        "captionKeys": captions,
        "captions": [
            {"key": p, "type": "property", "isCaption": True, "inTooltip": True, "styles": []} for p in captions
        ],
        "color": colour,
        "size": size,
        "icon": "no-icon",
        "textSize": 1,
        "textAlign": "top",
        "styleRules": [],
        "createdAt": STAMP,
        "lastEditedAt": STAMP,
    }


def _template(n: int, phrase: str, query: Any, suggestions: dict[str, tuple[str, str]]) -> dict[str, Any]:
    return {
        "id": f"tmpl:{query.name}",
        "name": phrase,
        "text": phrase,
        "description": query.purpose,
        "cypher": query.text,
        "params": [
            {
                "name": f"${p}",
                "dataType": "String",
                "suggestionLabel": suggestions[p][0],
                "suggestionProp": suggestions[p][1],
                "suggestionBoolean": False,
                "collapsed": False,
                "cypher": None,
            }
            for p in sorted(query.params)
        ],
        "isUpdateQuery": None,
        "isWriteTransactionChecked": None,
        "hasCypherErrors": False,
        "createdAt": STAMP + n,
    }


def build() -> dict[str, Any]:
    """The perspective as a dict."""
    lib = library()
    rel_types = [
        {"id": t, "name": t, "color": colour, "size": size, "captionKeys": [],
         "properties": [{"propertyKey": p, "type": t, "dataType": d} for p, d in props.items()],
         "styleRules": _style_rules(width_by, by_source, 10 * k)}
        for k, (t, colour, size, props, width_by, by_source) in enumerate(RELATIONSHIPS, start=1)
    ]  # fmt: skip
    return {
        "name": "rolegraph",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/rolegraph/perspective")),
        "type": "STANDARD_PERSPECTIVE",
        "version": "2.21.0",
        "createdAt": STAMP,
        "lastEditedAt": STAMP,
        "categories": [_category(n, *c) for n, c in enumerate(CATEGORIES, start=1)],
        "labels": {
            label: [{"propertyKey": p, "type": label, "dataType": t} for p, t in props.items()]
            for _, label, _, _, _, props in CATEGORIES
        },
        "relationshipTypes": rel_types,
        "templates": [
            _template(n, phrase, lib[name], suggestions)
            for n, (phrase, (name, suggestions)) in enumerate(PHRASES.items())
        ],
        "sceneActions": [],
        "hiddenRelationshipTypes": [],
        "hiddenCategories": [],
        "hideUncategorisedData": False,
        "parentPerspectiveId": None,
        "palette": {"colors": [c[2] for c in CATEGORIES], "currentIndex": len(CATEGORIES)},
        "metadata": {
            "pathSegments": [{"source": s, "relationshipType": r, "target": t} for s, r, t in PATHS],
            "indexes": [],
        },
    }


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(build(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
