"""/explore from the in-memory read model: the same numbers as the oracle, and fresh after writes — the
service's own (at once) and other writers' (within the staleness bound, by the graph's version)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from rolegraph.api import read_model_cache
from rolegraph.api.explore_service import CACHE_HEADER, SOURCE_HEADER
from rolegraph.api.read_model_cache import ReadModelCache
from rolegraph.graph.model import LogicEdge, LogicKind, Source
from rolegraph.graph.store import GraphStore
from tests.api.conftest import READ_KEY, WRITE_KEY, make_app, world_graph
from tests.api.test_explore import _check
from tests.api.world import World, build_world
from tests.support.graphs import Graphs

PARAMS = {"delta": 0.0, "branch": 20, "k": 10}


@pytest.fixture
def own(graphs: Graphs, engine: str) -> Iterator[tuple[GraphStore, World]]:
    w = build_world()
    with world_graph(graphs, engine, w) as store:
        yield store, w


def _cache(app: FastAPI) -> ReadModelCache:
    cache: ReadModelCache = app.state.read_model
    assert cache.wait(30), cache.state()
    return cache


def _explore(c: TestClient, user: str, view: str = "cover") -> tuple[str, dict[str, Any]]:
    r = c.get("/explore", params={"user": user, "graph": view, **PARAMS})
    assert r.status_code == 200, r.text
    return r.headers[SOURCE_HEADER], r.json()


def test_read_model_answers_equal_the_oracle(own: tuple[GraphStore, World]) -> None:
    store, w = own
    app = make_app(store, api_read_model_staleness_s=3600)
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        _cache(app)
        for view in ("cover", "full"):
            for user in ("alice", "bob", "erin"):
                served, body = _explore(c, user, view)
                assert served == "read-model"
                _check(body, w, w.user_roles[user]["T0"], view, user, **PARAMS)
            for user in ("carol", "dave", "nobody"):
                served, body = _explore(c, user, view)
                assert served == "read-model" and body["roles"] == [] and body["candidates"] == []
        assert c.get("/explore", params={"user": "mallory"}).status_code == 404
        health = c.get("/health").json()["read_model"]
        assert health["enabled"] and health["loaded"] and health["current"] and health["sizes"]["users"] == 6


def test_the_services_own_writes_show_at_once(own: tuple[GraphStore, World]) -> None:
    store, w = own
    app = make_app(store, api_read_model_staleness_s=3600)  # only invalidation can make this fresh
    with TestClient(app, headers={"X-API-Key": WRITE_KEY}) as c:
        logic = _cache(app).current()
        _, before = _explore(c, "alice")
        top = before["candidates"][0]["item"]
        event = {"user": "alice", "item": top, "ts": 1_800_000_000}
        assert c.post("/interactions", json={"interactions": [event]}).json() == {"written": 1}
        w.interactions["alice"].add(top)
        _, after = _explore(c, "alice")  # from the database or a model loaded after the write
        assert top not in [x["item"] for x in after["candidates"]]
        _check(after, w, w.user_roles["alice"]["T0"], "cover", "alice", **PARAMS)
        model = _cache(app).current()
        assert model is not None and logic is not None and model.logic is logic.logic  # only interactions reloaded
        served, again = _explore(c, "alice")
        assert served == "read-model" and again == after
        renamed = {"id": top, "title": "A renamed film", "text": "new text"}
        assert c.post("/items", json={"items": [renamed]}).json() == {"written": 1}
        seeds = w.user_roles["alice"]["T0"]  # the same T(1) as alice's, with nothing excluded
        body = c.get("/explore", params={"tags": ",".join(seeds), "weights": ",".join(map(str, seeds.values()))})
        titles = {x["item"]: x["title"] for x in body.json()["candidates"]}
        assert titles[top] == "A renamed film"


def test_other_writers_show_within_the_staleness_bound(own: tuple[GraphStore, World]) -> None:
    store, w = own
    app = make_app(store, api_read_model_staleness_s=0)  # every request checks the version
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        _cache(app)
        assert _explore(c, "erin")[0] == "read-model"
        # a new I2U edge from a topic in erin's C(1) to a role she does not hold, written by another process
        _, body = _explore(c, "erin", "full")
        topic = body["topics"][0]["key"]
        edge = LogicEdge(topic, "hermits", 0.99, Source.LLM, "other", "m", "v", "another writer")
        store.upsert_logic(LogicKind.I2U, [edge])
        w.i2u["llm"][(topic, "hermits")] = 0.99
        served, body = _explore(c, "erin", "full")
        assert served == "database"  # the model is out of date: never served
        _check(body, w, w.user_roles["erin"]["T0"], "full", "erin", **PARAMS)
        assert "hermits" in [r["key"] for r in body["roles"]]
        _cache(app)
        served, again = _explore(c, "erin", "full")
        assert served == "read-model" and again == body


def test_a_bounded_staleness_keeps_serving_the_verified_model(own: tuple[GraphStore, World]) -> None:
    store, _ = own
    app = make_app(store, api_read_model_staleness_s=3600)
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        model = _cache(app).current()
        store.upsert_logic(LogicKind.U2I, [LogicEdge("role 0", "topic 9", 0.5, Source.LLM, "r", "m", "v", "x")])
        # within the bound the verified model answers (the documented lag), not the database
        assert _cache(app).current() is model
        assert _explore(c, "alice")[0] == "read-model"


def test_max_age_reloads_what_the_version_cannot_see(own: tuple[GraphStore, World]) -> None:
    store, w = own
    app = make_app(store, api_read_model_staleness_s=0, api_read_model_max_age_s=0.001)
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        _cache(app)
        (role, topic), p = next(iter(w.u2i["distilled"].items()))
        # the same edge with a new weight, outside any run: the counts do not change
        store.upsert_logic(LogicKind.U2I, [LogicEdge(role, topic, p / 2, Source.DISTILLED, "run-distilled", "m", "v")])
        w.u2i["distilled"][(role, topic)] = p / 2
        _explore(c, "alice")  # this check finds the model too old and starts a reload
        model = _cache(app).model
        assert model is not None
        weights = {dst: x for _, dst, x in model.hop(Source.DISTILLED)(LogicKind.U2I, [role])}
        assert weights[topic] == pytest.approx(p / 2)
        for user in ("alice", "bob", "erin"):
            _check(_explore(c, user)[1], w, w.user_roles[user]["T0"], "cover", user, **PARAMS)


def test_without_the_read_model_the_database_answers(own: tuple[GraphStore, World]) -> None:
    store, w = own
    app = make_app(store, api_read_model=False)
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        served, body = _explore(c, "bob", "full")
        assert served == "database" and app.state.read_model is None
        _check(body, w, w.user_roles["bob"]["T0"], "full", "bob", **PARAMS)
        assert c.get("/health").json()["read_model"] == {
            "enabled": False, "loaded": False, "current": False, "loading": False,
            "age_s": None, "load_s": None, "sizes": {}, "error": None, "answers": {},
        }  # fmt: skip


def test_answers_are_kept_per_model_and_recomputed_after_a_write(own: tuple[GraphStore, World]) -> None:
    store, w = own
    app = make_app(store, api_read_model_staleness_s=0)
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as c:
        _cache(app)
        params = {"user": "erin", "graph": "full", **PARAMS}
        first = c.get("/explore", params=params)
        again = c.get("/explore", params=params)
        assert [first.headers[CACHE_HEADER], again.headers[CACHE_HEADER]] == ["miss", "hit"]
        assert again.content == first.content
        other = c.get("/explore", params={**params, "k": 3})  # another question: computed, not the cached answer
        assert other.headers[CACHE_HEADER] == "miss" and len(other.json()["roles"]) <= 3
        topic = first.json()["topics"][0]["key"]
        store.upsert_logic(LogicKind.I2U, [LogicEdge(topic, "hermits", 0.99, Source.LLM, "x", "m", "v", "r")])
        w.i2u["llm"][(topic, "hermits")] = 0.99
        assert c.get("/explore", params=params).headers[SOURCE_HEADER] == "database"
        _cache(app)
        fresh = c.get("/explore", params=params)  # the new model's answer, never the old cached one
        assert fresh.headers[SOURCE_HEADER] == "read-model" and fresh.headers[CACHE_HEADER] == "miss"
        assert "hermits" in [r["key"] for r in fresh.json()["roles"]]
        _check(fresh.json(), w, w.user_roles["erin"]["T0"], "full", "erin", **PARAMS)
        stats = c.get("/health").json()["read_model"]["answers"]
        assert stats["hits"] == 1 and stats["entries"] == 1


LONG_LOAD_S = 240.0  # the paper-scale graph's load


class _Clock:
    """The cache's clock (its module's ``time``): the real monotonic clock, ahead by ``ahead_s``."""

    def __init__(self) -> None:
        self.ahead_s = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.ahead_s

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def test_a_slow_load_of_an_unchanged_graph_is_current_when_it_ends(
    own: tuple[GraphStore, World], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large graph loads for minutes (the paper-scale one: about 4). When nothing was written meanwhile,
    the model is current as it finishes — not merely as of the load's start, which lies further back than
    the staleness bound, so every request during the next version check would ask the database."""
    store, _ = own
    real = read_model_cache.load_read_model
    clock = _Clock()

    def slow_load(*args: Any, **kwargs: Any) -> Any:
        model = real(*args, **kwargs)
        clock.ahead_s += LONG_LOAD_S  # on the cache's clock the load took minutes; nobody waits for them
        return model

    monkeypatch.setattr(read_model_cache, "load_read_model", slow_load)
    monkeypatch.setattr(read_model_cache, "time", clock)
    # stamped at the load's start, the model would be LONG_LOAD_S old, twice the bound: not current
    app = make_app(store, api_read_model_staleness_s=LONG_LOAD_S / 2)
    with TestClient(app, headers={"X-API-Key": READ_KEY}):
        cache: ReadModelCache = app.state.read_model
        until = time.monotonic() + 30  # real time: cache.wait reads the cache's clock, which jumps
        while (state := cache.state()).loading or not state.loaded:
            assert time.monotonic() < until, state
            time.sleep(0.01)
        assert cache.state().current
        assert cache.serving().model is cache.model  # no version check due: served without the database
