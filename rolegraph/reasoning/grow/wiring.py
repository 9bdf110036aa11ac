"""Builds a daily run from the settings: the LLM client (embedded server when no URL is set, started
only when a call misses the cache), the response cache, the embedder (loaded when a text is first embedded)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rolegraph.graph.store import GraphStore
from rolegraph.progress import ProgressFactory
from rolegraph.reasoning.embed import Embedder, LazyMiniLM
from rolegraph.reasoning.grow.config import GrowConfig
from rolegraph.reasoning.grow.context import RunContext
from rolegraph.reasoning.grow.run import GrowRun
from rolegraph.reasoning.llm.cache import ResponseCache
from rolegraph.reasoning.llm.client import LLMClient, RetryPolicy, Strategy
from rolegraph.reasoning.llm.server import EmbeddedServer
from rolegraph.settings import LLMSettings


def make_client(settings: LLMSettings, on_first_call: Callable[[], None] | None = None) -> tuple[LLMClient, str]:
    """The client for the settings and the base URL it talks to."""
    embedded = settings.llm_base_url is None
    base_url = f"http://{settings.llm_host}:{settings.llm_port}/v1" if embedded else str(settings.llm_base_url)
    auto: Strategy = "completion" if embedded else "json"
    strategy: Strategy = auto if settings.llm_strategy == "auto" else settings.llm_strategy
    client = LLMClient(
        base_url=base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key.get_secret_value(),
        strategy=strategy,
        cache=ResponseCache(Path(settings.llm_cache_path)),
        timeout_s=settings.llm_timeout_s,
        max_tokens=settings.llm_max_tokens,
        concurrency=settings.llm_concurrency,
        retry=RetryPolicy(attempts=settings.llm_attempts, base_s=settings.llm_backoff_s),
        on_first_call=on_first_call,
    )
    return client, base_url


@contextmanager
def open_context(
    store: GraphStore,
    config: GrowConfig,
    progress: ProgressFactory,
    settings: LLMSettings | None = None,
    embedder: Embedder | None = None,
    run: str = "",
) -> Iterator[RunContext]:
    """A run's context (``run``: its id, when not the day's growth run); the embedded LLM server it may start
    is stopped on exit."""
    settings = settings or LLMSettings()
    server: EmbeddedServer | None = None

    def start_server() -> None:
        nonlocal server
        candidate = EmbeddedServer(settings)
        if candidate.already_serving():
            return  # `rolegraph llm serve` (or the compose service) is up: use it, leave it running
        candidate.start()
        server = candidate

    client, _ = make_client(settings, start_server if settings.llm_base_url is None else None)
    try:
        yield RunContext(store, client, embedder or LazyMiniLM(), config, progress, run=run)
    finally:
        client.close()
        if server is not None:
            server.stop()


@contextmanager
def open_run(
    store: GraphStore,
    config: GrowConfig,
    progress: ProgressFactory,
    settings: LLMSettings | None = None,
    embedder: Embedder | None = None,
    distill: bool = True,
) -> Iterator[GrowRun]:
    """A ready `GrowRun` (`open_context`)."""
    with open_context(store, config, progress, settings, embedder) as ctx:
        step = None
        if distill and config.distill:
            from rolegraph.reasoning.grow.distilling import distill_step  # lazy: torch, only when the run distills

            step = distill_step
        yield GrowRun(ctx, step)
