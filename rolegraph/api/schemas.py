"""Request and response bodies of the HTTP API (pydantic), with the bounds on every input field."""

from __future__ import annotations

import math
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, field_validator, model_validator

from rolegraph.errors import InvalidInput
from rolegraph.graph import validate as v
from rolegraph.graph.model import ITEM_SYSTEM_PROPERTIES, Source

#: ids and tag keys: no control characters, no surrounding whitespace (graph/validate.py's rules)
ID_PATTERN = r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$"
NO_NUL = r"^[^\x00]*$"
ATTR_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
Id = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=ID_PATTERN)]
TagKey = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=ID_PATTERN)]
Text = Annotated[str, StringConstraints(max_length=100_000, pattern=NO_NUL)]
AttrValue = (
    Text | bool | Annotated[int, Field(ge=-(2**63), le=2**63 - 1)] | Annotated[float, Field(allow_inf_nan=False)]
)
GraphView = Literal["cover", "full"]
#: which weight an LLM logic edge carries: the LLM's, or behaviour-calibrated where calibration scored it
WeightsParam = Literal["llm", "calibrated"]
#: the graph view a `GraphView` names: cover = G* (distilled edges), full = G (the LLM's edges)
VIEW: dict[GraphView, Source] = {"cover": Source.DISTILLED, "full": Source.LLM}
ProvenanceValue = str | int | float | bool | None


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ----------------------------------------------------------------- exploration
MAX_SEEDS = 50


class ExploreParams(BaseModel):
    """The query of ``GET /explore``: seeds from a user's T0 roles or from tags (equal weights unless
    ``weights`` gives one per tag), the graph view and the bounds. Frozen: equal queries are equal keys."""

    model_config = ConfigDict(frozen=True)

    user: Id | None = Field(None, description="seed from this user's T0 roles")
    tags: str | None = Field(None, min_length=1, max_length=MAX_SEEDS * 61, description="comma-separated tag keys")
    weights: str | None = Field(None, min_length=1, max_length=MAX_SEEDS * 32, description="one per tag")
    graph: GraphView = Field("cover", description="cover = G* (distilled), full = G (llm)")
    k: int = Field(10, ge=1, le=100, description="size of T(1)")
    delta: float = Field(0.0, ge=0, lt=1, allow_inf_nan=False, description="keep topics with w_c > δ")
    branch: int = Field(20, ge=1, le=100, description="top-b topics kept in C(1)")
    candidates: int = Field(20, ge=0, le=100, description="candidate items returned")
    chains: int = Field(100, ge=0, le=1000, description="chains returned, strongest first")
    _tag_seeds: dict[str, float] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _user_or_tags(self) -> Self:
        if (self.user is None) == (self.tags is None):
            raise ValueError("give either user or tags")
        if self.weights is not None and self.tags is None:
            raise ValueError("weights go with tags")
        if self.tags is not None:
            self._tag_seeds = parse_tag_seeds(self.tags, self.weights)
        return self

    @property
    def tag_seeds(self) -> dict[str, float]:
        """The seeds ``tags`` and ``weights`` give, key -> weight (empty when seeded from a user)."""
        return dict(self._tag_seeds)


def parse_tag_seeds(tags: str, weights: str | None) -> dict[str, float]:
    """Seeds from comma-separated keys and optional weights; raises ValueError saying what is wrong."""
    try:
        keys = [v.check_tag_key(k.strip()) for k in tags.split(",")]
    except InvalidInput as e:
        raise ValueError(str(e)) from None
    if len(keys) > MAX_SEEDS:
        raise ValueError(f"at most {MAX_SEEDS} tags")
    if len(set(keys)) != len(keys):
        raise ValueError("tags repeat a key")
    if weights is None:
        return dict.fromkeys(keys, 1.0)
    try:
        values = [float(w) for w in weights.split(",")]
    except ValueError:
        raise ValueError("weights must be comma-separated numbers") from None
    if len(values) != len(keys):
        raise ValueError(f"{len(keys)} tags but {len(values)} weights")
    if any(not math.isfinite(w) or w < 0 for w in values) or sum(values) <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return dict(zip(keys, values, strict=True))


