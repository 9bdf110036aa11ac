"""Settings, split by concern, read from ``ROLEGRAPH_*`` environment variables (and a ``.env`` file).

Each concern is its own frozen, typed settings class: a malformed value is an error at start-up, never a
silent ``None`` (unknown ``ROLEGRAPH_*`` variables are ignored, since all classes share the prefix).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

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


class RecsysSettings(BaseSettings):
    """Where trained recommenders are stored (``current/`` links to the latest training's folder)."""

    model_config = _COMMON

    recsys_dir: str = "data/recsys"


class LLMSettings(BaseSettings):
    """How the LLM is reached: always the OpenAI-compatible HTTP protocol.

    Unset base URL = the embedded server (``rolegraph llm serve``, or started by ``rolegraph grow`` when
    a call is needed) on the ``llm_model_path`` GGUF. In production vLLM, e.g.
    ``ROLEGRAPH_LLM_BASE_URL=http://vllm:8000/v1`` and ``ROLEGRAPH_LLM_MODEL=Qwen/Qwen2.5-7B-Instruct``.
    ``llm_strategy``: ``json`` (instruct models, structured output), ``completion`` (base models,
    few-shot lines) or ``auto`` (completion for the embedded server, json for any configured URL).
    """

    model_config = _COMMON

    llm_base_url: str | None = None
    llm_model: str = "gemma3-270m"
    llm_api_key: SecretStr = SecretStr("not-needed")
    llm_timeout_s: float = Field(60.0, gt=0, description="seconds per request")
    llm_strategy: Literal["auto", "json", "completion"] = "auto"
    llm_concurrency: int = Field(2, ge=1, le=256, description="requests in flight at once")
    llm_max_tokens: int = Field(160, ge=8, le=8192, description="tokens per answer")
    llm_attempts: int = Field(4, ge=1, le=20, description="tries per request on 429/5xx/timeouts")
    llm_backoff_s: float = Field(0.5, ge=0, description="base of the exponential backoff (full jitter)")
    llm_cache_path: str = Field("data/llm-cache.sqlite", description="the LLM response cache")
    llm_model_path: str = Field("data/models/gemma-3-270m-q4_k_m.gguf", description="GGUF of the embedded server")
    llm_host: str = "127.0.0.1"
    llm_port: int = Field(8765, ge=1, le=65535, description="port of the embedded server")
    llm_context: int = Field(2048, ge=256, description="context window of the embedded server, tokens")
    llm_threads: int | None = Field(None, ge=1, description="CPU threads of the embedded server (default: all)")
    llm_start_timeout_s: float = Field(120.0, gt=0, description="seconds to wait for the embedded server")


_SECRET_WORDS = ("PASSWORD", "KEY", "SECRET", "TOKEN")  # a setting whose value an error message does not repeat


def settings_problem(error: BaseException) -> str | None:
    """One line naming each malformed ``ROLEGRAPH_*`` setting of ``error`` (raised while a settings class was
    built from the environment, a ``.env`` file or a command's option), or None when ``error`` is not that."""
    if isinstance(error, SettingsError):  # a value the source could not even parse (e.g. JSON that is not)
        return f"a ROLEGRAPH_* setting could not be read: {error}"
    if not isinstance(error, ValidationError) or not error.title.endswith("Settings"):
        return None
    problems = []
    for e in error.errors():
        name = "_".join(map(str, e["loc"])).upper()
        shown = "(hidden)" if any(w in name for w in _SECRET_WORDS) else repr(e.get("input"))
        problems.append(f"ROLEGRAPH_{name}={shown}: {e['msg']}")
    return "invalid setting (environment, .env or option): " + "; ".join(problems)
