"""``GET /items/{id}``, and ``POST /items`` / ``POST /interactions`` (write scope): new data stored for
the next daily run through the store's validated, idempotent writes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from rolegraph.api.deps import ReadModelDep, StoreDep, require_read, require_write
from rolegraph.api.problems import responses
from rolegraph.api.read_model_cache import ReadModelCache
from rolegraph.api.schemas import ID_PATTERN, InteractionsIn, ItemOut, ItemsIn, ItemTagOut, Written
from rolegraph.graph.model import InteractionRecord, ItemRecord

router = APIRouter(tags=["items"])


@router.get(
    "/items/{item_id:path}",
    response_model=ItemOut,
    dependencies=[require_read],
    responses=responses(401, 403, 404, 422, 429, 503, 504),
)
def item(store: StoreDep, item_id: Annotated[str, Path(min_length=1, max_length=256, pattern=ID_PATTERN)]) -> ItemOut:
    """One item with its roles (HAS_USER_TAG) and topics (HAS_ITEM_TAG) of every source."""
    found = store.item(item_id)
    if found is None:
        raise HTTPException(404, "no such item")
    tags = store.item_tags(item_id)
    by_type = {
        t: [ItemTagOut.model_validate(r) for r in tags if r["type"] == t] for t in ("HAS_USER_TAG", "HAS_ITEM_TAG")
    }
    return ItemOut(**found, roles=by_type["HAS_USER_TAG"], topics=by_type["HAS_ITEM_TAG"])


@router.post(
    "/items",
    response_model=Written,
    dependencies=[require_write],
    responses=responses(400, 401, 403, 413, 422, 429, 503, 504),
)
def add_items(store: StoreDep, read_model: ReadModelDep, body: ItemsIn) -> Written:
    """Upserts items by id (source ``api``, first seen today); the next daily run tags them."""
    today = datetime.now(UTC).date().isoformat()
    records = [ItemRecord(i.id, i.title, i.text, "api", today, dict(i.attrs)) for i in body.items]
    try:
        return Written(written=store.upsert_items(records))
    finally:
        _changed(read_model, "logic")


@router.post(
    "/interactions",
    response_model=Written,
    dependencies=[require_write],
    responses=responses(400, 401, 403, 413, 422, 429, 503, 504),
)
def add_interactions(store: StoreDep, read_model: ReadModelDep, body: InteractionsIn) -> Written:
    """Upserts interactions keyed by (user, item, ts); every item must exist (422 names the missing)."""
    ids = {e.item for e in body.interactions}
    missing = sorted(ids - store.existing_item_ids(ids))
    if missing:
        shown = ", ".join(repr(m[:40]) for m in missing[:10])
        raise HTTPException(422, f"{len(missing)} unknown items: {shown} — POST them to /items first")
    records = [InteractionRecord(e.user, e.item, e.ts, e.rating) for e in body.interactions]
    try:
        return Written(written=store.upsert_interactions(records))
    finally:
        _changed(read_model, "users", "seen")


def _changed(read_model: ReadModelCache | None, *parts: str) -> None:
    """Tells the read model that this service wrote (even a failed batch may have written some rows)."""
    if read_model is not None:
        read_model.invalidate(*parts)
