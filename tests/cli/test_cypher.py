"""`rolegraph cypher list|show|run` in-process on a graph of each engine holding the analysts' test world."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rolegraph.cli.main import main
from rolegraph.graph import analyst
from rolegraph.graph.connect import open_store
from rolegraph.settings import GraphSettings
from tests.graph import analyst_world
from tests.support.graphs import Graphs, env

Cli = Callable[..., tuple[int, str, str]]

ROLES_BEHIND_CRIME = [
    {"role": "film buff", "name": "Film buffs", "p_role_given_topic": 0.6, "p_topic_given_role": 0.7},
    {"role": "student", "name": "Students", "p_role_given_topic": 0.2, "p_topic_given_role": 0.5},
]


@pytest.fixture(scope="module")
def graph(graphs: Graphs, engine: str) -> Iterator[GraphSettings]:
    with graphs.settings(engine) as settings:
        with open_store(settings) as store:
            analyst_world.build(store)
        yield settings


def _cli(variables: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def cli(graph: GraphSettings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return _cli(env(graph), monkeypatch, capsys)


@pytest.fixture
def offline_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """`list` and `show` read the package's files: no database answers at this URI."""
    return _cli({"ROLEGRAPH_GRAPH_URI": "bolt://127.0.0.1:1"}, monkeypatch, capsys)


def _hash(graph: GraphSettings) -> str:
    with open_store(graph) as store:
        return store.content_hash()


def test_list_names_every_query(offline_cli: Cli) -> None:
    code, out, _ = offline_cli("cypher", "list", "--json")
    assert code == 0
    listed = {q["name"]: q for q in json.loads(out)}
    assert set(listed) == set(analyst.library())
    chains = listed["analyst_logic_chains"]
    assert chains["params"]["limit"] == {"type": "int", "default": 25, "doc": "at most this many chains"}
    assert chains["file"] == "cypher/analyst/logic.cypher"
    code, out, _ = offline_cli("cypher", "list")
    assert code == 0 and "analyst_cover_churn" in out


def test_show_prints_pasteable_cypher(offline_cli: Cli) -> None:
    code, out, _ = offline_cli("cypher", "show", "analyst_edge_rationale")
    assert code == 0
    assert out.endswith(analyst.library()["analyst_edge_rationale"].text + ";\n")
    assert "// $src: string — the source tag key" in out


def test_run_in_three_formats(cli: Cli) -> None:
    code, out, err = cli("cypher", "run", "analyst_roles_behind_topic", "--param", "topic=crime", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == ROLES_BEHIND_CRIME

    code, out, _ = cli("cypher", "run", "analyst_cover_churn", "--param", "kind=user", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["day"], r["added"], r["removed"], r["recall"]) for r in rows] == [
        ("2026-01-01", '["parent", "student"]', "[]", "0.8"),
        ("2026-01-02", '["film buff"]', '["student"]', "0.9"),
    ]

    code, out, _ = cli("cypher", "run", "analyst_logic_chains", "--param", "role=student", "--param", "limit=1")
    assert code == 0
    assert "analyst_logic_chains (1 rows)" in out and "film buff" in out and "animation" not in out


