"""Shared set-up of the growth-run benchmarks: a throw-away embedded graph and a quiet progress bar."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # tests.support (the scripted/oracle LLM servers) lives in the repo

from rolegraph.graph.falkor import open_embedded  # noqa: E402
from rolegraph.graph.loaders.movielens import read_movielens  # noqa: E402
from rolegraph.graph.schema import init_schema  # noqa: E402
from rolegraph.graph.store import GraphStore  # noqa: E402
from rolegraph.settings import LLMSettings  # noqa: E402


@contextmanager
def scratch_store(folder: Path, name: str = "bench") -> Iterator[GraphStore]:
    """A fresh embedded FalkorDB graph in ``folder`` (deleted with the folder by the caller)."""
    backend = open_embedded(str(folder / "graph.db"), name, f"falkordb-lite://{folder}/graph.db")
    init_schema(backend)
    store = GraphStore(backend)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def movielens_store(folder: Path, movielens: Path, *, people: bool = True) -> Iterator[GraphStore]:
    """A `scratch_store` holding MovieLens-100K's items, and with ``people`` its users and interactions."""
    data = read_movielens(movielens)
    with scratch_store(folder) as store:
        store.upsert_items(data.items)
        if people:
            store.upsert_users(data.users)
            store.upsert_interactions(data.interactions)
        yield store


def oracle_settings(base_url: str, folder: Path, concurrency: int = 8) -> LLMSettings:
    """The LLM settings of a growth run against a scripted oracle server at ``base_url`` (json strategy, the
    answer cache in ``folder``)."""
    return LLMSettings(
        llm_base_url=base_url,
        llm_model="oracle",
        llm_strategy="json",
        llm_cache_path=str(folder / "cache.sqlite"),
        llm_concurrency=concurrency,
    )
