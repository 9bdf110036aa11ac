"""`DirectRoute` answers every request as FastAPI's own route class does: the same operation served both
ways gives the same status, body and headers for valid and invalid queries, keys and scopes, a repeated
or unknown parameter, and the rate limit; signatures it does not handle are served the standard way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import pytest
from fastapi import APIRouter, FastAPI, Header, Query, Response
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from rolegraph.api.deps import ExplorerDep, ReadModelDep, ScorerDep, get_scorer, require_read
from rolegraph.api.direct import DirectRoute
from rolegraph.api.schemas import ID_PATTERN, ExploreParams
from rolegraph.graph.store import GraphStore
from tests.api.conftest import READ_KEY, WRITE_KEY, WorldScorer, make_app
from tests.api.world import World


class Paging(BaseModel):
    """A query model with bounds, a default and a rule across fields."""

    start: int = Field(0, ge=0)
    stop: int = Field(10, ge=1, le=100)
    order: Literal["asc", "desc"] = "asc"


def _answer(**values: Any) -> Response:
    """What the endpoint received, with the types, so that a difference in validation shows."""
    shown = {
        k: (type(v).__name__, v if isinstance(v, str | int | float | None) else repr(type(v)))
        for k, v in values.items()
    }
    return Response(json.dumps(shown), media_type="application/json")


def _router(route_class: type[APIRoute], prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix, dependencies=[require_read], route_class=route_class)

    @router.get("/single")
    async def single(
        scorer: ScorerDep,
        read_model: ReadModelDep,
        user: Annotated[str, Query(min_length=1, max_length=8, pattern=ID_PATTERN)],
        k: Annotated[int, Query(ge=1, le=5)] = 3,
        mode: Literal["util", "expl"] = "util",
        ratio: Annotated[float, Query(gt=0)] = 0.5,
        note: str | None = None,
    ) -> Response:
        return _answer(scorer=scorer, read_model=read_model, user=user, k=k, mode=mode, ratio=ratio, note=note)

    @router.get("/model")
    async def model(params: Annotated[Paging, Query()], explorer: ExplorerDep) -> Response:
        return _answer(explorer=explorer, **params.model_dump())

    @router.get("/explore-params")
    async def explore_params(params: Annotated[ExploreParams, Query()]) -> Response:
        return _answer(**params.model_dump(), seeds=json.dumps(params.tag_seeds))

    @router.get("/several")
    async def several(item: Annotated[list[str], Query()]) -> Response:
        return _answer(items=",".join(item))

    @router.get("/header")
    async def header(x_trace: Annotated[str | None, Header()] = None) -> Response:
        return _answer(trace=x_trace)

    @router.get("/sync")
    def sync(k: int = 1) -> Response:
        return _answer(k=k)

    return router


@pytest.fixture(scope="module")
def app(world_store: GraphStore, world: World) -> FastAPI:
    """The service with each test operation served by `DirectRoute` (/direct) and by `APIRoute` (/standard)."""
    app = make_app(world_store, WorldScorer(world), api_rate_per_s=10_000, api_rate_burst=10_000)
    app.include_router(_router(DirectRoute, "/direct"))
    app.include_router(_router(APIRoute, "/standard"))
    return app


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


QUERIES = {
    "single": [
        "user=alice",
        "user=alice&k=5&mode=expl&ratio=2&note=hi",
        "user=alice&k=0",
        "user=alice&k=6",
        "k=2",
        "user=",
        "user=%20alice",
        "user=toolongname",
        "user=alice&mode=both",
        "user=alice&ratio=0",
        "user=alice&ratio=nan",
        "user=alice&k=2.5",
        "user=alice&k=x",
        "user=alice&user=bob",
        "user=alice&k=1&k=2",
        "user=alice&bogus=1",
        "user=alice&note=",
        "user=al%00ice",
        "user=alice&k=%2B3",
    ],
    "model": ["", "start=3&stop=100&order=desc", "stop=0", "order=up", "start=-1&stop=200", "start=1&start=2", "x=1"],
    "explore-params": [
        "user=alice",
        "tags=role%201,role%202&weights=1,3",
        "user=alice&tags=a",
        "weights=1",
        "tags=a,a",
        "tags=a&weights=-1",
        "user=alice&k=0",
        "user=alice&graph=full&delta=0.5&branch=3&chains=0",
        "",
    ],
    "several": ["item=a&item=b", "item=a", ""],
    "header": [""],
    "sync": ["k=2", "k=x"],
}
KEYS = {"read": READ_KEY, "write": WRITE_KEY, "none": None, "wrong": "rg_not-a-key"}


def _seen(client: TestClient, path: str, key: str | None) -> tuple[int, bytes, list[tuple[str, str]]]:
    r = client.get(path, headers={"X-API-Key": key} if key else {})
    return r.status_code, r.content, sorted((k, v) for k, v in r.headers.items() if k != "content-length")


@pytest.mark.parametrize("key", list(KEYS))
@pytest.mark.parametrize(("operation", "query"), [(op, q) for op, qs in QUERIES.items() for q in qs])
def test_direct_and_standard_routes_answer_alike(client: TestClient, operation: str, query: str, key: str) -> None:
    direct = _seen(client, f"/direct/{operation}?{query}", KEYS[key])
    standard = _seen(client, f"/standard/{operation}?{query}", KEYS[key])
    assert direct == standard


def test_the_queries_reach_the_endpoint_and_fail_where_they_should(client: TestClient) -> None:
    statuses = [_seen(client, f"/direct/single?{q}", READ_KEY)[0] for q in QUERIES["single"]]
    assert statuses.count(200) >= 5 and statuses.count(422) >= 10  # the cases above test both paths
    body = json.loads(_seen(client, "/direct/single?user=alice&k=5&ratio=2", READ_KEY)[1])
    assert body["k"] == ["int", 5] and body["ratio"] == ["float", 2.0] and body["scorer"][0] == "WorldScorer"


def test_a_request_takes_one_rate_limit_token_whichever_way_it_is_served(world_store: GraphStore, world: World) -> None:
    for prefix in ("/direct", "/standard"):
        app = make_app(world_store, WorldScorer(world), api_rate_per_s=0.001, api_rate_burst=3)
        app.include_router(_router(DirectRoute if prefix == "/direct" else APIRoute, prefix))
        with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
            got = [c.get(f"{prefix}/single", params=p).status_code for p in ({"k": "0"}, {"user": "a"}, {"user": "a"})]
            assert got == [422, 200, 200]
            assert c.get(f"{prefix}/single", params={"user": "a"}).status_code == 429


def test_dependency_overrides_apply_to_direct_routes_too(world_store: GraphStore, world: World) -> None:
    app = make_app(world_store, WorldScorer(world), api_rate_per_s=10_000, api_rate_burst=10_000)
    app.include_router(_router(DirectRoute, "/direct"))

    async def no_scorer() -> None:
        return None

    app.dependency_overrides[get_scorer] = no_scorer
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        assert c.get("/direct/single", params={"user": "alice"}).json()["scorer"][0] == "NoneType"
