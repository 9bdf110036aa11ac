"""Settings of the HTTP service, from ``ROLEGRAPH_API_*`` environment variables (and ``.env``).

API keys are configured as hashes, never in clear: ``ROLEGRAPH_API_KEYS`` is a JSON list of
``{"name": …, "sha256": <hex digest of the key>, "scopes": ["read"] | ["read", "write"]}``
(`rolegraph api-key NAME` prints a fresh key and its entry). With no keys the service binds to
loopback only and lets every local caller read and write.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Scope = Literal["read", "write"]
_HEX64 = re.compile(r"[0-9a-f]{64}")


class ApiKeyEntry(BaseModel):
    """One configured key: who it is for, the sha256 of the key, and what it may do."""

    model_config = {"frozen": True}

    name: str = Field(min_length=1, max_length=64)
    sha256: str
    scopes: frozenset[Scope] = frozenset({"read"})

    @field_validator("sha256")
    @classmethod
    def _hex_digest(cls, value: str) -> str:
        value = value.strip().lower()
        if not _HEX64.fullmatch(value):
            raise ValueError("sha256 must be the 64-character hex digest of the key")
        return value


class ApiSettings(BaseSettings):
    """Where the service listens, who may call it, and the bounds on every request."""

    model_config = SettingsConfigDict(env_prefix="ROLEGRAPH_", env_file=".env", extra="ignore", frozen=True)

    api_host: str = Field("127.0.0.1", description="listen address (forced to loopback when no keys are set)")
    api_port: int = Field(8000, ge=1, le=65535)
    api_keys: tuple[ApiKeyEntry, ...] = ()
    api_query_timeout_s: float = Field(2.0, gt=0, le=600, description="database time budget per request")
    api_rate_per_s: float = Field(50.0, gt=0, description="sustained requests per second per key")
    api_rate_burst: int = Field(100, ge=1, description="requests a key may send at once before limiting")
    api_max_body_bytes: int = Field(1_000_000, ge=1024, description="largest request body accepted (413 above)")
    api_tag_index_ttl_s: float = Field(300.0, ge=0, description="seconds before /tags/search re-reads the tags")
    api_read_model: bool = Field(True, description="answer /explore from an in-memory read model of the graph")
    api_read_model_staleness_s: float = Field(
        5.0, ge=0, le=86_400, description="longest an /explore answer may lag a write (0: checked every request)"
    )
    api_read_model_max_age_s: float = Field(
        3600.0, gt=0, description="the read model is reloaded at least this often, even when the version is unchanged"
    )
    api_explore_cache_size: int = Field(
        4096, ge=0, le=1_000_000, description="/explore answers kept per read model (0: none)"
    )
