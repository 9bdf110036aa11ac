"""What exploration and explanation read, from the database or from an in-memory read model of it.

`ExploreReads` is what /explore needs: a user's T0 roles and items (`UserContext`), which tag seeds are
roles, the exploration in a graph view, and the items that carry given roles. Two implementations answer
it with the same numbers:

- `DatabaseReads` runs named statements per request (always current, tens of milliseconds of database
  work) and the dict-based arithmetic of `graph.explore`;
- `ReadModel` is a read-only, in-memory copy of the same data as sparse matrices (`graph.explore_model`),
  loaded with keyset-paged statements (`cypher/readmodel.cypher`) and tagged with the graph's `Version`,
  so the service can tell when it is out of date; it explores with two sparse products
  (`graph.explore_matrix`) and answers /explain too (`graph.explain_model`).

A `Version` is cheap to read (counters and a summary of the runs, a few milliseconds) and has one part
per piece of the model: `logic` (tags, U2I/I2U edges of both views, items and their tags), `users`
(users and their roles) and `seen` (interactions), so a new interaction leaves the logic as it was.
It notices every node or edge added or removed and every run started or finished; a property SET again
on an existing edge outside a run (a weight rewritten by hand) does not change it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import numpy as np

from rolegraph.graph.backend import Row
from rolegraph.graph.explore import Candidate, Edge, Exploration, Hop, RoleItems, explore_over, rank_candidates, view_p
from rolegraph.graph.explore_matrix import Vocab, candidates_of, explore_matrix, rank_items
from rolegraph.graph.explore_model import Logic, People, load_logic, load_people
from rolegraph.graph.model import LogicKind, Source
from rolegraph.graph.reads import GraphReads
from rolegraph.graph.statements import Stmt

_REL_COUNTS = {
    "U2I": Stmt.COUNT_U2I,
    "I2U": Stmt.COUNT_I2U,
    "HAS_USER_TAG": Stmt.COUNT_HAS_USER_TAG,
    "HAS_ITEM_TAG": Stmt.COUNT_HAS_ITEM_TAG,
    "HAS_ROLE": Stmt.COUNT_HAS_ROLE,
    "INTERACTED": Stmt.COUNT_INTERACTED,
}


_LOGIC_RELS = ("U2I", "I2U", "HAS_USER_TAG", "HAS_ITEM_TAG")


class UserContext(NamedTuple):
    """What exploring from a user starts from: the T0 roles with positive p (the seeds, key -> p) and the
    ids of the items the user interacted with (left out of the candidates)."""

    roles: dict[str, float]
    seen: Collection[str]


class ExploreReads(Protocol):
    """The reads of one /explore request."""

    def user_context(self, user_id: str) -> UserContext | None:
        """The user's seeds and seen items; None when the user is unknown."""
        ...

    def known_roles(self, keys: Collection[str]) -> set[str]:
        """The keys among ``keys`` that are roles (UserTag keys); the others seed nothing."""
        ...

    def hop(self, source: Source) -> Hop:
        """The logic hops of one graph view."""
        ...

    def explore(
        self, seeds: Mapping[str, float], source: Source, *, delta: float, branch: int, k: int, chains: int | None
    ) -> Exploration:
        """`graph.explore.explore_over` from ``seeds`` in one graph view."""
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

    def known_roles(self, keys: Collection[str]) -> set[str]:
        return {row["key"] for row in self.store.read(Stmt.KNOWN_ROLES, keys=list(keys))} if keys else set()

    def hop(self, source: Source) -> Hop:
        return lambda kind, keys: self.store.logic_hop(kind, keys, source)

    def explore(
        self, seeds: Mapping[str, float], source: Source, *, delta: float, branch: int, k: int, chains: int | None
    ) -> Exploration:
        return explore_over(self.hop(source), seeds, delta=delta, branch=branch, k=k, chains=chains)

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
class ItemSet(Set[str]):
    """The items a user interacted with, as indices into the read model's item vocabulary (no strings are
    built per request); compares equal to a set of the same ids."""

    def __init__(self, indices: np.ndarray, items: Vocab):
        self.indices = indices
        self.items = items

    def __contains__(self, item: object) -> bool:
        at = self.items.index.get(item) if isinstance(item, str) else None
        return at is not None and bool(np.isin(at, self.indices))

    def __iter__(self) -> Iterator[str]:
        return (self.items.keys[i] for i in self.indices.tolist())

    def __len__(self) -> int:
        return len(self.indices)


