"""Step 1–3 of the daily run: select items not yet tagged, ask the LLM for their roles and topics
(Eq. 1), canonicalize, write the item→tag edges with per-item status."""

from __future__ import annotations

from typing import Any

from rolegraph.graph.growth import ItemStatus, ItemText, PlannedItem
from rolegraph.graph.model import ItemTagEdge, Source, TagKind
from rolegraph.graph.tags import AliasUse
from rolegraph.reasoning.grow import journal
from rolegraph.reasoning.grow.ask import Outcome, ask
from rolegraph.reasoning.grow.context import RunContext
from rolegraph.reasoning.grow.resolve import TagWrites, apply_tag_writes, resolve_groups
from rolegraph.reasoning.handbook import hint
from rolegraph.reasoning.prompts import Template, template
from rolegraph.reasoning.tasks import Task

#: a vocabulary → the tagging task that names its tags
TASKS = {TagKind.USER: Task.ITEM_ROLES, TagKind.ITEM: Task.ITEM_TOPICS}


def plan_items(ctx: RunContext) -> list[PlannedItem]:
    """The day's items: the recorded plan, or a new one (the first untagged items by id, or the
    most-interacted with ``popular_first``)."""
    day = ctx.config.day
    planned = ctx.store.growth.planned_items(day)
    if not planned and ctx.config.max_items > 0:
        ctx.store.growth.plan_items(day, ctx.config.max_items, ctx.config.popular_first)
        planned = ctx.store.growth.planned_items(day)
    return planned


def subject(item: ItemText) -> str:
    """The text the LLM reads about an item: its text, else its title, else its id."""
    return str(item.text or item.title or item.id)


def pending_chunks(ctx: RunContext, items: list[PlannedItem]) -> list[tuple[str, list[PlannedItem]]]:
    """(journal step id, items still to tag) of each chunk of the plan not finished yet."""
    ctx.counts["items_planned"] = len(items)
    return journal.pending_chunks(ctx.store, ctx.run_id, "tags", items, ctx.config.chunk)


Asked = list[tuple[PlannedItem, TagKind, Outcome]]


def ask_chunk(ctx: RunContext, items: list[PlannedItem]) -> Asked:
    """The LLM's roles and topics for each item (concurrent up to the client's cap)."""
    jobs = [(item, kind) for item in items for kind in (TagKind.USER, TagKind.ITEM)]
    outcomes = ctx.client.map(
        lambda job: ask(
            ctx.client, TASKS[job[1]], subject(job[0]), hint(ctx.handbooks, job[0], job[1]), _prompt(job[0], job[1])
        ),
        jobs,
    )
    return [(item, kind, outcome) for (item, kind), outcome in zip(jobs, outcomes, strict=True)]


def _prompt(item: PlannedItem, kind: TagKind) -> Template | None:
    """The prompt of an item's retry (its earlier answer was unusable): the template less its first worked
    example, so the model reads a different prompt (the same one would give the same answer at temperature 0,
    and the cache would return it); None (the template itself) otherwise."""
    if not item.retry:
        return None
    tpl = template(TASKS[kind])
    return tpl.without(tpl.titles[0]) if tpl.titles else None


def compose(ctx: RunContext, asked: Asked) -> dict[str, Any]:
    """Canonicalizes the answers of a chunk into its journal payload (tags, aliases, edges, statuses)."""
    by_item: dict[str, dict[TagKind, Outcome]] = {}
    for item, kind, outcome in asked:
        by_item.setdefault(item.id, {})[kind] = outcome
    statuses = []
    answers: Answers = {kind: [] for kind in TagKind}
    for item_id, results in by_item.items():
        flags = ["prompt-injection"] if any(o.flagged for o in results.values()) else []
        failed = [o for o in results.values() if o.status == "failed"]
        bad = [o for o in results.values() if o.status == "quarantined"]
        if failed or bad:
            status = "failed" if failed else "quarantined"
            reason = "; ".join(f"{k.value} tags: {o.reason}" for k, o in results.items() if o.status != "done")
            statuses.append([item_id, status, reason[:1000], flags])
            continue
        for kind, outcome in results.items():
            assert outcome.parsed is not None
            answers[kind].append((item_id, list(outcome.parsed.tags)))
        statuses.append([item_id, "done", "", flags])
    return {"phase": "tags", **resolve_answers(ctx, answers), "items": statuses}


#: per vocabulary, (item id, the names its answer gave) in order
Answers = dict[TagKind, list[tuple[str, list[str]]]]


def resolve_answers(ctx: RunContext, answers: Answers) -> dict[str, Any]:
    """The payload's ``tags`` (the vocabularies' writes) and ``edges`` ([item, key, rank, alias] per
    vocabulary) of a chunk's answers, canonicalized in order."""
    writes = {kind: TagWrites() for kind in TagKind}
    edges: dict[str, list[list[Any]]] = {kind.value: [] for kind in TagKind}
    for kind in TagKind:
        resolved = resolve_groups(ctx.vocab[kind], [names for _, names in answers[kind]], writes[kind])
        for (item_id, _), keys in zip(answers[kind], resolved, strict=True):
            edges[kind.value] += [[item_id, key, rank, via] for rank, (key, via, _) in enumerate(keys)]
    return {"tags": {kind.value: writes[kind].to_json() for kind in TagKind}, "edges": edges}


def apply(ctx: RunContext, payload: dict[str, Any]) -> None:
    """Writes one chunk's journal payload (idempotent) and counts what it wrote."""
    store, run = ctx.store, ctx.run_id
    for kind in TagKind:
        data = payload["tags"][kind.value]
        apply_tag_writes(ctx, kind, data)
        rows = payload["edges"][kind.value]
        # an item naming the same canonical tag twice keeps its best rank
        best: dict[tuple[str, str], list[Any]] = {}
        for row in rows:
            best.setdefault((row[0], row[1]), row)
        store.upsert_item_tag_edges(
            kind, [ItemTagEdge(i, t, 1.0, rank, Source.LLM, run) for i, t, rank, _ in best.values()]
        )
        store.tags.mark_alias_uses(AliasUse(i, t, v) for i, t, _, v in best.values())
        ctx.counts[f"{kind.value}_tag_edges"] += len(best)
        store.refresh_tag_item_counts(sorted({t for _, t in best}))
    store.growth.set_item_status(run, [ItemStatus(i, s, r, f) for i, s, r, f in payload["items"]])
    for _, status, _, flags in payload["items"]:
        ctx.counts[f"items_{status}"] += 1
        ctx.counts["items_flagged"] += bool(flags)
