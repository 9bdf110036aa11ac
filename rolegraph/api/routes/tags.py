"""``GET /tags/search`` (semantic, packaged MiniLM) and ``GET /tags/{key}`` (neighbours, cover
membership, aliases)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query

from rolegraph.api.deps import StoreDep, TagIndexDep, require_read
from rolegraph.api.problems import responses
from rolegraph.api.schemas import (
    ID_PATTERN,
    VIEW,
    AliasOut,
    CoverOut,
    GraphView,
    LogicOut,
    TagHitOut,
    TagOut,
    TagSearchOut,
)
from rolegraph.graph.backend import Row

router = APIRouter(tags=["tags"], dependencies=[require_read])


@router.get("/tags/search", response_model=TagSearchOut, responses=responses(401, 403, 422, 429, 503, 504))
def search(
    store: StoreDep,
    index: TagIndexDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="text to match by meaning")],
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    kind: Annotated[Literal["any", "user", "item"], Query(description="roles, topics, or both")] = "any",
) -> TagSearchOut:
    """The tags closest in meaning to ``q`` (cosine similarity of MiniLM embeddings)."""
    hits = index.search(store, q, k, kind)
    return TagSearchOut(query=q, tags=[TagHitOut.model_validate(h) for h in hits])


def _logic(row: Row, key_field: str) -> LogicOut:
    return LogicOut(
        type=row["type"], key=row[key_field], name=row.get("name"), weight=float(row["weight"]), run=row.get("run"),
        model=row.get("model"), prompt_version=row.get("prompt_version"), rationale=row.get("rationale"),
    )  # fmt: skip


def _alias(row: Row, key_field: str) -> AliasOut:
    return AliasOut(key=row[key_field], kind=row.get("kind"), score=row["score"], run=row["run"])


@router.get("/tags/{key:path}", response_model=TagOut, responses=responses(401, 403, 404, 422, 429, 503, 504))
def tag(
    store: StoreDep,
    key: Annotated[str, Path(min_length=1, max_length=60, pattern=ID_PATTERN)],
    graph: GraphView = "cover",
    limit: Annotated[int, Query(ge=1, le=500, description="neighbours returned each way")] = 50,
) -> TagOut:
    """One tag: its logic neighbours in one graph view, cover-set membership and aliases."""
    found = store.tag(key)
    if found is None:
        raise HTTPException(404, "no such tag")
    hood = store.neighbourhood(key, VIEW[graph])
    aliases = store.tag_aliases(key)
    return TagOut(
        key=found["key"],
        name=found.get("name"),
        is_user_tag=bool(found["is_user_tag"]),
        is_item_tag=bool(found["is_item_tag"]),
        first_seen=found.get("first_seen"),
        last_seen=found.get("last_seen"),
        item_count=found.get("item_count"),
        graph=graph,
        out=[_logic(r, "target") for r in hood["out"][:limit]],
        into=[_logic(r, "source_key") for r in hood["in"][:limit]],
        cover=[CoverOut.model_validate(r) for r in store.covers.membership(key)],
        aliases=[_alias(r, "alias") for r in aliases["aliases"]],
        alias_of=[_alias(r, "canonical") for r in aliases["canonical"]],
    )
