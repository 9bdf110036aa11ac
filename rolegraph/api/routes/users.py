"""``GET /users/{id}/roles``: a user's inferred roles, T0 (utility) and T1 (exploration)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from rolegraph.api.deps import StoreDep, require_read
from rolegraph.api.problems import responses
from rolegraph.api.schemas import ID_PATTERN, RoleOut, UserRolesOut

router = APIRouter(tags=["users"], dependencies=[require_read])


@router.get(
    "/users/{user_id:path}/roles", response_model=UserRolesOut, responses=responses(401, 403, 404, 422, 429, 503, 504)
)
def user_roles(
    store: StoreDep, user_id: Annotated[str, Path(min_length=1, max_length=256, pattern=ID_PATTERN)]
) -> UserRolesOut:
    """The user's roles by rank in each set, with probability and the run that inferred them."""
    found = store.user(user_id)
    if found is None:
        raise HTTPException(404, "no such user")
    sets = {s: [RoleOut.model_validate(r) for r in store.user_roles(user_id, s)] for s in ("T0", "T1")}
    return UserRolesOut(user=user_id, interactions=int(found["interactions"]), T0=sets["T0"], T1=sets["T1"])