@dataclass(frozen=True)
class ReadModel:
    """A read-only copy of what /explore and /explain read, as of ``version``; implements `ExploreReads`."""

    version: Version
    logic: Logic
    people: People = field(repr=False)

    def user_index(self, user_id: str) -> int | None:
        """The user's row, None when the user is unknown."""
        return self.people.index.get(user_id)

    def user_context(self, user_id: str) -> UserContext | None:
        u = self.people.index.get(user_id)
        if u is None:
            return None
        cols, ps = self.people.roles.row(u)
        sets = self.people.role_set[self.people.roles.indptr[u] : self.people.roles.indptr[u + 1]]
        keep = (sets == 0) & (ps > 0)
        keys = [self.people.role_key(c, self.logic) for c in cols[keep].tolist()]
        return UserContext(
            dict(zip(keys, ps[keep].tolist(), strict=True)), ItemSet(self.people.seen_of(u), self.logic.items)
        )

    def known_roles(self, keys: Collection[str]) -> set[str]:
        return {key for key in keys if key in self.logic.roles.index}

    def hop(self, source: Source) -> Hop:
        logic = self.logic.views[Source(source)].logic

        def edges(kind: LogicKind, keys: Sequence[str]) -> list[Edge]:
            src, dst, m = (
                (self.logic.roles, self.logic.topics, logic.u2i)
                if kind == LogicKind.U2I
                else (self.logic.topics, self.logic.roles, logic.i2u)
            )
            out = []
            for key in keys:
                if key in src.index:
                    cols, ws = m.row(src.index[key])
                    out += [(key, dst.keys[c], w) for c, w in zip(cols.tolist(), ws.tolist(), strict=True)]
            return out

        return edges

    def explore(
        self, seeds: Mapping[str, float], source: Source, *, delta: float, branch: int, k: int, chains: int | None
    ) -> Exploration:
        view = self.logic.views[Source(source)]
        return explore_matrix(
            view.logic, self.logic.roles, self.logic.topics, seeds, delta=delta, branch=branch, k=k, chains=chains
        )

    def candidates(
        self, roles: Mapping[str, float], source: Source, limit: int, exclude: Iterable[str]
    ) -> list[tuple[Candidate, str | None]]:
        logic = self.logic
        if isinstance(exclude, ItemSet) and exclude.items is logic.items:
            skip = exclude.indices
        else:
            skip = np.unique(np.array([logic.items.index[i] for i in exclude if i in logic.items.index], np.int64))
        weights = {logic.roles.index[r]: w for r, w in roles.items() if r in logic.roles.index}
        found = rank_items(weights, logic.views[Source(source)].items_of, limit, skip)
        return [(c, logic.titles[logic.items.index[c.item]]) for c in candidates_of(found, logic.items, logic.roles)]

    def sizes(self) -> dict[str, int]:
        """How many entries each part holds (edges, item-role pairs, users, their roles, interactions)."""
        views = self.logic.views.values()
        return {
            "logic_edges": sum(v.logic.u2i.nnz + v.logic.i2u.nnz for v in views),
            "item_roles": sum(v.item_roles.p.nnz for v in views),
            "users": len(self.people.ids),
            "user_roles": self.people.roles.nnz,
            "interactions": len(self.people.seen),
        }

    def nbytes(self) -> int:
        """Bytes held in the model's arrays (not counting the Python objects of keys and names)."""
        arrays = [self.people.roles.indptr, self.people.roles.indices, self.people.roles.data]
        arrays += [self.people.role_set, self.people.seen_ptr, self.people.seen]
        for v in self.logic.views.values():
            for m in (v.logic.u2i, v.logic.i2u, v.item_roles.p, v.item_topics.p, v.items_of):
                arrays += [m.indptr, m.indices, m.data]
            arrays += [v.u2i_notes, v.i2u_notes, v.item_roles.notes, v.item_topics.notes]
            if v.calibration is not None:
                arrays += [v.calibration.logic.u2i.data, v.calibration.logic.i2u.data]
                arrays += [a for b in (v.calibration.u2i, v.calibration.i2u) for a in (b.calibrated, b.support, b.lift)]
        return sum(a.nbytes for a in arrays)


def load_read_model(
    store: GraphReads, version: Version, previous: ReadModel | None = None, *, statement_s: float | None = None
) -> ReadModel:
    """The read model at ``version`` (read just before), reusing the parts of ``previous`` whose version
    is unchanged (the users' part is indexed by the logic part's vocabularies, so a new logic part brings
    a new users' part). Each paged statement must finish within ``statement_s`` seconds when given."""
    old = previous.version if previous is not None else None
    same_logic = previous is not None and old is not None and old.logic == version.logic
    logic = previous.logic if previous is not None and same_logic else load_logic(store, statement_s)
    same_people = same_logic and old is not None and (old.users, old.seen) == (version.users, version.seen)
    people = previous.people if previous is not None and same_people else load_people(store, logic, statement_s)
    return ReadModel(version, logic, people)
