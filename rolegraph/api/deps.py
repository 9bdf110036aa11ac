"""Dependencies of the routes, as aliases: the store, the recommender, the tag index, and the caller
with its scopes (which also takes the caller's rate-limit token)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from rolegraph.api.limits import retry_after
from rolegraph.api.read_model_cache import ReadModelCache
from rolegraph.api.security import HEADER, Principal
from rolegraph.api.tagsearch import TagIndex
from rolegraph.graph.explore_reads import DatabaseReads, ExploreReads
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.scorer import Scorer

_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
api_key = APIKeyHeader(name=HEADER, auto_error=False, description="an API key with the operation's scope")


def get_store(request: Request) -> GraphStore:
    """The process's one graph store (opened in the lifespan)."""
    store: GraphStore = request.app.state.store
    return store


async def explore_reads(request: Request) -> ExploreReads:
    """What /explore reads from: the read model when it is current within the staleness bound, else the
    database. When a version check is due it runs in a worker thread, under the request's deadline."""
    cache: ReadModelCache | None = request.app.state.read_model
    if cache is None:
        model = None
    elif cache.check_due():
        model = await run_in_threadpool(cache.current)
    else:
        model = cache.current()  # no database call when no check is due
    return model if model is not None else DatabaseReads(request.app.state.store)


def get_scorer(request: Request) -> Scorer | None:
    """The trained recommender, or None when none is trained."""
    scorer: Scorer | None = request.app.state.scorer
    return scorer


def get_tag_index(request: Request) -> TagIndex:
    """The semantic tag index (loads MiniLM on first use)."""
    index: TagIndex = request.app.state.tag_index
    return index


def _query_fields(dependant: Dependant) -> Iterator[str]:
    yield from (p.alias for p in dependant.query_params)
    for sub in dependant.dependencies:
        yield from _query_fields(sub)


def _refuse_unknown_query(request: Request) -> None:
    route = request.scope.get("route")
    if isinstance(route, APIRoute):
        unknown = set(request.query_params) - set(_query_fields(route.dependant))
        if unknown:
            shown = ", ".join(sorted(repr(u[:40]) for u in unknown)[:5])
            raise HTTPException(422, f"unknown query parameters: {shown}")


async def caller(request: Request, key: Annotated[str | None, Security(api_key)]) -> Principal:
    """The principal behind the request's key; 401 without a valid key, 429 over its rate, 422 for a
    query parameter the operation does not take (a typo would otherwise be ignored silently)."""
    ring = request.app.state.keys
    if ring.open and (request.client is None or request.client.host not in _LOOPBACK):
        raise HTTPException(403, "no API keys are configured: only loopback callers are served")
    principal: Principal | None = ring.identify(key)
    if principal is None:
        raise HTTPException(401, f"a valid {HEADER} header is required", headers={"WWW-Authenticate": "ApiKey"})
    wait = request.app.state.limiter.acquire(principal.name)
    if wait > 0:
        raise HTTPException(429, "rate limit exceeded for this key", headers={"Retry-After": retry_after(wait)})
    _refuse_unknown_query(request)
    return principal


def _scope(name: str) -> Callable[[Principal], Awaitable[Principal]]:
    async def check(principal: Annotated[Principal, Depends(caller)]) -> Principal:
        if name not in principal.scopes:
            raise HTTPException(403, f"this key lacks the '{name}' scope")
        return principal

    return check


async def health_caller(request: Request, key: Annotated[str | None, Security(api_key)]) -> Principal | None:
    """Like ``read`` scope, except that a loopback caller without a key may probe /health (a container's
    healthcheck runs on loopback and holds no key)."""
    if not key and request.client is not None and request.client.host in _LOOPBACK:
        return None
    principal = await caller(request, key)
    if "read" not in principal.scopes:
        raise HTTPException(403, "this key lacks the 'read' scope")
    return principal


StoreDep = Annotated[GraphStore, Depends(get_store)]
ScorerDep = Annotated[Scorer | None, Depends(get_scorer)]
TagIndexDep = Annotated[TagIndex, Depends(get_tag_index)]
require_read = Depends(_scope("read"))
require_write = Depends(_scope("write"))
require_health = Depends(health_caller)
