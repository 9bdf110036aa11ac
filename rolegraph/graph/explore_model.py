"""The in-memory read model's data, as arrays, and how it is loaded from the graph.

Two parts, each loaded with keyset-paged statements (``cypher/readmodel.cypher``):

- `Logic`: the vocabularies (roles, topics and items, each in key order), names and titles, and per graph
  view (`View`) the logic matrices U2I [R, C] and I2U [C, R] with each edge's provenance and, once
  calibration has scored some edges, behaviour's statistics and the calibrated weights as a second
  ``data`` array over the same entries (`CalibratedLogic`), and the items'
  roles and topics [I, R] / [I, C] as the view sees them (the view's own edge when the item has one, else
  the other source's, with that edge's source and run) — the role → items matrix [R, I] of candidate
  ranking is its transpose;
- `People`: every user's roles (both sets, any p) [U, R] and the items they interacted with [U, I].

At 1M users × 100k items this is a few hundred MB of arrays, where dicts of edge lists took gigabytes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rolegraph.graph.backend import Row
from rolegraph.graph.explore_matrix import LogicMatrices, SparseRows, Vocab
from rolegraph.graph.model import Source, Weights
from rolegraph.graph.reads import GraphReads
from rolegraph.graph.statements import Stmt

#: provenance fields of a logic edge, as the explanation paths show them
NOTE_FIELDS = ("run", "model", "prompt_version", "rationale")
#: role sets by code, as `People.role_set` holds them
ROLE_SETS = ("T0", "T1")


@dataclass(frozen=True)
class ItemEdges:
    """The items' edges to one vocabulary in one view [I, tags]: P(tag|item) of the chosen edge, and
    that edge's (source, run) as an index into `Logic.item_notes`."""

    p: SparseRows
    notes: np.ndarray  # [nnz] int32


@dataclass(frozen=True)
class EdgeBehaviour:
    """Behaviour's statistics of one logic matrix's entries (aligned with them), as calibration SET them on
    the edges: the calibrated weight (NaN: not scored), support (-1: none) and lift (NaN: none)."""

    calibrated: np.ndarray  # [nnz] float64
    support: np.ndarray  # [nnz] int64
    lift: np.ndarray  # [nnz] float64

    @classmethod
    def none(cls, nnz: int) -> EdgeBehaviour:
        """No entry scored."""
        return cls(np.full(nnz, math.nan), np.full(nnz, -1, np.int64), np.full(nnz, math.nan))

    def weights(self, llm: np.ndarray) -> np.ndarray:
        """The weight each entry carries with ``weights=calibrated``: calibrated where scored, else the LLM's."""
        return np.where(np.isnan(self.calibrated), llm, self.calibrated)

    def of(self, entry: int) -> dict[str, Any]:
        """One entry's statistics as the database returns them (None where absent)."""
        calibrated, support, lift = self.calibrated[entry], self.support[entry], self.lift[entry]
        return {
            "calibrated": None if np.isnan(calibrated) else float(calibrated),
            "support": None if support < 0 else int(support),
            "lift": None if np.isnan(lift) else float(lift),
        }


@dataclass(frozen=True)
class CalibratedLogic:
    """A view's behaviour statistics and its logic with calibrated weights (same indices as the LLM's)."""

    u2i: EdgeBehaviour
    i2u: EdgeBehaviour
    logic: LogicMatrices


@dataclass(frozen=True)
class View:
    """One graph view (G* = distilled, G = llm)."""

    logic: LogicMatrices  # the LLM's weights
    u2i_notes: np.ndarray  # [nnz of U2I] int32, index into `Logic.notes`
    i2u_notes: np.ndarray  # [nnz of I2U] int32
    item_roles: ItemEdges  # [I, R]
    item_topics: ItemEdges  # [I, C]
    items_of: SparseRows  # [R, I] = item_roles.p transposed (candidate ranking)
    calibration: CalibratedLogic | None = None  # None: calibration scored none of the view's edges

    def weighted(self, weights: Weights) -> LogicMatrices:
        """The logic with the LLM's weights or the calibrated ones (`EdgeBehaviour.weights`)."""
        if weights is Weights.LLM or self.calibration is None:
            return self.logic
        return self.calibration.logic


@dataclass(frozen=True)
class Logic:
    """The `logic` part of the read model."""

    roles: Vocab
    topics: Vocab
    items: Vocab
    role_names: list[str | None]
    topic_names: list[str | None]
    titles: list[str | None]  # by item index
    notes: list[tuple[Any, ...]]  # distinct (run, model, prompt_version, rationale) of logic edges
    item_notes: list[tuple[Any, Any]]  # distinct (source, run) of item edges
    views: dict[Source, View]


