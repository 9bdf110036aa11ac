"""Explanations as ranked paths (docs/design.md; paper Eq. 8–9), and the roles behind an item pair.

Pure functions over the rows of `GraphReads.explain_paths`, `item_roles` and `item_topic_roles`; the
database calls stay in `graph.reads`. A path's strength is the product of the probabilities along it:

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

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rolegraph.graph.backend import Row
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


def _prov(row: Row, prefix: str, source: Source | None = None) -> dict[str, Any]:
    """The provenance fields of one edge of a row; logic edges are of the view's ``source`` and carry both
    weights and behaviour's counts where present."""
    fields = _PROVENANCE if source is None else _PROVENANCE + _BEHAVIOUR
    found = {k: row[f"{prefix}_{k}"] for k in fields if row.get(f"{prefix}_{k}") not in (None, "")}
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
