"""`rolegraph gate`: today's quality gate over every LLM item → tag edge already in the graph.

A graph grown before a rule of the gate existed keeps what the rule would have set aside (the echo rule
came after the MovieLens backfill: 299 items kept roles copied from a worked example). This run judges the
tags each item still keeps, by the same code as a day's gate (`grow.gating`), quarantines those below it
with the reason, and asks each answer found echoing a worked example once more without that example
(`grow.reasking`; ``GrowConfig.reask``). It is a run of its own, ``gate-<day>``: journaled (a crash, then a
rerun, ends as an uninterrupted run), recorded as a Run node with its counts, and the re-asked answers' edges
carry its id. A rerun of a finished day does nothing; a dry run judges and writes nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from rolegraph.reasoning.gate import GateConfig
from rolegraph.reasoning.grow import gating, journal, reasking
from rolegraph.reasoning.grow.context import RunContext
from rolegraph.reasoning.grow.vocab import load_vocabularies

_KINDS = {"HAS_USER_TAG": "roles", "HAS_ITEM_TAG": "topics"}


def run_id(day: str) -> str:
    """The run id of the gate run of ``day``."""
    return f"gate-{day}"


def regate(ctx: RunContext, dry_run: bool = False) -> str:
    """Gates every item's kept LLM tags (see the module docstring); returns the run's status ("done",
    "already done", or "dry run"). Counts go to ``ctx.counts``."""
    store = ctx.store
    found = store.run(ctx.run_id)
    if found is not None and found.status == "done":
        return "already done"
    started = datetime.now(UTC).isoformat(timespec="seconds")
    if not dry_run:
        _record(ctx, "running", started)
        ctx.counts["journal_replayed"] = journal.replay_pending(
            store,
            ctx.run_id,
            {"gate": lambda p: gating.apply(ctx, p), "reask": lambda p: reasking.apply(ctx, p)},
        )
    ctx.vocab.update(load_vocabularies(store, ctx.embedder, ctx.config.threshold))
    ctx.handbooks = store.handbooks.all()
    items = store.quarantine.llm_tagged_items()
    if dry_run:
        payload = gating.compose(ctx, items, GateConfig(), every_run=True)
        gating.count(ctx, payload)
        _count_reasons(ctx, payload)
        return "dry run"
    with ctx.timed("gate"):
        payload = gating.gate(ctx, items, every_run=True)
    _count_reasons(ctx, payload)
    if ctx.config.reask:
        with ctx.timed("re-ask echoes (LLM)"):
            reasking.reask(ctx)
    store.journal.clear(ctx.run_id)
    _record(ctx, "done", started)
    return "done"


def _count_reasons(ctx: RunContext, payload: dict[str, Any]) -> None:
    """Edges quarantined by kind and reason, e.g. ``quarantined_roles_echo_of_a_worked_example``."""
    for _, kind, _, reason in payload["edges"]:
        ctx.counts[f"quarantined_{_KINDS[kind]}_{re.sub(r'\W+', '_', reason.split(' (')[0])}"] += 1


def _record(ctx: RunContext, status: str, started: str) -> None:
    ctx.record("gate", status, started, {**ctx.counts, **ctx.client.usage.as_dict()})
