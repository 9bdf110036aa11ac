"""``GET /explore``: two-hop exploration from a user's T0 roles or from given tags (DESIGN.md)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response

from api.deps import explore_reads, require_read
from api.problems import responses
from api.schemas import ID_PATTERN, Candidate, ChainOut, ExploreOut, GraphView, WeightedTag
from graph import validate as v
from graph.explore import explore_over
from graph.model import Source
from graph.readmodel import DatabaseReads, ExploreReads
from rolegraph.errors import InvalidInput

router = APIRouter(tags=["explore"], dependencies=[require_read])

VIEW = {"cover": Source.DISTILLED, "full": Source.LLM}
MAX_SEEDS = 50
#: response header naming what answered: ``read-model`` (in memory) or ``database``
SOURCE_HEADER = "X-Rolegraph-Source"


def user_seeds(reads: ExploreReads, user: str) -> tuple[dict[str, float], Iterable[str]]:
    """A user's T0 roles with positive weight, and the items the user interacted with; 404 when unknown."""
    found = reads.user_context(v.check_id(user, "user id"))
    if found is None:
        raise HTTPException(404, "no such user")
    return found


def tag_seeds(tags: str, weights: str | None) -> dict[str, float]:
    """Seeds from comma-separated keys and optional weights (equal weights when none are given)."""
    keys = [v.check_tag_key(k.strip()) for k in tags.split(",")]
    if len(keys) > MAX_SEEDS:
        raise InvalidInput(f"at most {MAX_SEEDS} tags")
    if len(set(keys)) != len(keys):
        raise InvalidInput("tags repeat a key")
    if weights is None:
        return dict.fromkeys(keys, 1.0)
    try:
        values = [float(w) for w in weights.split(",")]
    except ValueError:
        raise InvalidInput("weights must be comma-separated numbers") from None
    if len(values) != len(keys):
        raise InvalidInput(f"{len(keys)} tags but {len(values)} weights")
    if any(not math.isfinite(w) or w < 0 for w in values) or sum(values) <= 0:
        raise InvalidInput("weights must be finite, non-negative and not all zero")
    return dict(zip(keys, values, strict=True))


@router.get("/explore", response_model=ExploreOut, responses=responses(401, 403, 404, 422, 429, 503, 504))
def explore_route(
    request: Request,
    response: Response,
    user: Annotated[
        str | None,
        Query(min_length=1, max_length=256, pattern=ID_PATTERN, description="seed from this user's T0 roles"),
    ] = None,
    tags: Annotated[
        str | None, Query(min_length=1, max_length=MAX_SEEDS * 61, description="comma-separated tag keys")
    ] = None,
    weights: Annotated[str | None, Query(min_length=1, max_length=MAX_SEEDS * 32, description="one per tag")] = None,
    graph: Annotated[GraphView, Query(description="cover = G* (distilled), full = G (llm)")] = "cover",
    k: Annotated[int, Query(ge=1, le=100, description="size of T(1)")] = 10,
    delta: Annotated[float, Query(ge=0, lt=1, allow_inf_nan=False, description="keep topics with w_c > δ")] = 0.0,
    branch: Annotated[int, Query(ge=1, le=100, description="top-b topics kept in C(1)")] = 20,
    candidates: Annotated[int, Query(ge=0, le=100, description="candidate items returned")] = 20,
    chains: Annotated[int, Query(ge=0, le=1000, description="chains returned, strongest first")] = 100,
) -> ExploreOut:
    """T(0) → C(1) → T(1) with weights, the chains t → c → t', and candidate items for T(1)."""
    if (user is None) == (tags is None):
        raise HTTPException(422, "give either user or tags")
    if weights is not None and tags is None:
        raise HTTPException(422, "weights go with tags")
    reads = explore_reads(request)
    response.headers[SOURCE_HEADER] = "database" if isinstance(reads, DatabaseReads) else "read-model"
    seeds, seen = user_seeds(reads, user) if user is not None else (tag_seeds(tags or "", weights), ())
    out = ExploreOut(graph=graph, user=user, seeds=[], topics=[], roles=[], chains=[], candidates=[])
    if not seeds:
        return out
    source = VIEW[graph]
    e = explore_over(reads.hop(source), seeds, delta=delta, branch=branch, k=k)
    out.seeds = [WeightedTag(key=t, weight=w) for t, w in sorted(e.seeds.items(), key=lambda kv: (-kv[1], kv[0]))]
    out.topics = [WeightedTag(key=t, weight=w) for t, w in e.topics.items()]
    out.roles = [WeightedTag(key=t, weight=w) for t, w in e.roles.items()]
    out.chains = [ChainOut.model_validate(c) for c in e.chains[:chains]]
    if candidates:
        found = reads.candidates(e.roles, source, candidates, seen)
        out.candidates = [Candidate(item=c.item, title=title, score=c.score, roles=c.roles) for c, title in found]
    return out
