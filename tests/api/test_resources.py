"""Users, tags (lookup and semantic search), items, writes, health and metrics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from rolegraph.graph.model import ITEM_SYSTEM_PROPERTIES, TagKind
from rolegraph.graph.store import GraphStore
from tests.api.conftest import READ_KEY, WRITE_KEY, make_app, world_graph
from tests.api.world import World, build_world
from tests.support.graphs import Graphs


def test_user_roles(client: TestClient, world: World) -> None:
    body = client.get("/users/bob/roles").json()
    assert body["interactions"] == len(world.interactions["bob"])
    for s in ("T0", "T1"):
        assert {r["key"]: r["p"] for r in body[s]} == world.user_roles["bob"][s]
        assert [r["rank"] for r in body[s]] == sorted(r["rank"] for r in body[s])
    assert client.get("/users/mallory/roles").status_code == 404


def test_tag_neighbours_cover_and_aliases(world_store: GraphStore, client: TestClient, world: World) -> None:
    body = client.get("/tags/role 2", params={"graph": "full"}).json()
    assert body["is_user_tag"] and not body["is_item_tag"] and body["name"] == "Role 2"
    assert {x["key"]: x["weight"] for x in body["out"]} == pytest.approx(
        {c: p for (r, c), p in world.u2i["llm"].items() if r == "role 2"}
    )
    assert {x["key"] for x in body["into"]} == {c for (c, r) in world.i2u["llm"] if r == "role 2"}
    assert all(x["run"] == "run-llm" for x in body["out"])
    cover = client.get("/tags/role 2").json()
    assert {x["key"] for x in cover["out"]} == {c for (r, c) in world.u2i["distilled"] if r == "role 2"}
    assert body["cover"] == [] and body["aliases"] == [] and body["alias_of"] == []
    assert len(client.get("/tags/role 2", params={"graph": "full", "limit": 1}).json()["out"]) == 1
    assert client.get("/tags/no such tag").status_code == 404


@pytest.fixture
def own_store(graphs: Graphs, engine: str) -> Iterator[GraphStore]:
    with world_graph(graphs, engine, build_world()) as store:
        yield store


def test_tag_cover_membership_and_aliases(own_store: GraphStore) -> None:
    from rolegraph.graph.model import AliasEdge

    own_store.covers.set(TagKind.USER, "2026-01-01", ["role 1", "role 2"])
    own_store.covers.set(TagKind.USER, "2026-01-02", ["role 2"])
    own_store.upsert_aliases(TagKind.USER, [AliasEdge("role 3", "role 2", 0.93, "r1")])
    with TestClient(make_app(own_store), headers={"X-API-Key": READ_KEY}) as c:
        body = c.get("/tags/role 2").json()
        assert body["cover"] == [{"kind": "user", "since": "2026-01-01", "until": None}]
        assert body["aliases"] == [{"key": "role 3", "kind": "user", "score": 0.93, "run": "r1"}]
        assert c.get("/tags/role 1").json()["cover"] == [{"kind": "user", "since": "2026-01-01", "until": "2026-01-02"}]
        assert c.get("/tags/role 3").json()["alias_of"][0]["key"] == "role 2"


def test_semantic_tag_search(own_store: GraphStore) -> None:
    from rolegraph.graph.model import TagRecord

    own_store.upsert_tags(
        TagKind.USER, [TagRecord("jazz musicians", "jazz musicians"), TagRecord("new parents", "new parents")]
    )
    own_store.upsert_tags(
        TagKind.ITEM, [TagRecord("baby sleep", "baby sleep"), TagRecord("music theory", "music theory")]
    )
    with TestClient(make_app(own_store, api_tag_index_ttl_s=0), headers={"X-API-Key": READ_KEY}) as c:
        hits = c.get("/tags/search", params={"q": "saxophone players", "k": 3}).json()["tags"]
        assert hits[0]["key"] == "jazz musicians"
        assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
        topics = c.get("/tags/search", params={"q": "infant bedtime", "kind": "item"}).json()["tags"]
        assert topics[0]["key"] == "baby sleep" and all(h["is_item_tag"] for h in topics)
        # a tag added later is found once the index notices the new count (ttl 0: checked every search)
        assert c.get("/tags/search", params={"q": "vegetable growers"}).json()["tags"][0]["key"] != "gardeners"
        own_store.upsert_tags(TagKind.USER, [TagRecord("gardeners", "gardeners")])
        assert c.get("/tags/search", params={"q": "vegetable growers"}).json()["tags"][0]["key"] == "gardeners"


def test_item_lookup(client: TestClient, world: World) -> None:
    body = client.get("/items/item 04").json()
    assert body["title"] == "Film 04"
    want = {(t, s): p for (i, t), by in world.item_roles.items() if i == "item 04" for s, p in by.items()}
    assert {(r["key"], r["source"]): r["p"] for r in body["roles"]} == pytest.approx(want)
    assert {r["key"] for r in body["topics"]} == {t for (i, t) in world.item_topics if i == "item 04"}
    assert client.get("/items/nope").status_code == 404


def test_writes_need_the_write_scope_and_are_idempotent(own_store: GraphStore) -> None:
    app = make_app(own_store)
    item = {"id": "new/item 1", "title": "A new film", "text": "about jazz", "attrs": {"year": 2026}}
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as reader:
        assert reader.post("/items", json={"items": [item]}).status_code == 403
    with TestClient(app, headers={"X-API-Key": WRITE_KEY}) as writer:
        for _ in range(2):
            assert writer.post("/items", json={"items": [item]}).json() == {"written": 1}
        got = writer.get("/items/new/item 1").json()
        assert got["title"] == "A new film" and got["source"] == "api" and got["first_seen"]
        event = {"user": "zoe", "item": "new/item 1", "ts": 1_700_000_000, "rating": 4.5}
        for _ in range(2):
            assert writer.post("/interactions", json={"interactions": [event]}).json() == {"written": 1}
        assert writer.get("/users/zoe/roles").json()["interactions"] == 1
        r = writer.post("/interactions", json={"interactions": [{**event, "item": "ghost"}]})
        assert r.status_code == 422 and "ghost" in r.json()["detail"]
        assert writer.post("/items", json={"items": [{**item, "attrs": {"bad name": 1}}]}).status_code == 422
        assert writer.post("/items", json={"items": [{**item, "extra": 1}]}).status_code == 422
        assert writer.post("/items", json={"items": []}).status_code == 422
    assert own_store.stats().nodes["Item"] == 25


def test_item_attrs_may_not_take_a_system_property(own_store: GraphStore) -> None:
    """attrs {"tag_status": "done"} would keep the item out of every growth plan; ``flags`` would be overwritten
    by the next run: each such name is refused with 422, and nothing of the request is written."""
    app = make_app(own_store)
    attrs = app.openapi()["components"]["schemas"]["ItemIn"]["properties"]["attrs"]
    assert attrs["propertyNames"] == {"not": {"enum": sorted(ITEM_SYSTEM_PROPERTIES)}}
    before = (own_store.stats(), own_store.content_hash())
    with TestClient(app, headers={"X-API-Key": WRITE_KEY}) as writer:
        for name in sorted(ITEM_SYSTEM_PROPERTIES):
            good, bad = {"id": "n2", "title": "N2"}, {"id": "n3", "title": "N3", "attrs": {"year": 1, name: "done"}}
            r = writer.post("/items", json={"items": [good, bad]})
            assert r.status_code == 422, name
            assert f"property name {name!r} is reserved" in r.json()["detail"]
    assert (own_store.stats(), own_store.content_hash()) == before


def test_health_and_metrics(client: TestClient, engine: str) -> None:
    body = client.get("/health").json()
    assert body["graph"] is True and body["graph_backend"] == engine and body["recommender"] == "world-scorer"
    assert body["status"] in ("ok", "degraded")
    client.get("/explore", params={"user": "alice"})
    text = client.get("/metrics").text
    assert 'rolegraph_http_requests_total{method="GET",route="/explore",status="200"}' in text
    assert "rolegraph_http_request_duration_seconds_bucket" in text
