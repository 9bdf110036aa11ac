"""The analysts' Cypher library: headers, typed parameters, known answers on a hand-made graph, and the
read-only walls (the text check and the database's read-only mode)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rolegraph.errors import InvalidInput, QueryError
from rolegraph.graph import analyst
from rolegraph.graph.backend import Row
from rolegraph.graph.readonly import WriteRefused
from rolegraph.graph.store import GraphStore
from tests.graph import analyst_world

# name → (parameters as given on the command line, expected rows). Expected values are worked out by hand
# from tests/graph/analyst_world.py (e.g. via-logic strength 0.3969 = 0.9 · 0.9 · 0.7 · 0.7).
EXPECTED: dict[str, tuple[dict[str, str], list[dict[str, Any]]]] = {
    "analyst_quarantined_tags": ({}, []),  # nothing quarantined here; tests/reasoning/grow/test_gate.py has some
    "analyst_logic_chains": (
        {"role": "student"},
        [
            {"topic": "crime", "p_topic_given_role": 0.5, "new_role": "film buff", "new_role_name": "Film buffs",
             "p_role_given_topic": 0.6, "strength": 0.3},
            {"topic": "animation", "p_topic_given_role": 0.3, "new_role": "parent", "new_role_name": "Parents",
             "p_role_given_topic": 0.5, "strength": 0.15},
        ],
    ),
    "analyst_roles_behind_topic": (
        {"topic": "crime"},
        [
            {"role": "film buff", "name": "Film buffs", "p_role_given_topic": 0.6, "p_topic_given_role": 0.7},
            {"role": "student", "name": "Students", "p_role_given_topic": 0.2, "p_topic_given_role": 0.5},
        ],
    ),
    "analyst_why_items_together": (
        {"item_a": "i2", "item_b": "i3"},
        [{"role": "film buff", "name": "Film buffs", "p_a": 0.7, "p_b": 0.6, "strength": 0.42}],
    ),
    "analyst_why_items_together_via_logic": (
        {"item_a": "i2", "item_b": "i3", "limit": "2"},
        [
            {"topic_a": "heist", "role": "film buff", "topic_b": "crime", "strength": 0.3969},
            {"topic_a": "crime", "role": "film buff", "topic_b": "crime", "strength": 0.2352},
        ],
    ),
    "analyst_cocoon_breaking": (
        {"user": "u1"},  # distilled: student -0.6-> crime -0.7-> film buff, from P(student|u1) = 0.7
        [{"from_role": "student", "via_topic": "crime", "new_role": "film buff", "new_role_p": 0.5,
          "contribution": 0.294}],
    ),
    "analyst_cover_churn": (
        {"kind": "user"},
        [
            {"day": "2026-01-01", "joined": 2, "left": 0, "added": ["parent", "student"], "removed": [], "size": 2,
             "recall": 0.8},
            {"day": "2026-01-02", "joined": 1, "left": 1, "added": ["film buff"], "removed": ["student"], "size": 2,
             "recall": 0.9},
        ],
    ),
    "analyst_cover_misses": (  # item cover {animation, crime, heist}; i6 is reached by its distilled heist
        {"kind": "item"},
        [{"id": "i4", "title": "Casablanca", "interactions": 0, "reason": "llm tags outside cover", "llm_tags": 1,
          "distilled_tags": 0, "uncovered": ["romance"]},
         {"id": "i5", "title": "Clerks", "interactions": 0, "reason": "untagged", "llm_tags": 0, "distilled_tags": 0,
          "uncovered": []}],
    ),
    "analyst_edges_by_provenance": (
        {},
        [
            {"run": "r1", "model": "gemma3-270m", "prompt_version": "v1", "source": "llm", "type": "I2U", "edges": 6,
             "mean_weight": 2.9 / 6},
            {"run": "r1", "model": "gemma3-270m", "prompt_version": "v1", "source": "llm", "type": "U2I", "edges": 6,
             "mean_weight": 2.6 / 6},
            {"run": "r2", "model": "qwen2.5-7b", "prompt_version": "v2", "source": "distilled", "type": "I2U",
             "edges": 2, "mean_weight": 0.65},
            {"run": "r2", "model": "qwen2.5-7b", "prompt_version": "v2", "source": "distilled", "type": "U2I",
             "edges": 2, "mean_weight": 0.65},
        ],
    ),
    "analyst_edges_of_run": (
        {"run": "r1", "limit": "3"},
        [
            {"type": "I2U", "src": "heist", "dst": "film buff", "source": "llm", "weight": 0.9, "model": "gemma3-270m",
             "prompt_version": "v1", "day": "2026-01-01", "status": "finished"},
            {"type": "U2I", "src": "film buff", "dst": "crime", "source": "llm", "weight": 0.7, "model": "gemma3-270m",
             "prompt_version": "v1", "day": "2026-01-01", "status": "finished"},
            {"type": "I2U", "src": "crime", "dst": "film buff", "source": "llm", "weight": 0.6, "model": "gemma3-270m",
             "prompt_version": "v1", "day": "2026-01-01", "status": "finished"},
        ],
    ),
    "analyst_edge_rationale": (
        {"src": "student", "dst": "crime"},
        [{"type": "U2I", "weight": 0.5, "rationale": "students like twisty plots", "run": "r1",
          "model": "gemma3-270m", "prompt_version": "v1", "day": "2026-01-01"}],
    ),
    "analyst_aliases_of_run": (
        {"run": "r2"},
        [{"alias": "crime films", "alias_name": "crime films", "canonical": "crime", "canonical_name": "Crime",
          "kind": "item", "score": 0.93}],
    ),
    "analyst_merges_of_day": (
        {"day": "2026-01-02"},
        [{"alias": "crime films", "name": "crime films", "canonical": "crime", "kind": "item", "score": 0.93,
          "method": "embedding",
          "reason": "cosine 0.930", "items": 0}],
    ),
    "analyst_stale_tags": (
        {"before": "2026-01-02"},
        [
            {"key": k, "name": n, "is_role": r, "is_topic": not r, "last_seen": "2026-01-01", "items": i}
            for k, n, r, i in [("crime films", "crime films", False, 0), ("engineer", "Engineers", True, 0),
                               ("parent", "Parents", True, 1), ("parents", "parents", True, 0),
                               ("romance", "Romance", False, 1), ("student", "Students", True, 4)]
        ],
    ),
    "analyst_orphan_tags": (
        {},
        [
            {"key": "crime films", "name": "crime films", "is_role": False, "is_topic": True, "alias_of": "crime"},
            {"key": "engineer", "name": "Engineers", "is_role": True, "is_topic": False, "alias_of": None},
            {"key": "parents", "name": "parents", "is_role": True, "is_topic": False, "alias_of": "parent"},
        ],
    ),
    "analyst_roles_across_occupations": (
        {},
        [
            {"role": "parent", "name": "Parents", "occupations": 2, "users": 2, "which": ["artist", "student"]},
            {"role": "student", "name": "Students", "occupations": 1, "users": 2, "which": ["student"]},
            {"role": "film buff", "name": "Film buffs", "occupations": 1, "users": 1, "which": ["engineer"]},
        ],
    ),
    "analyst_user_roles": (
        {"user": "u1"},
        [
            {"occupation": "student", "role_set": "T0", "rank": 1, "role": "student", "name": "Students", "p": 0.7,
             "run": "r2"},
            {"occupation": "student", "role_set": "T0", "rank": 2, "role": "parent", "name": "Parents", "p": 0.3,
             "run": "r2"},
            {"occupation": "student", "role_set": "T1", "rank": 1, "role": "film buff", "name": "Film buffs",
             "p": 0.5, "run": "r2"},
        ],
    ),
}  # fmt: skip

# Other parameter values of the same queries, where the answer changes with them.
VARIANTS: list[tuple[str, dict[str, str], list[dict[str, Any]]]] = [
    ("analyst_logic_chains", {"role": "student", "source": "distilled"},
     [{"topic": "crime", "p_topic_given_role": 0.6, "new_role": "film buff", "new_role_name": "Film buffs",
       "p_role_given_topic": 0.7, "strength": 0.42}]),
    ("analyst_logic_chains", {"role": "student", "limit": "1"}, EXPECTED["analyst_logic_chains"][1][:1]),
    ("analyst_cocoon_breaking", {"user": "u1", "source": "llm"},
     [{"from_role": "student", "via_topic": "crime", "new_role": "film buff", "new_role_p": 0.5,
       "contribution": 0.21}]),
    ("analyst_cocoon_breaking", {"user": "u3"}, []),  # u3 has no T1 roles
    ("analyst_cover_churn", {"kind": "item"},
     [{"day": "2026-01-01", "joined": 2, "left": 0, "added": ["animation", "crime"], "removed": [], "size": 2,
       "recall": 0.75},
      {"day": "2026-01-02", "joined": 1, "left": 0, "added": ["heist"], "removed": [], "size": 3, "recall": 0.95}]),
    ("analyst_cover_misses", {"kind": "item", "view": "llm"},  # only LLM tags count: i6 (2 interactions) first
     [{"id": "i6", "title": "Alien", "interactions": 2, "reason": "distilled tags only", "llm_tags": 0,
       "distilled_tags": 1, "uncovered": []}, *EXPECTED["analyst_cover_misses"][1]]),
    ("analyst_cover_misses", {"kind": "item", "view": "recall"}, EXPECTED["analyst_cover_misses"][1][:1]),
    ("analyst_cover_misses", {"kind": "item", "view": "llm", "limit": "1"},
     [{"id": "i6", "title": "Alien", "interactions": 2, "reason": "distilled tags only", "llm_tags": 0,
       "distilled_tags": 1, "uncovered": []}]),
    ("analyst_cover_misses", {"kind": "user"},  # role cover {parent, film buff}; student left it on day 2
     [{"id": "i6", "title": "Alien", "interactions": 2, "reason": "distilled tags outside cover", "llm_tags": 0,
       "distilled_tags": 1, "uncovered": ["student"]},
      {"id": "i4", "title": "Casablanca", "interactions": 0, "reason": "untagged", "llm_tags": 0, "distilled_tags": 0,
       "uncovered": []},
      {"id": "i5", "title": "Clerks", "interactions": 0, "reason": "llm tags outside cover", "llm_tags": 1,
       "distilled_tags": 0, "uncovered": ["student"]}]),
    ("analyst_cover_misses", {"kind": "user", "view": "recall"},
     [{"id": "i5", "title": "Clerks", "interactions": 0, "reason": "llm tags outside cover", "llm_tags": 1,
       "distilled_tags": 0, "uncovered": ["student"]}]),
    ("analyst_cover_misses", {"kind": "user", "view": "everything"}, []),
    ("analyst_cover_misses", {"kind": "roles"}, []),
    ("analyst_edge_rationale", {"src": "crime", "dst": "film buff", "source": "distilled"},
     [{"type": "I2U", "weight": 0.7, "rationale": "", "run": "r2", "model": "qwen2.5-7b", "prompt_version": "v2",
       "day": "2026-01-02"}]),
    ("analyst_roles_across_occupations", {"set": "T1"},
     [{"role": "film buff", "name": "Film buffs", "occupations": 1, "users": 1, "which": ["student"]},
      {"role": "student", "name": "Students", "occupations": 1, "users": 1, "which": ["engineer"]}]),
    ("analyst_stale_tags", {"before": "2026-01-01"}, []),
    ("analyst_merges_of_day", {"day": "2026-01-01"},
     [{"alias": "parents", "name": "parents", "canonical": "parent", "kind": "user", "score": 0.97, "method": "words",
       "reason": "same senses (order, inflection or function words)", "items": 0}]),
    ("analyst_merges_of_day", {"day": "2026-01-03"}, []),
]  # fmt: skip


@pytest.fixture
def world(store: GraphStore) -> Iterator[GraphStore]:
    analyst_world.build(store)
    yield store


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _run(store: GraphStore, name: str, given: dict[str, str]) -> list[dict[str, Any]]:
    query = analyst.library()[name]
    return analyst.run(store.backend, query.statement, analyst.bind(query, given))


def test_library_has_documented_queries() -> None:
    lib = analyst.library()
    analysts = {n for n in lib if n.startswith("analyst_")}
    assert len(analysts) >= 12
    assert analysts == set(EXPECTED), "every analyst query needs a known answer here"
    for q in lib.values():
        assert q.purpose and q.examples
        assert all(e.startswith(f"rolegraph cypher run {q.name}") for e in q.examples)
        assert all(p.doc for p in q.params.values())


def test_every_analyst_query_returns_its_known_rows(world: GraphStore) -> None:
    for name, (given, expected) in EXPECTED.items():
        assert _rounded(_run(world, name, given)) == _rounded(expected), name


@pytest.mark.parametrize(("name", "given", "expected"), VARIANTS, ids=[f"{v[0]}-{v[1]}" for v in VARIANTS])
def test_parameters_change_the_answer(world: GraphStore, name: str, given: dict[str, str], expected: list) -> None:
    assert _rounded(_run(world, name, given)) == _rounded(expected)


def test_examples_in_headers_bind() -> None:
    """Each header's example command names only declared parameters with values of the declared type."""
    for q in analyst.library().values():
        for example in q.examples:
            words = example.split()
            given = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--param")
            assert set(analyst.bind(q, given)) == set(q.params)


