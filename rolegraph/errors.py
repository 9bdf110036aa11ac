"""The one exception root of rolegraph.

    RolegraphError
    ├── ConfigError          a setting is malformed (bad URI scheme, bad number)
    ├── GraphUnavailable     the graph database cannot be reached or started
    ├── SchemaError          constraints are missing or the schema is not what the code expects
    ├── QueryError           a named statement is unknown, misdeclared, or failed in the database
    ├── LLMUnavailable       the LLM server cannot be started or reached
    ├── ModelNotTrained      no trained recommender where the settings point
    └── InvalidInput         user data (ids, files, parameters) was rejected before anything was written
        └── BadRowsError     a data file had bad rows; carries them with their line numbers

Third-party errors (redis, neo4j) are translated at the boundary with ``raise … from e``.
"""

from __future__ import annotations

from dataclasses import dataclass


class RolegraphError(Exception):
    """Base class of every error rolegraph raises on purpose."""


class ConfigError(RolegraphError):
    """A setting is malformed."""


class GraphUnavailable(RolegraphError):
    """The graph database cannot be reached or started."""


class SchemaError(RolegraphError):
    """The database schema (constraints, indexes) is missing or wrong."""


class QueryError(RolegraphError):
    """A named statement is unknown, misdeclared, or the database refused it."""


class LLMUnavailable(RolegraphError):
    """The LLM server cannot be started or reached."""


class InvalidInput(RolegraphError):
    """User input was rejected before anything was written."""


@dataclass(frozen=True)
class BadRow:
    """One rejected input row: where it is and why."""

    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


class BadRowsError(InvalidInput):
    """Raised when bad rows are not allowed to be skipped; carries every bad row. ``lead`` says why, before
    the count and the first rows."""

    def __init__(self, rows: list[BadRow], lead: str = ""):
        self.rows = rows
        shown = "; ".join(str(r) for r in rows[:5])
        more = f" (and {len(rows) - 5} more)" if len(rows) > 5 else ""
        super().__init__(f"{lead}{len(rows)} bad rows: {shown}{more}")


class ModelNotTrained(RolegraphError):
    """No trained recommender exists where the settings point (run `rolegraph train`)."""
