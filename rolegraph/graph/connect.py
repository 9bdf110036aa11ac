"""Opens a backend from ``ROLEGRAPH_GRAPH_URI`` and wraps it in a `GraphStore`."""

from __future__ import annotations

from urllib.parse import urlsplit

from rolegraph.errors import ConfigError
from rolegraph.graph.backend import Backend
from rolegraph.graph.schema import check_schema
from rolegraph.graph.store import GraphStore
from rolegraph.settings import GraphSettings

EMBEDDED_SCHEME = "falkordb-lite://"
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
SUPPORTED = "falkordb-lite://PATH, redis://HOST:PORT, bolt://, neo4j://, neo4j+s://"


def open_backend(settings: GraphSettings, *, create: bool = True) -> Backend:
    """Connects to the database named by ``settings.graph_uri``; an embedded graph is created where none
    is unless ``create`` is False (a server's database is the server's business).

    Raises ConfigError for a malformed URI or an embedded path that holds something else than a graph,
    SchemaError for an embedded path that holds nothing when not ``create``, and GraphUnavailable when the
    database cannot be reached.
    """
    uri = settings.graph_uri.strip()
    if uri.startswith(EMBEDDED_SCHEME):
        path = uri[len(EMBEDDED_SCHEME) :]
        if not path:
            raise ConfigError(f"ROLEGRAPH_GRAPH_URI={uri!r} names no file — use e.g. falkordb-lite://data/graph.db")
        from rolegraph.graph.falkor import open_embedded  # lazy: only the engine the URI names

        return open_embedded(path, settings.graph_name, uri, create=create)
    try:
        parts = urlsplit(uri)
    except ValueError as e:
        raise ConfigError(f"ROLEGRAPH_GRAPH_URI={uri!r} is not a URI ({e}) — supported: {SUPPORTED}") from e
    if parts.scheme in ("redis", "rediss"):
        if not parts.hostname:
            raise ConfigError(f"ROLEGRAPH_GRAPH_URI={uri!r} names no host — use e.g. redis://localhost:6379")
        from rolegraph.graph.falkor import open_server

        return open_server(uri, settings.graph_name, settings.connect_timeout_s)
    if parts.scheme in NEO4J_SCHEMES:
        if not parts.hostname:
            raise ConfigError(f"ROLEGRAPH_GRAPH_URI={uri!r} names no host — use e.g. bolt://localhost:7687")
        from rolegraph.graph.neo4j_backend import open_neo4j

        return open_neo4j(
            uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            settings.connect_timeout_s,
        )
    raise ConfigError(f"ROLEGRAPH_GRAPH_URI={uri!r} has an unsupported scheme — supported: {SUPPORTED}")


def open_store(settings: GraphSettings | None = None, *, check: bool = True) -> GraphStore:
    """Opens the store of an existing graph (`rolegraph init` makes one); with ``check`` it refuses a
    database that lacks its constraints (SchemaError)."""
    settings = settings or GraphSettings()
    backend = open_backend(settings, create=False)
    try:
        if check:
            check_schema(backend)
        return GraphStore(backend, batch_size=settings.batch_size, page_size=settings.page_size)
    except BaseException:  # a refused schema, or Ctrl-C / SIGTERM before the caller holds the store
        backend.close()
        raise