@dataclass(frozen=True)
class People:
    """The `users` and `seen` parts: users in load order, their roles and their items.

    Role columns index `Logic.roles`, then ``extra_roles`` (keys a user holds that are not roles of the
    logic part: they seed nothing and reach nothing)."""

    ids: list[str]
    index: dict[str, int]
    roles: SparseRows  # [U, R + extra] p
    role_set: np.ndarray  # [nnz] int8, index into ROLE_SETS
    extra_roles: list[str]
    seen_ptr: np.ndarray  # [U + 1] int64
    seen: np.ndarray  # [interactions] int32 item index

    def seen_of(self, user: int) -> np.ndarray:
        """The item indices ``user`` interacted with (sorted, without repeats)."""
        return self.seen[self.seen_ptr[user] : self.seen_ptr[user + 1]]

    def role_key(self, column: int, logic: Logic) -> str:
        """The key of a role column."""
        n = len(logic.roles)
        return logic.roles.keys[column] if column < n else self.extra_roles[column - n]


# ----------------------------------------------------------------- loading
def _pages(store: GraphReads, name: Stmt, key: str, statement_s: float | None) -> Iterator[Row]:
    for page in store.pages(name, key=key, each_within=statement_s):
        yield from page


class _Interned:
    """Distinct values and their indices, in first-seen order."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.values)
            self.values.append(value)
        return found


def _logic_rows(rows: list[Row], src: Vocab, dst: Vocab, notes: _Interned) -> dict[Source, _LogicPart]:
    """Per view, the matrix [src, dst] of the paged rows {key, out: [[source, dst, weight, calibrated,
    support, lift, *notes]]}, each entry's note index and behaviour's statistics (None: no entry was
    calibrated); entries keep the stored order."""
    by_row: dict[Source, list[list[tuple[int, float]]]] = {s: [[] for _ in src.keys] for s in Source}
    noted: dict[Source, list[list[int]]] = {s: [[] for _ in src.keys] for s in Source}
    stats: dict[Source, list[list[tuple[float, int, float]]]] = {s: [[] for _ in src.keys] for s in Source}
    for row in rows:
        r = src.index[row["key"]]
        for source, target, weight, calibrated, support, lift, *provenance in row["out"]:
            if source in Source._value2member_map_ and target in dst.index and weight is not None:
                view = Source(source)
                by_row[view][r].append((dst.index[target], float(weight)))
                noted[view][r].append(notes(tuple(provenance)))
                stats[view][r].append(_stats(calibrated, support, lift))
    return {
        s: _LogicPart(
            SparseRows.build(by_row[s], len(dst)),
            np.fromiter((n for r in noted[s] for n in r), np.int32),
            _behaviour([e for r in stats[s] for e in r]),
        )
        for s in Source
    }


@dataclass(frozen=True)
class _LogicPart:
    matrix: SparseRows
    notes: np.ndarray
    behaviour: EdgeBehaviour | None


def _stats(calibrated: Any, support: Any, lift: Any) -> tuple[float, int, float]:
    return (
        math.nan if calibrated is None else float(calibrated),
        -1 if support is None else int(support),
        math.nan if lift is None else float(lift),
    )


def _behaviour(stats: list[tuple[float, int, float]]) -> EdgeBehaviour | None:
    if all(math.isnan(c) and s < 0 and math.isnan(lift) for c, s, lift in stats):
        return None
    calibrated, support, lift = (np.array(column) for column in zip(*stats, strict=True))
    return EdgeBehaviour(calibrated.astype(np.float64), support.astype(np.int64), lift.astype(np.float64))


def _calibration(u2i: _LogicPart, i2u: _LogicPart) -> CalibratedLogic | None:
    """The view's `CalibratedLogic`, when calibration scored any of its edges."""
    if u2i.behaviour is None and i2u.behaviour is None:
        return None
    b_u2i = u2i.behaviour or EdgeBehaviour.none(u2i.matrix.nnz)
    b_i2u = i2u.behaviour or EdgeBehaviour.none(i2u.matrix.nnz)
    logic = LogicMatrices(
        u2i.matrix.reweighted(b_u2i.weights(u2i.matrix.data)), i2u.matrix.reweighted(b_i2u.weights(i2u.matrix.data))
    )
    return CalibratedLogic(b_u2i, b_i2u, logic)


def _item_edges(rows: list[Row], field: str, items: Vocab, tags: Vocab, notes: _Interned) -> dict[Source, ItemEdges]:
    """Per view, the items' edges of ``field`` ([[tag, source, p, run]]) as that view sees them: the
    view's own edge when there is one, else the strongest of the other sources' (`graph.explore.view_p`)."""
    out: dict[Source, list[list[tuple[int, float]]]] = {s: [[] for _ in items.keys] for s in Source}
    chosen: dict[Source, list[int]] = {s: [] for s in Source}
    for row in rows:
        i = items.index[row["id"]]
        edges: dict[str, dict[str, tuple[float, Any]]] = defaultdict(dict)
        for tag, source, p, run in row[field]:
            known = tag in tags.index and source is not None and p is not None
            if known and (source not in edges[tag] or float(p) > edges[tag][source][0]):
                edges[tag][source] = (float(p), run)
        for tag in sorted(edges, key=tags.index.__getitem__):
            by_source = edges[tag]
            for view in Source:
                own = by_source.get(view.value)
                source = view.value if own is not None else max(by_source, key=lambda s: by_source[s][0])
                p, run = by_source[source]
                out[view][i].append((tags.index[tag], p))
                chosen[view].append(notes((source, run)))
    return {s: ItemEdges(SparseRows.build(out[s], len(tags)), np.array(chosen[s], np.int32)) for s in Source}


