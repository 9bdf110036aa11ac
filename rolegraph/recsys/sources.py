"""Where `rolegraph evaluate` / `train` get their graph: ``movielens`` (the graph at ROLEGRAPH_GRAPH_URI,
whatever tags it holds) or ``synth:DIR`` (a `rolegraph synth` folder loaded with its planted truth as
oracle tags into a fresh embedded FalkorDB in a temporary folder)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rolegraph.errors import InvalidInput
from rolegraph.graph.connect import open_backend, open_store
from rolegraph.graph.loaders.synth_truth import load_world
from rolegraph.graph.schema import init_schema
from rolegraph.graph.store import GraphStore
from rolegraph.progress import ProgressFactory
from rolegraph.settings import GraphSettings


@contextmanager
def dataset_store(dataset: str, progress: ProgressFactory) -> Iterator[GraphStore]:
    """The store holding ``dataset``; a synthetic world's temporary graph is removed afterwards."""
    if dataset in ("movielens", "graph"):
        with open_store() as store:
            yield store
        return
    if not dataset.startswith("synth:"):
        raise InvalidInput(f"unknown dataset {dataset!r}: use movielens (the configured graph) or synth:DIR")
    folder = Path(dataset.removeprefix("synth:"))
    if not (folder / "truth" / "logic.json").is_file():
        raise InvalidInput(f"{folder} is not a `rolegraph synth` folder (no truth/logic.json)")
    with tempfile.TemporaryDirectory(prefix="rolegraph-synth-") as tmp:
        settings = GraphSettings(graph_uri=f"falkordb-lite://{tmp}/graph.db", graph_name="synth")
        backend = open_backend(settings)
        init_schema(backend)
        store = GraphStore(backend, batch_size=settings.batch_size, page_size=settings.page_size)
        try:
            load_world(store, folder, progress)
            yield store
        finally:
            store.close()
