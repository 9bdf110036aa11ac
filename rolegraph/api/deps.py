"""Dependencies of the routes, as aliases: the store, the /explore service, the read model, the
recommender, the tag index, and the caller with its scopes (which also takes the caller's rate-limit
token). Each is an ``async def`` that only reads the application's state, so none costs a thread hop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader
from pydantic import BaseModel

from rolegraph.api.explore_service import ExploreService
from rolegraph.api.limits import retry_after
from rolegraph.api.read_model_cache import ReadModelCache
from rolegraph.api.security import HEADER, Principal
from rolegraph.api.tagsearch import TagIndex
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.scorer import Scorer

_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
#: the scope checks (`require_read`, `require_write`) by the scope each requires
SCOPE_CHECKS: dict[Callable[..., Any], str] = {}
api_key = APIKeyHeader(name=HEADER, auto_error=False, description="an API key with the operation's scope")


async def get_store(request: Request) -> GraphStore:
    """The process's one graph store (opened in the lifespan)."""
    store: GraphStore = request.app.state.store
    return store


async def get_explorer(request: Request) -> ExploreService:
    """The /explore service (built in the lifespan)."""
    explorer: ExploreService = request.app.state.explorer
    return explorer


async def get_read_model(request: Request) -> ReadModelCache | None:
    """The service's in-memory read model of the graph, or None when it is turned off."""
    cache: ReadModelCache | None = request.app.state.read_model
    return cache


async def get_scorer(request: Request) -> Scorer | None:
    """The trained recommender, or None when none is trained."""
    scorer: Scorer | None = request.app.state.scorer
    return scorer


async def get_tag_index(request: Request) -> TagIndex:
    """The semantic tag index (loads MiniLM on first use)."""
    index: TagIndex = request.app.state.tag_index
    return index


def _query_fields(dependant: Dependant) -> Iterator[str]:
    for param in dependant.query_params:
        model = param.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):  # a query parameter model
            yield from (field.alias or name for name, field in model.model_fields.items())
        else:
            yield param.alias
    for sub in dependant.dependencies:
        yield from _query_fields(sub)


_KNOWN_QUERY: dict[int, tuple[APIRoute, frozenset[str]]] = {}


def _known_query(route: APIRoute) -> frozenset[str]:
    """The query parameters ``route`` takes, found once per route (a route never changes once added; routes
    are not hashable, so they are kept by id, with the route itself so that an id is never reused)."""
    known = _KNOWN_QUERY.get(id(route))
    if known is None or known[0] is not route:
        known = _KNOWN_QUERY[id(route)] = (route, frozenset(_query_fields(route.dependant)))
    return known[1]


def _refuse_unknown_query(request: Request) -> None:
    route = request.scope.get("route")
    if isinstance(route, APIRoute):
        unknown = set(request.query_params) - _known_query(route)
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


async def _with_scope(request: Request, key: str | None, scope: str) -> Principal:
    principal = await caller(request, key)
    if scope not in principal.scopes:
        raise HTTPException(403, f"this key lacks the '{scope}' scope")
    return principal


async def authorize(request: Request, scope: str) -> Principal:
    """What ``require_<scope>`` checks, for a caller that reads the request itself (`direct.DirectRoute`):
    the principal behind the request's key, which must hold ``scope``; the same errors as `caller`, and 403
    without the scope."""
    return await _with_scope(request, request.headers.get(HEADER) or None, scope)


def _scope(name: str) -> Callable[[Request, str | None], Awaitable[Principal]]:
    # one dependency for the caller and its scope: each dependency FastAPI solves costs every request
    async def check(request: Request, key: Annotated[str | None, Security(api_key)]) -> Principal:
        return await _with_scope(request, key, name)

    SCOPE_CHECKS[check] = name
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


#: the dependencies that only read the application's state from the request (`direct.DirectRoute` calls them)
STATE_READERS = frozenset({get_store, get_explorer, get_read_model, get_scorer, get_tag_index})
StoreDep = Annotated[GraphStore, Depends(get_store)]
ExplorerDep = Annotated[ExploreService, Depends(get_explorer)]
ReadModelDep = Annotated[ReadModelCache | None, Depends(get_read_model)]
ScorerDep = Annotated[Scorer | None, Depends(get_scorer)]
TagIndexDep = Annotated[TagIndex, Depends(get_tag_index)]
require_read = Depends(_scope("read"))
require_write = Depends(_scope("write"))
require_health = Depends(health_caller)