def transpose(m: SparseRows) -> SparseRows:
    """The transposed matrix; each new row's entries in the order of the old rows."""
    t = m.as_csr().T.tocsr()
    t.sort_indices()
    return SparseRows(t.indptr.astype(np.int64), t.indices.astype(np.int64), t.data, m.rows)


def load_logic(store: GraphReads, statement_s: float | None = None) -> Logic:
    """The `logic` part; each paged statement must finish within ``statement_s`` seconds when given."""
    u2i_rows = list(_pages(store, Stmt.READ_MODEL_U2I, "key", statement_s))
    i2u_rows = list(_pages(store, Stmt.READ_MODEL_I2U, "key", statement_s))
    item_rows = list(_pages(store, Stmt.READ_MODEL_ITEMS, "id", statement_s))
    roles, topics = Vocab.of(r["key"] for r in u2i_rows), Vocab.of(r["key"] for r in i2u_rows)
    items = Vocab.of(r["id"] for r in item_rows)
    notes, item_notes = _Interned(), _Interned()
    u2i, i2u = _logic_rows(u2i_rows, roles, topics, notes), _logic_rows(i2u_rows, topics, roles, notes)
    item_roles = _item_edges(item_rows, "roles", items, roles, item_notes)
    item_topics = _item_edges(item_rows, "topics", items, topics, item_notes)
    views = {
        s: View(
            LogicMatrices(u2i[s].matrix, i2u[s].matrix),
            u2i[s].notes,
            i2u[s].notes,
            item_roles[s],
            item_topics[s],
            transpose(item_roles[s].p),
            _calibration(u2i[s], i2u[s]),
        )
        for s in Source
    }
    role_names = {r["key"]: r["name"] for r in u2i_rows}
    topic_names = {r["key"]: r["name"] for r in i2u_rows}
    titles: list[str | None] = [None] * len(items)
    for row in item_rows:
        titles[items.index[row["id"]]] = row["title"]
    return Logic(
        roles,
        topics,
        items,
        [role_names[k] for k in roles.keys],
        [topic_names[k] for k in topics.keys],
        titles,
        notes.values,
        item_notes.values,
        views,
    )


def load_people(store: GraphReads, logic: Logic, statement_s: float | None = None) -> People:
    """The users' roles and items, a keyset page of users at a time."""
    ids: list[str] = []
    extra: dict[str, int] = {}
    role_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    seen_parts: list[tuple[np.ndarray, np.ndarray]] = []
    for page in store.pages(Stmt.READ_MODEL_USERS, key="id", each_within=statement_s):
        ids += [row["id"] for row in page]
        role_parts.append(_page_roles(page, logic.roles, extra))
        seen_parts.append(_page_seen(page, logic.items))
    roles, role_set = (
        _stack([p[:3] for p in role_parts], len(logic.roles) + len(extra)),
        _cat([p[3] for p in role_parts], np.int8),
    )
    seen_ptr = _ptr([p[0] for p in seen_parts])
    return People(
        ids,
        {u: n for n, u in enumerate(ids)},
        roles,
        role_set,
        sorted(extra, key=extra.__getitem__),
        seen_ptr,
        _cat([p[1] for p in seen_parts], np.int32),
    )


def _page_roles(
    page: Sequence[Row], roles: Vocab, extra: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(entries per user, role columns, p, set codes) of one page of users, roles in stored order."""
    counts, cols, ps, sets = [], [], [], []
    n = len(roles)
    for row in page:
        kept = 0
        for key, role_set, p in row["roles"]:
            if p is None or role_set not in ROLE_SETS:
                continue
            col = roles.index.get(key)
            if col is None:
                col = n + extra.setdefault(key, len(extra))
            cols.append(col)
            ps.append(float(p))
            sets.append(ROLE_SETS.index(role_set))
            kept += 1
        counts.append(kept)
    return np.array(counts, np.int64), np.array(cols, np.int64), np.array(ps, np.float64), np.array(sets, np.int8)


def _page_seen(page: Sequence[Row], items: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """(items per user, item indices sorted per user) of one page of users."""
    counts, cols = [], []
    for row in page:
        found = sorted({items.index[i] for i in row["seen"] if i in items.index})
        counts.append(len(found))
        cols += found
    return np.array(counts, np.int64), np.array(cols, np.int32)


def _cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _ptr(counts: list[np.ndarray]) -> np.ndarray:
    lengths = _cat(counts, np.int64)
    ptr = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=ptr[1:])
    return ptr


def _stack(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], columns: int) -> SparseRows:
    return SparseRows(
        _ptr([p[0] for p in parts]),
        _cat([p[1] for p in parts], np.int64),
        _cat([p[2] for p in parts], np.float64),
        columns,
    )
