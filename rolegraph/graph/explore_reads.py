"""What exploration reads, from the database or from an in-memory read model of it.

`ExploreReads` is what /explore needs: a user's T0 roles and items (`UserContext`), the logic hops of a
graph view, and the items that carry given roles. Two implementations answer it with the same numbers:

- `DatabaseReads` runs named statements per request (always current, about 30 ms of database work);
- `ReadModel` is a read-only, in-memory copy of the same data (dicts of edge lists), loaded with
  keyset-paged statements (`cypher/readmodel.cypher`) and tagged with the graph's `Version`, so the
  service can tell when it is out of date. The math stays in `graph.explore` for both.

A `Version` is cheap to read (counters and a summary of the runs, a few milliseconds) and has one part
per piece of the model: `logic` (tags, U2I/I2U edges of both views, items and their roles), `users`
(users and their T0 roles) and `seen` (interactions), so a new interaction leaves the logic as it was
(users and their interactions are read together; a part whose version is unchanged keeps its old copy).
It notices every node or edge added or removed and every run started or finished; a property SET again
on an existing edge outside a run (a weight rewritten by hand) does not change it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from rolegraph.graph.backend import Row, deadline
from rolegraph.graph.explore import Candidate, Edge, Hop, RoleItems, rank_candidates, view_p
from rolegraph.graph.model import LogicKind, Source
from rolegraph.graph.reads import GraphReads
from rolegraph.graph.statements import Stmt

_REL_COUNTS = {
    "U2I": Stmt.COUNT_U2I,
    "I2U": Stmt.COUNT_I2U,
    "HAS_USER_TAG": Stmt.COUNT_HAS_USER_TAG,
    "HAS_ROLE": Stmt.COUNT_HAS_ROLE,
    "INTERACTED": Stmt.COUNT_INTERACTED,
}


_LOGIC_RELS = ("U2I", "I2U", "HAS_USER_TAG")


class UserContext(NamedTuple):
    """What exploring from a user starts from: the T0 roles with positive p (the seeds, key -> p) and the
    ids of the items the user interacted with (left out of the candidates)."""

    roles: dict[str, float]
    seen: frozenset[str]


class ExploreReads(Protocol):
    """The reads of one /explore request."""

    def user_context(self, user_id: str) -> UserContext | None:
        """The user's seeds and seen items; None when the user is unknown."""
        ...

    def hop(self, source: Source) -> Hop:
        """The logic hops of one graph view."""
        ...

    def candidates(
        self, roles: Mapping[str, float], source: Source, limit: int, exclude: Iterable[str]
    ) -> list[tuple[Candidate, str | None]]:
        """`graph.explore.rank_candidates` over the items carrying ``roles``, with each item's title."""
        ...


def _by_source(pairs: Iterable[Sequence[Any]]) -> dict[str, float]:
    """{source: largest p} of an item's edges to one role, from [source, p] pairs (nulls skipped)."""
    out: dict[str, float] = {}
    for source, p in pairs:
        if source is not None and p is not None:
            out[source] = max(float(p), out.get(source, float("-inf")))
    return out


def _context(row: Row) -> UserContext:
    """A `users_context` row as a `UserContext`."""
    return UserContext({key: float(p) for key, p in row["roles"]}, frozenset(row["seen"]))


class DatabaseReads:
    """`ExploreReads` answered by the database, statement by statement."""

    def __init__(self, store: GraphReads):
        self.store = store

    def user_context(self, user_id: str) -> UserContext | None:
        rows = self.store.read(Stmt.USERS_CONTEXT, ids=[user_id])
        return _context(rows[0]) if rows else None

    def hop(self, source: Source) -> Hop:
        return lambda kind, keys: self.store.logic_hop(kind, keys, source)

    def candidates(
        self, roles: Mapping[str, float], source: Source, limit: int, exclude: Iterable[str]
    ) -> list[tuple[Candidate, str | None]]:
        if not roles or limit < 1:
            return []
        items: dict[str, list[tuple[str, float]]] = defaultdict(list)
        titles: dict[str, str | None] = {}
        for row in self.store.read(Stmt.EXPLORE_ROLE_ITEMS, roles=list(roles)):
            by_source = _by_source(row["sources"])
            if by_source:
                items[row["role"]].append((row["item"], view_p(by_source, source)))
                titles[row["item"]] = row["title"]
        ranked = rank_candidates(roles, RoleItems.build(items), limit, exclude)
        return [(c, titles[c.item]) for c in ranked]


# ----------------------------------------------------------------- version
@dataclass(frozen=True)
class Version:
    """The graph's version as seen by each part of the read model."""

    logic: tuple[Any, ...]
    users: tuple[Any, ...]
    seen: tuple[Any, ...]


def read_version(store: GraphReads) -> Version:
    """The current version: label and relationship counters and the runs' summary (a few statements)."""
    nodes = {r["what"]: int(r["n"]) for r in store.read(Stmt.READ_MODEL_NODE_COUNTS)}
    rels = {kind: int(store.read(name)[0]["n"]) for kind, name in _REL_COUNTS.items()}
    run = store.read(Stmt.READ_MODEL_RUNS)[0]
    runs = (int(run["runs"]), int(run["done"]), run["started"], run["finished"])
    return Version(
        logic=(*(nodes.get(n) for n in ("Item", "UserTag", "ItemTag")), *(rels[r] for r in _LOGIC_RELS), *runs),
        users=(nodes.get("User"), rels["HAS_ROLE"], *runs),
        seen=(nodes.get("User"), rels["INTERACTED"]),
    )


