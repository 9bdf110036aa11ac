"""Errors as ``application/problem+json`` (RFC 9457): status, title, a plain detail — never a stack
trace, a Cypher statement or a server path. Unexpected errors are logged and answered with 500."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from rolegraph.errors import GraphUnavailable, InvalidInput, ModelNotTrained, RolegraphError
from rolegraph.graph.backend import QueryTimeout

log = logging.getLogger("rolegraph.api")
MEDIA_TYPE = "application/problem+json"
NOT_TRAINED = "no recommender is trained — run `rolegraph train` first"


class Problem(BaseModel):
    """An error: HTTP status, its title and what went wrong; ``errors`` lists invalid fields."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


def problem_bytes(status: int, detail: str, errors: list[dict[str, Any]] | None = None) -> bytes:
    """The JSON body of a problem."""
    body = Problem(title=HTTPStatus(status).phrase, status=status, detail=detail, errors=errors)
    return json.dumps(body.model_dump(exclude_none=True)).encode()


def problem(
    status: int, detail: str, headers: dict[str, str] | None = None, errors: list[dict[str, Any]] | None = None
) -> JSONResponse:
    """A problem response."""
    content = Problem(title=HTTPStatus(status).phrase, status=status, detail=detail, errors=errors)
    return JSONResponse(content.model_dump(exclude_none=True), status, headers=headers, media_type=MEDIA_TYPE)


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses an operation may give."""
    schema = {"$ref": "#/components/schemas/Problem"}
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {"description": HTTPStatus(code).phrase, "content": {MEDIA_TYPE: {"schema": schema}}}
        if code == 429:
            entry["headers"] = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "string"}}}
        out[code] = entry
    return out


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # loc and message only: the rejected input itself may be huge or hostile
    return [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()[:20]]


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return problem(exc.status_code, detail, dict(exc.headers or {}))


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # a rule of our own (a cross-field check) says what is wrong in words written for the caller
    own = [str(e["ctx"]["error"]) for e in exc.errors() if e.get("type") == "value_error" and "ctx" in e]
    return problem(422, own[0][:500] if own else "the request is not valid", errors=_validation_errors(exc))


async def _rolegraph(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, InvalidInput):
        return problem(422, str(exc)[:500])
    if isinstance(exc, QueryTimeout):
        budget = request.app.state.settings.api_query_timeout_s
        return problem(504, f"the graph did not answer within {budget:g} s; the query was cancelled")
    if isinstance(exc, GraphUnavailable):
        log.error("graph unavailable: %s", exc)
        return problem(503, "the graph database is unavailable", {"Retry-After": "5"})
    if isinstance(exc, ModelNotTrained):
        return problem(503, NOT_TRAINED)
    log.exception("request failed: %s", request.url.path, exc_info=exc)
    return problem(500, "internal error")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("request failed: %s", request.url.path, exc_info=exc)
    return problem(500, "internal error")


def install(app: FastAPI) -> None:
    """Registers the problem handlers on ``app``."""
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(RolegraphError, _rolegraph)
    app.add_exception_handler(Exception, _unexpected)
