"""The calibration and check steps of the daily run: behaviour's statistics on every LLM logic edge,
candidates queued and checked the next day; and a SIGKILL inside each step (calibration, and the next
day's check of the queued candidates), then a rerun, ends in the
same graph as an uninterrupted run, whose rerun makes no LLM call."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from rolegraph.graph.calibration import CandidatePair
from rolegraph.graph.model import LogicKind
from rolegraph.graph.store import GraphStore
from rolegraph.reasoning.calibrate import Statements, weigh
from rolegraph.reasoning.calibration_config import CalibrationConfig
from rolegraph.reasoning.cooccurrence import Behaviour, behaviour
from rolegraph.reasoning.prompts import template
from rolegraph.reasoning.tasks import Task
from rolegraph.settings import GraphSettings
from tests.reasoning.grow import world
from tests.reasoning.grow.conftest import Grower
from tests.reasoning.grow.test_crash import ARGS, WAIT_S, Child, Script, _kill, kill_inside, rerun_then_finished
from tests.support.graphs import Graphs
from tests.support.openai_server import Reply, Responder, ScriptedServer, subject_of

RUN = "grow-2026-02-01"
SMALL = CalibrationConfig(min_mass=1.0, candidate_lift=1.1, candidate_support=2)  # a world of 8 users


def _logic(store: GraphStore) -> list[dict[str, object]]:
    return [
        {"type": e["type"], "src": e["src"], "dst": e["dst"], **e["props"]}
        for page in store.iter_edge_pages()
        for e in page
        if e["type"] in ("U2I", "I2U") and e["props"].get("source") == "llm"
    ]


def _inputs(store: GraphStore) -> tuple[Behaviour, dict[LogicKind, Statements]]:
    """Calibration's inputs rebuilt here from the graph: the interactions over the tagged items and, by kind,
    the LLM's edges of the kind, its edges of the other kind (the converse) and the checks' verdicts in
    either direction."""
    beh = behaviour(((r["user"], r["item"]) for r in store.iter_interactions()), store.distillation.tagged_items())
    llm = {kind: store.distillation.llm_logic(kind) for kind in LogicKind}
    verdicts = {kind: store.calibration.verdicts(kind) for kind in LogicKind}
    assert not any(v["reconfirmed"] or v["rerefused"] for v in verdicts.values())  # no re-checks to rebuild
    stated = {}
    for kind, other in ((LogicKind.U2I, LogicKind.I2U), (LogicKind.I2U, LogicKind.U2I)):
        stated[kind] = Statements(
            llm[kind],
            llm[other],
            checked=verdicts[kind]["confirmed"],
            converse_checked=verdicts[other]["confirmed"],
            refused=verdicts[kind]["refused"],
            converse_refused=verdicts[other]["refused"],
        )
    return beh, stated


def _assert_calibration_is_the_estimators(store: GraphStore, next_day: str) -> None:
    """Asserts that what the day's calibration wrote is the estimator's (`reasoning.calibrate.weigh`) on
    `_inputs`: edge by edge the statistics stored on the LLM logic edges, and pair by pair the candidates
    and re-checks queued for ``next_day``; and that each input counts — weighed without the converse
    answers, or (where there are any) without the confirmations or without the refusals, the estimator
    writes something else — so a run that dropped one of them would fail here."""
    beh, inputs = _inputs(store)
    stored = _logic(store)
    for kind, stated in inputs.items():
        weighed = weigh(beh, kind, stated, SMALL)
        want = {(s.src, s.dst): s for s in weighed.edges}
        got = {(str(e["src"]), str(e["dst"])): e for e in stored if e["type"] == kind.value}
        assert got.keys() == want.keys() and want, kind
        for pair, w in want.items():
            e = got[pair]
            assert (e["support"], e["contradicted"]) == (w.support, w.contradicted), (kind, pair, e, w)
            assert (e["lift"], e["calibrated"]) == pytest.approx((w.lift, w.calibrated), abs=1e-6), (kind, pair, e, w)
        queued = {(c.src, c.dst): c for c in store.calibration.to_check(kind, next_day) if c.status == "queued"}
        assert queued.keys() == {(c.src, c.dst) for c in weighed.candidates}, kind
        for c in weighed.candidates:
            q = queued[(c.src, c.dst)]
            assert (q.support, q.lift, q.weight, q.odds) == pytest.approx((c.support, c.lift, c.weight, c.odds)), c
        rechecks = store.calibration.to_check(kind, next_day, recheck=True)
        assert {(c.src, c.dst) for c in rechecks if c.status == "queued"} == set(weighed.rechecks), kind
        assert weigh(beh, kind, replace(stated, converse=[]), SMALL) != weighed, kind
        if stated.checked or stated.converse_checked:
            alone = replace(stated, checked=frozenset(), converse_checked=frozenset())
            assert weigh(beh, kind, alone, SMALL) != weighed, kind
        if stated.refused or stated.converse_refused:
            alone = replace(stated, refused=frozenset(), converse_refused=frozenset())
            assert weigh(beh, kind, alone, SMALL) != weighed, kind


def neighbours(endpoint: str, body: dict[str, Any]) -> Reply:
    """The sensible LLM whose checks confirm a pair of the same or of neighbouring genres (the world's user k
    consumes genres k and k + 1, so behaviour supports such pairs) and refuse the rest."""
    task = world.task_of(endpoint, body)
    if not task.endswith("_check"):
        return world.sensible(endpoint, body)
    src, _, dst = subject_of(endpoint, body).partition("|")
    genres = [g.lower() for g in world.GENRES]
    a, b = (w.split()[0].lower() if w.split() else "" for w in (src, dst))
    near = a in genres and b in genres and (genres.index(a) - genres.index(b)) % len(genres) in (0, 1, len(genres) - 1)
    verdict = {"verdict": "yes", "rationale": "their audiences overlap"} if near else {"verdict": "no", "rationale": ""}
    return Reply(json.dumps(verdict))


def test_logic_edges_get_behaviour_statistics_and_candidates_are_checked_next_day(
    grower_for: Callable[[Responder], Grower],
) -> None:
    g = grower_for(neighbours)
    world.load(g.store, 8, users=8)
    first = g.run("2026-01-05", max_items=8, max_tags=20, chunk=4, calibration=SMALL)
    edges = _logic(g.store)
    assert edges and all({"support", "lift", "calibrated", "contradicted"} <= e.keys() for e in edges)
    assert all(0 <= float(e["calibrated"]) <= 1 and e["rationale"] for e in edges)  # type: ignore[arg-type]
    assert any(int(e["support"]) > 0 for e in edges)  # type: ignore[call-overload]
    _assert_calibration_is_the_estimators(g.store, "2026-01-06")
    queued = g.store.calibration.counts()
    assert first.counts["u2i_candidates_queued"] + first.counts["i2u_candidates_queued"] == sum(queued.values()) > 0
    second = g.run("2026-01-06", max_items=0, max_tags=20, chunk=4, calibration=SMALL)
    checked = g.store.calibration.counts()
    verdicts = {
        s: sum(second.counts.get(f"{k}_candidates_{s}", 0) for k in ("u2i", "i2u")) for s in ("confirmed", "refused")
    }
    assert verdicts == {s: sum(n for k, n in checked.items() if k.endswith(f"/{s}")) for s in verdicts}
    assert sum(verdicts.values()) == sum(queued.values())  # every candidate of day 1 was checked on day 2
    assert all(checked[f"{kind.value}/{s}"] > 0 for kind in LogicKind for s in verdicts)  # both, of each kind
    checks = {template(Task.U2I_CHECK).version, template(Task.I2U_CHECK).version}
    made = [e for e in _logic(g.store) if e["prompt_version"] in checks]
    assert len(made) == verdicts["confirmed"] and all(e["rationale"] for e in made)
    # day 2's calibration weighs the day's verdicts (a confirmed pair's edge as a check's, not an answer; a
    # refused pair's odds, and its re-check): the statistics on every edge, those of the edges the checks made
    # among them, and the next day's queues are the estimator's on them, and would differ without them
    _assert_calibration_is_the_estimators(g.store, "2026-01-07")


def test_a_day_checks_the_likeliest_candidates_within_its_budget_and_the_rest_wait(
    grower_for: Callable[[Responder], Grower],
) -> None:
    g = grower_for(world.sensible)
    world.load(g.store, 8, users=8)
    g.run("2026-01-05", max_items=8, max_tags=20, chunk=4, calibration=SMALL)
    queued = {kind: g.store.calibration.to_check(kind, "2026-01-06") for kind in LogicKind}
    assert all(len(rows) > 2 for rows in queued.values())
    assert all(c.odds > 0 for rows in queued.values() for c in rows)  # calibration's posterior odds kept
    second = g.run("2026-01-06", max_items=0, max_tags=20, chunk=4, calibration=SMALL, max_checks=2)
    for kind, rows in queued.items():
        name = kind.value.lower()
        assert (second.counts[f"{name}_checks_planned"], second.counts[f"{name}_checks_deferred"]) == (2, len(rows) - 2)
        verdicts = g.store.calibration.verdicts(kind)
        checked = verdicts["confirmed"] | verdicts["refused"]
        likeliest = sorted(rows, key=lambda c: (-c.odds, -c.lift, c.src, c.dst))[:2]
        assert checked == {(c.src, c.dst) for c in likeliest}
    g.run("2026-01-07", max_items=0, max_tags=20, chunk=4, calibration=SMALL)  # the default budget: the rest
    for kind, rows in queued.items():
        verdicts = g.store.calibration.verdicts(kind)
        assert {(c.src, c.dst) for c in rows} <= verdicts["confirmed"] | verdicts["refused"]


@pytest.fixture
def fresh(graphs: Graphs, engine: str) -> Iterator[Callable[[], tuple[GraphSettings, GraphStore]]]:
    """Makes graphs holding the world, each with the settings a child opens it by."""
    with ExitStack() as stack:

        def make() -> tuple[GraphSettings, GraphStore]:
            settings, store = stack.enter_context(graphs.shared(engine))
            world.load(store, 6, users=6)
            return settings, store

        yield make


def test_sigkill_inside_calibration_then_rerun_equals_an_uninterrupted_run(
    fresh: Callable[[], tuple[GraphSettings, GraphStore]], tmp_path: Path
) -> None:
    script = Script()
    with ScriptedServer(script) as llm:
        graph, baseline = fresh()
        Child(graph, llm, tmp_path / "base.sqlite").run()
        expected = baseline.content_hash()
        assert any("calibrated" in e for e in _logic(baseline))

        graph, store = fresh()
        child = Child(graph, llm, tmp_path / "crash.sqlite")
        kill_inside(store, child, f"{RUN}/calibrate", 0.002)
        assert store.content_hash() != expected

        rerun_then_finished(store, child, script, expected)


DAY_2 = [*ARGS[:2], "2026-02-02", *ARGS[3:]]


class KillAtCheck(Script):
    """The sensible LLM that holds the first check question (``fired`` then set) until the test kills."""

    def __call__(self, endpoint: str, body: dict[str, Any]) -> Reply:
        if world.task_of(endpoint, body).endswith("_check") and not self.fired.is_set():
            with self.lock:
                self.n += 1
            self.fired.set()
            return Reply(world.sensible(endpoint, body).text, delay_s=30.0)
        return super().__call__(endpoint, body)


def _queue_unproposed(store: GraphStore, day: str = "2026-02-01") -> int:
    """Queues, as ``day``'s calibration would, the first pairs of a grown role and topic no U2I edge joins."""
    tags = [(e["type"], e["dst"]) for page in store.iter_edge_pages() for e in page]
    roles = sorted({k for t, k in tags if t == "HAS_USER_TAG"})
    topics = sorted({k for t, k in tags if t == "HAS_ITEM_TAG"})
    proposed = {(e["src"], e["dst"]) for e in _logic(store)}
    pairs = [CandidatePair(r, c, 6, 2.5, 0.3) for r in roles for c in topics if (r, c) not in proposed][:3]
    return store.calibration.queue(LogicKind.U2I, day, pairs)


