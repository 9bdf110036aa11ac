"""The daily run on the embedded defaults, for real: llama.cpp's server on the packaged Gemma 3 270M,
started by the run itself, through the completion strategy (few-shot lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolegraph.graph.store import GraphStore
from rolegraph.ports import free_port
from rolegraph.progress import no_progress
from rolegraph.reasoning.embed import MiniLMEmbedder
from rolegraph.reasoning.grow.config import GrowConfig
from rolegraph.reasoning.grow.wiring import open_run
from rolegraph.reasoning.llm.server import EmbeddedServer, _answers
from rolegraph.settings import LLMSettings
from tests.reasoning.grow import world
from tests.reasoning.llm.test_server import MODEL


def test_grow_starts_the_embedded_server_tags_items_and_stops_it(
    store: GraphStore, minilm: MiniLMEmbedder, tmp_path: Path
) -> None:
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing — run `make setup`")
    world.load(store, 3)
    settings = LLMSettings(
        llm_model_path=str(MODEL), llm_port=free_port(), llm_threads=2, llm_cache_path=str(tmp_path / "c.sqlite")
    )
    config = GrowConfig(day="2026-03-01", max_items=3, max_tags=2, distill=False)
    with open_run(store, config, no_progress, settings, minilm, distill=False) as run:
        summary = run()
    assert not _answers(f"http://127.0.0.1:{settings.llm_port}/v1")  # stopped at the end
    c = summary.counts
    assert c["llm_calls"] >= 6 and c["completion_tokens"] > 0
    assert c["items_done"] + c.get("items_quarantined", 0) == 3
    assert c["items_done"] >= 1, "the base model gave no usable line for any item"
    run = store.run(summary.run)
    assert run is not None and run.model == "gemma3-270m" and run.status == "done"

    # a server already up (`rolegraph llm serve`) is used, not restarted, and left running
    with EmbeddedServer(settings) as server:
        config = GrowConfig(day="2026-03-02", max_items=0, max_tags=2, distill=False)
        with open_run(store, config, no_progress, settings, minilm, distill=False) as run:
            second = run()
        assert second.counts["llm_calls"] >= 1
        assert _answers(server.base_url)
