"""Explanations as ranked paths (docs/design.md; paper Eq. 8–9), and the roles behind an item pair.

Pure functions over the rows of `GraphReads.explain_paths`, `item_roles` and `item_topic_roles`; the
database calls stay in `graph.reads`. `explain_model` finds the same paths in the in-memory read model
(`graph.explore_model`) with a few array operations, and builds rows for the returned paths only.
A path's strength is the product of the probabilities along it:

  direct          P(t|u)·P(t|i)                       u -HAS_ROLE-> t <-HAS_USER_TAG- i
  via_topic       P(t|u)·P(c|t)·P(c|i)                u -HAS_ROLE-> t -U2I-> c <-HAS_ITEM_TAG- i
  via_topic_role  P(t|u)·P(c|t)·P(t'|c)·P(t'|i)       u -HAS_ROLE-> t -U2I-> c -I2U-> t' <-HAS_USER_TAG- i

Logic edges come from the requested graph view (G* = distilled, G = llm); their P is the LLM's weight or,
with ``weights="calibrated"``, the behaviour-calibrated weight where calibration scored the edge (both
numbers, with support and lift, are in the edge's provenance). An item→tag edge may exist
from both sources; the view's own edge is used when the item has one, else the other source's.
A role held in both sets counts as T0 only (T1 is the exploration set T(1) \\ T(0)).
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from rolegraph.graph.backend import Row
from rolegraph.graph.explore_matrix import SparseRows
from rolegraph.graph.explore_model import NOTE_FIELDS, ROLE_SETS, Logic, People, View
from rolegraph.graph.model import Source, Weights

Shape = Literal["direct", "via_topic", "via_topic_role"]
_SHAPES: tuple[Shape, ...] = ("direct", "via_topic", "via_topic_role")
_PROVENANCE = ("source", "run", "model", "prompt_version", "rationale")
_BEHAVIOUR = ("weight", "calibrated", "support", "lift")  # logic edges: both weights and behaviour's counts


@dataclass(frozen=True)
class Edge:
    """One edge on a path: its type, ends, probability and provenance (the fields the graph holds)."""

    type: str
    start: str
    end: str
    p: float
    provenance: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Path:
    """One explanation path with its strength, edges in order from the user, and a plain sentence."""

    shape: Shape
    strength: float
    role: str
    role_set: str
    topic: str | None
    new_role: str | None
    edges: list[Edge]
    sentence: str


@dataclass(frozen=True)
class PairRole:
    """A role that explains why two items go together: affinity to each item and their product."""

    role: str
    role_name: str
    score: float
    affinity: tuple[float, float]
    paths: tuple[list[Edge], list[Edge]]
    sentence: str


def prefer_source(rows: Iterable[Row], source: Source) -> list[Row]:
    """Keeps one row per path: the one whose item edge (``item_*`` fields) is of ``source``, else the
    other source's. Row order is kept."""
    chosen: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        key = tuple((k, v) for k, v in row.items() if not k.startswith("item_"))
        if key not in chosen or (row["item_source"] == source and chosen[key]["item_source"] != source):
            chosen[key] = row
    return list(chosen.values())


def _one_set_per_role(rows: Iterable[Row]) -> list[Row]:
    rows = list(rows)
    t0 = {r["role"] for r in rows if r["role_set"] == "T0"}
    return [r for r in rows if r["role_set"] == "T0" or r["role"] not in t0]


def tag_parts(direct: Iterable[Row], source: Source) -> tuple[float, float]:
    """(ŷ_tag0, ŷ_tag1) from the graph: Σ P(t|u)·P(t|i) over the user's T0 roles and over T1 \\ T0."""
    rows = _one_set_per_role(prefer_source(direct, source))
    tag0 = sum(float(r["role_p"]) * float(r["item_p"]) for r in rows if r["role_set"] == "T0")
    tag1 = sum(float(r["role_p"]) * float(r["item_p"]) for r in rows if r["role_set"] != "T0")
    return tag0, tag1


@functools.cache
def _prov_fields(prefix: str, logic: bool) -> tuple[tuple[str, str], ...]:
    """(provenance field, row field) pairs of one edge: logic edges also carry both weights and counts."""
    return tuple((k, f"{prefix}_{k}") for k in (_PROVENANCE + _BEHAVIOUR if logic else _PROVENANCE))


def _prov(row: Row, prefix: str, source: Source | None = None) -> dict[str, Any]:
    """The provenance fields of one edge of a row; logic edges are of the view's ``source`` and carry both
    weights and behaviour's counts where present."""
    found = {k: v for k, name in _prov_fields(prefix, source is not None) if (v := row.get(name)) not in (None, "")}
    return found if source is None else {"source": Source(source).value, **found}


