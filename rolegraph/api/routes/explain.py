"""``GET /explain`` (score parts and ranked paths for a user and an item) and ``GET /explain/pair``
(the roles that make two items go together)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from rolegraph.api.deps import ScorerDep, StoreDep, require_read
from rolegraph.api.problems import NOT_TRAINED, responses
from rolegraph.api.schemas import (
    ID_PATTERN,
    VIEW,
    ExplainOut,
    GraphParts,
    GraphView,
    Id,
    PairOut,
    PairRoleOut,
    PathOut,
    ScoreOut,
    WeightsParam,
)
from rolegraph.graph.explain import pair_roles, rank_paths, tag_parts
from rolegraph.graph.model import Weights
from rolegraph.recsys.scorer import Scorer

router = APIRouter(tags=["explain"], dependencies=[require_read])
Mode = Literal["util", "expl"]


def _score(scorer: Scorer | None, user: str, item: str, mode: Mode) -> tuple[ScoreOut | None, str | None]:
    if scorer is None:
        return None, f"{NOT_TRAINED}; the paths below come from the graph alone"
    if not scorer.knows_user(user) or not scorer.knows_item(item):
        return None, f"the recommender {scorer.name} has not seen this user or item; paths come from the graph alone"
    p = scorer.score_parts(user, item, mode)
    return ScoreOut(
        total=p.total, raw=p.raw, tag0=p.tag0, tag1=p.tag1, beta0=p.beta0, beta1=p.beta1,
        model=scorer.name, run_id=scorer.run_id,
    ), None  # fmt: skip


@router.get("/explain", response_model=ExplainOut, responses=responses(401, 403, 404, 422, 429, 503, 504))
def explain(
    store: StoreDep,
    scorer: ScorerDep,
    user: Annotated[str, Query(min_length=1, max_length=256, pattern=ID_PATTERN)],
    item: Annotated[str, Query(min_length=1, max_length=256, pattern=ID_PATTERN)],
    graph: GraphView = "cover",
    mode: Mode = "util",
    limit: Annotated[int, Query(ge=1, le=100, description="paths returned, strongest first")] = 10,
    weights: WeightsParam = "calibrated",
) -> ExplainOut:
    """Why ``item`` for ``user``: ŷ_raw, β0·ŷ_tag0, β1·ŷ_tag1 and the paths of the three shapes."""
    if store.user(user) is None:
        raise HTTPException(404, "no such user")
    found = store.item(item)
    if found is None:
        raise HTTPException(404, "no such item")
    source = VIEW[graph]
    rows = store.explain_paths(user, item, source)
    ranked = rank_paths(rows, source, user, found.get("title"), Weights(weights))
    tag0, tag1 = tag_parts(rows["direct"], source)
    score, note = _score(scorer, user, item, mode)
    counts = Counter[str](p.shape for p in ranked)
    return ExplainOut(
        user=user,
        item=item,
        graph=graph,
        mode=mode,
        weights=weights,
        score=score,
        note=note,
        graph_parts=GraphParts(tag0=tag0, tag1=tag1),
        path_counts={s: counts.get(s, 0) for s in ("direct", "via_topic", "via_topic_role")},
        paths=[PathOut.model_validate(p) for p in ranked[:limit]],
    )


@router.get("/explain/pair", response_model=PairOut, responses=responses(401, 403, 404, 422, 429, 503, 504))
def explain_pair(
    store: StoreDep,
    item: Annotated[list[Id], Query(min_length=2, max_length=2, description="the two item ids")],
    graph: GraphView = "cover",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> PairOut:
    """The roles related to both items (directly or through a topic they want), strongest first."""
    a, b = item
    found = [store.item(a), store.item(b)]
    if found[0] is None or found[1] is None:
        raise HTTPException(404, "no such item")
    source = VIEW[graph]
    rows = [(store.item_roles(i), store.item_topic_roles(i, source)) for i in (a, b)]
    names = {r["role"]: r["role_name"] for side in rows for part in side for r in part if r.get("role_name")}
    roles = pair_roles(rows[0], rows[1], names, source, (found[0].get("title"), found[1].get("title")))
    return PairOut(items=(a, b), graph=graph, roles=[PairRoleOut.model_validate(r) for r in roles[:limit]])
