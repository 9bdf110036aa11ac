"""A tiny synthetic world with its planted tags and logic in a real embedded FalkorDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.falkor import FalkorBackend
from graph.loaders.synth_truth import load_world
from graph.model import Source
from graph.store import GraphStore
from graph.synth import SynthConfig, generate
from recsys.export.read import GraphData, read_graph
from rolegraph.cli.ui import no_progress
from tests.conftest import new_falkordb_store

TINY = SynthConfig(users=60, items=40, roles=6, topics=8, seed=3, fanout=3, interactions_per_user=12.0)


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files of a 60-user, 40-item synthetic world."""
    folder = tmp_path_factory.mktemp("world")
    generate(TINY, folder)
    return folder


@pytest.fixture
def world_store(small_store: GraphStore, tiny_world: Path) -> GraphStore:
    """``small_store`` (pages of 5 rows) holding the tiny world with oracle tags."""
    load_world(small_store, tiny_world, no_progress)
    return small_store


@pytest.fixture(scope="session")
def tiny_graph(falkordb_server: FalkorBackend, tiny_world: Path) -> GraphData:
    """The tiny world's cover view, read once for the model tests."""
    store = new_falkordb_store(falkordb_server)
    try:
        load_world(store, tiny_world, no_progress)
        return read_graph(store, Source.DISTILLED)
    finally:
        store.close()
