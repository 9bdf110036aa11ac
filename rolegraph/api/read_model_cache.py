"""The service's in-memory read model for /explore, kept within a bounded staleness.

Rule: a request is answered from the read model (`graph.explore_reads.ReadModel`) only when the model's
version equalled the database's at a check no more than ``staleness_s`` seconds ago; otherwise it is
answered from the database (`DatabaseReads`), which is always current. So an answer lags a write by at
most ``staleness_s`` (0: every request checks, and is answered from memory only when nothing changed).

- The version (a few counters, about 2 ms) is checked by the first request after ``staleness_s / 2``.
- When it differs, or the service itself wrote (`invalidate`, called by POST /items and /interactions),
  or the model is older than ``max_age_s`` (which catches rewrites the version cannot see, such as a
  weight SET again outside a run), one background thread reloads the parts that changed, and requests
  go to the database meanwhile once the bound has passed.
- Each statement of a load has ``statement_s`` seconds; a failed load is logged and retried at the next
  check, and the database keeps answering.
- When a check finds the database unreachable, `serving` may still offer the last model, marked stale,
  to a caller that accepts it (/explore), until a check reaches the database again.

A model never changes in place (a load makes a new one), so what is computed from one model stays exactly
as current as that model (the /explore service keeps its answers per model on that ground).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from rolegraph.errors import GraphUnavailable, RolegraphError
from rolegraph.graph.backend import deadline
from rolegraph.graph.explore_reads import ReadModel, Version, load_read_model, read_version
from rolegraph.graph.reads import GraphReads

log = logging.getLogger("rolegraph.api.read_model_cache")

PARTS = frozenset({"logic", "users", "seen"})


@dataclass(frozen=True)
class Served:
    """The model a request may use (None: ask the database), and whether it is stale: the database was
    unreachable at the last check, so the model may lag it by more than the staleness bound."""

    model: ReadModel | None
    stale: bool = False


@dataclass(frozen=True)
class ReadModelState:
    """What /health shows: whether a model is loaded, serving, its version and age, the last error."""

    loaded: bool
    current: bool
    loading: bool
    age_s: float | None
    load_s: float | None
    sizes: dict[str, int]
    error: str | None


class ReadModelCache:
    """Holds the current `ReadModel` of one store and decides when a request may use it."""

    def __init__(self, store: GraphReads, *, staleness_s: float, max_age_s: float, statement_s: float):
        self.store = store
        self.staleness_s = staleness_s
        self.max_age_s = max_age_s
        self.statement_s = statement_s
        self._model: ReadModel | None = None
        self._built_at = -math.inf
        self._verified_at = -math.inf  # monotonic time of the last check that found the model current
        self._checked_at = -math.inf
        self._down = False  # the last version check could not reach the database
        self._dirty: set[str] = set()  # parts the service itself changed since the last load began
        self._generation = 0  # bumped by every invalidate()
        self._loading = False
        self._load_s: float | None = None
        self._error: str | None = None
        self._lock = threading.Lock()  # guards the fields above; never held during database calls
        self._check = threading.Lock()  # one version check at a time

    @property
    def model(self) -> ReadModel | None:
        """The last model loaded, current or not (use `current` to answer requests)."""
        return self._model

    # ----------------------------------------------------------------- requests
    def check_due(self) -> bool:
        """True when the next `current` call will check the version (a database call)."""
        return time.monotonic() - self._checked_at >= self.staleness_s / 2

    def current(self) -> ReadModel | None:
        """The read model when it is current within the staleness bound, else None (ask the database).
        May run the version check (under the caller's deadline) and start a background load."""
        now = time.monotonic()
        just_verified = False
        if now - self._checked_at >= self.staleness_s / 2 and self._check.acquire(blocking=False):
            try:
                just_verified = self._check_version(now)
            finally:
                self._check.release()
        model = self._model
        if model is not None and (just_verified or time.monotonic() - self._verified_at <= self.staleness_s):
            return model
        return None

    def serving(self, *, stale_ok: bool = False) -> Served:
        """`current`, and with ``stale_ok`` the last model marked stale when the database cannot be reached
        (instead of None, or the `GraphUnavailable` of the check)."""
        try:
            model = self.current()
        except GraphUnavailable:
            if not stale_ok or self._model is None:
                raise
            return Served(self._model, stale=True)
        if stale_ok and self._down and self._model is not None:
            return Served(self._model, stale=True)
        return Served(model)

    def invalidate(self, *parts: str) -> None:
        """The service changed these parts of the graph: stop answering from the model until a load that
        began after this call has finished."""
        with self._lock:
            self._dirty |= set(parts) & PARTS
            self._generation += 1
            self._verified_at = -math.inf
            self._checked_at = -math.inf

    def start(self) -> None:
        """Starts the first load in the background (the service answers from the database meanwhile)."""
        self._start_load()

    def wait(self, timeout_s: float) -> bool:
        """Waits until no load is under way and a model is loaded; True when one is (tests, benchmarks)."""
        until = time.monotonic() + timeout_s
        while time.monotonic() < until:
            with self._lock:
                if not self._loading and self._model is not None:
                    return True
            time.sleep(0.01)
        return False

    def state(self) -> ReadModelState:
        model, now = self._model, time.monotonic()
        return ReadModelState(
            loaded=model is not None,
            current=model is not None and now - self._verified_at <= max(self.staleness_s, 0.0),
            loading=self._loading,
            age_s=None if model is None else round(now - self._built_at, 3),
            load_s=self._load_s,
            sizes=model.sizes() if model is not None else {},
            error=self._error,
        )

    # ----------------------------------------------------------------- checks and loads
    def _check_version(self, started: float) -> bool:
        """Reads the version; True when the model is current, else starts a load. Database errors other
        than the caller's deadline are left to the caller (the database path would meet them too)."""
        self._checked_at = started
        model = self._model
        if model is None:
            self._start_load()
            return False
        with self._lock:
            dirty = bool(self._dirty)
            generation = self._generation
        try:
            version = read_version(self.store)
        except GraphUnavailable:
            self._down = True
            raise
        self._down = False
        old = time.monotonic() - self._built_at > self.max_age_s
        if version == model.version and not dirty and not old:
            with self._lock:
                if generation == self._generation:
                    self._verified_at = started
                    return True
            return False
        self._start_load()
        return False

    def _start_load(self) -> None:
        with self._lock:
            if self._loading:
                return
            self._loading = True
        threading.Thread(target=self._load, name="rolegraph-read-model", daemon=True).start()

    def _load(self) -> None:
        started = time.monotonic()
        with self._lock:
            dirty, self._dirty = self._dirty, set()
            generation = self._generation
        try:
            previous = self._model
            if previous is not None and time.monotonic() - self._built_at > self.max_age_s:
                previous = None
            with deadline(self.statement_s * 4):
                version = read_version(self.store)
            keep = _without(previous, dirty)
            model = load_read_model(self.store, version, keep, statement_s=self.statement_s)
            # A large graph loads for minutes: when nothing was written meanwhile the model is current as
            # of now, not only as of the load's start (else the requests during the first check after it
            # would all go to the database).
            checked = time.monotonic()
            with deadline(self.statement_s * 4):
                unchanged = read_version(self.store) == version
        except RolegraphError as e:
            log.warning("read model not loaded (the database answers meanwhile): %s", e)
            with self._lock:
                self._error = str(e)
                self._dirty |= dirty
                self._loading = False
            return
        with self._lock:
            self._model = model
            if previous is None:
                self._built_at = started
            self._load_s = round(time.monotonic() - started, 3)
            self._error = None
            if generation == self._generation:
                self._verified_at = checked if unchanged else started
                if unchanged:
                    self._checked_at = checked
            self._loading = False
        log.info("read model loaded in %.2f s: %s", self._load_s, model.sizes())


def _without(model: ReadModel | None, parts: set[str]) -> ReadModel | None:
    """``model`` with the version of each of ``parts`` blanked, so the loader reloads those parts."""
    if model is None or not parts:
        return model
    v = model.version
    blank: tuple[object, ...] = ("reload",)
    version = Version(
        logic=blank if "logic" in parts else v.logic,
        users=blank if "users" in parts else v.users,
        seen=blank if "seen" in parts else v.seen,
    )
    return ReadModel(version, model.logic, model.people)


async def serve(cache: ReadModelCache | None, *, stale_ok: bool = False) -> Served:
    """`ReadModelCache.serving` for a request: a due version check (a database call) runs in a worker
    thread, under the request's deadline; without a due check no thread hop is paid."""
    if cache is None:
        return Served(None)
    if cache.check_due():
        return await run_in_threadpool(lambda: cache.serving(stale_ok=stale_ok))
    return cache.serving(stale_ok=stale_ok)
