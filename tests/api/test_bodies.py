"""The bodies of /explore, /explain and /recommend, encoded without a validation pass on the request path,
are exactly what their declared models give: each body equals its own round trip through the model
(validated from the JSON, encoded again), for many queries, from the read model and from the database."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from rolegraph.api.schemas import ExplainOut, ExploreOut, RecommendOut
from rolegraph.graph.store import GraphStore
from tests.api.conftest import READ_KEY, SOURCES, make_app
from tests.api.world import World


def _bodies(client: TestClient, path: str, queries: list[dict[str, Any]], source: str) -> Iterator[bytes]:
    """The 200 bodies of ``queries``, each checked to come from ``source``."""
    for params in queries:
        r = client.get(path, params=params)
        assert r.status_code in (200, 404), (params, r.text)
        if r.status_code == 200:
            assert r.headers["content-type"] == "application/json"
            if path != "/recommend":
                assert r.headers["X-Rolegraph-Source"] == source, params
            yield r.content


def _assert_round_trips(model: type[BaseModel], bodies: Iterator[bytes]) -> int:
    n = 0
    for body in bodies:
        assert model.model_validate_json(body).model_dump_json().encode() == body
        n += 1
    return n


def _explore_queries(w: World) -> list[dict[str, Any]]:
    bounds = [{}, {"k": 2, "branch": 3, "delta": 0.05, "chains": 4, "candidates": 3}, {"chains": 0, "candidates": 0}]
    seeds: list[dict[str, Any]] = [{"user": u} for u in w.users]
    seeds += [{"tags": "role 1,role 4,role 6", "weights": "3,1,1"}, {"tags": "role 0"}, {"tags": "hermits,topic 1"}]
    return [{**s, **b, "graph": g} for s in seeds for b in bounds for g in ("cover", "full")]


@pytest.mark.parametrize("source", SOURCES)
def test_explore_bodies_are_what_explore_out_gives(sources: dict[str, TestClient], world: World, source: str) -> None:
    queries = _explore_queries(world)
    assert _assert_round_trips(ExploreOut, _bodies(sources[source], "/explore", queries, source)) == len(queries)


@pytest.mark.parametrize("source", SOURCES)
def test_explain_bodies_are_what_explain_out_gives(sources: dict[str, TestClient], world: World, source: str) -> None:
    queries = [
        {"user": u, "item": i, "graph": g, "mode": m, "weights": wt, "limit": limit}
        for u, i in itertools.product(world.users, [*world.items[::2], "no such item"])
        for g, m, wt, limit in [("cover", "util", "calibrated", 10), ("full", "expl", "llm", 100)]
    ]
    known = sum(q["item"] in world.items for q in queries)
    assert _assert_round_trips(ExplainOut, _bodies(sources[source], "/explain", queries, source)) == known


def test_explain_bodies_without_a_score_are_what_explain_out_gives(world_store: GraphStore, world: World) -> None:
    with TestClient(make_app(world_store, None, api_read_model=False), headers={"X-API-Key": READ_KEY}) as client:
        queries = [{"user": u, "item": i} for u in world.users for i in world.items[::5]]
        bodies = list(_bodies(client, "/explain", queries, "database"))
    assert _assert_round_trips(ExplainOut, iter(bodies)) == len(queries)
    assert all(ExplainOut.model_validate_json(b).score is None for b in bodies)


def test_recommend_bodies_are_what_recommend_out_gives(sources: dict[str, TestClient], world: World) -> None:
    queries = [{"user": u, "mode": m, "k": k} for u in world.users for m in ("util", "expl") for k in (1, 10, 100)]
    bodies = _bodies(sources["read-model"], "/recommend", queries, "")
    assert _assert_round_trips(RecommendOut, bodies) == len(queries)
