"""``GET /explore``: two-hop exploration from a user's T0 roles or from given tags (DESIGN.md)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from rolegraph.api.deps import explore_reads, require_read
from rolegraph.api.problems import responses
from rolegraph.api.schemas import ID_PATTERN, ExploreOut, GraphView
from rolegraph.errors import InvalidInput
from rolegraph.graph import validate as v
from rolegraph.graph.explore import explore_over
from rolegraph.graph.explore_reads import DatabaseReads, ExploreReads
from rolegraph.graph.model import Source

router = APIRouter(tags=["explore"], dependencies=[require_read])

VIEW = {"cover": Source.DISTILLED, "full": Source.LLM}
MAX_SEEDS = 50
#: response header naming what answered: ``read-model`` (in memory) or ``database``
SOURCE_HEADER = "X-Rolegraph-Source"
#: response header of a read-model answer: ``hit`` when it came from the answer cache, else ``miss``
CACHE_HEADER = "X-Rolegraph-Cache"


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
async def explore_route(
    request: Request,
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
) -> Response:
    """T(0) → C(1) → T(1) with weights, the chains t → c → t', and candidate items for T(1)."""
    if (user is None) == (tags is None):
        raise HTTPException(422, "give either user or tags")
    if weights is not None and tags is None:
        raise HTTPException(422, "weights go with tags")
    seeds = tag_seeds(tags, weights) if tags is not None else None
    ask = Ask(user, seeds, graph, k, delta, branch, candidates, chains)
    reads = await explore_reads(request)
    if isinstance(reads, DatabaseReads):  # blocking database calls: off the event loop
        body = _encode(await run_in_threadpool(answer, reads, ask))
        return Response(body, media_type="application/json", headers={SOURCE_HEADER: "database"})
    # memory only: about a millisecond of arithmetic, cheaper here than a thread hop; the answer is a
    # pure function of this model and the request, so it is kept with the model (see api.read_model_cache)
    answers = request.app.state.read_model.answers
    key = ask.key()
    body = answers.get(reads, key)
    hit = body is not None
    if body is None:
        body = _encode(answer(reads, ask))
        answers.put(reads, key, body)
    headers = {SOURCE_HEADER: "read-model", CACHE_HEADER: "hit" if hit else "miss"}
    return Response(body, media_type="application/json", headers=headers)


def _encode(out: dict[str, Any]) -> bytes:
    return json.dumps(out, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Ask:
    """One validated /explore request."""

    user: str | None
    seeds: dict[str, float] | None
    graph: GraphView
    k: int
    delta: float
    branch: int
    candidates: int
    chains: int

    def key(self) -> tuple[object, ...]:
        """The request as a hashable key (equal keys ask for the same answer)."""
        seeds = None if self.seeds is None else tuple(sorted(self.seeds.items()))
        return (self.user, seeds, self.graph, self.k, self.delta, self.branch, self.candidates, self.chains)


def answer(reads: ExploreReads, ask: Ask) -> dict[str, Any]:
    """The exploration ``ask`` wants, read through ``reads`` (404 for an unknown user), as the plain
    data of an `ExploreOut` (encoded directly: validating a hundred chains again would cost more than
    computing them)."""
    seen: Iterable[str] = ()
    if ask.user is not None:
        seeds, seen = user_seeds(reads, ask.user)
    else:
        seeds = ask.seeds or {}
    out: dict[str, Any] = {"graph": ask.graph, "user": ask.user, "seeds": [], "topics": [], "roles": []}
    out |= {"chains": [], "candidates": []}
    if not seeds:
        return out
    source = VIEW[ask.graph]
    e = explore_over(reads.hop(source), seeds, delta=ask.delta, branch=ask.branch, k=ask.k, chains=ask.chains)
    found = reads.candidates(e.roles, source, ask.candidates, seen) if ask.candidates else []
    out["seeds"] = [{"key": t, "weight": w} for t, w in sorted(e.seeds.items(), key=lambda kv: (-kv[1], kv[0]))]
    out["topics"] = [{"key": t, "weight": w} for t, w in e.topics.items()]
    out["roles"] = [{"key": t, "weight": w} for t, w in e.roles.items()]
    out["chains"] = [{"role": t, "topic": c, "new_role": t2, "contribution": w} for t, c, t2, w in e.chains]
    out["candidates"] = [{"item": c.item, "title": title, "score": c.score, "roles": c.roles} for c, title in found]
    return out