def test_parameters_are_typed_from_declarations() -> None:
    q = analyst.library()["analyst_why_items_together_via_logic"]
    values = analyst.bind(q, {"item_a": "42", "item_b": "7", "limit": "5"})
    assert values == {"item_a": "42", "item_b": "7", "source": "llm", "limit": 5}  # ids stay strings
    with pytest.raises(InvalidInput, match=r"limit='five' is not an int"):
        analyst.bind(q, {"item_a": "1", "item_b": "2", "limit": "five"})
    with pytest.raises(InvalidInput, match="has no parameter user"):
        analyst.bind(q, {"item_a": "1", "item_b": "2", "user": "3"})
    with pytest.raises(InvalidInput, match="needs --param item_b"):
        analyst.bind(q, {"item_a": "1"})


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [("3", "int", 3), ("2.5", "float", 2.5), ("TRUE", "bool", True), ('["a", 1]', "list", ["a", 1]),
     ('{"a": 1}', "map", {"a": 1}), ("007", "string", "007"), ("7", None, 7), ("0.5", None, 0.5),
     ("false", None, False), ("[1, 2]", None, [1, 2]), ("student", None, "student"), ("nan", None, "nan"),
     ("inf", None, "inf"), ("1e400", None, "1e400")],
)  # fmt: skip
def test_convert(raw: str, kind: str | None, value: Any) -> None:
    assert analyst.convert("x", raw, kind) == value