class WeightedTag(_Out):
    key: str
    weight: float


class ChainOut(_Out):
    role: str
    topic: str
    new_role: str
    contribution: float = Field(description="share of the new role's weight that flows through this chain")


class Candidate(_Out):
    item: str
    title: str | None
    score: float = Field(description="Σ over T(1) of w_t' · P(t'|item)")
    roles: list[str]


class ExploreOut(_Out):
    graph: GraphView
    user: str | None
    seeds: list[WeightedTag] = Field(description="T(0), weights summing to 1")
    unknown_seeds: list[str] = Field(
        description="tag seeds that are not roles, in the order given: left out of T(0) (empty when seeded from a user)"
    )
    topics: list[WeightedTag] = Field(description="C(1) after δ, top-b and renormalization")
    roles: list[WeightedTag] = Field(description="T(1) without T(0), top-k, renormalized")
    chains: list[ChainOut]
    candidates: list[Candidate] = Field(description="items carrying T(1) roles the user has not interacted with")


# ----------------------------------------------------------------- explanation
class EdgeOut(_Out):
    type: str
    start: str
    end: str
    p: float
    provenance: dict[str, ProvenanceValue]


class PathOut(_Out):
    shape: Literal["direct", "via_topic", "via_topic_role"]
    strength: float = Field(description="product of the probabilities along the path")
    role: str
    role_set: str
    topic: str | None
    new_role: str | None
    edges: list[EdgeOut]
    sentence: str


class ScoreOut(BaseModel):
    total: float
    raw: float = Field(description="ŷ_raw")
    tag0: float = Field(description="β0 · ŷ_tag0")
    tag1: float = Field(description="β1 · ŷ_tag1")
    beta0: float
    beta1: float
    model: str
    run_id: str


class GraphParts(BaseModel):
    tag0: float = Field(description="ŷ_tag0 = Σ_{t∈T0} P(t|u)·P(t|i) read from the graph")
    tag1: float = Field(description="ŷ_tag1 = Σ_{t∈T1\\T0} P(t|u)·P(t|i) read from the graph")


class ExplainOut(BaseModel):
    user: str
    item: str
    graph: GraphView
    mode: Literal["util", "expl"]
    weights: WeightsParam = Field(
        "calibrated", description="logic edges weigh by the LLM's weight or the calibrated one (both in provenance)"
    )
    score: ScoreOut | None
    note: str | None = None
    graph_parts: GraphParts
    path_counts: dict[str, int]
    paths: list[PathOut]


class PairRoleOut(_Out):
    role: str
    role_name: str
    score: float = Field(description="affinity(A) · affinity(B)")
    affinity: tuple[float, float]
    paths: tuple[list[EdgeOut], list[EdgeOut]]
    sentence: str


class PairOut(BaseModel):
    items: tuple[str, str]
    graph: GraphView
    roles: list[PairRoleOut]


# ----------------------------------------------------------------- recommendation, users
class RecommendedItem(BaseModel):
    item: str
    score: float
    raw: float
    tag0: float
    tag1: float


class RecommendOut(BaseModel):
    user: str
    mode: Literal["util", "expl"]
    model: str
    run_id: str
    items: list[RecommendedItem]


class RoleOut(BaseModel):
    key: str
    name: str | None
    p: float | None
    rank: int | None
    run: str | None


class UserRolesOut(BaseModel):
    user: str
    interactions: int
    T0: list[RoleOut]
    T1: list[RoleOut]


# ----------------------------------------------------------------- tags, items
class TagHitOut(_Out):
    key: str
    name: str
    is_user_tag: bool
    is_item_tag: bool
    score: float


class TagSearchOut(BaseModel):
    query: str
    tags: list[TagHitOut]


