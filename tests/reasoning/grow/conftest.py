"""Fixtures of the growth-run tests: a scripted LLM server and a runner on the test's graph."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rolegraph.graph.store import GraphStore
from rolegraph.progress import no_progress
from rolegraph.reasoning.embed import MiniLMEmbedder
from rolegraph.reasoning.grow.config import GrowConfig
from rolegraph.reasoning.grow.run import Summary
from rolegraph.reasoning.grow.wiring import open_run
from rolegraph.settings import LLMSettings
from tests.support.openai_server import Responder, ScriptedServer

DAY = "2026-01-05"


class Grower:
    """Runs days of growth on one graph against one scripted server, with one response cache."""

    def __init__(self, store: GraphStore, embedder: MiniLMEmbedder, server: ScriptedServer, cache: Path):
        self.store = store
        self.embedder = embedder
        self.server = server
        self.cache = cache

    def settings(self, **overrides: Any) -> LLMSettings:
        values: dict[str, Any] = {
            "llm_base_url": self.server.base_url,
            "llm_model": "scripted",
            "llm_strategy": "json",
            "llm_cache_path": str(self.cache),
            "llm_backoff_s": 0.01,
            "llm_attempts": 3,
            "llm_timeout_s": 5.0,
            "llm_concurrency": 4,
        }
        return LLMSettings(**{**values, **overrides})

    def run(self, day: str = DAY, *, distill: bool = False, settings: LLMSettings | None = None, **cfg: Any) -> Summary:
        config = GrowConfig(day=day, **{"max_items": 20, "max_tags": 20, "chunk": 4, **cfg})
        with open_run(self.store, config, no_progress, settings or self.settings(), self.embedder, distill) as run:
            return run()


@pytest.fixture
def grower_for(store: GraphStore, minilm: MiniLMEmbedder, tmp_path: Path) -> Iterator[Callable[[Responder], Grower]]:
    servers: list[ScriptedServer] = []

    def make(responder: Responder) -> Grower:
        server = ScriptedServer(responder).__enter__()
        servers.append(server)
        return Grower(store, minilm, server, tmp_path / f"cache-{len(servers)}.sqlite")

    yield make
    for server in servers:
        server.__exit__(None, None, None)