@pytest.mark.parametrize(
    ("raw", "kind"),
    [("1.5", "int"), ("yes", "bool"), ("{}", "list"), ("[1", "list"), ("nan", "float"), ("-inf", "float"),
     ("1e400", "float")],
)  # fmt: skip
def test_convert_refuses_wrong_types(raw: str, kind: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(f"parameter x={raw!r}")):
        analyst.convert("x", raw, kind)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [(str(2**63), "int"), (str(2**63), None), (str(-(2**63) - 1), None), (f"[1, {2**70}]", None),
     (f'{{"a": {{"b": [{-(2**64)}]}}}}', "map"), (f"[{2**63}]", "list")],
)  # fmt: skip
def test_convert_refuses_integers_past_64_bits(raw: str, kind: str | None) -> None:
    """Not clamped by the engine, not guessed as a float that rounds it: refused."""
    with pytest.raises(InvalidInput, match=r"does not fit in a 64-bit integer, the databases' integer"):
        analyst.convert("x", raw, kind)
    assert analyst.convert("x", str(2**63 - 1), kind if kind == "int" else None) == 2**63 - 1


def test_incomplete_headers_are_refused(tmp_path: Path) -> None:
    good = (
        "// name: q_ok\n// Counts items.\n// params: n\n// param n: int — a number\n"
        "// example: rolegraph cypher run q_ok\n"
    )
    (tmp_path / "a.cypher").write_text(good + "MATCH (i:Item) RETURN count(i) + $n AS n;\n")
    assert analyst.library(tmp_path)["q_ok"].params["n"].type == "int"
    (tmp_path / "a.cypher").write_text(good.replace("// param n: int — a number\n", "") + "RETURN $n AS n;\n")
    with pytest.raises(QueryError, match="documents parameters \\[\\] but declares \\['n'\\]"):
        analyst.library(tmp_path)
    (tmp_path / "a.cypher").write_text(good.replace("int", "integer") + "RETURN $n AS n;\n")
    with pytest.raises(QueryError, match="type 'integer'"):
        analyst.library(tmp_path)
    (tmp_path / "a.cypher").write_text(good + "MATCH (i:Item) SET i.x = $n RETURN i.id AS id;\n")
    with pytest.raises(WriteRefused, match="SET writes"):
        analyst.library(tmp_path)


