"""bench/recsys_roles.py trains into a copy of an embedded graph, so the graph it reads is never rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from recsys_roles import scratch_graph

from rolegraph.graph.connect import open_backend, open_store
from rolegraph.graph.model import UserRecord
from rolegraph.graph.schema import init_schema
from rolegraph.settings import GraphSettings


def _users(uri: str) -> list[str]:
    with open_store(GraphSettings(graph_uri=uri)) as store:
        return sorted(row["id"] for row in store.iter_users())


def test_the_copy_holds_the_graph_and_keeps_its_writes_to_itself(tmp_path: Path) -> None:
    uri = f"falkordb-lite://{tmp_path}/graph.db"
    backend = open_backend(GraphSettings(graph_uri=uri))
    init_schema(backend)
    backend.close()
    with open_store(GraphSettings(graph_uri=uri)) as store:
        store.upsert_users([UserRecord("u1")])
    with scratch_graph(uri, in_place=False) as settings, open_store(settings) as copy:
        assert settings.graph_uri != uri
        assert [row["id"] for row in copy.iter_users()] == ["u1"]
        copy.upsert_users([UserRecord("u2")])
    assert _users(uri) == ["u1"]


def test_in_place_trains_into_the_named_graph_which_a_server_graph_requires() -> None:
    with scratch_graph("bolt://localhost:7687", in_place=True) as settings:
        assert settings.graph_uri == "bolt://localhost:7687"
    with pytest.raises(SystemExit, match="--in-place"), scratch_graph("redis://localhost:6379", in_place=False):
        pass


def test_a_missing_graph_is_named(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no embedded graph"), scratch_graph(f"falkordb-lite://{tmp_path}/x.db", False):
        pass
