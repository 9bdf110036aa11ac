"""`rolegraph gate` (grow/regating.py): a graph grown before a rule of the quality gate existed is judged by
today's gate, an echoed answer is quarantined and asked again without the example it copied; a dry run
writes nothing, a finished day does nothing, and a SIGKILL inside the run, then a rerun, ends as an
uninterrupted run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from rolegraph.graph.growth import ItemStatus
from rolegraph.graph.model import ItemTagEdge, Source, TagKind, TagRecord
from rolegraph.graph.statements import Stmt
from rolegraph.graph.store import GraphStore
from rolegraph.progress import no_progress
from rolegraph.reasoning.canonical import normalize
from rolegraph.reasoning.grow import regating
from rolegraph.reasoning.grow.config import GrowConfig
from rolegraph.reasoning.grow.wiring import open_context
from rolegraph.settings import GraphSettings
from tests.reasoning.grow import world
from tests.reasoning.grow.conftest import Grower
from tests.reasoning.grow.test_crash import Child, kill_inside, rerun_then_finished
from tests.reasoning.grow.test_gate import BABE_ROLES, EchoingScript, echoing
from tests.support.graphs import Graphs
from tests.support.openai_server import ScriptedServer

DAY = "2026-03-01"
RUN = regating.run_id(DAY)
OLD = "grow-2025-12-01"  # a day grown before the echo rule
ECHO = "quarantined_roles_echo_of_a_worked_example"


def old_graph(store: GraphStore, n: int = 4) -> None:
    """What a day grown before the echo rule left: every item tagged by the LLM, Films 1 and 3 with the roles
    of the prompt's Babe example."""
    world.load(store, n)
    roles: dict[str, list[str]] = {}
    topics: dict[str, list[str]] = {}
    for item in world.items(n):
        answer = world.answer("item_roles", item.text or "")["tags"]
        roles[item.id] = [*BABE_ROLES.split("; "), "film critics"] if item.title in ("Film 1", "Film 3") else answer
        topics[item.id] = world.answer("item_topics", item.text or "")["tags"]
    for kind, answers in ((TagKind.USER, roles), (TagKind.ITEM, topics)):
        names = {name for names in answers.values() for name in names}
        store.upsert_tags(kind, [TagRecord(normalize(name), name, "2025-12-01") for name in sorted(names)])
        store.upsert_item_tag_edges(
            kind,
            [
                ItemTagEdge(item, normalize(name), 1.0, rank, Source.LLM, OLD)
                for item, names in answers.items()
                for rank, name in enumerate(names)
            ],
        )
    store.growth.set_item_status(OLD, [ItemStatus(item.id, "done", "") for item in world.items(n)])


def regate(g: Grower, dry_run: bool = False, **cfg: bool) -> tuple[str, Counter[str]]:
    config = GrowConfig(day=DAY, **cfg)
    with open_context(g.store, config, no_progress, g.settings(), g.embedder, run=RUN) as ctx:
        return regating.regate(ctx, dry_run=dry_run), ctx.counts


def _roles(store: GraphStore, item: str) -> dict[str, str]:
    out = store.read(Stmt.ITEM_OUT_EDGES, ids=[item])
    return {e["dst"]: e["props"]["run"] for e in out if e["type"] == "HAS_USER_TAG"}


def test_a_dry_run_counts_what_would_move_and_writes_nothing(grower_for: Callable[..., Grower]) -> None:
    g = grower_for(echoing)
    old_graph(g.store)
    before = g.store.content_hash()
    status, counts = regate(g, dry_run=True)
    assert status == "dry run" and counts["gate_echoes"] == 2 and counts[ECHO] == 14  # 7 copied roles each
    assert g.store.content_hash() == before and not g.server.requests


def test_echoes_in_an_old_graph_are_quarantined_and_asked_again(grower_for: Callable[..., Grower]) -> None:
    g = grower_for(echoing)
    old_graph(g.store)
    kept = _roles(g.store, "i000")
    status, counts = regate(g)
    assert status == "done" and counts[ECHO] == 14 and counts["reask_done"] == 2
    assert counts["gate_reask_quarantined"] == 0
    assert _roles(g.store, "i000") == kept  # an answer that passes is left as it was
    again = _roles(g.store, "i001")
    assert normalize("film critics") in again and set(again.values()) == {RUN}  # the new answer, made by the gate run
    assert not set(again) & {normalize(r) for r in BABE_ROLES.split("; ")}
    run = g.store.run(RUN)
    assert run is not None and run.kind == "gate" and run.status == "done"
    asked = len(g.server.requests)
    assert regate(g)[0] == "already done" and len(g.server.requests) == asked


def test_without_reask_the_echoes_only_move_aside(grower_for: Callable[..., Grower]) -> None:
    g = grower_for(echoing)
    old_graph(g.store)
    status, counts = regate(g, reask=False)
    assert status == "done" and counts[ECHO] == 14 and not g.server.requests
    assert not _roles(g.store, "i001") and not _roles(g.store, "i003")


@pytest.fixture
def fresh(graphs: Graphs, engine: str) -> Iterator[Callable[[], tuple[GraphSettings, GraphStore]]]:
    """Makes old graphs, each with the settings a child opens it by."""
    with ExitStack() as stack:

        def make() -> tuple[GraphSettings, GraphStore]:
            settings, store = stack.enter_context(graphs.shared(engine))
            old_graph(store, 6)
            return settings, store

        yield make


GATE = ["gate", "--day", DAY]


@pytest.mark.parametrize("step", ["gate", "reask"])
def test_sigkill_inside_the_gate_run_then_rerun_equals_an_uninterrupted_run(
    fresh: Callable[[], tuple[GraphSettings, GraphStore]], tmp_path: Path, step: str
) -> None:
    script = EchoingScript()
    with ScriptedServer(script) as llm:
        graph, baseline = fresh()
        Child(graph, llm, tmp_path / "base.sqlite", GATE).run()
        expected = baseline.content_hash()
        assert normalize("film critics") in _roles(baseline, "i003")

        graph, store = fresh()
        child = Child(graph, llm, tmp_path / "crash.sqlite", GATE)
        kill_inside(store, child, f"{RUN}/{step}", 0.0005)

        rerun_then_finished(store, child, script, expected)
