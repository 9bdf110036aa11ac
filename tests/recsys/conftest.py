"""A tiny synthetic world with its planted tags and logic in a real graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolegraph.graph.loaders.synth_truth import load_world
from rolegraph.graph.model import Source
from rolegraph.graph.store import GraphStore
from rolegraph.progress import no_progress
from rolegraph.recsys.export.read import GraphData, read_graph
from tests.support.graphs import Graphs


@pytest.fixture
def world_store(small_store: GraphStore, tiny_world: Path) -> GraphStore:
    """``small_store`` (pages of 5 rows) holding the tiny world with oracle tags."""
    load_world(small_store, tiny_world, no_progress)
    return small_store


@pytest.fixture(scope="session")
def tiny_graph(graphs: Graphs, tiny_world: Path) -> GraphData:
    """The tiny world's cover view, read once for the model tests (which see only this export: the export
    itself is tested on both engines)."""
    with graphs.store("falkordb") as store:
        load_world(store, tiny_world, no_progress)
        return read_graph(store, Source.DISTILLED)