def _logic_p(row: Row, prefix: str, weights: Weights) -> float:
    calibrated = row.get(f"{prefix}_calibrated")
    return float(row[f"{prefix}_weight"] if weights is Weights.LLM or calibrated is None else calibrated)


def _name(row: Row, field_: str) -> str:
    return str(row.get(f"{field_}_name") or row[field_])


def _item_edge(rtype: str, row: Row, tag: str) -> Edge:
    return Edge(rtype, "item", tag, float(row["item_p"]), _prov(row, "item"))


def _path(shape: Shape, row: Row, source: Source, user: str, title: str, weights: Weights) -> Path:
    role, t = row["role"], _name(row, "role")
    edges = [Edge("HAS_ROLE", user, role, float(row["role_p"]), {"set": row["role_set"]})]
    topic = new_role = None
    if shape == "direct":
        edges.append(_item_edge("HAS_USER_TAG", row, role))
        sentence = f"Recommended because you look like one of the *{t}*, and {title} is made for *{t}*."
    else:
        topic, c = row["topic"], _name(row, "topic")
        edges.append(Edge("U2I", role, topic, _logic_p(row, "u2i", weights), _prov(row, "u2i", source)))
        if shape == "via_topic":
            edges.append(_item_edge("HAS_ITEM_TAG", row, topic))
            sentence = (
                f"Recommended because you look like one of the *{t}*, and *{t}* want *{c}*, which {title} is about."
            )
        else:
            new_role, t2 = row["new_role"], _name(row, "new_role")
            edges.append(Edge("I2U", topic, new_role, _logic_p(row, "i2u", weights), _prov(row, "i2u", source)))
            edges.append(_item_edge("HAS_USER_TAG", row, new_role))
            sentence = (
                f"Recommended because you look like one of the *{t}*; *{t}* want *{c}*, which draws *{t2}*, "
                f"and {title} is made for *{t2}*."
            )
    strength = 1.0
    for edge in edges:
        strength *= edge.p
    return Path(shape, strength, role, str(row["role_set"]), topic, new_role, edges, sentence)


def rank_paths(
    paths: dict[str, list[Row]], source: Source, user: str, title: str | None, weights: Weights = Weights.CALIBRATED
) -> list[Path]:
    """Every path of the three shapes, strongest first (ties by shape, then keys); logic edges weigh by
    ``weights``."""
    shown = f"*{title}*" if title else "this item"
    ranked = [
        _path(shape, row, source, user, shown, weights)
        for shape in _SHAPES
        for row in _one_set_per_role(prefer_source(paths.get(shape, []), source))
    ]
    ranked.sort(key=lambda p: (-p.strength, _SHAPES.index(p.shape), p.role, p.topic or "", p.new_role or ""))
    return ranked


@dataclass(frozen=True)
class Explanation:
    """What the graph says about one (user, item): the strongest paths, how many paths of each shape there
    are, and the graph's ŷ_tag0 and ŷ_tag1."""

    paths: list[Path]
    counts: dict[str, int]
    tag0: float
    tag1: float


def explain_rows(
    paths: dict[str, list[Row]],
    source: Source,
    user: str,
    title: str | None,
    limit: int,
    weights: Weights = Weights.CALIBRATED,
) -> Explanation:
    """The `Explanation` of the rows of `GraphReads.explain_paths` (at most ``limit`` paths; logic edges
    weigh by ``weights``)."""
    ranked = rank_paths(paths, source, user, title, weights)
    counts = Counter[str](p.shape for p in ranked)
    tag0, tag1 = tag_parts(paths["direct"], source)
    return Explanation(ranked[:limit], {s: counts.get(s, 0) for s in _SHAPES}, tag0, tag1)


def explain_model(
    logic: Logic,
    people: People,
    user: int,
    item: int,
    source: Source,
    limit: int,
    weights: Weights = Weights.CALIBRATED,
) -> Explanation:
    """`explain_rows` answered from the read model: every path's strength as arrays, rows built for the
    ``limit`` strongest only. ``user`` and ``item`` are indices into the model."""
    found = _model_paths(logic, people, user, item, Source(source), weights)
    strength, shape, role, topic, new_role = (found[k] for k in ("strength", "shape", "role", "topic", "new_role"))
    order = np.lexsort((new_role, topic, role, shape, -strength))[:limit]  # -1: no topic, sorts first as ""
    shown = logic.titles[item]
    title = f"*{shown}*" if shown else "this item"
    uid = people.ids[user]
    view = logic.views[Source(source)]
    paths = [
        _path(_SHAPES[shape[n]], _model_row(logic, view, found, n), source, uid, title, weights) for n in order.tolist()
    ]
    counts = np.bincount(shape, minlength=len(_SHAPES)).tolist()
    direct = np.flatnonzero(shape == 0)
    direct = direct[np.argsort(role[direct])]  # the database path sums in role key order
    is_t0 = found["role_set"][direct] == 0
    parts = found["role_p"][direct] * found["item_p"][direct]
    return Explanation(
        paths, dict(zip(_SHAPES, counts, strict=True)), sum(parts[is_t0].tolist()), sum(parts[~is_t0].tolist())
    )


