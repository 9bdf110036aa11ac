"""/explore against the oracle: user and tag seeds, both graph views, δ/top-b/k, empty and disconnected,
and tag seeds that are not roles."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import SOURCES
from tests.api.world import World, candidates_oracle, explore_oracle


def _check(body: dict[str, Any], w: World, seeds: dict[str, float], view: str, user: str | None, **params: Any) -> None:
    c1, t1, chains = explore_oracle(w, seeds, view, params["delta"], params["branch"], params["k"])
    assert [t["key"] for t in body["topics"]] == list(c1)
    assert [t["weight"] for t in body["topics"]] == pytest.approx(list(c1.values()))
    assert [t["key"] for t in body["roles"]] == list(t1)
    assert [t["weight"] for t in body["roles"]] == pytest.approx(list(t1.values()))
    got = {(c["role"], c["topic"], c["new_role"]): c["contribution"] for c in body["chains"]}
    assert got == pytest.approx(chains)
    want = candidates_oracle(w, t1, view, user)[:20]
    assert [(c["item"], c["score"]) for c in body["candidates"]] == [(i, pytest.approx(s)) for i, s in want]


@pytest.mark.parametrize("view", ["cover", "full"])
@pytest.mark.parametrize("user", ["alice", "bob", "erin"])
def test_user_exploration_equals_the_oracle(client: TestClient, world: World, view: str, user: str) -> None:
    params = {"delta": 0.0, "branch": 20, "k": 10}
    r = client.get("/explore", params={"user": user, "graph": view, **params})
    assert r.status_code == 200, r.text
    body = r.json()
    seeds = world.user_roles[user]["T0"]
    assert {s["key"]: s["weight"] for s in body["seeds"]} == pytest.approx(
        {t: p / sum(seeds.values()) for t, p in seeds.items()}
    )
    assert body["roles"], "the fixture should give every connected user some new roles"
    assert body["unknown_seeds"] == []
    _check(body, world, seeds, view, user, **params)
    for c in body["candidates"]:
        assert c["item"] not in world.interactions[user]


@pytest.mark.parametrize("view", ["cover", "full"])
@pytest.mark.parametrize(("delta", "branch", "k"), [(0.0, 20, 10), (0.05, 3, 2), (0.2, 1, 1)])
def test_tag_seeds_with_weights_equal_the_oracle(
    client: TestClient, world: World, view: str, delta: float, branch: int, k: int
) -> None:
    seeds = {"role 1": 3.0, "role 4": 1.0, "role 6": 1.0}
    r = client.get(
        "/explore",
        params={"tags": ",".join(seeds), "weights": "3,1,1", "graph": view, "delta": delta, "branch": branch, "k": k},
    )
    assert r.status_code == 200, r.text
    _check(r.json(), world, seeds, view, None, delta=delta, branch=branch, k=k)
    assert len(r.json()["roles"]) <= k and len(r.json()["topics"]) <= branch


def test_tags_without_weights_weigh_equally(client: TestClient, world: World) -> None:
    body = client.get("/explore", params={"tags": "role 0, role 5"}).json()
    assert {s["key"]: s["weight"] for s in body["seeds"]} == {"role 0": 0.5, "role 5": 0.5}
    _check(body, world, {"role 0": 1.0, "role 5": 1.0}, "cover", None, delta=0.0, branch=20, k=10)


def test_graph_views_differ(client: TestClient) -> None:
    cover = client.get("/explore", params={"user": "alice"}).json()
    full = client.get("/explore", params={"user": "alice", "graph": "full"}).json()
    assert cover["topics"] != full["topics"]


@pytest.mark.parametrize(
    "params",
    [
        {"user": "carol"},  # her only role has no logic edges
        {"user": "dave"},  # no T0 roles
        {"user": "nobody"},
        {"tags": "hermits"},  # a role without logic edges
    ],
)
def test_empty_and_disconnected_seeds_give_empty_results(client: TestClient, params: dict[str, str]) -> None:
    r = client.get("/explore", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["topics"], body["roles"], body["chains"], body["candidates"]) == ([], [], [], [])
    assert body["unknown_seeds"] == []


def test_unknown_user_is_404(client: TestClient) -> None:
    r = client.get("/explore", params={"user": "mallory"})
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"tags": "no such tag"}, "no such role: 'no such tag'"),
        ({"tags": "typo parnets,rol 1"}, "no such role: 'typo parnets', 'rol 1'"),
        ({"tags": "topic 1"}, "no such role: 'topic 1'"),  # a topic is a tag but not a role
        (
            {"tags": "typo parnets,role 1", "weights": "1,0"},
            "no such role: 'typo parnets'; the roles among the seeds carry no weight",
        ),
    ],
)
def test_tag_seeds_without_a_weighted_role_are_404_naming_them(
    sources: dict[str, TestClient], source: str, params: dict[str, str], detail: str
) -> None:
    r = sources[source].get("/explore", params=params)
    assert r.status_code == 404, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json() == {"type": "about:blank", "title": "Not Found", "status": 404, "detail": detail}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("view", ["cover", "full"])
def test_tag_seeds_that_are_not_roles_are_listed_and_left_out(
    sources: dict[str, TestClient], world: World, source: str, view: str
) -> None:
    client = sources[source]
    bounds = {"graph": view, "delta": 0.05, "branch": 5, "k": 4}
    tags = {"tags": "typo parnets,role 1,topic 1,role 4", "weights": "5,3,2,1"}
    mixed = client.get("/explore", params={**tags, **bounds})
    assert mixed.status_code == 200, mixed.text
    assert mixed.headers["X-Rolegraph-Source"] == source
    body = mixed.json()
    assert body["unknown_seeds"] == ["typo parnets", "topic 1"]
    assert {s["key"]: s["weight"] for s in body["seeds"]} == pytest.approx({"role 1": 0.75, "role 4": 0.25})
    _check(body, world, {"role 1": 3.0, "role 4": 1.0}, view, None, delta=0.05, branch=5, k=4)
    alone = client.get("/explore", params={"tags": "role 1,role 4", "weights": "3,1", **bounds}).json()
    assert alone["unknown_seeds"] == []
    assert {**body, "unknown_seeds": []} == alone


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"user": "alice", "tags": "role 0"},
        {"tags": "role 0,role 1", "weights": "1"},
        {"tags": "role 0", "weights": "-1"},
        {"tags": "role 0", "weights": "nan"},
        {"tags": "role 0,role 0"},
        {"user": "alice", "weights": "1"},
        {"user": "alice", "k": 101},
        {"user": "alice", "k": 0},
        {"user": "alice", "branch": 1000},
        {"user": "alice", "delta": 1.0},
        {"user": "alice", "graph": "both"},
        {"tags": ",".join(f"t{i}" for i in range(51))},
        {"tags": "x" * 61},
    ],
)
def test_bad_parameters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    r = client.get("/explore", params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({}, "give either user or tags"),
        ({"user": "alice", "tags": "role 0"}, "give either user or tags"),
        ({"user": "alice", "weights": "1"}, "weights go with tags"),
        ({"tags": "role 0,role 1", "weights": "1"}, "2 tags but 1 weights"),
        ({"tags": "role 0, role 0"}, "tags repeat a key"),
    ],
)
def test_rules_across_parameters_say_what_is_wrong(client: TestClient, params: dict[str, str], detail: str) -> None:
    r = client.get("/explore", params=params)
    assert r.status_code == 422 and r.json()["detail"] == detail


def test_chains_and_candidates_are_bounded(client: TestClient) -> None:
    body = client.get("/explore", params={"user": "bob", "graph": "full", "chains": 2, "candidates": 3}).json()
    assert len(body["chains"]) == 2 and len(body["candidates"]) == 3
    contributions = [c["contribution"] for c in body["chains"]]
    assert contributions == sorted(contributions, reverse=True)