# ----------------------------------------------------------------- the read model
@dataclass(frozen=True)
class View:
    """One graph view: U2I and I2U edges by source tag, and (item, P(role|item)) pairs by role."""

    u2i: dict[str, list[Edge]]
    i2u: dict[str, list[Edge]]
    items_of: RoleItems

    def hop(self, kind: LogicKind, keys: Sequence[str]) -> list[Edge]:
        by_source = self.u2i if kind == LogicKind.U2I else self.i2u
        return [e for k in keys for e in by_source.get(k, ())]


@dataclass(frozen=True)
class Logic:
    """The `logic` part: both graph views and the titles of the items that carry roles."""

    views: dict[Source, View]
    titles: dict[str, str | None]


@dataclass(frozen=True)
class ReadModel:
    """A read-only copy of what /explore reads, as of ``version``; implements `ExploreReads`."""

    version: Version
    logic: Logic
    roles: dict[str, dict[str, float]]  # user -> T0 roles with positive p (every user, maybe none)
    seen: dict[str, frozenset[str]] = field(repr=False)

    def user_context(self, user_id: str) -> UserContext | None:
        roles = self.roles.get(user_id)
        if roles is None:
            return None
        return UserContext(dict(roles), self.seen.get(user_id, frozenset()))

    def hop(self, source: Source) -> Hop:
        return self.logic.views[Source(source)].hop

    def candidates(
        self, roles: Mapping[str, float], source: Source, limit: int, exclude: Iterable[str]
    ) -> list[tuple[Candidate, str | None]]:
        items_of = self.logic.views[Source(source)].items_of
        ranked = rank_candidates(roles, items_of, limit, exclude)
        return [(c, self.logic.titles.get(c.item)) for c in ranked]

    def sizes(self) -> dict[str, int]:
        """How many entries each part holds (edges, item-role pairs, users, interactions)."""
        views = self.logic.views.values()
        return {
            "logic_edges": sum(len(es) for v in views for part in (v.u2i, v.i2u) for es in part.values()),
            "item_roles": sum(len(c) for v in views for c, _ in v.items_of.by_role.values()),
            "users": len(self.roles),
            "user_roles": sum(len(r) for r in self.roles.values()),
            "interactions": sum(len(s) for s in self.seen.values()),
        }


def _pages(store: GraphReads, name: Stmt, key: str, statement_s: float | None) -> Iterator[Row]:
    for page in store.pages(name, key=key, each_within=statement_s):
        yield from page


def _load_logic(store: GraphReads, statement_s: float | None) -> Logic:
    edges: dict[LogicKind, dict[str, dict[str, list[Edge]]]] = {}
    for kind, name in ((LogicKind.U2I, Stmt.READ_MODEL_U2I), (LogicKind.I2U, Stmt.READ_MODEL_I2U)):
        edges[kind] = {s.value: defaultdict(list) for s in Source}
        for row in _pages(store, name, "key", statement_s):
            for source, dst, weight in row["out"]:
                if source in edges[kind] and dst is not None and weight is not None:
                    edges[kind][source][row["key"]].append((row["key"], dst, float(weight)))
    items_of: dict[Source, dict[str, list[tuple[str, float]]]] = {s: defaultdict(list) for s in Source}
    titles: dict[str, str | None] = {}
    for row in _pages(store, Stmt.READ_MODEL_ITEMS, "id", statement_s):
        by_role: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for role, source, p in row["roles"]:
            if role is not None:
                by_role[role].append((source, p))
        for role, pairs in by_role.items():
            by_source = _by_source(pairs)
            if by_source:
                titles[row["id"]] = row["title"]
                for s in Source:
                    items_of[s][role].append((row["id"], view_p(by_source, s)))
    views = {
        s: View(dict(edges[LogicKind.U2I][s.value]), dict(edges[LogicKind.I2U][s.value]), RoleItems.build(items_of[s]))
        for s in Source
    }
    return Logic(views, titles)


def _load_users(store: GraphReads, statement_s: float | None) -> dict[str, UserContext]:
    """Every user's `UserContext`, a keyset page of users at a time."""
    users: dict[str, UserContext] = {}
    for page in store.pages(Stmt.READ_MODEL_USER_IDS, key="id", each_within=statement_s):
        with deadline(statement_s) if statement_s is not None else nullcontext():
            rows = store.read(Stmt.USERS_CONTEXT, ids=[r["id"] for r in page])
        users.update((row["id"], _context(row)) for row in rows)
    return users


def load_read_model(
    store: GraphReads, version: Version, previous: ReadModel | None = None, *, statement_s: float | None = None
) -> ReadModel:
    """The read model at ``version`` (read just before), reusing the parts of ``previous`` whose version
    is unchanged. Each paged statement must finish within ``statement_s`` seconds when given."""
    old = previous.version if previous is not None else None
    logic = previous.logic if previous and old and old.logic == version.logic else _load_logic(store, statement_s)
    same_users = previous is not None and old is not None and old.users == version.users
    same_seen = previous is not None and old is not None and old.seen == version.seen
    if previous is not None and same_users and same_seen:
        return ReadModel(version, logic, previous.roles, previous.seen)
    users = _load_users(store, statement_s)
    roles = previous.roles if previous is not None and same_users else {u: c.roles for u, c in users.items()}
    seen = previous.seen if previous is not None and same_seen else {u: c.seen for u, c in users.items()}
    return ReadModel(version, logic, roles, seen)
