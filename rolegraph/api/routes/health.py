"""``GET /health`` (graph and LLM reachability) and ``GET /metrics`` (Prometheus text format)."""

from __future__ import annotations

from dataclasses import asdict

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from rolegraph.api.deps import ExplorerDep, ReadModelDep, ScorerDep, StoreDep, require_health, require_read
from rolegraph.api.explore_service import ExploreService
from rolegraph.api.problems import responses
from rolegraph.api.read_model_cache import ReadModelCache
from rolegraph.api.schemas import GraphServerHealth, Health, ReadModelHealth
from rolegraph.errors import RolegraphError
from rolegraph.settings import LLMSettings

router = APIRouter(tags=["service"])


def _llm_reachable() -> bool:
    """Whether the LLM server answers; False too when its settings are malformed (a bad LLM setting must not
    make the graph's health check fail: the service still answers everything but growth)."""
    try:
        settings = LLMSettings()
        base = settings.llm_base_url or f"http://{settings.llm_host}:{settings.llm_port}/v1"
        return httpx.get(f"{base.rstrip('/')}/models", timeout=1.0, trust_env=False).status_code == 200
    except (ValueError, httpx.HTTPError, httpx.InvalidURL):  # pydantic's ValidationError is a ValueError
        return False


def _read_model(read_model: ReadModelCache | None, explorer: ExploreService) -> ReadModelHealth:
    if read_model is None:
        return ReadModelHealth(enabled=False)
    return ReadModelHealth(enabled=True, **asdict(read_model.state()), answers=explorer.answers.stats())


def _graph_server(backend: object) -> GraphServerHealth | None:
    supervisor = getattr(backend, "supervisor", None)  # only the embedded FalkorDB backend has one
    return None if supervisor is None else GraphServerHealth(**asdict(supervisor.state()))


@router.get(
    "/health",
    response_model=Health,
    dependencies=[require_health],
    responses={**responses(401, 403, 429), 503: {"model": Health, "description": "the graph is unreachable"}},
)
def health(store: StoreDep, scorer: ScorerDep, read_model: ReadModelDep, explorer: ExplorerDep) -> JSONResponse:
    """ok when graph and LLM answer, degraded when only the graph does, down (503) without the graph.
    Needs the read scope, except from loopback without a key (container healthchecks)."""
    try:
        graph = store.ping()
    except RolegraphError:
        graph = False
    llm = _llm_reachable()
    body = Health(
        status="ok" if graph and llm else "degraded" if graph else "down",
        graph=graph,
        graph_backend=store.backend.kind,
        graph_server=_graph_server(store.backend),
        llm=llm,
        recommender=None if scorer is None else scorer.name,
        read_model=_read_model(read_model, explorer),
    )
    return JSONResponse(body.model_dump(), status_code=200 if graph else 503)


@router.get(
    "/metrics",
    response_class=Response,
    dependencies=[require_read],
    responses={
        200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}},
        **responses(401, 403, 429),
    },
)
def metrics(request: Request) -> Response:
    """Request counts and latencies in the Prometheus text format."""
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
