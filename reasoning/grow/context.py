"""What every step of a daily run shares: the store, the LLM client, the vocabularies, the settings and
the counters of the run summary."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

from graph.model import TagKind
from graph.store import GraphStore
from reasoning.canonical import Canonicalizer
from reasoning.embed import Embedder
from reasoning.llm.client import LLMClient

#: (description, total) → a context manager yielding an advance(n) callback (e.g. a progress bar).
ProgressFactory = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True)
class GrowConfig:
    """The knobs of one daily run (defaults from DESIGN.md and the paper)."""

    day: str
    max_items: int = 50
    max_tags: int = 50
    chunk: int = 16
    threshold: float = 0.92
    tau: float = 0.99
    window: int = 30
    top_b: int = 20
    distill: bool = True
    distill_top_k: int = 5
    distill_min_p: float = 0.2
    seed: int = 0
    models_dir: str = "data/runs"

    @property
    def run_id(self) -> str:
        return f"grow-{self.day}"


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
    merges: list[tuple[str, str, float]] = field(default_factory=list)
    cover: dict[str, dict[str, float]] = field(default_factory=dict)

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
