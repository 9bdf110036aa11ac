"""Shared fixtures: a real embedded FalkorDB for every test, and Neo4j too when configured.

``ROLEGRAPH_TEST_NEO4J_URI`` (with ``ROLEGRAPH_TEST_NEO4J_USER`` / ``…_PASSWORD`` / ``…_DATABASE``) adds a
Neo4j run of every test that uses the ``store`` fixture; that database is wiped before each test.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rolegraph.graph.falkor import FalkorBackend, open_embedded
from rolegraph.graph.schema import init_schema
from rolegraph.graph.store import GraphStore
from rolegraph.graph.synth import SynthConfig, generate
from rolegraph.reasoning.embed import MiniLMEmbedder, load_minilm

NEO4J_URI = os.environ.get("ROLEGRAPH_TEST_NEO4J_URI")
ENGINES = ["falkordb", "neo4j"] if NEO4J_URI else ["falkordb"]


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorBackend]:
    """One embedded FalkorDB server for the session; tests use their own graph on it."""
    path = tmp_path_factory.mktemp("falkordb") / "test.db"
    backend = open_embedded(str(path), "bootstrap", f"falkordb-lite://{path}")
    yield backend
    backend.close()


def new_falkordb_store(server: FalkorBackend, batch_size: int = 5000, page_size: int = 10_000) -> GraphStore:
    """A store on a fresh, empty graph of the session's server, with its schema."""
    db: Any = server._db
    name = f"test_{uuid.uuid4().hex[:12]}"
    graph = db.select_graph(name)

    def drop_graph() -> None:  # keeps the session's server running
        with contextlib.suppress(Exception):  # the graph may never have been created
            graph.delete()

    backend = FalkorBackend(db, graph, f"{server.uri}#{name}", drop_graph)
    init_schema(backend)
    return GraphStore(backend, batch_size=batch_size, page_size=page_size)


def new_neo4j_store(batch_size: int = 5000, page_size: int = 10_000) -> GraphStore:
    """A store on the configured Neo4j database, wiped, with its schema."""
    from rolegraph.graph.neo4j_backend import open_neo4j

    assert NEO4J_URI
    backend = open_neo4j(
        NEO4J_URI,
        os.environ.get("ROLEGRAPH_TEST_NEO4J_USER", "neo4j"),
        os.environ.get("ROLEGRAPH_TEST_NEO4J_PASSWORD", ""),
        os.environ.get("ROLEGRAPH_TEST_NEO4J_DATABASE", "neo4j"),
        10.0,
    )
    store = GraphStore(backend, batch_size=batch_size, page_size=page_size)
    store.clear()
    init_schema(backend)
    return store


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine under test: always falkordb; neo4j too when ROLEGRAPH_TEST_NEO4J_URI is set."""
    return str(request.param)


@pytest.fixture
def store(engine: str, falkordb_server: FalkorBackend) -> Iterator[GraphStore]:
    """An empty graph store with its schema, on each configured engine."""
    s = new_falkordb_store(falkordb_server) if engine == "falkordb" else new_neo4j_store()
    yield s
    s.close()


@pytest.fixture
def small_store(engine: str, falkordb_server: FalkorBackend) -> Iterator[GraphStore]:
    """Like ``store`` with batches of 7 rows and pages of 5, so batching and paging are exercised."""
    s = (
        new_falkordb_store(falkordb_server, batch_size=7, page_size=5)
        if engine == "falkordb"
        else new_neo4j_store(batch_size=7, page_size=5)
    )
    yield s
    s.close()


TINY = SynthConfig(users=60, items=40, roles=6, topics=8, seed=3, fanout=3, interactions_per_user=12.0)


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files of a 60-user, 40-item synthetic world."""
    folder = tmp_path_factory.mktemp("world")
    generate(TINY, folder)
    return folder


@pytest.fixture(scope="session")
def movielens_dir() -> Path:
    """The MovieLens-100K folder fetched by `make setup`."""
    path = Path(__file__).resolve().parent.parent / "data" / "ml-100k"
    if not (path / "ml-100k.inter").is_file():
        pytest.fail(f"{path} is missing — run `make setup` (it fetches MovieLens-100K)")
    return path


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    """The packaged all-MiniLM-L6-v2 (loaded once per session: it takes seconds)."""
    return load_minilm()


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread() -> Iterator[None]:
    """Torch runs on one thread in the tests, as the CLI does by default (`--threads 1`): on the shared
    2-core machine two spinning OpenMP threads made the small problems here up to 20× slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
