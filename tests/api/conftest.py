"""Fixtures of the API tests: the fixture world in a graph of the engine under test, keys, and clients."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from rolegraph.api.app import create_app
from rolegraph.api.security import new_key
from rolegraph.api.settings import ApiSettings
from rolegraph.graph.store import GraphStore
from rolegraph.reasoning.embed import load_minilm
from rolegraph.recsys.scorer import Mode, Recommendation, ScoreParts
from tests.api.world import VIEW, World, build_world, item_p, write_world
from tests.support.graphs import Graphs

READ_KEY, READ_ENTRY = new_key("reader", ["read"])
WRITE_KEY, WRITE_ENTRY = new_key("writer", ["read", "write"])
KEYS = (READ_ENTRY, WRITE_ENTRY)


minilm = functools.cache(load_minilm)  # loaded once, on the first tag search


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


@contextlib.contextmanager
def world_graph(graphs: Graphs, engine: str, world: World) -> Iterator[GraphStore]:
    """A store on a fresh graph of ``engine`` holding ``world``, dropped afterwards."""
    with graphs.store(engine) as store:
        write_world(store, world)
        yield store


@pytest.fixture(scope="module")
def world_store(graphs: Graphs, engine: str, world: World) -> Iterator[GraphStore]:
    """The fixture world in its own graph; tests must not write to it."""
    with world_graph(graphs, engine, world) as store:
        yield store


class WorldScorer:
    """A test recommender that implements the `Scorer` protocol from the world's own numbers:
    raw = 0.01 · (number of users who interacted with the item), tag parts as Eq. 8–9 on the full graph's
    item tags. It stands in for the trained model, which another package provides."""

    name = "world-scorer"
    run_id = "test-run"
    beta0, beta1 = 0.5, 0.25

    def __init__(self, world: World):
        self.w = world

    tabled = True  # answers from the world's dicts

    def knows_user(self, user_id: str) -> bool:
        return user_id in self.w.users

    def knows_item(self, item_id: str) -> bool:
        return item_id in self.w.items

    def score_parts(self, user_id: str, item_id: str, mode: Mode = "util") -> ScoreParts:
        roles = self.w.user_roles[user_id]
        raw = 0.01 * sum(item_id in seen for seen in self.w.interactions.values())
        p = {t: item_p(self.w.item_roles, item_id, t, VIEW["full"]) or 0.0 for t in self.w.roles}
        tag0 = sum(q * p[t] for t, q in roles["T0"].items())
        tag1 = sum(q * p[t] for t, q in roles["T1"].items() if t not in roles["T0"])
        b1 = self.beta1 if mode == "expl" else 0.0
        return ScoreParts(raw, self.beta0 * tag0, b1 * tag1, self.beta0, b1)

    def recommend(self, user_id: str, k: int, mode: Mode = "util") -> list[Recommendation]:
        seen = self.w.interactions[user_id]
        recs = [
            Recommendation(i, (s := self.score_parts(user_id, i, mode)).total, s) for i in self.w.items if i not in seen
        ]
        return sorted(recs, key=lambda r: (-r.score, r.item_id))[:k]


# These tests check answers, not latency: a Neo4j server shared by the session, or a loaded CI machine, can
# spend seconds on a first query plan. The deadline itself is tested with its own budget (test_deadline.py).
TEST_QUERY_TIMEOUT_S = 30.0


def make_app(store: GraphStore, scorer: Any = None, **settings: Any) -> FastAPI:
    """The service over ``store`` with the test keys (and ``settings`` overrides)."""
    settings.setdefault("api_query_timeout_s", TEST_QUERY_TIMEOUT_S)
    return create_app(
        ApiSettings(api_keys=KEYS, **settings),  # type: ignore[arg-type]
        store=store,
        scorer=scorer,
        load_embedder=minilm,
    )


@pytest.fixture(scope="module")
def app(world_store: GraphStore, world: World) -> FastAPI:
    """The service over the world with the test recommender."""
    return make_app(world_store, WorldScorer(world), api_rate_per_s=10_000, api_rate_burst=10_000)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client sending the read key."""
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        yield c


#: the two ways the service answers a read: its in-memory read model, or the database
SOURCES = ("read-model", "database")


@pytest.fixture(scope="module")
def sources(world_store: GraphStore, world: World) -> Iterator[dict[str, TestClient]]:
    """A client of the service answering from its read model (loaded), and one of the service without it;
    no answer cache, so every answer is computed."""
    apps = {
        source: make_app(
            world_store,
            WorldScorer(world),
            api_read_model=source == "read-model",
            api_explore_cache_size=0,
            api_rate_per_s=10_000,
            api_rate_burst=10_000,
        )
        for source in SOURCES
    }
    with (
        TestClient(apps["read-model"], headers={"X-API-Key": READ_KEY}) as memory,
        TestClient(apps["database"], headers={"X-API-Key": READ_KEY}) as db,
    ):
        assert apps["read-model"].state.read_model.wait(30)
        yield {"read-model": memory, "database": db}
