"""The re-ask of echoed answers (after the gate, before logic). An answer that repeats a worked example of
the tagging prompt (the gate's echo rule) is quarantined whole, so its item would keep no roles (or no
topics). Such an item is asked once more, with that example left out of the prompt (`Template.without`):
what a weak model copies is the example in front of it. The new answer is canonicalized and written like
any other, then judged by the gate; an echo again (of the other example) is quarantined, not asked a third
time. The item records the re-ask (``reasked``: edge type, the variant's prompt version, the outcome). A
re-ask the LLM never answered (unreachable, timed out: ``failed``) is asked again by the next day's step, or
by `rolegraph gate`, with the same variant, until an answer comes; a variant whose prompt has changed since
is not asked again.

Journaled as two entries, the answers (``<run>/reask``) and their gate (``<run>/gate-reask``): a crash in
either, then a rerun, ends as an uninterrupted run would; a rerun of a finished day asks nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rolegraph.graph.model import TagKind
from rolegraph.reasoning.grow import gating, journal, tagging
from rolegraph.reasoning.grow.ask import Outcome, ask
from rolegraph.reasoning.grow.context import RunContext
from rolegraph.reasoning.handbook import hint
from rolegraph.reasoning.prompts import Template, template

STEP = "reask"
GATE_STEP = "gate-reask"
_KINDS = gating.EDGE_KINDS
_TASKS = tagging.TASKS

#: an answer to ask again: (item id, edge type, the prompt variant)
Job = tuple[str, str, Template]
#: (item id, edge type, the prompt variant, what the LLM answered)
Asked = list[tuple[str, str, Template, Outcome]]


def reask(ctx: RunContext) -> None:
    """Re-asks the answers the day's gate found echoed and the earlier re-asks the LLM never answered,
    writes and gates the new answers (each step skipped when its journal entry is already applied)."""
    step_id = f"{ctx.run_id}/{STEP}"
    done = ctx.store.journal.entry(step_id)
    if done is not None:
        payload = done.payload
        _count(ctx, payload)
    else:
        gated = ctx.store.journal.entry(f"{ctx.run_id}/gate")
        again = retries(ctx)
        jobs = echoed(gated.payload.get("echoes", []) if gated is not None else []) + again
        if not jobs:
            return
        payload = compose(ctx, ask_again(ctx, jobs)) | {"retried": len(again)}
        journal.commit(ctx.store, ctx.run_id, step_id, payload, lambda p: apply(ctx, p))
    pairs = {(row[0], row[1]) for row in payload["asked"]}
    gating.gate(ctx, sorted({item for item, _ in pairs}), step=GATE_STEP, only=pairs)


def echoed(echoes: list[list[str]]) -> list[Job]:
    """The day's echoed answers (item, edge type, the example's title), each without the example it echoed."""
    return [(item, kind, template(_TASKS[_KINDS[kind]]).without(title)) for item, kind, title in echoes]


def retries(ctx: RunContext) -> list[Job]:
    """The earlier re-asks no answer came for, with the variant they were asked with (while today's prompt
    still has it)."""
    jobs: list[Job] = []
    for item, kind, version in ctx.store.quarantine.failed_reasks():
        variant = template(_TASKS[_KINDS[kind]]).variant(version) if kind in _KINDS else None
        if variant is not None:
            jobs.append((item, kind, variant))
    return jobs


def ask_again(ctx: RunContext, asks: list[Job]) -> Asked:
    """Each answer asked again with its variant (concurrent up to the client's cap; a progress bar by
    chunk). An item no longer in the graph is left out."""
    items = {item.id: item for item in ctx.store.growth.item_texts(sorted({row[0] for row in asks}))}
    jobs = [(items[item], kind, tpl) for item, kind, tpl in dict.fromkeys(asks) if item in items]
    outcomes: list[Outcome] = []
    size = ctx.config.chunk
    with ctx.progress("re-asking answers", len(jobs)) as advance:
        for start in range(0, len(jobs), size):
            chunk = jobs[start : start + size]
            outcomes += ctx.client.map(
                lambda job: ask(
                    ctx.client,
                    _TASKS[_KINDS[job[1]]],
                    tagging.subject(job[0]),
                    hint(ctx.handbooks, job[0], _KINDS[job[1]]),
                    job[2],
                ),
                chunk,
            )
            advance(len(chunk))
    return [(item.id, kind, tpl, outcome) for (item, kind, tpl), outcome in zip(jobs, outcomes, strict=True)]


def compose(ctx: RunContext, asked: Asked) -> dict[str, Any]:
    """The journal payload: the usable answers canonicalized into tag writes and edges (as tagging's), and
    one row per re-ask ([item, edge type, prompt version, outcome status]). Items keep their status."""
    answers: tagging.Answers = {kind: [] for kind in TagKind}
    for item, kind, _, outcome in asked:
        if outcome.status == "done" and outcome.parsed is not None:
            answers[_KINDS[kind]].append((item, list(outcome.parsed.tags)))
    rows = [[item, kind, tpl.version, outcome.status] for item, kind, tpl, outcome in asked]
    return {"phase": STEP, **tagging.resolve_answers(ctx, answers), "items": [], "asked": rows}


def apply(ctx: RunContext, payload: dict[str, Any]) -> None:
    """Writes the new answers (idempotent, as tagging's chunks) and marks the items re-asked."""
    tagging.apply(ctx, payload)
    ctx.store.quarantine.mark_reasked(payload["asked"])
    _count(ctx, payload)


def _count(ctx: RunContext, payload: dict[str, Any]) -> None:
    for status, n in Counter(row[3] for row in payload["asked"]).items():
        ctx.counts[f"reask_{status}"] = n
    ctx.counts["reask_asked"] = len(payload["asked"])
    if payload.get("retried"):
        ctx.counts["reask_retried"] = payload["retried"]
