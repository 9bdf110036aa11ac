"""Keys and scopes on every operation, rate limits, body limits, loopback-only without keys, problem
bodies without internals, and Cypher-looking input in every parameter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from rolegraph.api.limits import RateLimiter
from rolegraph.api.security import KeyRing, digest, new_key
from rolegraph.api.server import listen_address
from rolegraph.api.settings import ApiSettings
from rolegraph.graph.store import GraphStore
from tests.api.conftest import READ_KEY, WRITE_KEY, make_app

INJECTIONS = [
    "x' }) DETACH DELETE n //",
    '" OR 1=1 MATCH (n) DETACH DELETE n RETURN "',
    "role 0`) MATCH (n) DETACH DELETE n //",
    "$user",
    "') CALL db.labels() YIELD label RETURN label //",
]


def _operations(app: FastAPI) -> list[tuple[str, str]]:
    return [(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "alice", path)


def test_every_operation_needs_a_key(app: FastAPI) -> None:
    ops = _operations(app)
    assert len(ops) == 12
    with TestClient(app) as anonymous, TestClient(app, headers={"X-API-Key": "rg_wrong"}) as wrong:
        for method, path in ops:
            for c in (anonymous, wrong):
                r = c.request(method, _concrete(path), params={"user": "alice", "item": "item 01"}, json={})
                assert r.status_code == 401, (method, path, r.status_code)
                assert r.headers["content-type"] == "application/problem+json"
                assert r.headers["www-authenticate"] == "ApiKey"


def test_write_operations_need_the_write_scope(app: FastAPI) -> None:
    posts = [p for m, p in _operations(app) if m == "POST"]
    assert posts == ["/items", "/interactions"]
    with TestClient(app, headers={"X-API-Key": READ_KEY}) as reader:
        for path in posts:
            assert reader.post(path, json={}).status_code == 403
    with TestClient(app, headers={"X-API-Key": WRITE_KEY}) as writer:
        for path in posts:
            assert writer.post(path, json={}).status_code == 422  # admitted, then the body is checked


def test_security_scheme_is_declared(app: FastAPI) -> None:
    schema = app.openapi()
    assert schema["components"]["securitySchemes"]["APIKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "an API key with the operation's scope",
    }
    for ops in schema["paths"].values():
        for op in ops.values():
            assert op["security"] == [{"APIKeyHeader": []}]


def test_keys_are_matched_by_digest() -> None:
    key, entry = new_key("k", ["read"])
    assert entry.sha256 == digest(key).hex() and key not in entry.model_dump_json()
    ring = KeyRing([entry])
    assert ring.identify(key) is not None and ring.identify(key + "x") is None and ring.identify("") is None
    assert KeyRing([]).identify(None) is not None  # no keys: the local caller


def test_rate_limit_answers_429_with_retry_after(world_store: GraphStore) -> None:
    app = make_app(world_store, api_rate_per_s=0.5, api_rate_burst=3)
    limiter = app.state.limiter
    assert (limiter.per_s, limiter.burst) == (0.5, 3)  # the settings reach the limiter
    now = [1000.0]
    app.state.limiter = RateLimiter(0.5, 3, clock=lambda: now[0])  # time moves only when the test says so
    with (
        TestClient(app, headers={"X-API-Key": READ_KEY}) as c,
        TestClient(app, headers={"X-API-Key": WRITE_KEY}) as other,
    ):
        codes = [c.get("/users/alice/roles").status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        r = c.get("/users/alice/roles")
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["retry-after"] == "2"  # one token at 0.5 a second
        assert other.get("/users/alice/roles").status_code == 200  # the limit is per key
        now[0] += 1.0
        assert c.get("/users/alice/roles").status_code == 429
        assert c.get("/users/alice/roles").headers["retry-after"] == "1"  # half a token is back
        now[0] += 1.0
        assert c.get("/users/alice/roles").status_code == 200  # a whole one: granted


def test_oversize_bodies_are_413(world_store: GraphStore) -> None:
    app = make_app(world_store, api_max_body_bytes=4096)
    big = {"items": [{"id": f"i{n}", "title": "t" * 100} for n in range(100)]}
    with TestClient(app, headers={"X-API-Key": WRITE_KEY}) as c:
        r = c.post("/items", json=big)
        assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"

        def chunks() -> Any:  # no Content-Length: the streamed body is counted
            yield b'{"items": ['
            for _ in range(100):
                yield b'{"id": "x", "title": "' + b"t" * 100 + b'"},'
            yield b"]}"

        assert c.post("/items", content=chunks(), headers={"content-type": "application/json"}).status_code == 413
    assert world_store.item("i0") is None


def test_oversize_lists_and_numbers_are_422(client: TestClient) -> None:
    assert client.get("/explore", params={"user": "alice", "k": 10**6}).status_code == 422
    assert client.get("/tags/search", params={"q": "x" * 201}).status_code == 422
    assert client.get("/items/" + "x" * 257).status_code == 422


def test_oversize_write_lists_are_422(world_store: GraphStore) -> None:
    app = make_app(world_store, api_max_body_bytes=10_000_000)
    events = [{"user": "u", "item": "item 01", "ts": n} for n in range(10_001)]
    with TestClient(app, headers={"X-API-Key": WRITE_KEY}) as c:
        assert c.post("/interactions", json={"interactions": events}).status_code == 422


def test_without_keys_only_loopback_is_served(world_store: GraphStore) -> None:
    from rolegraph.api.app import create_app

    app = create_app(ApiSettings(), store=world_store, scorer=None)
    with TestClient(app) as remote:  # TestClient calls from host "testclient"
        r = remote.get("/users/alice/roles")
        assert r.status_code == 403 and "loopback" in r.json()["detail"]
    with TestClient(app, client=("127.0.0.1", 50000)) as local:
        assert local.get("/users/alice/roles").status_code == 200
        assert local.post("/items", json={}).status_code == 422  # local callers may write
    assert listen_address(ApiSettings(), "0.0.0.0", None)[0] == "127.0.0.1"
    assert "loopback only" in (listen_address(ApiSettings(), None, None)[2] or "")
    keyed = ApiSettings(api_keys=(new_key("k")[1],))
    assert listen_address(keyed, "0.0.0.0", 9000) == ("0.0.0.0", 9000, None)


def _all_parameter_probes(value: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("GET", "/explore", {"user": value}),
        ("GET", "/explore", {"tags": value}),
        ("GET", "/explore", {"tags": "role 0", "weights": value}),
        ("GET", "/explore", {"user": "alice", "graph": value}),
        ("GET", "/explain", {"user": value, "item": "item 01"}),
        ("GET", "/explain", {"user": "alice", "item": value}),
        ("GET", "/explain", {"user": "alice", "item": "item 01", "mode": value}),
        ("GET", "/explain/pair", {"item": [value, "item 01"]}),
        ("GET", "/recommend", {"user": value}),
        ("GET", "/tags/search", {"q": value}),
        ("GET", f"/tags/{value}", {}),
        ("GET", f"/items/{value}", {}),
        ("GET", f"/users/{value}/roles", {}),
        ("GET", "/tags/role 0", {"graph": value}),
    ]


@pytest.mark.parametrize("value", INJECTIONS)
def test_cypher_looking_input_changes_nothing(client: TestClient, world_store: GraphStore, value: str) -> None:
    before = world_store.content_hash()
    for method, path, params in _all_parameter_probes(value):
        r = client.request(method, path, params=params)
        assert r.status_code in (200, 404, 422), (path, params, r.status_code)
        if r.status_code == 200:
            body = r.json()
            assert not body.get("roles") and body.get("tags", [{}])[0].get("key") != value
        else:
            detail = r.json()["detail"].replace(value, "")  # a 404 may name the value it was given (a seed)
            assert "MATCH" not in detail and "Traceback" not in detail
    assert world_store.content_hash() == before


def test_problem_bodies_hide_internals(client: TestClient) -> None:
    r = client.get("/explore", params={"user": "bad\x01id"})
    assert r.status_code == 422
    assert set(r.json()) <= {"type", "title", "status", "detail", "errors"}
    assert "Traceback" not in r.text and "cypher" not in r.text.lower()


def test_unknown_query_parameters_are_422(client: TestClient) -> None:
    r = client.get("/explore", params={"user": "alice", "K": 5})
    assert r.status_code == 422 and "'K'" in r.json()["detail"]
    assert client.get("/explore", params={"user": "alice", "k": 5}).status_code == 200


def test_loopback_health_probes_need_no_key(app: FastAPI) -> None:
    with TestClient(app, client=("127.0.0.1", 50000)) as local:
        assert local.get("/health").status_code == 200  # the container healthcheck
        assert local.get("/metrics").status_code == 401
        assert local.get("/health", headers={"X-API-Key": "rg_wrong"}).status_code == 401
    with TestClient(app) as remote:
        assert remote.get("/health").status_code == 401
