"""What every step of a daily run shares: the store, the LLM client, the vocabularies, the settings and
the counters of the run summary."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rolegraph.graph.handbooks import Handbook
from rolegraph.graph.model import AliasEdge, RunRecord, TagKind
from rolegraph.graph.store import GraphStore
from rolegraph.progress import ProgressFactory
from rolegraph.reasoning.canonical import Canonicalizer
from rolegraph.reasoning.embed import Embedder
from rolegraph.reasoning.grow.config import GrowConfig
from rolegraph.reasoning.llm.client import LLMClient
from rolegraph.reasoning.prompts import versions

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
    run: str = ""  # the run's id when it is not the day's growth run (`rolegraph gate`)

    @property
    def run_id(self) -> str:
        return self.run or self.config.run_id

    def record(self, kind: str, status: str, started: str, counts: Mapping[str, object]) -> None:
        """Writes the run's Run node: its identity, the prompt versions, ``status``, its start (and its end
        when done) and the numeric ``counts``."""
        self.store.upsert_run(
            RunRecord(
                id=self.run_id,
                kind=kind,
                day=self.config.day,
                model=self.client.model,
                prompt_version=versions(),
                status=status,
                started_at=started,
                finished_at=datetime.now(UTC).isoformat(timespec="seconds") if status == "done" else "",
                counts={k: v for k, v in counts.items() if isinstance(v, int | float)},
            )
        )

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.timings[step] = round(self.timings.get(step, 0.0) + time.monotonic() - started, 3)