def _model_paths(
    logic: Logic, people: People, user: int, item: int, source: Source, weights: Weights
) -> dict[str, np.ndarray]:
    """Every path from ``user`` to ``item`` as parallel arrays (one entry per path); logic edges weigh by
    ``weights``."""
    view = logic.views[source]
    weighted = view.weighted(weights)
    a, b = people.roles.indptr[user], people.roles.indptr[user + 1]
    cols, ps, sets = people.roles.indices[a:b], people.roles.data[a:b], people.role_set[a:b]
    in_t0 = np.zeros(people.roles.columns, bool)
    in_t0[cols[sets == 0]] = True
    once = (sets == 0) | ~in_t0[cols]  # a role held in both sets counts as T0 only
    cols, ps, sets = cols[once], ps[once], sets[once]
    # where each role / topic has its edge from the item (-1: none), over the whole vocabulary
    role_edge = _edge_at(view.item_roles.p, item)
    topic_edge = _edge_at(view.item_topics.p, item)
    parts: list[dict[str, np.ndarray]] = []
    # direct: u -HAS_ROLE-> t <-HAS_USER_TAG- i
    at = np.where(cols < len(role_edge), role_edge[np.minimum(cols, len(role_edge) - 1)], -1)
    hit = at >= 0
    parts.append(_entries(0, np.flatnonzero(hit), cols, ps, sets, item_edge=at[hit], item_role=cols[hit]))
    # via a topic: u -HAS_ROLE-> t -U2I-> c, then c <-HAS_ITEM_TAG- i or c -I2U-> t' <-HAS_USER_TAG- i
    known = np.flatnonzero(cols < view.logic.u2i.rows)
    e1, by1 = view.logic.u2i.gather(cols[known])
    owner, c = known[by1], view.logic.u2i.indices[e1]
    at = topic_edge[c]
    hit = at >= 0
    parts.append(_entries(1, owner[hit], cols, ps, sets, u2i=e1[hit], item_edge=at[hit], topic=c[hit]))
    e2, by2 = view.logic.i2u.gather(c)
    new_role = view.logic.i2u.indices[e2]
    at = role_edge[new_role]
    hit = at >= 0
    hop1 = by2[hit]
    parts.append(
        _entries(
            2, owner[hop1], cols, ps, sets, u2i=e1[hop1], i2u=e2[hit], item_edge=at[hit],
            topic=c[hop1], item_role=new_role[hit],
        )
    )  # fmt: skip
    found = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    found["u2i_w"] = _values(weighted.u2i.data, found["u2i"], found["u2i"] >= 0)
    found["i2u_w"] = _values(weighted.i2u.data, found["i2u"], found["i2u"] >= 0)
    on_topic = found["shape"] == 1
    found["item_p"] = _values(view.item_topics.p.data, found["item_edge"], on_topic)
    found["item_p"][~on_topic] = view.item_roles.p.data[found["item_edge"][~on_topic]]
    # the product in edge order, as `_path` takes it (a missing edge is a factor 1.0)
    found["strength"] = found["role_p"] * found["u2i_w"] * found["i2u_w"] * found["item_p"]
    return found


def _edge_at(edges: SparseRows, item: int) -> np.ndarray:
    """[columns] the position of the item's edge to each tag in ``edges`` (-1: no edge)."""
    at = np.full(edges.columns, -1, np.int64)
    start, end = edges.indptr[item], edges.indptr[item + 1]
    at[edges.indices[start:end]] = np.arange(start, end)
    return at


