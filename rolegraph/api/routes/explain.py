"""``GET /explain`` (score parts and ranked paths for a user and an item) and ``GET /explain/pair``
(the roles that make two items go together).

/explain answers from the in-memory read model when it is current (`graph.explain.explain_model`: array
operations, rows built for the returned paths only; the model holds both the LLM's and the calibrated
weights of each logic edge), else from the database in a worker thread (the reference: the same answer,
tests/graph/test_explore_matrix.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response
from starlette.concurrency import run_in_threadpool

from rolegraph.api.bodies import explain_body, score_fields
from rolegraph.api.deps import ReadModelDep, ScorerDep, StoreDep, require_read
from rolegraph.api.direct import DirectRoute
from rolegraph.api.explore_service import SOURCE_HEADER
from rolegraph.api.problems import NOT_TRAINED, responses
from rolegraph.api.read_model_cache import serve
from rolegraph.api.schemas import (
    ID_PATTERN,
    VIEW,
    ExplainOut,
    GraphView,
    Id,
    PairOut,
    PairRoleOut,
    WeightsParam,
)
from rolegraph.graph.explain import Explanation, explain_model, explain_rows, pair_roles
from rolegraph.graph.model import Source, Weights
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.scorer import Scorer

router = APIRouter(tags=["explain"], dependencies=[require_read], route_class=DirectRoute)
Mode = Literal["util", "expl"]


def _score(scorer: Scorer | None, user: str, item: str, mode: Mode) -> tuple[dict[str, Any] | None, str | None]:
    """The `ScoreOut` fields of the pair (`bodies.score_fields`), or None and a note saying why not."""
    if scorer is None:
        return None, f"{NOT_TRAINED}; the paths below come from the graph alone"
    if not scorer.knows_user(user) or not scorer.knows_item(item):
        return None, f"the recommender {scorer.name} has not seen this user or item; paths come from the graph alone"
    return score_fields(scorer.score_parts(user, item, mode), scorer.name, scorer.run_id), None


@router.get("/explain", response_model=ExplainOut, responses=responses(401, 403, 404, 422, 429, 503, 504))
async def explain(
    store: StoreDep,
    read_model: ReadModelDep,
    scorer: ScorerDep,
    user: Annotated[str, Query(min_length=1, max_length=256, pattern=ID_PATTERN)],
    item: Annotated[str, Query(min_length=1, max_length=256, pattern=ID_PATTERN)],
    graph: GraphView = "cover",
    mode: Mode = "util",
    limit: Annotated[int, Query(ge=1, le=100, description="paths returned, strongest first")] = 10,
    weights: WeightsParam = "calibrated",
) -> Response:
    """Why ``item`` for ``user``: ŷ_raw, β0·ŷ_tag0, β1·ŷ_tag1 and the paths of the three shapes."""
    source = VIEW[graph]
    model = (await serve(read_model)).model
    u = i = None
    if model is not None:
        u, i = model.user_index(user), model.logic.items.index.get(item)
    if model is None or u is None or i is None:
        # no read model, or a user or item newer than it (cold start): the database knows, or answers 404
        found = await run_in_threadpool(_from_database, store, user, item, source, limit, Weights(weights))
        answered = "database"
    else:
        found = explain_model(model.logic, model.people, u, i, source, limit, Weights(weights))
        answered = "read-model"
    if scorer is None or scorer.tabled:
        score, note = _score(scorer, user, item, mode)
    else:
        score, note = await run_in_threadpool(_score, scorer, user, item, mode)
    body = explain_body(user, item, graph=graph, mode=mode, weights=weights, score=score, note=note, found=found)
    return Response(body, media_type="application/json", headers={SOURCE_HEADER: answered})


def _from_database(
    store: GraphStore, user: str, item: str, source: Source, limit: int, weights: Weights
) -> Explanation:
    """The explanation read through the database (cold start, no read model, or calibrated weights)."""
    if store.user(user) is None:
        raise HTTPException(404, "no such user")
    found = store.item(item)
    if found is None:
        raise HTTPException(404, "no such item")
    return explain_rows(store.explain_paths(user, item, source), source, user, found.get("title"), limit, weights)


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