class LogicOut(BaseModel):
    type: str
    key: str
    name: str | None
    weight: float
    run: str | None
    model: str | None
    prompt_version: str | None
    rationale: str | None


class CoverOut(BaseModel):
    kind: str
    since: str | None
    until: str | None


class AliasOut(BaseModel):
    key: str
    kind: str | None = Field(
        default=None, description="the vocabulary the merge was made in: 'user' (roles) or 'item' (topics)"
    )
    score: float | None
    run: str | None


class TagOut(BaseModel):
    key: str
    name: str | None
    is_user_tag: bool
    is_item_tag: bool
    first_seen: str | None
    last_seen: str | None
    item_count: int | None
    graph: GraphView
    out: list[LogicOut]
    into: list[LogicOut]
    cover: list[CoverOut]
    aliases: list[AliasOut]
    alias_of: list[AliasOut]


class ItemTagOut(BaseModel):
    key: str
    name: str | None
    p: float | None
    rank: int | None
    source: str | None
    run: str | None


class ItemOut(BaseModel):
    id: str
    title: str | None
    text: str | None
    source: str | None
    first_seen: str | None
    roles: list[ItemTagOut]
    topics: list[ItemTagOut]


#: the item properties the system owns, refused as attribute names (graph.model.ITEM_SYSTEM_PROPERTIES)
_ITEM_RESERVED = sorted(ITEM_SYSTEM_PROPERTIES)


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id
    title: Annotated[str, StringConstraints(max_length=1000, pattern=NO_NUL)]
    text: Text = ""
    attrs: dict[Annotated[str, StringConstraints(pattern=ATTR_NAME)], AttrValue] = Field(
        default_factory=dict,
        max_length=50,
        json_schema_extra={"additionalProperties": False, "propertyNames": {"not": {"enum": [*_ITEM_RESERVED]}}},
        description=f"extra scalar properties (names reserved: {', '.join(_ITEM_RESERVED)})",
    )

    @field_validator("attrs")
    @classmethod
    def _not_reserved(cls, attrs: dict[str, object]) -> dict[str, object]:
        taken = sorted(ITEM_SYSTEM_PROPERTIES.intersection(attrs))
        if taken:
            reserved = ", ".join(_ITEM_RESERVED)
            raise ValueError(
                f"attrs: property name {taken[0]!r} is reserved (the system sets it; reserved: {reserved})"
            )
        return attrs


class ItemsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[ItemIn] = Field(min_length=1, max_length=1000)


class InteractionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: Id
    item: Id
    ts: int = Field(ge=0, le=2**63 - 1, description="seconds since the epoch")
    rating: float | None = Field(None, allow_inf_nan=False, ge=-1e9, le=1e9)


class InteractionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interactions: list[InteractionIn] = Field(min_length=1, max_length=10_000)


class Written(BaseModel):
    written: int


# ----------------------------------------------------------------- health
class ReadModelHealth(BaseModel):
    enabled: bool
    loaded: bool = False
    current: bool = Field(False, description="verified against the graph's version within the staleness bound")
    loading: bool = False
    age_s: float | None = None
    load_s: float | None = Field(None, description="seconds the last load took")
    sizes: dict[str, int] = Field(default_factory=dict)
    error: str | None = None
    answers: dict[str, int] = Field(
        default_factory=dict, description="the /explore answer cache: entries, hits and misses since start"
    )


class GraphServerHealth(BaseModel):
    """The embedded database as its supervisor in this process sees it."""

    up: bool
    restarts: int
    down_since: float | None = Field(None, description="Unix time it was found dead, while it is down")
    last_error: str | None = None


class Health(BaseModel):
    status: Literal["ok", "degraded", "down"]
    graph: bool
    graph_backend: str
    graph_server: GraphServerHealth | None = Field(
        None, description="the embedded database's supervisor (absent for an external database)"
    )
    llm: bool
    recommender: str | None
    read_model: ReadModelHealth
