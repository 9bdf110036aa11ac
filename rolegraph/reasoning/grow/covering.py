"""Step 8 of the daily run: the cover sets (Algorithm 1) of both vocabularies from today's LLM tagging."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import scipy.sparse as sp

from rolegraph.graph.model import CoverSnapshotRecord, TagKind
from rolegraph.graph.store import chunks
from rolegraph.reasoning.cover import cover_step
from rolegraph.reasoning.grow import journal
from rolegraph.reasoning.grow.context import RunContext

_EDGE = {TagKind.USER: "HAS_USER_TAG", TagKind.ITEM: "HAS_ITEM_TAG"}
_NEVER = 10**6


def update_covers(ctx: RunContext, item_ids: list[str]) -> None:
    """Computes and writes both cover sets for the day (journaled like the LLM steps)."""
    for kind in TagKind:
        step_id = f"{ctx.run_id}/cover/{kind.value}"
        done = journal.recorded(ctx.store, step_id)
        if done is not None:
            _count(ctx, done[1])
            continue
        journal.commit(ctx.store, ctx.run_id, step_id, _compose(ctx, kind, item_ids), lambda p: apply(ctx, p))


def _compose(ctx: RunContext, kind: TagKind, item_ids: list[str]) -> dict[str, Any]:
    store, cfg = ctx.store, ctx.config
    pairs: list[tuple[str, str]] = []
    for start in range(0, len(item_ids), store.batch_size):
        rows = store.read("run_item_tag_edges", ids=item_ids[start : start + store.batch_size], run=ctx.run_id)
        pairs += [(r["item"], r["tag"]) for r in rows if r["type"] == _EDGE[kind]]
    current = store.current_cover(kind)
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
    for batch in chunks(current, store.batch_size):  # one statement per batch, not one per tag
        last_seen.update((r["key"], r["last_seen"]) for r in store.read("grow_tags_last_seen", keys=batch))
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
    ctx.store.set_cover(kind, ctx.config.day, payload["members"])
    ctx.store.upsert_cover_snapshot(
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