def _values(data: np.ndarray, at: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``data[at]`` where ``where`` holds, 1.0 elsewhere."""
    out = np.ones(len(at))
    out[where] = data[at[where]]
    return out


def _entries(
    shape: int,
    owner: np.ndarray,
    cols: np.ndarray,
    ps: np.ndarray,
    sets: np.ndarray,
    *,
    item_edge: np.ndarray,
    u2i: np.ndarray | None = None,
    i2u: np.ndarray | None = None,
    topic: np.ndarray | None = None,
    item_role: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """One shape's paths as arrays; -1 where a path has no such edge or key."""
    n = len(owner)
    none = np.full(n, -1, np.int64)
    return {
        "shape": np.full(n, shape, np.int64),
        "role": cols[owner],
        "role_p": ps[owner],
        "role_set": sets[owner],
        "u2i": none if u2i is None else u2i,
        "i2u": none if i2u is None else i2u,
        "item_edge": item_edge,
        "topic": none if topic is None else topic,
        "new_role": none if item_role is None or shape == 0 else item_role,
    }


def _model_row(logic: Logic, view: View, found: dict[str, np.ndarray], n: int) -> Row:
    """Path ``n`` of `_model_paths` as the row the database would return for it."""
    shape, role = int(found["shape"][n]), int(found["role"][n])
    items = view.item_topics if shape == 1 else view.item_roles
    item_source, item_run = logic.item_notes[int(items.notes[found["item_edge"][n]])]
    row: Row = {
        "role": logic.roles.keys[role],
        "role_name": logic.role_names[role],
        "role_set": ROLE_SETS[int(found["role_set"][n])],
        "role_p": float(found["role_p"][n]),
        "item_p": float(found["item_p"][n]),
        "item_source": item_source,
        "item_run": item_run,
    }
    if shape > 0:
        topic = int(found["topic"][n])
        row |= {"topic": logic.topics.keys[topic], "topic_name": logic.topic_names[topic]}
        row |= _logic_fields("u2i", logic, view, int(found["u2i"][n]))
    if shape == 2:
        new_role = int(found["new_role"][n])
        row |= {"new_role": logic.roles.keys[new_role], "new_role_name": logic.role_names[new_role]}
        row |= _logic_fields("i2u", logic, view, int(found["i2u"][n]))
    return row


def _logic_fields(prefix: Literal["u2i", "i2u"], logic: Logic, view: View, entry: int) -> Row:
    """A logic edge's fields of a row: the LLM's weight, behaviour's statistics, provenance."""
    matrix, notes = (view.logic.u2i, view.u2i_notes) if prefix == "u2i" else (view.logic.i2u, view.i2u_notes)
    fields: dict[str, Any] = {"weight": float(matrix.data[entry])}
    if view.calibration is not None:
        fields |= (view.calibration.u2i if prefix == "u2i" else view.calibration.i2u).of(entry)
    fields |= dict(zip(NOTE_FIELDS, logic.notes[int(notes[entry])], strict=True))
    return {f"{prefix}_{k}": v for k, v in fields.items()}


def _affinities(direct: Sequence[Row], via_topic: Sequence[Row], source: Source) -> dict[str, list[Edge]]:
    """role → the edges from the role to the item: its HAS_USER_TAG edge and U2I → HAS_ITEM_TAG pairs."""
    out: dict[str, list[Edge]] = defaultdict(list)
    for r in prefer_source(direct, source):
        out[r["role"]].append(_item_edge("HAS_USER_TAG", r, r["role"]))
    for r in prefer_source(via_topic, source):
        out[r["role"]].append(Edge("U2I", r["role"], r["topic"], float(r["u2i_weight"]), _prov(r, "u2i", source)))
        out[r["role"]].append(_item_edge("HAS_ITEM_TAG", r, r["topic"]))
    return out


def affinity(edges: Sequence[Edge]) -> float:
    """A role's affinity to an item: P(t|i) plus Σ_c P(c|t)·P(c|i) over the edges `_affinities` lists."""
    total, pending = 0.0, None
    for e in edges:
        if e.type == "HAS_USER_TAG":
            total += e.p
        elif e.type == "U2I":
            pending = e.p
        elif pending is not None:  # the HAS_ITEM_TAG edge closing a U2I pair
            total += pending * e.p
            pending = None
    return total


def pair_roles(
    a: tuple[Sequence[Row], Sequence[Row]],
    b: tuple[Sequence[Row], Sequence[Row]],
    names: dict[str, str],
    source: Source,
    titles: tuple[str | None, str | None],
) -> list[PairRole]:
    """The roles related to both items, ranked by affinity(A)·affinity(B): the confounders that make two
    items go together. ``a`` and ``b`` are each item's (item_roles, item_topic_roles) rows."""
    ea, eb = _affinities(*a, source), _affinities(*b, source)
    shown = [f"*{t}*" if t else "this item" for t in titles]
    out = []
    for role in ea.keys() & eb.keys():
        fa, fb = affinity(ea[role]), affinity(eb[role])
        if fa <= 0 or fb <= 0:
            continue
        name = names.get(role, role)
        sentence = f"{shown[0]} and {shown[1]} go together because *{name}* want both."
        out.append(PairRole(role, name, fa * fb, (fa, fb), (ea[role], eb[role]), sentence))
    out.sort(key=lambda r: (-r.score, r.role))
    return out
