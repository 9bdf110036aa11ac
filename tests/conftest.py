"""Shared fixtures: every graph test runs on a real embedded FalkorDB and on a real local Neo4j.

The ``engine`` fixture is parametrized over both engines at module scope, so a module's tests run on
FalkorDB, then on Neo4j, and a module-scoped graph (the API's world) is built once per engine. A Neo4j
server is started for the session on first use (`tests.support.neo4j.LocalNeo4j`, about 20 s; nothing
is skipped when it cannot start: the tests fail). ``ROLEGRAPH_TEST_ENGINES=falkordb`` narrows a local run
to one engine; `make test` runs both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from rolegraph.graph.falkor import FalkorBackend, open_embedded
from rolegraph.graph.store import GraphStore
from rolegraph.graph.synth import SynthConfig, generate
from rolegraph.reasoning.embed import MiniLMEmbedder, load_minilm
from tests.support.graphs import ENGINES, Graphs
from tests.support.neo4j import LocalNeo4j

SELECTED = [e.strip() for e in os.environ.get("ROLEGRAPH_TEST_ENGINES", ",".join(ENGINES)).split(",") if e.strip()]
if set(SELECTED) - set(ENGINES) or not SELECTED:
    raise pytest.UsageError(f"ROLEGRAPH_TEST_ENGINES={SELECTED} — choose from {', '.join(ENGINES)}")


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorBackend]:
    """One embedded FalkorDB server for the session; tests use their own graph on it."""
    path = tmp_path_factory.mktemp("falkordb") / "test.db"
    backend = open_embedded(str(path), "bootstrap", f"falkordb-lite://{path}")
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def local_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    """The session's Neo4j databases (the server starts when a test first needs one)."""
    neo4j = LocalNeo4j(tmp_path_factory.mktemp("neo4j"))
    yield neo4j
    neo4j.close()


@pytest.fixture(scope="session")
def graphs(falkordb_server: FalkorBackend, local_neo4j: LocalNeo4j) -> Graphs:
    """Fresh graphs on either engine: stores, bare backends and URIs for child processes."""
    return Graphs(falkordb_server, local_neo4j)


@pytest.fixture(scope="module", params=SELECTED)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine under test: each module's graph tests run on FalkorDB and on Neo4j."""
    return str(request.param)


@pytest.fixture
def store(engine: str, graphs: Graphs) -> Iterator[GraphStore]:
    """An empty graph store with its schema, on the engine under test."""
    with graphs.store(engine) as s:
        yield s


@pytest.fixture
def small_store(engine: str, graphs: Graphs) -> Iterator[GraphStore]:
    """Like ``store`` with batches of 7 rows and pages of 5, so batching and paging are exercised."""
    with graphs.store(engine, batch_size=7, page_size=5) as s:
        yield s


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
