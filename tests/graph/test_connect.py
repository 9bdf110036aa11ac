"""Opening the store from ROLEGRAPH_GRAPH_URI: good URIs work, bad ones fail in one clear line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rolegraph.errors import ConfigError, GraphUnavailable, SchemaError
from rolegraph.graph.connect import open_backend, open_store
from rolegraph.graph.schema import init_schema
from rolegraph.ports import free_port
from rolegraph.settings import GraphSettings


@pytest.mark.parametrize("uri", ["ftp://x", "falkordb-lite://", "bolt://", "redis://", "nonsense"])
def test_malformed_uri_is_a_config_error(uri: str) -> None:
    with pytest.raises(ConfigError, match="ROLEGRAPH_GRAPH_URI"):
        open_backend(GraphSettings(graph_uri=uri))


@pytest.mark.parametrize("scheme", ["redis", "bolt", "neo4j"])
def test_unreachable_server_names_the_uri(scheme: str) -> None:
    uri = f"{scheme}://127.0.0.1:{free_port()}"
    with pytest.raises(GraphUnavailable, match=uri.replace(".", r"\.")):
        open_backend(GraphSettings(graph_uri=uri, connect_timeout_s=2))


def test_embedded_store_needs_init_then_persists(tmp_path: Path) -> None:
    settings = GraphSettings(graph_uri=f"falkordb-lite://{tmp_path}/g.db", graph_name="persist")
    with pytest.raises(SchemaError, match=re.escape(f"no graph at {tmp_path}/g.db — run `rolegraph init`")):
        open_store(settings)
    assert list(tmp_path.iterdir()) == []  # refused before the server could create its files
    backend = open_backend(settings)
    init_schema(backend)
    init_schema(backend)  # idempotent
    backend.close()
    from rolegraph.graph.model import ItemRecord

    with open_store(settings) as store:
        store.upsert_items([ItemRecord("1", "kept")])
    with open_store(settings) as store:  # a new server process reads the same file
        assert store.stats().nodes == {"Item": 1}


@pytest.mark.parametrize("create", [True, False])
def test_an_embedded_path_that_is_a_folder_is_not_a_graph(tmp_path: Path, create: bool) -> None:
    (tmp_path / "g.db").mkdir()
    with pytest.raises(ConfigError, match=re.escape(f"{tmp_path}/g.db is not a rolegraph graph")):
        open_backend(GraphSettings(graph_uri=f"falkordb-lite://{tmp_path}/g.db"), create=create)
    assert [p.name for p in tmp_path.iterdir()] == ["g.db"]


def test_cli_prints_one_line_and_fails_for_a_bad_uri(tmp_path: Path) -> None:
    env = {**os.environ, "ROLEGRAPH_GRAPH_URI": f"redis://127.0.0.1:{free_port()}", "ROLEGRAPH_CONNECT_TIMEOUT_S": "2"}
    result = subprocess.run(
        [sys.executable, "-m", "rolegraph.cli.main", "stats"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rolegraph: error: cannot reach FalkorDB at redis://127.0.0.1:")


def test_reopened_embedded_graph_passes_the_schema_check(tmp_path: Path, movielens_dir: Path) -> None:
    """After a restart FalkorDB rebuilds constraints in the background; opening must wait for them."""
    from rolegraph.graph.loaders.movielens import read_movielens
    from rolegraph.graph.loaders.write import write_dataset
    from rolegraph.progress import no_progress

    settings = GraphSettings(graph_uri=f"falkordb-lite://{tmp_path}/ml.db")
    backend = open_backend(settings)
    init_schema(backend)
    backend.close()
    with open_store(settings) as store:
        write_dataset(store, read_movielens(movielens_dir), no_progress)
    with open_store(settings) as store:  # a new server replays the log; the check must not fail
        assert store.stats().relationships == {"INTERACTED": 100_000}
