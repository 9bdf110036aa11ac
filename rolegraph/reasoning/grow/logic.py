"""Steps 4–7 of the daily run: the frontier (tags not yet sources of logic edges), the LLM's logic
(Eq. 2: U2I role → topics, I2U topic → roles, each target with a weight and a one-line rationale),
canonicalization of the targets, and the weighted edges written with provenance."""

from __future__ import annotations

from typing import Any

from rolegraph.graph.growth import PlannedTag, TagStatus
from rolegraph.graph.model import LogicEdge, LogicKind, Source, TagKind
from rolegraph.graph.tags import LogicAliasUse
from rolegraph.reasoning.answers import normalized_weights
from rolegraph.reasoning.grow import journal
from rolegraph.reasoning.grow.ask import Outcome, ask
from rolegraph.reasoning.grow.context import RunContext
from rolegraph.reasoning.grow.resolve import TagWrites, apply_tag_writes, resolve_groups
from rolegraph.reasoning.prompts import template
from rolegraph.reasoning.tasks import Task

# kind → (task, vocabulary of the sources, vocabulary of the targets)
_SPEC = {
    LogicKind.U2I: (Task.U2I, TagKind.USER, TagKind.ITEM),
    LogicKind.I2U: (Task.I2U, TagKind.ITEM, TagKind.USER),
}


def plan_sources(ctx: RunContext, kind: LogicKind) -> list[PlannedTag]:
    """The day's frontier tags of one kind: the recorded plan, or a new one (first keys in order)."""
    day = ctx.config.day
    planned = ctx.store.growth.planned_sources(kind, day)
    if not planned and ctx.config.max_tags > 0:
        ctx.store.growth.plan_sources(kind, day, ctx.config.max_tags)
        planned = ctx.store.growth.planned_sources(kind, day)
    return planned


def pending_chunks(ctx: RunContext, kind: LogicKind, sources: list[PlannedTag]) -> list[tuple[str, list[PlannedTag]]]:
    """(journal step id, source tags still to ask about) of each chunk of the plan not finished yet."""
    ctx.counts[f"{kind.value.lower()}_sources_planned"] = len(sources)
    return journal.pending_chunks(ctx.store, ctx.run_id, kind.value.lower(), sources, ctx.config.chunk)


Asked = list[tuple[PlannedTag, Outcome]]


def ask_chunk(ctx: RunContext, kind: LogicKind, sources: list[PlannedTag]) -> Asked:
    """The LLM's targets for each source tag (concurrent up to the client's cap)."""
    task = _SPEC[kind][0]
    outcomes = ctx.client.map(lambda s: ask(ctx.client, task, s.name or s.key), sources)
    return list(zip(sources, outcomes, strict=True))


def compose(ctx: RunContext, kind: LogicKind, asked: Asked) -> dict[str, Any]:
    """Canonicalizes the targets of a chunk into its journal payload (tags, aliases, edges, statuses)."""
    task, _, target_kind = _SPEC[kind]
    writes = TagWrites()
    edges: list[list[Any]] = []
    statuses = []
    answered = []
    for source, outcome in asked:
        if outcome.status != "done":
            statuses.append([source.key, outcome.status, outcome.reason[:1000]])
            continue
        assert outcome.parsed is not None
        answered.append((source, outcome.parsed.targets))
        statuses.append([source.key, "done", ""])
    groups = [[t.name for t in targets] for _, targets in answered]
    for (source, targets), resolved in zip(
        answered, resolve_groups(ctx.vocab[target_kind], groups, writes), strict=True
    ):
        merged: dict[str, list[Any]] = {}  # targets that resolve to one tag add up their weights
        for target, weight, (key, via, _) in zip(targets, normalized_weights(targets), resolved, strict=True):
            if key in merged:
                merged[key][1] += weight
            else:
                merged[key] = [key, weight, target.rationale, via]
        edges += [[source.key, key, min(1.0, w), why, via] for key, w, why, via in merged.values()]
    return {
        "phase": kind.value.lower(),
        "target_kind": target_kind.value,
        "tags": writes.to_json(),
        "edges": edges,
        "sources": statuses,
        "model": ctx.client.model,
        "prompt_version": template(task).version,
    }


def apply(ctx: RunContext, payload: dict[str, Any]) -> None:
    """Writes one chunk's journal payload (idempotent) and counts what it wrote."""
    store, run = ctx.store, ctx.run_id
    kind = LogicKind(payload["phase"].upper())
    target_kind = TagKind(payload["target_kind"])
    apply_tag_writes(ctx, target_kind, payload["tags"])
    edges = [
        LogicEdge(src, dst, w, Source.LLM, run, payload["model"], payload["prompt_version"], why)
        for src, dst, w, why, *_ in payload["edges"]
    ]
    ctx.counts[f"{kind.value.lower()}_edges"] += store.upsert_logic(kind, edges)
    # the LLM named the target as an alias: the edge remembers it, for `tags unmerge`
    store.tags.mark_logic_alias_uses(LogicAliasUse(r[0], r[1], r[4]) for r in payload["edges"] if len(r) > 4 and r[4])
    store.growth.set_source_status(kind, run, [TagStatus(k, s, r) for k, s, r in payload["sources"]])
    for _, status, _ in payload["sources"]:
        ctx.counts[f"{kind.value.lower()}_sources_{status}"] += 1
