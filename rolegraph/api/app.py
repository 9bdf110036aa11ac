"""The FastAPI application factory and its lifespan.

One graph store per process, opened in the lifespan (the store is blocking: routes are plain ``def``
functions that FastAPI runs in its thread pool). The trained recommender is loaded once at start-up;
without one, /recommend answers 503 and /explain gives its paths without a score. Middleware, outermost
first: metrics, body size limit, per-request database deadline.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from rolegraph import __version__
from rolegraph.api import problems
from rolegraph.api.explore_service import ExploreService
from rolegraph.api.limits import BodyLimit, Deadline, RateLimiter
from rolegraph.api.metrics import Metrics, MetricsMiddleware
from rolegraph.api.read_model_cache import ReadModelCache
from rolegraph.api.routes import explain, explore, health, items, recommend, tags, ui, users
from rolegraph.api.security import KeyRing
from rolegraph.api.settings import ApiSettings
from rolegraph.api.tagsearch import TagIndex
from rolegraph.errors import ModelNotTrained
from rolegraph.graph.connect import open_store
from rolegraph.graph.store import GraphStore
from rolegraph.reasoning.embed import Embedder, load_minilm
from rolegraph.recsys.scorer import Scorer
from rolegraph.recsys.serving import load_scorer
from rolegraph.settings import GraphSettings

log = logging.getLogger("rolegraph.api")

#: each statement of a read-model load may take this many times the per-request database deadline
READ_MODEL_STATEMENT_FACTOR = 10
LOAD = "load"  # `create_app(scorer=LOAD)`: load the trained recommender at start-up

DESCRIPTION = """Exploration and explanation over the rolegraph knowledge graph (user roles, item topics,
and the logic between them). Every operation needs an API key in the `X-API-Key` header with the
operation's scope (`read` for GET, `write` for POST). Errors are `application/problem+json`."""


def create_app(
    settings: ApiSettings | None = None,
    *,
    store: GraphStore | None = None,
    scorer: Scorer | str | None = LOAD,
    graph_settings: GraphSettings | None = None,
    load_embedder: Callable[[], Embedder] = load_minilm,
) -> FastAPI:
    """The service. ``store`` and ``scorer`` may be given (tests, benchmarks); otherwise the lifespan
    opens the store from ``graph_settings`` and loads the current recommender."""
    settings = settings or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = None
        if app.state.store is None:
            opened = app.state.store = await run_in_threadpool(open_store, graph_settings)
        supervisor = getattr(app.state.store.backend, "supervisor", None)  # the embedded database's
        if supervisor is not None:
            app.state.metrics.watch_graph(supervisor)
        if settings.api_read_model:
            app.state.read_model = ReadModelCache(
                app.state.store,
                staleness_s=settings.api_read_model_staleness_s,
                max_age_s=settings.api_read_model_max_age_s,
                statement_s=READ_MODEL_STATEMENT_FACTOR * settings.api_query_timeout_s,
            )
            app.state.read_model.start()
        app.state.explorer = ExploreService(
            app.state.store, app.state.read_model, answers=settings.api_explore_cache_size
        )
        if scorer == LOAD:
            try:
                app.state.scorer = await run_in_threadpool(load_scorer)
            except ModelNotTrained as e:
                log.warning("%s — /recommend answers 503 and /explain gives no score", e)
        if app.state.keys.open:
            log.warning("no API keys configured (ROLEGRAPH_API_KEYS): serving loopback callers only")
        try:
            yield
        finally:
            app.state.read_model = app.state.explorer = None
            if opened is not None:
                await run_in_threadpool(opened.close)

    app = FastAPI(title="rolegraph", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    state: Any = app.state
    state.settings = settings
    state.store = store
    state.read_model = None  # a ReadModelCache while the service runs with api_read_model
    state.explorer = None  # the ExploreService while the service runs
    state.scorer = None if scorer == LOAD else scorer
    state.keys = KeyRing(settings.api_keys)
    state.limiter = RateLimiter(settings.api_rate_per_s, settings.api_rate_burst)
    state.tag_index = TagIndex(load_embedder, settings.api_tag_index_ttl_s)
    state.metrics = Metrics()

    problems.install(app)
    for module in (explore, explain, recommend, users, tags, items, health, ui):
        app.include_router(module.router)  # no dependencies here: a DirectRoute checks its router's own
    # add_middleware puts each new one outside the previous ones
    app.add_middleware(Deadline, seconds=settings.api_query_timeout_s)
    app.add_middleware(BodyLimit, max_bytes=settings.api_max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=state.metrics)
    _document_problem(app)
    return app


def _document_problem(app: FastAPI) -> None:
    """Adds the Problem schema to the OpenAPI components (the error responses refer to it), and states
    optional query parameters by their type alone: a query string cannot carry a null."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
                problems.Problem.model_json_schema()
            )
            for operation in (op for ops in schema["paths"].values() for op in ops.values()):
                for param in operation.get("parameters", []):
                    options = param["schema"].get("anyOf", [])
                    kept = [o for o in options if o.get("type") != "null"]
                    if len(options) == 2 and len(kept) == 1:
                        param["schema"] = {**{k: v for k, v in param["schema"].items() if k != "anyOf"}, **kept[0]}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