def test_sigkill_inside_the_check_then_rerun_equals_an_uninterrupted_run(
    fresh: Callable[[], tuple[GraphSettings, GraphStore]], tmp_path: Path
) -> None:
    script = KillAtCheck()
    with ScriptedServer(script) as llm:
        graph, baseline = fresh()
        Child(graph, llm, tmp_path / "base.sqlite").run()
        assert _queue_unproposed(baseline) == 3
        queued = sum(baseline.calibration.counts().values())  # and what day 1's calibration queued
        script.fired.set()  # the uninterrupted run: no question held
        Child(graph, llm, tmp_path / "base.sqlite", DAY_2).run()
        expected = baseline.content_hash()
        assert sum(n for k, n in baseline.calibration.counts().items() if not k.endswith("/queued")) == queued

        graph, store = fresh()
        Child(graph, llm, tmp_path / "crash.sqlite").run()
        assert _queue_unproposed(store) == 3
        script.fired.clear()
        child = Child(graph, llm, tmp_path / "crash.sqlite", DAY_2)
        proc = child.start()
        assert script.fired.wait(WAIT_S), "the run did not reach the check"
        _kill(proc)
        assert store.content_hash() != expected

        rerun_then_finished(store, child, script, expected)


def agree_the_other_way(endpoint: str, body: dict[str, Any]) -> Reply:
    """The sensible LLM whose I2U checks say yes to every pair."""
    if world.task_of(endpoint, body) == "i2u_check":
        return Reply(json.dumps({"verdict": "yes", "rationale": "the other way round it holds"}))
    return world.sensible(endpoint, body)


