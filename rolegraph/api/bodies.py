"""The JSON bodies of /explain and /recommend, encoded straight from the service's own records.

Each builds the fields of its declared model (`ExplainOut`, `RecommendOut`) as plain dicts and lists, in the
model's field order and with its field types, and encodes them with pydantic's serializer: the bytes the
model's ``model_dump_json`` gives, without building and validating a model object per path, edge and item
on every request. tests/api/test_bodies.py checks that every body equals its own round trip through the
declared model, so the response schema still governs each one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic_core import to_json

from rolegraph.graph.explain import Edge, Explanation, Path
from rolegraph.recsys.scorer import Recommendation, ScoreParts


def score_fields(parts: ScoreParts, model: str, run_id: str) -> dict[str, Any]:
    """The fields of a `ScoreOut`."""
    return {
        "total": float(parts.total),
        "raw": float(parts.raw),
        "tag0": float(parts.tag0),
        "tag1": float(parts.tag1),
        "beta0": float(parts.beta0),
        "beta1": float(parts.beta1),
        "model": model,
        "run_id": run_id,
    }


def _edge(e: Edge) -> dict[str, Any]:
    return {"type": e.type, "start": e.start, "end": e.end, "p": float(e.p), "provenance": e.provenance}


def _path(p: Path) -> dict[str, Any]:
    return {
        "shape": p.shape,
        "strength": float(p.strength),
        "role": p.role,
        "role_set": p.role_set,
        "topic": p.topic,
        "new_role": p.new_role,
        "edges": [_edge(e) for e in p.edges],
        "sentence": p.sentence,
    }


def explain_body(
    user: str,
    item: str,
    *,
    graph: str,
    mode: str,
    weights: str,
    score: dict[str, Any] | None,
    note: str | None,
    found: Explanation,
) -> bytes:
    """An `ExplainOut` as JSON; ``score`` is `score_fields` (None without a score)."""
    out = {
        "user": user,
        "item": item,
        "graph": graph,
        "mode": mode,
        "weights": weights,
        "score": score,
        "note": note,
        "graph_parts": {"tag0": float(found.tag0), "tag1": float(found.tag1)},
        "path_counts": found.counts,
        "paths": [_path(p) for p in found.paths],
    }
    return to_json(out)


def recommend_body(user: str, mode: str, model: str, run_id: str, recs: Sequence[Recommendation]) -> bytes:
    """A `RecommendOut` as JSON."""
    items = [
        {
            "item": r.item_id,
            "score": float(r.score),
            "raw": float(r.parts.raw),
            "tag0": float(r.parts.tag0),
            "tag1": float(r.parts.tag1),
        }
        for r in recs
    ]
    return to_json({"user": user, "mode": mode, "model": model, "run_id": run_id, "items": items})
