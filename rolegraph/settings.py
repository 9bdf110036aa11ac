"""Settings, split by concern, read from ``ROLEGRAPH_*`` environment variables (and a ``.env`` file).

Each concern is its own frozen settings class so a typo is an error, not a silent ``None``.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

_COMMON = SettingsConfigDict(env_prefix="ROLEGRAPH_", env_file=".env", extra="ignore", frozen=True)


class GraphSettings(BaseSettings):
    """Where the graph lives and how the store talks to it.

    ``graph_uri`` schemes: ``falkordb-lite://PATH`` (embedded FalkorDB on a local file, started on demand;
    ``falkordb-lite:///abs/path`` for an absolute path), ``redis://HOST:PORT`` (an external FalkorDB server),
    ``bolt://``, ``neo4j://``, ``neo4j+s://`` (Neo4j 5, with the ``neo4j_*`` credentials below).
    """

    model_config = _COMMON

    graph_uri: str = "falkordb-lite://data/graph.db"
    graph_name: str = Field("rolegraph", description="FalkorDB graph key (ignored by Neo4j)")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    batch_size: int = Field(5000, ge=1, le=100_000, description="rows per UNWIND batch and transaction")
    page_size: int = Field(10_000, ge=1, le=1_000_000, description="rows per page of streaming reads")
    connect_timeout_s: float = Field(10.0, gt=0, description="seconds to wait for the database to answer")


class DataSettings(BaseSettings):
    """Where data sets live on disk."""

    model_config = _COMMON

    data_dir: str = "data"
