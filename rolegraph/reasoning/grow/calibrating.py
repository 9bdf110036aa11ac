"""The calibration step of the daily run (after logic, before cover sets): behaviour's statistics on every
LLM logic edge, weighed with what the LLM said about each pair in both directions and in checks, and the
candidate pairs for the next day's check (`reasoning.calibrate`), journaled as one entry so a crash
between computing and writing replays the same writes."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rolegraph.graph.calibration import CandidatePair, EdgeStats
from rolegraph.graph.model import LogicKind
from rolegraph.reasoning.calibrate import Statements, weigh
from rolegraph.reasoning.calibration_config import CalibrationConfig
from rolegraph.reasoning.cooccurrence import behaviour
from rolegraph.reasoning.grow import journal
from rolegraph.reasoning.grow.context import RunContext


def calibrate(ctx: RunContext) -> None:
    """Computes and writes the day's calibration (skipped when its journal entry is already applied)."""
    step_id = f"{ctx.run_id}/calibrate"
    done = ctx.store.journal.entry(step_id)
    if done is not None:
        _count(ctx, done.payload)
        return
    journal.commit(ctx.store, ctx.run_id, step_id, compose(ctx, ctx.config.calibration), lambda p: apply(ctx, p))


def compose(ctx: RunContext, cfg: CalibrationConfig) -> dict[str, Any]:
    """The journal payload: edge statistics and candidates of both kinds."""
    store = ctx.store
    items = store.distillation.tagged_items()
    beh = behaviour(((r["user"], r["item"]) for r in store.iter_interactions()), items)
    payload: dict[str, Any] = {"phase": "calibrate", "edges": {}, "candidates": {}, "rechecks": {}}
    edges = {kind: store.distillation.llm_logic(kind) for kind in LogicKind}
    verdicts = {kind: store.calibration.verdicts(kind) for kind in LogicKind}
    for kind in LogicKind:
        other = LogicKind.I2U if kind is LogicKind.U2I else LogicKind.U2I
        stated = Statements(
            edges[kind],
            edges[other],
            verdicts[kind]["confirmed"],
            verdicts[other]["confirmed"],
            verdicts[kind]["refused"],
            verdicts[other]["refused"],
            _rechecked(verdicts[kind]),
            _rechecked(verdicts[other]),
        )
        weighed = weigh(beh, kind, stated, cfg)
        payload["edges"][kind.value] = [asdict(s) for s in weighed.edges]
        payload["candidates"][kind.value] = [asdict(c) for c in weighed.candidates]
        payload["rechecks"][kind.value] = [list(p) for p in weighed.rechecks]
    return payload


def _rechecked(verdicts: dict[str, frozenset[tuple[str, str]]]) -> dict[tuple[str, str], bool]:
    """The re-checks' verdicts by pair (True where confirmed)."""
    return dict.fromkeys(verdicts["rerefused"], False) | dict.fromkeys(verdicts["reconfirmed"], True)


def apply(ctx: RunContext, payload: dict[str, Any]) -> None:
    """Writes the statistics and queues the candidates and re-checks (idempotent)."""
    calibration = ctx.store.calibration
    for kind in LogicKind:
        calibration.set_edge_stats(kind, [EdgeStats(**row) for row in payload["edges"][kind.value]])
        calibration.queue(kind, ctx.config.day, [CandidatePair(**row) for row in payload["candidates"][kind.value]])
        rechecks = [(s, d) for s, d in payload.get("rechecks", {}).get(kind.value, [])]
        calibration.queue_rechecks(kind, ctx.config.day, rechecks)
    _count(ctx, payload)


def _count(ctx: RunContext, payload: dict[str, Any]) -> None:
    for kind in LogicKind:
        rows = payload["edges"][kind.value]
        name = kind.value.lower()
        ctx.counts[f"{name}_calibrated"] = sum(1 for r in rows if r["support"] > 0)
        ctx.counts[f"{name}_contradicted"] = sum(1 for r in rows if r["contradicted"])
        ctx.counts[f"{name}_candidates_queued"] = len(payload["candidates"][kind.value])
        ctx.counts[f"{name}_rechecks_queued"] = len(payload.get("rechecks", {}).get(kind.value, []))
