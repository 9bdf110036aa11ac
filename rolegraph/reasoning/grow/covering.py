"""Step 8 of the daily run: the cover sets (Algorithm 1) of both vocabularies from today's LLM tagging."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import scipy.sparse as sp

from rolegraph.graph.model import CoverSnapshotRecord, TagKind
from rolegraph.reasoning.cover import cover_step
from rolegraph.reasoning.grow import journal
from rolegraph.reasoning.grow.context import RunContext

_NEVER = 10**6


def update_covers(ctx: RunContext, item_ids: list[str]) -> None:
    """Computes and writes both cover sets for the day (journaled like the LLM steps)."""
    for kind in TagKind:
        step_id = f"{ctx.run_id}/cover/{kind.value}"
        done = ctx.store.journal.entry(step_id)
        if done is not None:
            _count(ctx, done.payload)
            continue
        journal.commit(ctx.store, ctx.run_id, step_id, _compose(ctx, kind, item_ids), lambda p: apply(ctx, p))


def _compose(ctx: RunContext, kind: TagKind, item_ids: list[str]) -> dict[str, Any]:
    store, cfg = ctx.store, ctx.config
    pairs = store.growth.run_item_tags(kind, ctx.run_id, item_ids)
    current = store.covers.current(kind)
    tags = sorted({t for _, t in pairs} | set(current))
    col = {t: j for j, t in enumerate(tags)}
    items = sorted({i for i, _ in pairs})
    row = {i: k for k, i in enumerate(items)}
    incidence = sp.csr_array(
        (np.ones(len(pairs), dtype=np.int8), ([row[i] for i, _ in pairs], [col[t] for _, t in pairs])),
        shape=(len(items), len(tags)),
    )
    members = np.zeros(len(tags), dtype=bool)
    members[[col[t] for t in current]] = True
    last_seen: dict[str, Any] = {t: None for t in tags}
    last_seen.update(store.tags.last_seen(current))
    today = date.fromisoformat(cfg.day)
    seen_today = {t for _, t in pairs}
    days = np.array([0 if t in seen_today else _days(today, last_seen[t]) for t in tags], dtype=np.int64)
    step = cover_step(incidence, members, days, tau=cfg.tau, window=cfg.window)
    return {
        "phase": "cover",
        "kind": kind.value,
        "members": [tags[j] for j in np.flatnonzero(step.members)],
        "added": len(step.added),
        "removed": len(step.removed),
        "recall": step.recall,
        "items": step.items,
    }


def _days(today: date, last_seen: Any) -> int:
    try:
        return (today - date.fromisoformat(str(last_seen))).days
    except ValueError:
        return _NEVER


def apply(ctx: RunContext, payload: dict[str, Any]) -> None:
    kind = TagKind(payload["kind"])
    ctx.store.covers.set(kind, ctx.config.day, payload["members"])
    ctx.store.covers.snapshot(
        CoverSnapshotRecord(
            kind, ctx.config.day, len(payload["members"]), payload["recall"], payload["added"], payload["removed"]
        )
    )
    _count(ctx, payload)


def _count(ctx: RunContext, payload: dict[str, Any]) -> None:
    ctx.cover[payload["kind"]] = {
        "size": len(payload["members"]),
        "recall": round(float(payload["recall"]), 4),
        "added": payload["added"],
        "removed": payload["removed"],
    }
