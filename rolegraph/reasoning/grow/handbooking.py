"""The handbook step of the daily run (before tagging, with ``GrowConfig.handbook``): categories of the
day's items that have no handbook yet get one from the LLM (`reasoning.handbook`); journaled as one entry.
The run's handbooks are then read back for the tagging prompts' Ideas lines."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rolegraph.graph.growth import PlannedItem
from rolegraph.graph.handbooks import Handbook
from rolegraph.reasoning.grow import journal
from rolegraph.reasoning.grow.ask import ask
from rolegraph.reasoning.grow.context import RunContext
from rolegraph.reasoning.handbook import samples, subject
from rolegraph.reasoning.prompts import template
from rolegraph.reasoning.tasks import Task


def build(ctx: RunContext, items: list[PlannedItem]) -> None:
    """Builds the missing handbooks of the day's categories (skipped when its journal entry is applied),
    then loads every handbook into ``ctx.handbooks``."""
    step_id = f"{ctx.run_id}/handbook"
    done = ctx.store.journal.entry(step_id)
    if done is None:
        payload = compose(ctx, items)
        journal.commit(ctx.store, ctx.run_id, step_id, payload, lambda p: apply(ctx, p))
    else:
        ctx.counts["handbooks_built"] = len(done.payload["books"])
    ctx.handbooks = ctx.store.handbooks.all()


def compose(ctx: RunContext, items: list[PlannedItem]) -> dict[str, Any]:
    """The journal payload: a handbook for each new category whose two answers were usable."""
    todo = sorted(samples(items, set(ctx.store.handbooks.all())).items())
    jobs = [
        (category, titles, task) for category, titles in todo for task in (Task.HANDBOOK_ROLES, Task.HANDBOOK_TOPICS)
    ]
    outcomes = ctx.client.map(lambda job: ask(ctx.client, job[2], subject(job[0], job[1])), jobs)
    answers: dict[str, dict[Task, list[str]]] = {}
    for (category, _, task), outcome in zip(jobs, outcomes, strict=True):
        if outcome.status == "done" and outcome.parsed is not None:
            answers.setdefault(category, {})[task] = list(outcome.parsed.tags)
    version = f"{template(Task.HANDBOOK_ROLES).version}+{template(Task.HANDBOOK_TOPICS).version}"
    books = [
        Handbook(c, a[Task.HANDBOOK_ROLES], a[Task.HANDBOOK_TOPICS], version, ctx.client.model, ctx.config.day)
        for c, a in sorted(answers.items())
        if len(a) == 2
    ]
    return {"phase": "handbook", "books": [asdict(b) for b in books]}


def apply(ctx: RunContext, payload: dict[str, Any]) -> None:
    """Writes the handbooks (idempotent)."""
    ctx.store.handbooks.upsert([Handbook(**b) for b in payload["books"]])
    ctx.counts["handbooks_built"] = len(payload["books"])
