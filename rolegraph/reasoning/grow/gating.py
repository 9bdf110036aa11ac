"""The quality-gate step of the daily run (after tagging, before logic): today's LLM item → tag edges are
judged (`reasoning.gate`) and those below the gate quarantined with the reason; journaled as one entry."""

from __future__ import annotations

from typing import Any

import numpy as np

from rolegraph.errors import InvalidInput
from rolegraph.graph.model import TagKind
from rolegraph.graph.quarantine import GatedEdge, Quarantined
from rolegraph.reasoning.answers import parse_tag_line
from rolegraph.reasoning.canonical import normalize
from rolegraph.reasoning.gate import NOT_PEOPLE, Example, GateConfig, Judged, echoed, grounding, reasons
from rolegraph.reasoning.grow import journal
from rolegraph.reasoning.grow.context import RunContext
from rolegraph.reasoning.prompts import template
from rolegraph.reasoning.tasks import Task
from rolegraph.reasoning.wording import default_lexicon

#: an LLM item → tag edge's type → its vocabulary
EDGE_KINDS = {"HAS_USER_TAG": TagKind.USER, "HAS_ITEM_TAG": TagKind.ITEM}
_TASKS = {"HAS_USER_TAG": Task.ITEM_ROLES, "HAS_ITEM_TAG": Task.ITEM_TOPICS}
#: reasons that condemn a tag whatever item named it (the rest are about one item)
_NAME_REASONS = ("generic", "person name", NOT_PEOPLE)


def gate(
    ctx: RunContext,
    item_ids: list[str],
    cfg: GateConfig | None = None,
    step: str = "gate",
    only: set[tuple[str, str]] | None = None,
    every_run: bool = False,
) -> dict[str, Any]:
    """Judges and quarantines the day's tags (skipped when its journal entry ``<run>/<step>`` is already
    applied); ``only`` limits it to the answers of these (item, edge type) pairs, ``every_run`` judges the
    items' tags whichever run wrote them (`rolegraph gate`). Returns the payload."""
    step_id = f"{ctx.run_id}/{step}"
    done = ctx.store.journal.entry(step_id)
    if done is not None:
        count(ctx, done.payload)
        return done.payload
    payload = compose(ctx, item_ids, cfg or GateConfig(), only, every_run)
    payload["step"] = step
    journal.commit(ctx.store, ctx.run_id, step_id, payload, lambda p: apply(ctx, p))
    return payload


def compose(
    ctx: RunContext,
    item_ids: list[str],
    cfg: GateConfig,
    only: set[tuple[str, str]] | None = None,
    every_run: bool = False,
) -> dict[str, Any]:
    """The journal payload: the edges to quarantine, the tags condemned by name and the answers that echo a
    worked example (``echoes``: [item, edge type, the example's title])."""
    edges = ctx.store.quarantine.run_edges(None if every_run else ctx.run_id, item_ids)
    if only is not None:
        edges = [e for e in edges if (e.item, e.type) in only]
    if not edges:
        return {"phase": "gate", "edges": [], "tags": {}, "judged": 0, "echoes": []}
    texts = sorted({e.text for e in edges})
    text_vec = dict(zip(texts, ctx.embedder.embed(texts), strict=True))
    missing = sorted({e.name for e in edges if _vector(ctx, e) is None})
    fresh = dict(zip(missing, ctx.embedder.embed(missing), strict=True)) if missing else {}
    rows = []
    for e in edges:
        vec = _vector(ctx, e)
        rows.append(fresh[e.name] if vec is None else vec)
    tags = np.stack(rows)
    sims = grounding(tags, np.stack([text_vec[e.text] for e in edges]))
    echoes = _echoes(edges, cfg)
    judged = [_judged(e, float(sim), echoes[e.item, e.type]) for e, sim in zip(edges, sims, strict=True)]
    why = reasons(judged, cfg)
    failed = [[e.item, e.type, e.tag, r] for e, r in zip(edges, why, strict=True) if r]
    condemned = {e.tag: r for e, r in zip(edges, why, strict=True) if r in _NAME_REASONS}
    # the echoed example's title: echoed() says "<title>: <n> of <m> tags"
    copied = [[item, kind, echo.rpartition(": ")[0]] for (item, kind), echo in sorted(echoes.items()) if echo]
    return {"phase": "gate", "edges": failed, "tags": condemned, "judged": len(edges), "echoes": copied}


def _judged(edge: GatedEdge, sim: float, echo: str) -> Judged:
    role = EDGE_KINDS[edge.type] is TagKind.USER
    people = default_lexicon().names_people(normalize(edge.name)) if role else None
    return Judged(edge.name, edge.text, role, people, sim, echo)


def _echoes(edges: list[GatedEdge], cfg: GateConfig) -> dict[tuple[str, str], str]:
    """Per (item, edge type): the worked example of the tagging prompt its answer repeats ("" when none)."""
    answers: dict[tuple[str, str], list[str]] = {}
    texts: dict[str, str] = {}
    for e in edges:
        answers.setdefault((e.item, e.type), []).append(e.tag)
        texts[e.item] = e.text
    worked = {kind: examples(task) for kind, task in _TASKS.items()}
    return {(item, kind): echoed(keys, texts[item], worked[kind], cfg) for (item, kind), keys in answers.items()}


def examples(task: Task) -> list[Example]:
    """The worked examples of a tagging prompt as the gate compares answers with them: the example item's
    title (its input up to the first ". ") and its answer's tag keys."""
    tpl = template(task)
    out = []
    for ex, title in zip(tpl.examples, tpl.titles, strict=True):
        keys = set()
        for name in parse_tag_line(ex.answer):
            try:
                keys.add(normalize(name))
            except InvalidInput:
                continue
        out.append(Example(title, frozenset(keys)))
    return out


def _vector(ctx: RunContext, edge: GatedEdge) -> np.ndarray | None:
    """The tag's embedding from the run's vocabulary (None when the vocabulary holds none for it: the name is
    then embedded afresh)."""
    canon = ctx.vocab.get(EDGE_KINDS[edge.type])
    return canon.stored_vector(edge.tag) if canon is not None else None


def apply(ctx: RunContext, payload: dict[str, Any]) -> None:
    """Moves the failed edges into quarantine and marks the condemned tags (idempotent)."""
    store = ctx.store
    store.quarantine.move([Quarantined(*row) for row in payload["edges"]])
    store.quarantine.mark_tags(payload["tags"])
    store.refresh_tag_item_counts(sorted({row[2] for row in payload["edges"]}))
    count(ctx, payload)


def count(ctx: RunContext, payload: dict[str, Any]) -> None:
    """Counts a gate payload into the run summary (``gate_*``, or ``gate_reask_*`` for the re-asks' gate)."""
    prefix = str(payload.get("step", "gate")).replace("-", "_")
    ctx.counts[f"{prefix}_judged"] = payload["judged"]
    ctx.counts[f"{prefix}_quarantined"] = len(payload["edges"])
    ctx.counts[f"{prefix}_tags_condemned"] = len(payload["tags"])
    ctx.counts[f"{prefix}_echoes"] = len(payload.get("echoes", []))
