"""The data model of docs/design.md as types: labels, relationship types, keys and write records.

Labels and relationship types are a closed enum: Cypher cannot take them as parameters, so every
statement names them literally and the code picks statements by enum member, never by string building.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from rolegraph.errors import InvalidInput

Scalar = str | int | float | bool
PropertyValue = Scalar | list[str] | list[int] | list[float] | list[bool] | None


class Label(StrEnum):
    """Node labels."""

    ITEM = "Item"
    TAG = "Tag"
    USER_TAG = "UserTag"
    ITEM_TAG = "ItemTag"
    USER = "User"
    COVER_SET = "CoverSet"
    COVER_SNAPSHOT = "CoverSnapshot"
    RUN = "Run"
    RUN_STEP = "RunStep"
    HANDBOOK = "Handbook"


class RelType(StrEnum):
    """Relationship types."""

    HAS_USER_TAG = "HAS_USER_TAG"
    HAS_ITEM_TAG = "HAS_ITEM_TAG"
    U2I = "U2I"
    I2U = "I2U"
    IN_COVER = "IN_COVER"
    ALIAS_OF = "ALIAS_OF"
    INTERACTED = "INTERACTED"
    HAS_ROLE = "HAS_ROLE"
    CANDIDATE = "CANDIDATE"
    QUARANTINED = "QUARANTINED"


class TagKind(StrEnum):
    """The two tag vocabularies: roles (user tags, T) and topics (item tags, C)."""

    USER = "user"
    ITEM = "item"

    @property
    def label(self) -> Label:
        return Label.USER_TAG if self is TagKind.USER else Label.ITEM_TAG


class Source(StrEnum):
    """Where an edge comes from: the LLM (full graph G) or the distilled models (cover-set graph G*)."""

    LLM = "llm"
    DISTILLED = "distilled"

    @staticmethod
    def view(name: str) -> Source:
        """The source of a graph view as users name it: ``cover`` = G* (distilled), ``full`` = G (llm)."""
        try:
            return _VIEWS[name]
        except KeyError:
            raise InvalidInput(f"graph view must be one of {sorted(_VIEWS)}, got {name!r}") from None


#: graph views by the names users give them
_VIEWS = {"cover": Source.DISTILLED, "full": Source.LLM}


class Weights(StrEnum):
    """Which weight of an LLM logic edge a reader uses: the LLM's own, or the behaviour-calibrated one
    (``calibrated``, falling back to the LLM's weight on edges calibration has not scored)."""

    LLM = "llm"
    CALIBRATED = "calibrated"


class LogicKind(StrEnum):
    """U2I: role → topic, P(c|t). I2U: topic → role, P(t|c)."""

    U2I = "U2I"
    I2U = "I2U"


#: Unique keys per label, enforced by the database (Neo4j constraints, FalkorDB unique constraints).
NODE_KEYS: dict[Label, tuple[str, ...]] = {
    Label.ITEM: ("id",),
    Label.USER: ("id",),
    Label.TAG: ("key",),
    Label.COVER_SET: ("kind",),
    Label.COVER_SNAPSHOT: ("kind", "day"),
    Label.RUN: ("id",),
    Label.RUN_STEP: ("id",),
    Label.HANDBOOK: ("category",),
}


#: The item properties the system owns: the loader's fields (``id`` … ``first_seen``) and those the growth
#: run sets (grow.cypher, gate.cypher). An item's extra attributes may not take these names, so no catalogue
#: field can hide an item from the growth plan or be overwritten by it; tests/graph/test_model.py checks
#: that every Item property a ``.cypher`` statement writes is listed here.
ITEM_SYSTEM_PROPERTIES: frozenset[str] = frozenset(
    {
        "id",
        "title",
        "text",
        "source",
        "first_seen",
        "tag_status",
        "tag_reason",
        "tag_run",
        "tag_retry",
        "grow_day",
        "flags",
        "reasked",
    }
)


@dataclass(frozen=True)
class ItemRecord:
    """An item (e.g. a film). ``text`` is what the LLM reads; ``attrs`` are extra scalar properties, named
    outside `ITEM_SYSTEM_PROPERTIES`."""

    id: str
    title: str
    text: str = ""
    source: str = "load"
    first_seen: str | None = None
    attrs: dict[str, PropertyValue] = field(default_factory=dict)


@dataclass(frozen=True)
class UserRecord:
    """A user with known attributes (evaluation only, never a model input)."""

    id: str
    attrs: dict[str, PropertyValue] = field(default_factory=dict)


@dataclass(frozen=True)
class InteractionRecord:
    """One user–item event; (user, item, ts) is its key."""

    user_id: str
    item_id: str
    ts: int
    rating: float | None = None


@dataclass(frozen=True)
class TagRecord:
    """A tag in canonical form ``key`` with its display ``name``; seen on ``day`` (YYYY-MM-DD)."""

    key: str
    name: str
    day: str | None = None
    embedding: list[float] | None = None


@dataclass(frozen=True)
class ItemTagEdge:
    """Item → tag (HAS_USER_TAG for roles, HAS_ITEM_TAG for topics)."""

    item_id: str
    tag_key: str
    p: float
    rank: int
    source: Source = Source.LLM
    run: str = ""


@dataclass(frozen=True)
class LogicEdge:
    """A weighted logic edge with provenance: U2I (role → topic) or I2U (topic → role)."""

    source_key: str
    target_key: str
    weight: float
    source: Source = Source.LLM
    run: str = ""
    model: str = ""
    prompt_version: str = ""
    rationale: str = ""


@dataclass(frozen=True)
class AliasEdge:
    """``alias_key`` is an alias of the canonical ``canonical_key``: the cosine ``score`` between them, the
    ``method`` that merged them and its ``reason``, and the ``run`` that did."""

    alias_key: str
    canonical_key: str
    score: float
    run: str = ""
    method: str = ""
    reason: str = ""


@dataclass(frozen=True)
class RoleEdge:
    """A user's inferred role: set T0 (utility) or T1 (exploration), with probability and rank."""

    user_id: str
    tag_key: str
    p: float
    rank: int
    set: Literal["T0", "T1"]
    run: str = ""


@dataclass(frozen=True)
class CoverSnapshotRecord:
    """The state of a cover set on one day."""

    kind: TagKind
    day: str
    size: int
    recall: float
    added: int
    removed: int


@dataclass(frozen=True)
class RunRecord:
    """A run of a pipeline (load, grow, train) with its counts as a flat dict of numbers."""

    id: str
    kind: str
    day: str = ""
    model: str = ""
    prompt_version: str = ""
    status: str = "running"
    started_at: str = ""
    finished_at: str = ""
    counts: dict[str, int | float] = field(default_factory=dict)