def test_library_queries_pass_the_read_only_check() -> None:
    for q in analyst.library().values():
        assert analyst.adhoc(q.text, {p: "1" for p in q.params})[0].params == q.statement.params


def test_graph_elements_come_back_as_plain_data(world: GraphStore) -> None:
    stmt, params = analyst.adhoc("MATCH p = (i:Item {id: $id})-[r:HAS_ITEM_TAG]->(t:Tag) RETURN i, r, p", {"id": "i4"})
    (row,) = analyst.run(world.backend, stmt, params)
    assert row["i"]["labels"] == ["Item"] and row["i"]["properties"]["title"] == "Casablanca"
    assert row["r"]["type"] == "HAS_ITEM_TAG" and row["r"]["properties"]["p"] == 0.8
    assert (row["r"]["start"], row["r"]["end"]) == (row["i"]["id"], row["p"]["nodes"][1]["id"])
    assert [n["properties"].get("key") for n in row["p"]["nodes"]] == [None, "romance"]
    assert [r["type"] for r in row["p"]["relationships"]] == ["HAS_ITEM_TAG"]


WRITES = [
    "CREATE (n:Item {id: 'x'})",
    "MATCH (i:Item) SET i.title = 'x'",
    "merge (t:Tag {key: 'x'})",
    "MATCH (i:Item {id: 'i1'}) DETACH DELETE i",
    "MATCH (:Item)-[r]->() DELETE r",
    "MATCH (t:Tag) REMOVE t:UserTag",
    "MATCH (i:Item) CALL { WITH i SET i.x = 1 } IN TRANSACTIONS OF 10 ROWS",
    "MATCH (i:Item) WITH collect(i) AS l FOREACH (x IN l | SET x.y = 1)",
    "LOAD CSV FROM 'file:///x.csv' AS row RETURN row",
    "CALL apoc.create.node(['Item'], {id: 'x'})",
    "DROP INDEX rolegraph_item_id",
    "MATCH (i:Item) RETURN i.id AS id; CREATE (n:Item {id: 'x'})",
    "MATCH (i:Item) RETURN i // comment\nCREATE (n:Item {id: 'x'})",
    "MATCH (i:Item) /* a comment */ sEt i.title = 'x'",
    "MATCH (i:Item {title: 'it\\'s'}) SET i.x = 1",
    "MATCH (i:Item {title: '//'}) SET i.x = 1",
    "MATCH (i:Item) RETURN i /* unterminated CREATE (n)",
    "MATCH (i:Item) WITH i LIMIT 1CREATE (n:Item {id: 'x'})",
    "MATCH (i:Item) WITH i LIMIT 0x1DETACH DELETE i",
    "ENABLE SERVER 'x'",
    # each write clause alone, in mixed case, behind comments, and `;`-chained
    "CrEaTe (n:Item {id: 'x'})",
    "MeRgE (t:Tag {key: 'x'})",
    "MATCH (i:Item) Detach Delete i",
    "MATCH (i:Item) CALL { WITH i RETURN i.id AS x } IN TRANSACTIONS RETURN x",
    "MATCH (i:Item) cAlL { WITH i RETURN i.id AS x } iN tRaNsAcTiOnS OF 5 ROWS RETURN x",
    "MATCH (i:Item) /* ;\n */ DELETE i",
    "MATCH (i:Item)\n// ;\nSET i.x = 1",
    "MATCH (`i`:Item) SET `i`.x = 1",
    "CALL db.labels() YIELD label CREATE (:Item {id: label})",
    "RETURN 1; RETURN 2",
    "MATCH (i:Item) RETURN i.id AS id;\n// then\nmerge (n:Item {id: 'x'})",
    "MATCH (i:Item {id: ';'}) RETURN i;MATCH (j) DELETE j",
]
IDS = [{"id": f"i{n}"} for n in range(1, 7)]  # the world's films
T0 = [{"set": "T0", "create": tag} for _, tag, _, _, kind in analyst_world.HAS_ROLE if kind == "T0"]
# each read and its rows (a set: labels the answer must include, the engines add their own)
READS: list[tuple[str, list[Row] | frozenset[str]]] = [
    ("MATCH (i:Item) WHERE i.title <> 'CREATE (n) SET x DELETE y' RETURN i.id AS id", IDS),
    ("MATCH (i:Item) // SET i.x = 1\nRETURN i.id AS id", IDS),
    ("MATCH (i:Item) /* DETACH DELETE i; CREATE () */ RETURN i.id AS id;", IDS),
    ("MATCH (u:User)-[h:HAS_ROLE {set: 'T0'}]->(t:Tag) RETURN h.set AS set, t.key AS `create`", T0),
    ("CALL db.labels()", frozenset({"Item", "User", "Tag"})),
    ("RETURN 0x1F AS h, 1.5e3 AS f, 2E-2 AS g, .5 AS d", [{"h": 31, "f": 1500.0, "g": 0.02, "d": 0.5}]),
    ("MATCH (i:Item) CALL { WITH i RETURN i.id AS x } RETURN x", [{"x": r["id"]} for r in IDS]),
    ("MATCH (i:Item) WHERE i.title <> 'a;b' RETURN i.id AS id", IDS),
    ("MATCH (i:Item) RETURN i.id AS id; // one statement, a trailing ';' and a comment", IDS),
]


