"""/explain against the oracle (score parts, ranked paths with provenance), /explain/pair, /recommend,
and the answers without a trained recommender."""

from __future__ import annotations

import random

import pytest
from fastapi.testclient import TestClient

from rolegraph.graph.calibration import EdgeStats
from rolegraph.graph.explain import rank_paths
from rolegraph.graph.model import LogicKind, Source, Weights
from rolegraph.graph.store import GraphStore
from tests.api.conftest import READ_KEY, WorldScorer, make_app, world_graph
from tests.api.world import World, explain_oracle, item_p
from tests.support.graphs import Graphs

PAIRS = [("alice", "item 03"), ("bob", "item 07"), ("bob", "item 11"), ("erin", "item 00"), ("alice", "item 23")]


@pytest.mark.parametrize("view", ["cover", "full"])
@pytest.mark.parametrize(("user", "item"), PAIRS)
def test_paths_and_graph_parts_equal_the_oracle(
    client: TestClient, world: World, view: str, user: str, item: str
) -> None:
    r = client.get("/explain", params={"user": user, "item": item, "graph": view, "limit": 100})
    assert r.status_code == 200, r.text
    body = r.json()
    tag0, tag1, paths = explain_oracle(world, user, item, view)
    assert body["graph_parts"] == pytest.approx({"tag0": tag0, "tag1": tag1})
    got = {(p["role"], p["topic"], p["new_role"]): p["strength"] for p in body["paths"]}
    assert got == pytest.approx(paths)
    strengths = [p["strength"] for p in body["paths"]]
    assert strengths == sorted(strengths, reverse=True)
    assert sum(body["path_counts"].values()) == len(paths)


def test_the_fixture_exercises_every_shape(client: TestClient) -> None:
    shapes = set()
    for user, item in PAIRS:
        for view in ("cover", "full"):
            body = client.get("/explain", params={"user": user, "item": item, "graph": view}).json()
            shapes |= {s for s, n in body["path_counts"].items() if n}
    assert shapes == {"direct", "via_topic", "via_topic_role"}


def test_edges_carry_provenance_and_each_path_a_sentence(client: TestClient, world: World) -> None:
    body = client.get("/explain", params={"user": "bob", "item": "item 07", "graph": "full", "limit": 100}).json()
    for path in body["paths"]:
        types = [e["type"] for e in path["edges"]]
        assert (
            types
            == {
                "direct": ["HAS_ROLE", "HAS_USER_TAG"],
                "via_topic": ["HAS_ROLE", "U2I", "HAS_ITEM_TAG"],
                "via_topic_role": ["HAS_ROLE", "U2I", "I2U", "HAS_USER_TAG"],
            }[path["shape"]]
        )
        for e in path["edges"]:
            if e["type"] in ("U2I", "I2U"):
                assert e["provenance"] == {
                    "source": "llm",
                    "run": "run-llm",
                    "model": "model-llm",
                    "prompt_version": "v1",
                    "rationale": f"{e['start']} → {e['end']}",
                    "weight": e["p"],  # not calibrated: the LLM's weight, whichever `weights` is asked
                }
            if e["type"] in ("HAS_USER_TAG", "HAS_ITEM_TAG"):
                assert e["provenance"]["source"] in ("llm", "distilled")
        product = 1.0
        for e in path["edges"]:
            product *= e["p"]
        assert path["strength"] == pytest.approx(product)
        assert path["sentence"].startswith("Recommended because you look like one of the *")
        assert "*Film 07*" in path["sentence"] and path["sentence"].endswith(".")


def test_the_fixture_has_item_edges_from_one_source_only(world: World) -> None:
    """So the oracle comparisons above exercise the fallback to the other source in both views."""
    sources = [tuple(s) for s in world.item_roles.values() if len(s) == 1]
    assert ("llm",) in sources and ("distilled",) in sources


