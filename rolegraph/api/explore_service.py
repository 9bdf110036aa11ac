"""The /explore service: which source answers a query, the answers kept per read model, and the answer.

`ExploreService.answer` takes a validated `ExploreParams` and returns the encoded `ExploreOut`:

- from the in-memory read model when `ReadModelCache.serving` offers one (current within the staleness
  bound, or the last one, marked stale, while the database cannot be reached), computed in the event
  loop (two sparse products, cheaper than a thread hop) and kept in an `AnswerCache` with the model
  that computed it;
- else from the database (`DatabaseReads`, always current), in a worker thread since its calls block.

An answer is a pure function of the model and the query, and a model never changes in place (a load makes
a new one), so a cached answer is exactly as current as the model that computed it. Answers are built as
the fields of an `ExploreOut`, in its field order and with its types, and encoded by pydantic's serializer
without a validation pass on the request path (`to_json` is the validating encoder; the tests check that
every body the service gives equals its own round trip through `ExploreOut`, so the declared response
schema governs every body).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Hashable
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import HTTPException
from pydantic import TypeAdapter
from pydantic_core import to_json as _dump
from starlette.concurrency import run_in_threadpool

from rolegraph.api.read_model_cache import ReadModelCache, serve
from rolegraph.api.schemas import VIEW, ExploreOut, ExploreParams
from rolegraph.graph.explore_reads import DatabaseReads, ExploreReads
from rolegraph.graph.reads import GraphReads

#: response header naming what answered: ``read-model`` (in memory) or ``database``
SOURCE_HEADER = "X-Rolegraph-Source"
#: response header of a read-model answer: ``hit`` when it came from the answer cache, else ``miss``
CACHE_HEADER = "X-Rolegraph-Cache"
#: response header of an answer given while the database could not be reached (the read model's last state)
STALE_HEADER = "X-Rolegraph-Stale"
STALE = "database-unavailable"

_EXPLORE_OUT = TypeAdapter(ExploreOut)


@dataclass(frozen=True)
class Answer:
    """An encoded `ExploreOut`, what answered it, and (read-model answers) whether it was cached."""

    body: bytes
    source: Literal["read-model", "database"]
    cached: bool | None = None
    stale: bool = False

    @property
    def headers(self) -> dict[str, str]:
        """The response headers saying where the answer came from (and that it is stale, when it is)."""
        headers: dict[str, str] = {SOURCE_HEADER: self.source}
        if self.cached is not None:
            headers[CACHE_HEADER] = "hit" if self.cached else "miss"
        if self.stale:
            headers[STALE_HEADER] = STALE
        return headers


class ExploreService:
    """Answers /explore queries over one store and its read model (None: the database answers all)."""

    def __init__(self, store: GraphReads, read_model: ReadModelCache | None, *, answers: int):
        self.database = DatabaseReads(store)
        self.read_model = read_model
        self.answers = AnswerCache(answers)

    async def answer(self, params: ExploreParams) -> Answer:
        """The answer to ``params``; 404 when its user is unknown or none of its tag seeds is a role. While
        the database cannot be reached the last read model answers, marked stale."""
        served = await serve(self.read_model, stale_ok=True)
        model = served.model
        if model is None:
            return Answer(await run_in_threadpool(encode, self.database, params), "database")
        body = self.answers.get(model, params)
        if body is not None:
            return Answer(body, "read-model", cached=True, stale=served.stale)
        body = encode(model, params)
        self.answers.put(model, params, body)
        return Answer(body, "read-model", cached=False, stale=served.stale)


def encode(reads: ExploreReads, params: ExploreParams) -> bytes:
    """The answer to ``params`` read through ``reads``, as `ExploreOut` JSON (the bytes `to_json` gives,
    without its validation pass); 404 when its user is unknown or none of its tag seeds is a role."""
    return dump_json(explore_out(reads, params))


def dump_json(out: dict[str, Any]) -> bytes:
    """The fields of an `ExploreOut` as `explore_out` builds them, encoded by pydantic's serializer without
    validation (the bytes `to_json` gives for them)."""
    return _dump(out)


def to_json(out: dict[str, Any]) -> bytes:
    """The fields of an `ExploreOut`, validated by it and encoded by its serializer (the reference that
    `encode`'s bodies are checked against)."""
    return _EXPLORE_OUT.dump_json(_EXPLORE_OUT.validate_python(out))


def explore_out(reads: ExploreReads, params: ExploreParams) -> dict[str, Any]:
    """The exploration ``params`` asks for, read through ``reads``, as the fields of an `ExploreOut`;
    404 when its user is unknown, or when no tag seed that carries weight is a role. Tag seeds that are
    not roles are left out of T(0) and listed in ``unknown_seeds``."""
    seeds: dict[str, float] = params.tag_seeds
    unknown: list[str] = []
    seen: Collection[str] = frozenset()
    if params.user is not None:
        found = reads.user_context(params.user)
        if found is None:
            raise HTTPException(404, "no such user")
        seeds, seen = found
    else:
        seeds, unknown = known_seeds(reads, seeds)
    out: dict[str, Any] = {"graph": params.graph, "user": params.user, "seeds": [], "unknown_seeds": unknown}
    out |= {"topics": [], "roles": [], "chains": [], "candidates": []}
    if not seeds:
        return out
    source = VIEW[params.graph]
    e = reads.explore(seeds, source, delta=params.delta, branch=params.branch, k=params.k, chains=params.chains)
    found_items = reads.candidates(e.roles, source, params.candidates, seen) if params.candidates else []
    out["seeds"] = [{"key": t, "weight": w} for t, w in sorted(e.seeds.items(), key=lambda kv: (-kv[1], kv[0]))]
    out["topics"] = [{"key": t, "weight": w} for t, w in e.topics.items()]
    out["roles"] = [{"key": t, "weight": w} for t, w in e.roles.items()]
    out["chains"] = [{"role": t, "topic": c, "new_role": t2, "contribution": w} for t, c, t2, w in e.chains]
    out["candidates"] = [
        {"item": c.item, "title": title, "score": c.score, "roles": c.roles} for c, title in found_items
    ]
    return out


def known_seeds(reads: ExploreReads, seeds: dict[str, float]) -> tuple[dict[str, float], list[str]]:
    """The tag seeds that are roles, and the keys of the others in the order given; 404 naming the others
    when no role among the seeds carries weight (nothing would be explored)."""
    roles = reads.known_roles(seeds)
    unknown = [key for key in seeds if key not in roles]
    known = {key: w for key, w in seeds.items() if key in roles}
    if not any(w > 0 for w in known.values()):
        # the weights are not all zero (`parse_tag_seeds`), so some seed that carries weight is unknown
        detail = "no such role: " + ", ".join(f"'{key}'" for key in unknown)
        raise HTTPException(404, detail + ("; the roles among the seeds carry no weight" if known else ""))
    return known, unknown


class AnswerCache:
    """Encoded answers computed from one read model, at most ``size`` of them (least recently used
    dropped first; 0 keeps none). Asking with another model than the one the entries came from finds
    nothing, and the first answer stored for a new model drops every older one."""

    def __init__(self, size: int):
        self.size = size
        self.hits = 0
        self.misses = 0
        self._model: object | None = None
        self._answers: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, model: object, key: Hashable) -> bytes | None:
        """The answer stored for ``key`` from ``model``, or None."""
        with self._lock:
            body = self._answers.get(key) if model is self._model else None
            if body is None:
                self.misses += 1
            else:
                self.hits += 1
                self._answers.move_to_end(key)
            return body

    def put(self, model: object, key: Hashable, body: bytes) -> None:
        """Stores the answer to ``key`` computed from ``model``."""
        if self.size < 1:
            return
        with self._lock:
            if model is not self._model:
                self._model = model
                self._answers.clear()
            self._answers[key] = body
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)

    def stats(self) -> dict[str, int]:
        """Entries held, hits and misses since start, and the size bound."""
        with self._lock:
            return {"entries": len(self._answers), "hits": self.hits, "misses": self.misses, "size": self.size}