@pytest.mark.parametrize("text", WRITES)
def test_writes_are_refused_and_the_graph_is_unchanged(world: GraphStore, text: str) -> None:
    before = world.content_hash()
    with pytest.raises(WriteRefused):
        analyst.adhoc(text, {})
    stmt = analyst.library()["analyst_orphan_tags"].statement
    with pytest.raises(WriteRefused):  # the runner checks again, whatever statement it is handed
        analyst.run(world.backend, type(stmt)("x", text, frozenset(), stmt.path, 1), {})
    assert world.content_hash() == before


@pytest.mark.parametrize(("text", "want"), READS)
def test_keywords_in_literals_comments_and_names_are_reads(
    world: GraphStore, text: str, want: list[Row] | frozenset[str]
) -> None:
    """Runs as written: the rows are the read's on the world, so a guard that rewrote or emptied it fails."""
    stmt, params = analyst.adhoc(text, {})
    rows = analyst.run(world.backend, stmt, params)
    if isinstance(want, frozenset):
        assert want <= {r["label"] for r in rows}, rows
    else:
        assert sorted(rows, key=repr) == sorted(want, key=repr)


def test_the_database_refuses_writes_too(world: GraphStore) -> None:
    """The second wall: a write that got past the text check still fails in read-only mode."""
    before = world.content_hash()
    stmt = analyst.library()["analyst_orphan_tags"].statement
    sneaky = type(stmt)("sneaky", "CREATE (n:Item {id: 'x'}) RETURN n.id AS id", frozenset(), stmt.path, 1)
    # FalkorDB: "graph.RO_QUERY is to be executed only on read-only queries"; Neo4j: "Writing in read access mode"
    refused = "statement 'sneaky' failed: .*(read-only|read access)"
    with pytest.raises(QueryError, match=refused):
        world.backend.read_graph(sneaky, {})
    with pytest.raises(QueryError, match=refused):
        world.backend.run(sneaky, {}, write=False)
    assert world.content_hash() == before


def test_adhoc_parameters_must_match_the_text() -> None:
    stmt, params = analyst.adhoc("MATCH (i:Item {id: $id}) RETURN i.title AS t LIMIT $n", {"id": "42", "n": "3"})
    assert params == {"id": 42, "n": 3}  # guessed types for free text
    assert stmt.params == {"id", "n"}
    with pytest.raises(InvalidInput, match="uses parameters \\['id'\\] but was given \\[\\]"):
        analyst.adhoc("MATCH (i:Item {id: $id}) RETURN i", {})
    with pytest.raises(InvalidInput, match="empty"):
        analyst.adhoc(" ; ", {})