def test_a_refused_pair_rechecked_the_other_way_round_gets_its_edge(
    grower_for: Callable[[Responder], Grower],
) -> None:
    g = grower_for(agree_the_other_way)
    world.load(g.store, 6, users=6)
    g.run("2026-01-05", max_items=6, max_tags=20, chunk=4, calibration=SMALL)
    assert _queue_unproposed(g.store, "2026-01-05") == 3
    g.run("2026-01-06", max_items=0, max_tags=20, chunk=4, calibration=SMALL)
    refused = sorted(g.store.calibration.verdicts(LogicKind.U2I)["refused"])
    assert refused  # the sensible LLM's U2I check refuses pairs of different genres
    assert not {(e["src"], e["dst"]) for e in _logic(g.store)} & set(refused)
    g.store.calibration.queue_rechecks(LogicKind.U2I, "2026-01-06", refused)
    third = g.run("2026-01-07", max_items=0, max_tags=20, chunk=4, calibration=SMALL)
    verdicts = g.store.calibration.verdicts(LogicKind.U2I)
    assert set(refused) <= verdicts["reconfirmed"] and third.counts["u2i_rechecks_confirmed"] >= len(refused)
    assert set(refused) <= verdicts["refused"]  # the first verdict is kept beside the re-check's
    edges = {(e["src"], e["dst"]): e for e in _logic(g.store)}
    for pair in refused:  # the U2I edge the re-check made, asked in the I2U check's wording, with its rationale
        assert edges[pair]["prompt_version"] == template(Task.I2U_CHECK).version
        assert edges[pair]["rationale"] == "the other way round it holds"
    counts = g.store.calibration.counts()
    assert counts["U2I/recheck/confirmed"] >= len(refused)
    rerun = g.run("2026-01-07", max_items=0, max_tags=20, chunk=4, calibration=SMALL)
    assert rerun.status == "already done" and not rerun.counts.get("llm_calls")  # a finished day asks nothing