def test_run_free_cypher_with_guessed_parameter_types(cli: Cli) -> None:
    code, out, err = cli(
        "cypher", "run", "--query", "MATCH (u:User) WHERE u.age > $age RETURN u.id AS id ORDER BY id",
        "--param", "age=21", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == [{"id": "u3"}, {"id": "u4"}]  # ages 20..23; 21 became an int


def test_integer_parameters_travel_exactly_or_are_refused(cli: Cli) -> None:
    """The engines store signed 64-bit integers: the extremes come back exactly, and a larger integer is
    refused before the query runs (FalkorDB answered 99999999999999999999999 as 9223372036854775807)."""
    for value in (2**63 - 1, -(2**63)):
        code, out, err = cli("cypher", "run", "--query", "RETURN $x AS x", "--param", f"x={value}", "--format", "json")
        assert code == 0, err
        assert json.loads(out) == [{"x": value}]
    code, out, err = cli("cypher", "run", "--query", "RETURN $xs AS xs", "--param", "xs=[1, 2]", "--format", "json")
    assert code == 0 and json.loads(out) == [{"xs": [1, 2]}], err
    for args in (
        ["--query", "RETURN $x AS x", "--param", "x=99999999999999999999999"],
        ["--query", "RETURN $x AS x", "--param", f"x={-(2**63) - 1}"],
        ["--query", "RETURN $xs AS xs", "--param", "xs=[1, 99999999999999999999999]"],
        ["analyst_logic_chains", "--param", "role=student", "--param", f"limit={2**63}"],
    ):
        code, out, err = cli("cypher", "run", *args)
        assert (code, out) == (1, ""), (args, err)
        assert len(err.splitlines()) == 1 and "does not fit in a 64-bit integer" in err, (args, err)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--query", "MATCH (n) DETACH DELETE n"], "DETACH DELETE writes"),
        (["--query", "MATCH (n) RETURN n; MATCH (m) DELETE m"], "only one statement may run"),
        (["--query", "MATCH (n) /* x */ Create (m:Item {id: 'z'})"], "CREATE writes"),
        (["--query", "CALL { MATCH (n:Item) SET n.x = 1 } IN TRANSACTIONS"], "SET writes"),
        (["--query", "MATCH (n:Item) CALL { WITH n RETURN n.id AS x } in transactions RETURN x"], "IN TRANSACTIONS"),
        (["--query", "MATCH (n:Item) mErGe (n)-[:ALIAS_OF]->(n)"], "MERGE writes"),
        (["analyst_logic_chains"], "needs --param role"),
        (["analyst_logic_chains", "--param", "role=x", "--param", "limit=many"], "limit='many' is not an int"),
        (["analyst_logic_chains", "--param", "role=x", "--param", "colour=red"], "has no parameter colour"),
        (["analyst_nope"], "no analyst query named 'analyst_nope'"),
        (["analyst_logic_chains", "--query", "RETURN 1"], "exactly one of NAME"),
    ],
)
def test_refusals_exit_1_and_change_nothing(cli: Cli, graph: GraphSettings, args: list[str], message: str) -> None:
    before = _hash(graph)
    code, out, err = cli("cypher", "run", *args)
    assert code == 1
    assert message in err and out == ""
    assert _hash(graph) == before


def test_a_refused_file_leaves_the_graph_as_it_was(cli: Cli, graph: GraphSettings, tmp_path: Path) -> None:
    before = _hash(graph)
    script = tmp_path / "evil.cypher"
    script.write_text("MATCH (i:Item)\n// harmless?\nMERGE (i)-[:HAS_USER_TAG]->(:Tag {key: 'x'});\n")
    code, _, err = cli("cypher", "run", "--file", str(script))
    assert code == 1 and "line 3: MERGE writes" in err
    assert _hash(graph) == before


def test_a_query_past_its_timeout_is_cancelled_by_the_database(cli: Cli) -> None:
    endless = "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b UNWIND range(1, 3000) AS c RETURN count(*) AS n"
    # minutes of work for the server: the call ends because the database aborts it
    code, out, err = cli("cypher", "run", "--query", endless, "--timeout", "0.5")
    assert code == 2 and out == ""  # a database error, as when the graph cannot be reached
    assert "cancelled by the database at its deadline" in err
    for bad in ("0", "-1", "inf", "nan", "1e300"):
        code, _, err = cli("cypher", "run", "--query", "RETURN 1 AS one", "--timeout", bad)
        assert code == 1 and "--timeout must be between 0 and 86,400 seconds" in err, (bad, err)


def test_output_cut_short_by_its_reader_ends_quietly(graph: GraphSettings) -> None:
    """`rolegraph cypher run … | head -1`: the reader goes away; no traceback, SIGPIPE's exit status."""
    query = "UNWIND range(1, 200000) AS x RETURN x"
    with subprocess.Popen(
        [sys.executable, "-m", "rolegraph.cli.main", "cypher", "run", "--query", query, "--format", "csv"],
        env={**os.environ, **env(graph)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline() == b"x\n"
        proc.stdout.close()  # what `head -1` does after its line
        err = proc.stderr.read().decode()
        assert proc.wait(120) == 141, err
    assert "Traceback" not in err


def test_a_query_the_database_refuses_is_bad_input(cli: Cli) -> None:
    """The user's own Cypher text that the engine cannot run is exit 1 (bad input), not 2 (a database problem)."""
    code, out, err = cli("cypher", "run", "--query", "MATCH (n RETURN n")
    assert code == 1 and out == ""
    assert err.startswith("rolegraph: error: the query failed at the database") and "Traceback" not in err
