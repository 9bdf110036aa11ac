"""``GET /explore``: two-hop exploration from a user's T0 roles or from given tags (docs/design.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from rolegraph.api.deps import ExplorerDep, require_read
from rolegraph.api.direct import DirectRoute
from rolegraph.api.problems import responses
from rolegraph.api.schemas import ExploreOut, ExploreParams

router = APIRouter(tags=["explore"], dependencies=[require_read], route_class=DirectRoute)


@router.get("/explore", response_model=ExploreOut, responses=responses(401, 403, 404, 422, 429, 503, 504))
async def explore_route(params: Annotated[ExploreParams, Query()], explorer: ExplorerDep) -> Response:
    """T(0) → C(1) → T(1) with weights, the chains t → c → t', and candidate items for T(1)."""
    answer = await explorer.answer(params)
    return Response(answer.body, media_type="application/json", headers=answer.headers)
