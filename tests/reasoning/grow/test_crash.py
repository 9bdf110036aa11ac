"""Crash safety: `rolegraph grow` killed with SIGKILL at several points, then rerun, ends with the same
graph (content hash) as an uninterrupted run. The runs are real child processes of the CLI on a graph of
the engine under test (the session's embedded FalkorDB, or a Neo4j database the child opens over Bolt),
against a scripted LLM server in this process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from rolegraph.graph.store import GraphStore
from rolegraph.settings import GraphSettings
from tests.reasoning.grow import world
from tests.support.graphs import Graphs, env
from tests.support.openai_server import Reply, ScriptedServer

ROLEGRAPH = str(Path(sys.executable).parent / "rolegraph")
#: how long a child may take to reach a kill point (a bound for a machine shared with other work)
WAIT_S = 300
ARGS = ["grow", "--day", "2026-02-01", "--max-items", "6", "--max-tags", "4", "--chunk", "2", "--no-distill"]


class Child:
    """`rolegraph grow` on one graph, against one scripted server."""

    def __init__(self, graph: GraphSettings, llm: ScriptedServer, cache: Path, args: list[str] = ARGS):
        self.args = args
        self.env = {
            **os.environ,
            **env(graph),
            "ROLEGRAPH_BATCH_SIZE": "1",  # one row per write statement: a long window inside the writes
            "ROLEGRAPH_LLM_BASE_URL": llm.base_url,
            "ROLEGRAPH_LLM_MODEL": "scripted",
            "ROLEGRAPH_LLM_STRATEGY": "json",
            "ROLEGRAPH_LLM_CACHE_PATH": str(cache),
            "ROLEGRAPH_LLM_CONCURRENCY": "1",
            "ROLEGRAPH_LLM_BACKOFF_S": "0.01",
        }

    def start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen([ROLEGRAPH, *self.args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def run(self) -> None:
        proc = self.start()
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, out.decode()[-3000:]


class Script:
    """The sensible LLM with a kill hook on the n-th request: during the call, or right after the reply."""

    def __init__(self) -> None:
        self.n = 0
        self.lock = threading.Lock()
        self.trigger: tuple[int, str] | None = None
        self.fired = threading.Event()

    def __call__(self, endpoint: str, body: dict[str, Any]) -> Reply:
        with self.lock:
            self.n += 1
            n = self.n
        reply = world.sensible(endpoint, body)
        if self.trigger and n == self.trigger[0]:
            if self.trigger[1] == "during":
                self.fired.set()
                return Reply(reply.text, delay_s=30.0)
            return Reply(reply.text, after=self.fired.set)
        return reply


@pytest.fixture
def fresh(graphs: Graphs, engine: str) -> Iterator[Callable[[], tuple[GraphSettings, GraphStore]]]:
    """Makes graphs holding the world, each with the settings a child opens it by."""
    with ExitStack() as stack:

        def make() -> tuple[GraphSettings, GraphStore]:
            settings, store = stack.enter_context(graphs.shared(engine))
            world.load(store, 8)
            return settings, store

        yield make


def _kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def kill_inside(store: GraphStore, child: Child, step_id: str, poll_s: float) -> None:
    """Starts ``child`` and kills it as soon as the journal holds step ``step_id`` planned, not applied."""
    proc = child.start()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        entry = store.journal.entry(step_id)
        if entry is not None and entry.status == "planned":
            _kill(proc)
            break
        time.sleep(poll_s)
    entry = store.journal.entry(step_id)
    assert entry is not None and entry.status == "planned", f"the kill did not land inside {step_id}"


def rerun_then_finished(store: GraphStore, child: Child, script: Script, expected: str) -> None:
    """Reruns ``child``: the graph equals ``expected``; a second rerun (a finished day) asks the LLM nothing
    and writes nothing."""
    child.run()
    assert store.content_hash() == expected
    script.n = 0
    child.run()
    assert script.n == 0 and store.content_hash() == expected


# five child runs of the CLI, with one row per write transaction: minutes on a busy machine, more on Neo4j
@pytest.mark.timeout(1800)
def test_sigkill_at_any_point_then_rerun_equals_an_uninterrupted_run(
    fresh: Callable[[], tuple[GraphSettings, GraphStore]], tmp_path: Path
) -> None:
    script = Script()
    with ScriptedServer(script) as llm:
        graph, baseline = fresh()
        Child(graph, llm, tmp_path / "base.sqlite").run()
        expected = baseline.content_hash()
        assert baseline.stats().relationships.get("U2I", 0) > 0

        # One graph, killed three times at different points, then run to the end.
        graph, store = fresh()
        child = Child(graph, llm, tmp_path / "crash.sqlite")
        # 1. during an LLM call: the 5th request (the second chunk of tagging) never answers
        # 2. after a reply, before its chunk is written: the rerun's 4th request (the second chunk's last)
        for case, trigger in (("during an LLM call", (5, "during")), ("after a reply", (4, "after"))):
            script.n, script.trigger = 0, trigger
            script.fired.clear()
            proc = child.start()
            assert script.fired.wait(WAIT_S), f"{case}: the child never reached request {trigger[0]}"
            _kill(proc)
            script.trigger = None
            run = store.run("grow-2026-02-01")
            assert run is not None and run.status == "running", case

        # 3. inside a write batch: as soon as a chunk's journal entry exists but is not applied yet
        proc = child.start()
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline and proc.poll() is None:
            if store.journal.pending("grow-2026-02-01"):
                _kill(proc)
                break
            time.sleep(0.002)
        assert store.journal.pending("grow-2026-02-01"), "the kill did not land inside a write"
        assert store.content_hash() != expected

        child.run()
        assert store.content_hash() == expected
