"""``GET /recommend``: top-k items from the trained recommender (503 when none is trained); answered in the
event loop when the recommender answers from memory (its score table), else in a worker thread."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from starlette.concurrency import run_in_threadpool

from rolegraph.api.deps import ScorerDep, StoreDep, require_read
from rolegraph.api.problems import responses
from rolegraph.api.schemas import ID_PATTERN, RecommendedItem, RecommendOut
from rolegraph.errors import ModelNotTrained

router = APIRouter(tags=["recommend"], dependencies=[require_read])


@router.get("/recommend", response_model=RecommendOut, responses=responses(401, 403, 404, 422, 429, 503, 504))
async def recommend(
    store: StoreDep,
    scorer: ScorerDep,
    user: Annotated[str, Query(min_length=1, max_length=256, pattern=ID_PATTERN)],
    mode: Annotated[
        Literal["util", "expl"], Query(description="util = utility (T0), expl = exploration (T1)")
    ] = "util",
    k: Annotated[int, Query(ge=1, le=100)] = 10,
) -> RecommendOut:
    """The ``k`` best items the user has not interacted with, with each score's parts."""
    if scorer is None:
        raise ModelNotTrained("no recommender")
    if not scorer.knows_user(user):
        raise HTTPException(404, "the recommender does not know this user")
    recs = (
        scorer.recommend(user, k, mode) if scorer.tabled else await run_in_threadpool(scorer.recommend, user, k, mode)
    )
    items = [
        RecommendedItem(item=r.item_id, score=r.score, raw=r.parts.raw, tag0=r.parts.tag0, tag1=r.parts.tag1)
        for r in recs
    ]
    return RecommendOut(user=user, mode=mode, model=scorer.name, run_id=scorer.run_id, items=items)
