"""`rolegraph explore --all-users` as a child process: T(1) written back for every user with seeds, what it
did printed, and a rerun leaves the graph as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from rolegraph.graph.connect import open_store
from rolegraph.graph.explore_batch import explore_all
from rolegraph.graph.model import Source
from tests.api.world import build_world, write_world
from tests.support.graphs import Graphs, env


def test_explore_all_users_writes_t1_and_a_rerun_changes_nothing(tmp_path: Path, graphs: Graphs, engine: str) -> None:
    with graphs.settings(engine) as settings:
        with open_store(settings) as store:
            write_world(store, build_world())

        def explore() -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "rolegraph.cli.main", "explore", "--all-users", "--chunk", "2", "-k", "3"],
                cwd=tmp_path,
                env={**os.environ, **env(settings)},
                capture_output=True,
                text=True,
                timeout=300,
            )

        first = explore()
        assert first.returncode == 0, first.stderr
        said = " ".join((first.stdout + first.stderr).split())  # the console writes to stderr
        assert "users explored" in said and "writing" in said
        with open_store(settings) as store:
            written = store.roles.counts()["T1"]
            assert written > 0 and f"{written:,} HAS_ROLE T1 edges written" in said
            assert all(len(store.user_roles(u, "T1")) <= 3 for u in ("alice", "bob", "carol"))
            before = store.content_hash()
        assert explore().returncode == 0
        with open_store(settings) as store:
            assert store.content_hash() == before


# Batch exploration in a child process that kills itself (SIGKILL: no cleanup, no exception) as soon as its
# first chunk of users is written, as an operator's kill -9 would stop it midway.
KILLED_CHILD = """
import os, signal
from contextlib import contextmanager
from rolegraph.graph.connect import open_store
from rolegraph.graph.explore_batch import explore_all
from rolegraph.graph.model import Source

@contextmanager
def progress(description, total):
    yield lambda n: os.kill(os.getpid(), signal.SIGKILL)

with open_store() as store:
    explore_all(store, Source.DISTILLED, chunk=2, progress=progress)
"""


def test_a_batch_exploration_killed_midway_then_rerun_gives_the_uninterrupted_hash(graphs: Graphs, engine: str) -> None:
    with graphs.shared(engine) as (_, store):
        write_world(store, build_world())
        explore_all(store, Source.DISTILLED, chunk=2)
        uninterrupted = store.content_hash()
    with graphs.shared(engine) as (settings, store):
        write_world(store, build_world())
        before = store.content_hash()
        child = subprocess.run(
            [sys.executable, "-c", KILLED_CHILD], env={**os.environ, **env(settings)}, capture_output=True, timeout=300
        )
        assert child.returncode == -signal.SIGKILL, child.stderr
        killed = store.content_hash()
        assert killed not in (before, uninterrupted)  # stopped midway: part of T(1) written
        explore_all(store, Source.DISTILLED, chunk=2)
        assert store.content_hash() == uninterrupted