def test_score_parts_come_from_the_recommender(client: TestClient, world: World) -> None:
    for mode in ("util", "expl"):
        body = client.get("/explain", params={"user": "bob", "item": "item 11", "mode": mode}).json()
        want = WorldScorer(world).score_parts("bob", "item 11", mode)
        assert body["score"] == pytest.approx(
            {"total": want.total, "raw": want.raw, "tag0": want.tag0, "tag1": want.tag1, "beta0": want.beta0,
             "beta1": want.beta1, "model": "world-scorer", "run_id": "test-run"}
        )  # fmt: skip
        assert body["note"] is None
    # the test scorer uses the full graph's item tags, so its tag part is β0·ŷ_tag0 of the full view
    full = client.get("/explain", params={"user": "bob", "item": "item 11", "graph": "full"}).json()
    assert full["score"]["tag0"] == pytest.approx(full["score"]["beta0"] * full["graph_parts"]["tag0"])


@pytest.mark.parametrize(("user", "item"), [("mallory", "item 01"), ("alice", "item 99")])
def test_unknown_user_or_item_is_404(client: TestClient, user: str, item: str) -> None:
    assert client.get("/explain", params={"user": user, "item": item}).status_code == 404


def test_pair_roles_explain_why_two_items_go_together(client: TestClient, world: World) -> None:
    a, b = "item 02", "item 05"
    r = client.get("/explain/pair", params=[("item", a), ("item", b), ("graph", "full"), ("limit", 100)])
    assert r.status_code == 200, r.text
    roles = r.json()["roles"]

    def affinity(item: str, t: str) -> float:
        direct = item_p(world.item_roles, item, t, "llm") or 0.0
        via = sum(
            p * (item_p(world.item_topics, item, c, "llm") or 0.0) for (x, c), p in world.u2i["llm"].items() if x == t
        )
        return direct + via

    want = {t: affinity(a, t) * affinity(b, t) for t in world.roles if affinity(a, t) > 0 and affinity(b, t) > 0}
    assert want, "the fixture should give this pair shared roles"
    assert {x["role"]: x["score"] for x in roles} == pytest.approx(want)
    assert [x["score"] for x in roles] == sorted((x["score"] for x in roles), reverse=True)
    assert all("go together because" in x["sentence"] for x in roles)


def test_pair_needs_exactly_two_items(client: TestClient) -> None:
    assert client.get("/explain/pair", params={"item": "item 01"}).status_code == 422
    three = [("item", "item 01"), ("item", "item 02"), ("item", "item 03")]
    assert client.get("/explain/pair", params=three).status_code == 422
    assert client.get("/explain/pair", params=[("item", "item 01"), ("item", "nope")]).status_code == 404


def test_recommend_uses_the_recommender(client: TestClient, world: World) -> None:
    body = client.get("/recommend", params={"user": "alice", "k": 5, "mode": "expl"}).json()
    want = WorldScorer(world).recommend("alice", 5, "expl")
    assert [(x["item"], x["score"]) for x in body["items"]] == [(r.item_id, pytest.approx(r.score)) for r in want]
    assert client.get("/recommend", params={"user": "mallory"}).status_code == 404
    assert client.get("/recommend", params={"user": "alice", "k": 101}).status_code == 422


def test_without_a_trained_recommender(world_store: GraphStore) -> None:
    with TestClient(make_app(world_store, scorer=None), headers={"X-API-Key": READ_KEY}) as c:
        r = c.get("/recommend", params={"user": "alice"})
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert "rolegraph train" in r.json()["detail"]
        body = c.get("/explain", params={"user": "bob", "item": "item 07"}).json()
        assert body["score"] is None and "no recommender is trained" in body["note"]
        assert body["paths"]


def test_logic_edges_weigh_by_the_llm_or_the_calibrated_number() -> None:
    row = {
        "role": "t", "role_name": "T", "role_set": "T0", "role_p": 0.5, "topic": "c", "topic_name": "C",
        "u2i_weight": 0.4, "u2i_calibrated": 0.8, "u2i_support": 12, "u2i_lift": 2.5, "u2i_run": "r",
        "item_p": 1.0, "item_source": "llm",
    }  # fmt: skip
    for weights, p in ((Weights.LLM, 0.4), (Weights.CALIBRATED, 0.8)):
        (path,) = rank_paths({"via_topic": [row]}, Source.LLM, "u", "x", weights)
        u2i = path.edges[1]
        assert u2i.p == p and path.strength == pytest.approx(0.5 * p)
        assert {k: u2i.provenance[k] for k in ("weight", "calibrated", "support", "lift")} == {
            "weight": 0.4,
            "calibrated": 0.8,
            "support": 12,
            "lift": 2.5,
        }


