"""``GET /recommend``: top-k items from the trained recommender (503 when none is trained); answered in the
event loop when the recommender answers from memory (its score table), else in a worker thread."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Response
from starlette.concurrency import run_in_threadpool

from rolegraph.api.bodies import recommend_body
from rolegraph.api.deps import ScorerDep, require_read
from rolegraph.api.direct import DirectRoute
from rolegraph.api.problems import responses
from rolegraph.api.schemas import ID_PATTERN, RecommendOut
from rolegraph.errors import ModelNotTrained

router = APIRouter(tags=["recommend"], dependencies=[require_read], route_class=DirectRoute)


@router.get("/recommend", response_model=RecommendOut, responses=responses(401, 403, 404, 422, 429, 503, 504))
async def recommend(
    scorer: ScorerDep,
    user: Annotated[str, Query(min_length=1, max_length=256, pattern=ID_PATTERN)],
    mode: Annotated[
        Literal["util", "expl"], Query(description="util = utility (T0), expl = exploration (T1)")
    ] = "util",
    k: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Response:
    """The ``k`` best items the user has not interacted with, with each score's parts."""
    if scorer is None:
        raise ModelNotTrained("no recommender")
    if not scorer.knows_user(user):
        raise HTTPException(404, "the recommender does not know this user")
    recs = (
        scorer.recommend(user, k, mode) if scorer.tabled else await run_in_threadpool(scorer.recommend, user, k, mode)
    )
    body = recommend_body(user, mode, scorer.name, scorer.run_id, recs)
    return Response(body, media_type="application/json")
