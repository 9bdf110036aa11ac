"""`DirectRoute`: the route class of the hot read operations (/explore, /explain, /recommend).

FastAPI solves an operation's dependencies and validates each query parameter through generic code on every
request; for these operations that cost more CPU than the answer itself (≈ 0.12 ms a request, measured in
process). A `DirectRoute` keeps its operation exactly as declared — the OpenAPI document, the parameters
with their bounds and defaults, the dependencies — and precomputes, when the route is added, how to answer
a well-formed request without that machinery:

- the query is validated in one pass by a pydantic model made from the operation's own query parameters
  (or by the operation's query model, as /explore declares one);
- the caller is checked by `deps.authorize`, the function behind `require_read` (401, 403, 429 and the 422
  for an unknown parameter as before);
- every other dependency is one of `deps`' state readers, called with the request.

A request whose query does not validate, or names a parameter twice, or that comes while the application
overrides dependencies (tests), is handed to FastAPI's own handler, so every validation error is FastAPI's,
in its words. The dependencies a DirectRoute checks are those of its route and router: include its router
without dependencies of its own (`app.create_app` does). An operation whose signature uses anything else (a
parameter taking several values, a header, a body, another dependency, a plain ``def``) is served the
standard way on every request.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any, get_args, get_origin

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError, create_model

from rolegraph.api.deps import SCOPE_CHECKS, STATE_READERS, authorize

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class DirectRoute(APIRoute):
    """An `APIRoute` that answers a request with a valid query without solving its dependencies through
    FastAPI (see the module docstring); anything else goes the standard way."""

    def get_route_handler(self) -> Handler:
        standard = super().get_route_handler()
        endpoint, found, deps = self.dependant.call, _query_model(self.dependant), _dependencies(self.dependant)
        if endpoint is None or not inspect.iscoroutinefunction(endpoint) or found is None or deps is None:
            return standard
        (query, model_param), (scopes, readers) = found, deps
        names = set(query.model_fields) if model_param is None else set()

        async def handler(request: Request) -> Response:
            params = request.query_params
            if len(params) != len(params.multi_items()) or request.app.dependency_overrides:
                return await standard(request)  # a repeated parameter, or overrides: FastAPI's rules apply
            try:
                valid = query.model_validate(
                    {k: v for k, v in params.items() if k in names} if model_param is None else dict(params)
                )
            except ValidationError:
                return await standard(request)
            for scope in scopes:
                await authorize(request, scope)
            kwargs: dict[str, Any] = {name: await read(request) for name, read in readers.items()}
            if model_param is None:
                kwargs |= {name: getattr(valid, name) for name in names}
            else:
                kwargs[model_param] = valid
            response: Response = await endpoint(**kwargs)
            return response

        return handler


def _query_model(dependant: Dependant) -> tuple[type[BaseModel], str | None] | None:
    """The model that validates the operation's query at once, and the name of the endpoint's parameter
    that takes the whole model (None: each field is a parameter of its own name); None when a parameter
    has an alias or takes several values."""
    fields = dependant.query_params
    if len(fields) == 1 and isinstance(fields[0].field_info.annotation, type):
        declared = fields[0].field_info.annotation
        if issubclass(declared, BaseModel):
            return declared, fields[0].name
    for f in fields:
        if (f.field_info.alias or f.name) != f.name or _takes_several(f.field_info.annotation):
            return None
    spec: dict[str, Any] = {f.name: (f.field_info.annotation, f.field_info) for f in fields}
    return create_model(f"Query{dependant.path}".replace("/", "_"), **spec), None


def _takes_several(annotation: Any) -> bool:
    """True when a parameter of this type takes several values (a list, tuple or set, maybe in a union)."""
    if annotation in (list, tuple, set, frozenset) or get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    return any(_takes_several(a) for a in get_args(annotation))


def _dependencies(dependant: Dependant) -> tuple[list[str], dict[str, Callable[[Request], Any]]] | None:
    """The scopes the caller must hold, and the state readers of the endpoint's parameters by name; None
    for any other dependency or parameter, or without a scope check."""
    if any(
        (
            dependant.path_params,
            dependant.header_params,
            dependant.cookie_params,
            dependant.body_params,
            dependant.request_param_name,
            dependant.response_param_name,
            dependant.background_tasks_param_name,
            dependant.security_scopes_param_name,
            dependant.http_connection_param_name,
            dependant.websocket_param_name,
        )
    ):
        return None
    scopes: list[str] = []
    readers: dict[str, Callable[[Request], Any]] = {}
    for sub in dependant.dependencies:
        if sub.call in SCOPE_CHECKS:
            scopes.append(SCOPE_CHECKS[sub.call])
        elif sub.call in STATE_READERS and sub.name is not None:
            readers[sub.name] = sub.call
        else:
            return None
    return (scopes, readers) if scopes else None