def _same(a: object, b: object) -> bool:
    """Equal JSON values, numbers to 1e-9."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, int | float) and isinstance(b, int | float) and abs(a - b) <= 1e-9
    return a == b


def test_the_read_model_explains_as_the_database_does(world_store: GraphStore, world: World) -> None:
    apps = {
        source: make_app(world_store, WorldScorer(world), api_read_model=source == "read-model", api_rate_per_s=10_000)
        for source in ("read-model", "database")
    }
    with (
        TestClient(apps["read-model"], headers={"X-API-Key": READ_KEY}) as memory,
        TestClient(apps["database"], headers={"X-API-Key": READ_KEY}) as db,
    ):
        assert apps["read-model"].state.read_model.wait(30)
        compared = 0
        for user in [*world.users, "no such user"]:  # ("nobody" is the world's user without interactions)
            for item in [*world.items, "no such item"]:
                for view in ("cover", "full"):
                    params = {"user": user, "item": item, "graph": view, "limit": 100, "mode": "expl", "weights": "llm"}
                    a, b = memory.get("/explain", params=params), db.get("/explain", params=params)
                    assert a.status_code == b.status_code, (params, a.text, b.text)
                    if a.status_code == 200:
                        assert a.headers["X-Rolegraph-Source"] == "read-model"
                        assert b.headers["X-Rolegraph-Source"] == "database"
                        assert _same(a.json(), b.json()), params
                        compared += 1
        # every known pair was compared, the unknown ones were not (a 404 on both sides would pass the loop)
        assert compared == len(world.users) * len(world.items) * 2


def _calibrate_half(store: GraphStore, world: World) -> int:
    """Behaviour's statistics on about half of the world's LLM logic edges; how many edges got them."""
    rng = random.Random(5)
    scored = 0
    for kind, logic in ((LogicKind.U2I, world.u2i["llm"]), (LogicKind.I2U, world.i2u["llm"])):
        stats = [
            EdgeStats(a, b, rng.randint(1, 40), round(rng.uniform(0.5, 3.0), 3), rng.uniform(0.05, 1.0), False)
            for a, b in sorted(logic)
            if rng.random() < 0.5
        ]
        scored += store.calibration.set_edge_stats(kind, stats)
    return scored


def test_the_read_model_explains_with_calibrated_weights_as_the_database_does(
    graphs: Graphs, engine: str, world: World
) -> None:
    with world_graph(graphs, engine, world) as store:
        assert _calibrate_half(store, world) > 10
        apps = {
            source: make_app(store, WorldScorer(world), api_read_model=source == "read-model", api_rate_per_s=10_000)
            for source in ("read-model", "database")
        }
        with (
            TestClient(apps["read-model"], headers={"X-API-Key": READ_KEY}) as memory,
            TestClient(apps["database"], headers={"X-API-Key": READ_KEY}) as db,
        ):
            assert apps["read-model"].state.read_model.wait(30)
            differ = 0
            for user in world.users:
                for item in world.items[::3]:
                    by_weights = {}
                    for weights in ("calibrated", "llm"):
                        params = {"user": user, "item": item, "graph": "full", "limit": 100, "weights": weights}
                        a, b = memory.get("/explain", params=params), db.get("/explain", params=params)
                        assert a.status_code == b.status_code == 200, (params, a.text, b.text)
                        assert a.headers["X-Rolegraph-Source"] == "read-model", params
                        assert _same(a.json(), b.json()), params
                        by_weights[weights] = [p["strength"] for p in a.json()["paths"]]
                    differ += by_weights["calibrated"] != by_weights["llm"]
            assert differ > 0  # the calibrated weights change some answers
