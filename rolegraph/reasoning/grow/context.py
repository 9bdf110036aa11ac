"""What every step of a daily run shares: the store, the LLM client, the vocabularies, the settings and
the counters of the run summary."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rolegraph.graph.handbooks import Handbook
from rolegraph.graph.model import AliasEdge, TagKind
from rolegraph.graph.store import GraphStore
from rolegraph.progress import ProgressFactory
from rolegraph.reasoning.canonical import Canonicalizer
from rolegraph.reasoning.embed import Embedder
from rolegraph.reasoning.grow.config import GrowConfig
from rolegraph.reasoning.llm.client import LLMClient

#: (description, total) → a context manager yielding an advance(n) callback (e.g. a progress bar).


@dataclass
class RunContext:
    store: GraphStore
    client: LLMClient
    embedder: Embedder
    config: GrowConfig
    progress: ProgressFactory
    vocab: dict[TagKind, Canonicalizer] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)
    merges: list[AliasEdge] = field(default_factory=list)
    cover: dict[str, dict[str, float]] = field(default_factory=dict)
    handbooks: dict[str, Handbook] = field(default_factory=dict)  # category → handbook (tagging's Ideas lines)

    @property
    def run_id(self) -> str:
        return self.config.run_id

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.timings[step] = round(self.timings.get(step, 0.0) + time.monotonic() - started, 3)
