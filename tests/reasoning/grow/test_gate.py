"""The quality-gate and handbook steps of the daily run: junk tags are quarantined with the reason (visible
in stats and the analyst query) and never asked about; handbooks are built once per category and shown to
the tagging prompts; a SIGKILL inside either step, then a rerun, ends in the same graph as an uninterrupted
run."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from rolegraph.graph import analyst
from rolegraph.graph.statements import Stmt
from rolegraph.graph.store import GraphStore
from rolegraph.reasoning.prompts import template
from rolegraph.reasoning.tasks import Task
from rolegraph.settings import GraphSettings
from tests.reasoning.grow import world
from tests.reasoning.grow.conftest import Grower
from tests.reasoning.grow.test_crash import ARGS, Child, Script, kill_inside, rerun_then_finished
from tests.support.graphs import Graphs
from tests.support.openai_server import Reply, Responder, ScriptedServer, subject_of

RUN = "grow-2026-02-01"


def junky(endpoint: str, body: dict[str, Any]) -> Reply:
    """The sensible LLM, with a person's name and a phrase that names no people among every item's roles,
    and an off-topic phrase among its topics."""
    task = world.task_of(endpoint, body)
    answer = world.answer(task, subject_of(endpoint, body))
    if task == "item_roles":
        answer["tags"] += ["Andy Warhol", "dental hygiene"]
    if task == "item_topics":
        answer["tags"] += ["tax deductions"]
    return Reply(json.dumps(answer))


def test_junk_is_quarantined_with_the_reason_and_never_asked_about(grower_for: Callable[[Responder], Grower]) -> None:
    g = grower_for(junky)
    world.load(g.store, 4)
    summary = g.run(max_items=4, max_tags=50, chunk=2)
    counts = g.store.quarantine.counts()
    assert counts == {
        "HAS_USER_TAG/person name": 4,
        "HAS_USER_TAG/not a kind of person": 4,
        "HAS_ITEM_TAG/not grounded": 4,
    }, counts
    assert summary.counts["gate_quarantined"] == 12 and summary.counts["gate_tags_condemned"] == 2
    tagged = ("HAS_USER_TAG", "HAS_ITEM_TAG")
    kept = {e["dst"] for page in g.store.iter_edge_pages() for e in page if e["type"] in tagged}
    assert not kept & {"andy warhol", "dental hygiene", "tax deduction"} and "film critics" in kept
    sources = {e["src"] for page in g.store.iter_edge_pages() for e in page if e["type"] == "U2I"}
    assert "andy warhol" not in sources  # condemned by name: no logic question
    query = analyst.library()["analyst_quarantined_tags"]
    rows = analyst.run(g.store.backend, query.statement, analyst.bind(query, {}))
    assert {(r["key"], r["reason"], r["items"]) for r in rows} == {
        ("andy warhol", "person name", 4),
        ("dental hygiene", "not a kind of person", 4),
        ("tax deduction", "not grounded", 4),  # keys are singular
    }
    assert all(r["some_items"] == sorted(r["some_items"]) for r in rows)  # the first items by id, on both engines


BABE_ROLES = "young children; parents of toddlers; farmers; animal lovers; grandparents; primary school teachers"
APOLLO_ROLES = "space enthusiasts; engineers; pilots; history buffs; science students; action enthusiasts"
ECHOED = ("Film 1 ", "Film 3 ")


def echoing(endpoint: str, body: dict[str, Any]) -> Reply:
    """The sensible LLM, except that for Films 1 and 3 it copies the roles of the prompt's Babe example while
    the prompt shows it."""
    task = world.task_of(endpoint, body)
    subject = subject_of(endpoint, body)
    if task == "item_roles" and subject.startswith(ECHOED) and "Babe (1995)" in json.dumps(body):
        return Reply(json.dumps({"tags": [*BABE_ROLES.split("; "), "film critics"]}))
    return Reply(json.dumps(world.answer(task, subject)))


def stubborn(endpoint: str, body: dict[str, Any]) -> Reply:
    """As `echoing`, and without Babe in the prompt it copies the other example (Apollo 13)."""
    task = world.task_of(endpoint, body)
    subject = subject_of(endpoint, body)
    if task == "item_roles" and subject.startswith(ECHOED) and "Babe (1995)" not in json.dumps(body):
        return Reply(json.dumps({"tags": APOLLO_ROLES.split("; ")}))
    return echoing(endpoint, body)


def _roles(store: GraphStore) -> set[tuple[str, str]]:
    return {(e["src"], e["dst"]) for page in store.iter_edge_pages() for e in page if e["type"] == "HAS_USER_TAG"}


def test_an_answer_that_copies_a_worked_example_is_quarantined_whole(
    grower_for: Callable[[Responder], Grower],
) -> None:
    g = grower_for(echoing)
    world.load(g.store, 3)
    summary = g.run(max_items=3, max_tags=0, chunk=3, reask=False)
    assert g.store.quarantine.counts() == {"HAS_USER_TAG/echo of a worked example": 7}
    assert summary.counts["gate_tags_condemned"] == 0  # about one answer, not the names
    kept = _roles(g.store)
    assert not {dst for src, dst in kept if src == "i001"}  # none of Film 1's copied roles kept
    assert {("i000", "film critics"), ("i002", "film critics")} <= kept  # the others' answers stand
    out = g.store.read(Stmt.ITEM_OUT_EDGES, ids=["i001"])
    reasons = {e["props"]["reason"] for e in out if e["type"] == "QUARANTINED"}
    assert reasons == {"echo of a worked example (Babe (1995): 6 of 7 tags)"}  # what it copied, and how much
    assert "reask_asked" not in summary.counts and len(g.server.requests) == 6  # two answers per item


def _role_requests(g: Grower, film: str) -> list[str]:
    asked = [json.dumps(body) for endpoint, body in g.server.requests]
    return [a for a in asked if world.task_of("", json.loads(a)) == "item_roles" and f"{film} " in a]


def test_an_echoed_answer_is_asked_again_without_the_example_it_copied(
    grower_for: Callable[[Responder], Grower],
) -> None:
    g = grower_for(echoing)
    world.load(g.store, 3)
    summary = g.run(max_items=3, max_tags=0, chunk=3)
    counts = summary.counts
    assert counts["gate_echoes"] == 1 and counts["reask_asked"] == counts["reask_done"] == 1
    assert counts["gate_reask_judged"] > 0 and counts["gate_reask_quarantined"] == counts["gate_reask_echoes"] == 0
    asked = _role_requests(g, "Film 1")
    assert len(asked) == 2 and "Babe (1995)" in asked[0] and "Babe (1995)" not in asked[1]
    assert "Apollo 13 (1995)" in asked[1]  # the other worked example stays
    assert ("i001", "film critics") in _roles(g.store)  # the new answer stands
    assert g.store.quarantine.counts() == {"HAS_USER_TAG/echo of a worked example": 7}  # the copy stays aside
    version = template(Task.ITEM_ROLES).without("Babe (1995)").version
    assert version.endswith("~1")
    item = g.store.read(Stmt.PAGE_ITEMS, after="i000", limit=1)[0]
    assert item["id"] == "i001" and item["props"]["reasked"] == [f"HAS_USER_TAG {version} done"]
    before = len(g.server.requests)
    assert g.run(max_items=3, max_tags=0, chunk=3).status == "already done"
    assert len(g.server.requests) == before  # a finished day asks nothing


def test_an_answer_that_echoes_again_is_quarantined_and_not_asked_a_third_time(
    grower_for: Callable[[Responder], Grower],
) -> None:
    g = grower_for(stubborn)
    world.load(g.store, 4)
    summary = g.run(max_items=4, max_tags=0, chunk=4)
    assert summary.counts["reask_asked"] == 2 and summary.counts["gate_reask_echoes"] == 2
    assert len(_role_requests(g, "Film 1")) == 2 and len(_role_requests(g, "Film 3")) == 2
    assert not {dst for src, dst in _roles(g.store) if src in ("i001", "i003")}
    assert g.store.quarantine.counts() == {"HAS_USER_TAG/echo of a worked example": 7 + 7 + 6 + 6}
    out = g.store.read(Stmt.ITEM_OUT_EDGES, ids=["i001"])
    reasons = {e["props"]["reason"] for e in out if e["type"] == "QUARANTINED"}
    assert reasons == {
        "echo of a worked example (Babe (1995): 6 of 7 tags)",
        "echo of a worked example (Apollo 13 (1995): 6 of 6 tags)",
    }


class Outage:
    """`echoing`, with every re-ask (a roles prompt without the Babe example) answered 503 while ``down``."""

    def __init__(self) -> None:
        self.down = True

    def __call__(self, endpoint: str, body: dict[str, Any]) -> Reply:
        reasked = world.task_of(endpoint, body) == "item_roles" and "Babe (1995)" not in json.dumps(body)
        return Reply(status=503) if self.down and reasked else echoing(endpoint, body)


def test_a_reask_the_llm_never_answered_is_asked_again_the_next_day(
    grower_for: Callable[[Responder], Grower],
) -> None:
    outage = Outage()
    g = grower_for(outage)
    world.load(g.store, 4)
    first = g.run(max_items=3, max_tags=0, chunk=3)
    assert first.counts["reask_asked"] == first.counts["reask_failed"] == 1
    assert not {dst for src, dst in _roles(g.store) if src == "i001"}  # the echo aside, no answer since
    version = template(Task.ITEM_ROLES).without("Babe (1995)").version

    def marks() -> list[str]:
        item = g.store.read(Stmt.PAGE_ITEMS, after="i000", limit=1)[0]
        assert item["id"] == "i001"
        return list(item["props"]["reasked"])

    assert marks() == [f"HAS_USER_TAG {version} failed"]
    outage.down = False
    second = g.run("2026-01-06", max_items=3, max_tags=0, chunk=3)  # plans i003 (Film 3 echoes too)
    assert second.counts["reask_retried"] == 1 and second.counts["reask_asked"] == second.counts["reask_done"] == 2
    assert ("i001", "film critics") in _roles(g.store)  # the answer that did not come, now written and gated
    assert marks() == [f"HAS_USER_TAG {version} failed", f"HAS_USER_TAG {version} done"]
    third = g.run("2026-01-07", max_items=3, max_tags=0, chunk=3)
    assert "reask_asked" not in third.counts  # answered: not asked again


class JunkyScript(Script):
    responder: Responder = staticmethod(junky)

    def __call__(self, endpoint: str, body: dict[str, Any]) -> Reply:
        with self.lock:
            self.n += 1
        return self.responder(endpoint, body)


class EchoingScript(JunkyScript):
    responder = staticmethod(echoing)


@pytest.fixture
def fresh(graphs: Graphs, engine: str) -> Iterator[Callable[[], tuple[GraphSettings, GraphStore]]]:
    """Makes graphs holding the world, each with the settings a child opens it by."""
    with ExitStack() as stack:

        def make() -> tuple[GraphSettings, GraphStore]:
            settings, store = stack.enter_context(graphs.shared(engine))
            world.load(store, 6)
            return settings, store

        yield make


def test_sigkill_inside_the_gate_then_rerun_equals_an_uninterrupted_run(
    fresh: Callable[[], tuple[GraphSettings, GraphStore]], tmp_path: Path
) -> None:
    script = JunkyScript()
    with ScriptedServer(script) as llm:
        graph, baseline = fresh()
        Child(graph, llm, tmp_path / "base.sqlite").run()
        expected = baseline.content_hash()
        assert baseline.quarantine.counts()

        graph, store = fresh()
        child = Child(graph, llm, tmp_path / "crash.sqlite")
        kill_inside(store, child, f"{RUN}/gate", 0.001)

        rerun_then_finished(store, child, script, expected)


def test_sigkill_inside_the_reask_then_rerun_equals_an_uninterrupted_run(
    fresh: Callable[[], tuple[GraphSettings, GraphStore]], tmp_path: Path
) -> None:
    script = EchoingScript()
    with ScriptedServer(script) as llm:
        graph, baseline = fresh()
        Child(graph, llm, tmp_path / "base.sqlite").run()
        expected = baseline.content_hash()
        assert ("i003", "film critics") in _roles(baseline)

        graph, store = fresh()
        child = Child(graph, llm, tmp_path / "crash.sqlite")
        kill_inside(store, child, f"{RUN}/reask", 0.0005)

        rerun_then_finished(store, child, script, expected)


def test_handbooks_are_built_once_and_shown_to_the_tagging_prompts(grower_for: Callable[[Responder], Grower]) -> None:
    g = grower_for(world.sensible)
    world.load(g.store, 4)
    first = g.run(max_items=2, max_tags=0, chunk=2, handbook=True)
    books = g.store.handbooks.all()
    assert set(books) == {"Drama", "Comedy", "Animation"} and first.counts["handbooks_built"] == 3
    assert books["Drama"].roles == ["drama lovers", "critics"]
    asked = [json.dumps(body) for _, body in g.server.requests]
    assert sum("Ideas: drama lovers; critics" in a for a in asked) == 1  # Film 0 (Drama, Comedy), its roles
    g.run("2026-01-06", max_items=2, max_tags=0, chunk=2, handbook=True)
    assert set(g.store.handbooks.all()) == set(books) | {"Thriller", "Western", "Romance"}


HANDBOOK = [*ARGS, "--handbook"]


def test_sigkill_inside_the_handbook_step_then_rerun_equals_an_uninterrupted_run(
    fresh: Callable[[], tuple[GraphSettings, GraphStore]], tmp_path: Path
) -> None:
    script = JunkyScript()
    with ScriptedServer(script) as llm:
        graph, baseline = fresh()
        Child(graph, llm, tmp_path / "base.sqlite", HANDBOOK).run()
        expected = baseline.content_hash()
        assert baseline.handbooks.all()

        graph, store = fresh()
        child = Child(graph, llm, tmp_path / "crash.sqlite", HANDBOOK)
        kill_inside(store, child, f"{RUN}/handbook", 0.0005)

        child.run()
        assert store.content_hash() == expected
