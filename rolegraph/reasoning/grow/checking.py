"""The check of candidate pairs (in the daily run, after logic): each pair behaviour supported on an earlier
day but the LLM never proposed is put to the LLM, which confirms it with a rationale or refuses. A confirmed
pair becomes an LLM logic edge (its prompt_version is the check template's; its weight an equal share beside
the source's proposed targets, since the check gives none); every verdict is kept on the candidate.

A pair whose verdict left it undecided (calibration queues it) is checked once more, in the other
direction's wording (a U2I pair role → topic as the I2U check "topic | role"): asking the same question
again would get the same answer from a model at temperature 0. A re-check that confirms a refused pair
makes its edge; one that refuses a confirmed pair leaves the edge to calibration, which weighs both
verdicts."""

from __future__ import annotations

from typing import Any

from rolegraph.graph.calibration import QueuedCandidate, Verdict
from rolegraph.graph.model import LogicEdge, LogicKind, Source
from rolegraph.reasoning.calibrate import within_budget
from rolegraph.reasoning.grow import journal
from rolegraph.reasoning.grow.ask import Outcome, ask
from rolegraph.reasoning.grow.context import RunContext
from rolegraph.reasoning.prompts import template
from rolegraph.reasoning.tasks import Task

TASKS = {LogicKind.U2I: Task.U2I_CHECK, LogicKind.I2U: Task.I2U_CHECK}
OTHER = {LogicKind.U2I: LogicKind.I2U, LogicKind.I2U: LogicKind.U2I}


def pending_chunks(ctx: RunContext, kind: LogicKind) -> list[tuple[str, list[QueuedCandidate]]]:
    """(journal step id, candidates still to check) of each chunk of the day's checks and re-checks not
    finished yet (each chunk one or the other), at most ``max_checks`` of each, the likeliest first; the
    rest wait for the next day."""
    out = []
    for recheck, name in ((False, "check"), (True, "recheck")):
        queued = ctx.store.calibration.to_check(kind, ctx.config.day, recheck)
        rows = within_budget(queued, ctx.config.max_checks)
        ctx.counts[f"{kind.value.lower()}_{name}s_planned"] = len(rows)
        ctx.counts[f"{kind.value.lower()}_{name}s_deferred"] = len(queued) - len(rows)
        out += journal.pending_chunks(ctx.store, ctx.run_id, f"{name}-{kind.value.lower()}", rows, ctx.config.chunk)
    return out


Asked = list[tuple[QueuedCandidate, Outcome]]


def task_of(kind: LogicKind, c: QueuedCandidate) -> tuple[Task, str]:
    """The check task and its subject for the candidate ``c`` of ``kind``: its own direction's wording, or
    the other direction's for a re-check."""
    if c.recheck is not None:
        return TASKS[OTHER[kind]], f"{c.dst_name} | {c.src_name}"
    return TASKS[kind], f"{c.src_name} | {c.dst_name}"


def ask_chunk(ctx: RunContext, kind: LogicKind, rows: list[QueuedCandidate]) -> Asked:
    """The LLM's verdict on each candidate (concurrent up to the client's cap)."""
    outcomes = ctx.client.map(lambda c: ask(ctx.client, *task_of(kind, c)), rows)
    return list(zip(rows, outcomes, strict=True))


def compose(ctx: RunContext, kind: LogicKind, asked: Asked) -> dict[str, Any]:
    """The chunk's journal payload: verdicts, and the edges of the pairs confirmed that had none (a
    re-check confirming a pair the first check confirmed too adds nothing to write)."""
    recheck = any(c.recheck is not None for c, _ in asked)
    verdicts, edges = [], []
    for c, outcome in asked:
        if outcome.status != "done" or outcome.parsed is None:
            continue  # stays queued: a later run asks again
        if outcome.parsed.verdict:
            verdicts.append([c.src, c.dst, "confirmed", outcome.parsed.rationale])
            if c.recheck != "confirmed":
                edges.append([c.src, c.dst, c.weight, outcome.parsed.rationale])
        else:
            verdicts.append([c.src, c.dst, "refused", outcome.parsed.rationale])
    return {
        "phase": "check",
        "kind": kind.value,
        "recheck": recheck,
        "verdicts": verdicts,
        "edges": edges,
        "model": ctx.client.model,
        "prompt_version": template(TASKS[OTHER[kind] if recheck else kind]).version,
    }


def apply(ctx: RunContext, payload: dict[str, Any]) -> None:
    """Writes one chunk's verdicts and confirmed edges (idempotent) and counts them."""
    kind = LogicKind(payload["kind"])
    edges = [
        LogicEdge(s, d, w, Source.LLM, ctx.run_id, payload["model"], payload["prompt_version"], why)
        for s, d, w, why in payload["edges"]
    ]
    recheck = bool(payload.get("recheck", False))
    ctx.store.upsert_logic(kind, edges)
    ctx.store.calibration.record(kind, ctx.config.day, [Verdict(*v) for v in payload["verdicts"]], recheck)
    for _, _, status, _ in payload["verdicts"]:
        ctx.counts[f"{kind.value.lower()}_{'rechecks' if recheck else 'candidates'}_{status}"] += 1
