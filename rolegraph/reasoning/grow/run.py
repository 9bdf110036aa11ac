"""The daily growth run as a LangGraph graph whose nodes are the steps of docs/design.md.

    start ─▶ select_items ─▶ tag ─▶ canonicalize ─▶ write_tags ─┐ (next chunk: back to tag)
                                                                 ▼
             gate ─▶ reask ─▶ frontier ─▶ logic ─▶ canonicalize_targets ─▶ write_logic ─┐ (next chunk: back to logic)
                                                                                  ▼
             check ─▶ write_check ─┐ (next chunk of candidate pairs: back to check)
                                   ▼
             calibrate ─▶ cover_sets ─▶ distill ─▶ publish ─▶ END

`select_items` builds the handbooks of new item categories first, when the run uses them
(`grow.handbooking`); `gate` quarantines today's item → tag edges below the quality gate (`grow.gating`);
`reask` asks an answer the gate found echoing a worked example once more without that example, and gates
the new answer (`grow.reasking`; ``GrowConfig.reask``);
`check` puts the candidate pairs an earlier day's calibration queued to the LLM (`grow.checking`);
`calibrate` sets behaviour's support, lift and calibrated weight on every LLM logic edge and queues
the next candidates (`grow.calibrating`).

Resumable: the plan (items and tags marked with the day), per-item and per-tag status, and a journal
entry per chunk live in the graph (`reasoning.grow.journal`); `start` replays what a crash left
half-applied, and finished chunks are skipped, so a killed run rerun ends in the same graph. A rerun of
a finished day stops at `start`: no LLM call, no write (a day on which every planned item failed, the LLM
never answering, does not count as finished: its rerun plans the failed items again).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypedDict

from langgraph.graph import END, START, StateGraph

from rolegraph.graph.calibration import QueuedCandidate
from rolegraph.graph.growth import PlannedItem, PlannedTag
from rolegraph.graph.model import AliasEdge, LogicKind
from rolegraph.reasoning.grow import (
    calibrating,
    checking,
    covering,
    gating,
    handbooking,
    journal,
    logic,
    reasking,
    tagging,
)
from rolegraph.reasoning.grow.context import RunContext
from rolegraph.reasoning.grow.vocab import load_vocabularies


class GrowState(TypedDict, total=False):
    finished_before: bool
    items: list[str]
    tag_chunks: list[tuple[str, list[PlannedItem]]]
    logic_chunks: list[tuple[LogicKind, str, list[PlannedTag]]]
    check_chunks: list[tuple[LogicKind, str, list[QueuedCandidate]]]
    step_id: str
    asked: Any
    payload: dict[str, Any]


def tagged_nothing(counts: Mapping[str, float]) -> bool:
    """True when a run planned items and every one of them failed: the LLM never answered."""
    planned, failed = int(counts.get("items_planned", 0)), int(counts.get("items_failed", 0))
    return planned > 0 and failed >= planned


@dataclass
class Summary:
    """What a run did: counts, LLM usage, cover sets, merges, timings."""

    run: str
    day: str
    status: str
    counts: dict[str, float] = field(default_factory=dict)
    cover: dict[str, dict[str, float]] = field(default_factory=dict)
    merges: list[AliasEdge] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def failed_everything(self) -> str | None:
        """Why no planned item was tagged when every one of them failed (the LLM never gave an answer), else None.

        Such a run is not an empty day: the LLM is unreachable or broken (a server that died, a wrong URL), and
        the failed items wait for the next run.
        """
        if not tagged_nothing(self.counts):
            return None
        planned = int(self.counts.get("items_planned", 0))
        calls, failures = int(self.counts.get("llm_calls", 0)), int(self.counts.get("llm_failures", 0))
        return (
            f"{self.run}: none of its {planned} items was tagged — the LLM failed {failures} of {calls} requests "
            "after retries (is the LLM server up? `rolegraph llm serve` shows the embedded one's output); "
            "the items are retried by the next run (the same command, once the LLM answers)"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "day": self.day,
            "status": self.status,
            "counts": self.counts,
            "cover": self.cover,
            "merges": [
                {"alias": m.alias_key, "canonical": m.canonical_key, "score": m.score}
                | {"method": m.method, "reason": m.reason}
                for m in self.merges
            ],
            "timings_s": self.timings,
        }


class GrowRun:
    """One day's run over a store and an LLM client (see the module docstring)."""

    def __init__(self, ctx: RunContext, distill: Callable[[RunContext], None] | None = None):
        self.ctx = ctx
        self.distill_step = distill
        self.bars = ExitStack()
        self.advance: Callable[[int], None] = lambda n: None
        self.started = datetime.now(UTC).isoformat(timespec="seconds")
        self.graph = self._build()

    # ----------------------------------------------------------------- nodes
    def start(self, state: GrowState) -> GrowState:
        ctx = self.ctx
        found = ctx.store.run(ctx.run_id)
        # a day on which the LLM answered nothing is not finished: rerun, it plans its failed items again
        if found is not None and found.status == "done" and not tagged_nothing(found.counts):
            return {"finished_before": True}
        self._record("running")
        with ctx.timed("recover"):
            ctx.counts["journal_replayed"] = journal.replay_pending(
                ctx.store,
                ctx.run_id,
                {
                    "tags": lambda p: tagging.apply(ctx, p),
                    "u2i": lambda p: logic.apply(ctx, p),
                    "i2u": lambda p: logic.apply(ctx, p),
                    "cover": lambda p: covering.apply(ctx, p),
                    "check": lambda p: checking.apply(ctx, p),
                    "calibrate": lambda p: calibrating.apply(ctx, p),
                    "gate": lambda p: gating.apply(ctx, p),
                    "reask": lambda p: reasking.apply(ctx, p),
                    "handbook": lambda p: handbooking.apply(ctx, p),
                },
            )
        with ctx.timed("vocabulary"):
            ctx.vocab.update(load_vocabularies(ctx.store, ctx.embedder, ctx.config.threshold))
        return {"finished_before": False}

    def select_items(self, state: GrowState) -> GrowState:
        with self.ctx.timed("select"):
            planned = tagging.plan_items(self.ctx)
            chunks = tagging.pending_chunks(self.ctx, planned)
        if self.ctx.config.handbook:
            with self.ctx.timed("handbook (LLM)"):
                handbooking.build(self.ctx, planned)
        self._bar("tagging items", sum(len(c) for _, c in chunks))
        return {"items": [i.id for i in planned], "tag_chunks": chunks}

    def tag(self, state: GrowState) -> GrowState:
        step_id, items = state["tag_chunks"][0]
        with self.ctx.timed("tag (LLM)"):
            return {"step_id": step_id, "asked": tagging.ask_chunk(self.ctx, items)}

    def canonicalize(self, state: GrowState) -> GrowState:
        with self.ctx.timed("canonicalize"):
            return {"payload": tagging.compose(self.ctx, state["asked"])}

    def write_tags(self, state: GrowState) -> GrowState:
        ctx = self.ctx
        with ctx.timed("write"):
            journal.commit(ctx.store, ctx.run_id, state["step_id"], state["payload"], lambda p: tagging.apply(ctx, p))
        self.advance(len(state["tag_chunks"][0][1]))
        return {"tag_chunks": state["tag_chunks"][1:], "asked": None, "payload": {}}

    def gate(self, state: GrowState) -> GrowState:
        self.bars.close()
        with self.ctx.timed("gate"):
            gating.gate(self.ctx, state.get("items", []))
        return {}

    def reask(self, state: GrowState) -> GrowState:
        if self.ctx.config.reask:
            with self.ctx.timed("re-ask echoes (LLM)"):
                reasking.reask(self.ctx)
        return {}

    def frontier(self, state: GrowState) -> GrowState:
        chunks: list[tuple[LogicKind, str, list[PlannedTag]]] = []
        checks: list[tuple[LogicKind, str, list[QueuedCandidate]]] = []
        with self.ctx.timed("frontier"):
            for kind in LogicKind:
                sources = logic.plan_sources(self.ctx, kind)
                chunks += [(kind, step, c) for step, c in logic.pending_chunks(self.ctx, kind, sources)]
                checks += [(kind, step, c) for step, c in checking.pending_chunks(self.ctx, kind)]
        self._bar("logic (tags)", sum(len(c) for _, _, c in chunks) + sum(len(c) for _, _, c in checks))
        return {"logic_chunks": chunks, "check_chunks": checks}

    def logic(self, state: GrowState) -> GrowState:
        kind, step_id, sources = state["logic_chunks"][0]
        with self.ctx.timed("logic (LLM)"):
            return {"step_id": step_id, "asked": logic.ask_chunk(self.ctx, kind, sources)}

    def canonicalize_targets(self, state: GrowState) -> GrowState:
        kind = state["logic_chunks"][0][0]
        with self.ctx.timed("canonicalize"):
            return {"payload": logic.compose(self.ctx, kind, state["asked"])}

    def write_logic(self, state: GrowState) -> GrowState:
        ctx = self.ctx
        with ctx.timed("write"):
            journal.commit(ctx.store, ctx.run_id, state["step_id"], state["payload"], lambda p: logic.apply(ctx, p))
        self.advance(len(state["logic_chunks"][0][2]))
        return {"logic_chunks": state["logic_chunks"][1:], "asked": None, "payload": {}}

    def check(self, state: GrowState) -> GrowState:
        kind, step_id, rows = state["check_chunks"][0]
        with self.ctx.timed("check (LLM)"):
            asked = checking.ask_chunk(self.ctx, kind, rows)
            return {"step_id": step_id, "payload": checking.compose(self.ctx, kind, asked)}

    def write_check(self, state: GrowState) -> GrowState:
        ctx = self.ctx
        with ctx.timed("write"):
            journal.commit(ctx.store, ctx.run_id, state["step_id"], state["payload"], lambda p: checking.apply(ctx, p))
        self.advance(len(state["check_chunks"][0][2]))
        return {"check_chunks": state["check_chunks"][1:], "payload": {}}

    def calibrate(self, state: GrowState) -> GrowState:
        self.bars.close()
        with self.ctx.timed("calibrate"):
            calibrating.calibrate(self.ctx)
        return {}

    def cover_sets(self, state: GrowState) -> GrowState:
        with self.ctx.timed("cover sets"):
            covering.update_covers(self.ctx, state.get("items", []))
        return {}

    def distill(self, state: GrowState) -> GrowState:
        if self.distill_step is not None and self.ctx.config.distill:
            with self.ctx.timed("distill"):
                self.distill_step(self.ctx)
        return {}

    def publish(self, state: GrowState) -> GrowState:
        with self.ctx.timed("publish"):
            self.ctx.store.journal.clear(self.ctx.run_id)
            self._record("done")
        return {}

    # ----------------------------------------------------------------- wiring
    def _build(self) -> Any:
        g = StateGraph(GrowState)
        for name in (
            "start",
            "select_items",
            "tag",
            "canonicalize",
            "write_tags",
            "gate",
            "reask",
            "frontier",
            "logic",
            "canonicalize_targets",
            "write_logic",
            "check",
            "write_check",
            "calibrate",
            "cover_sets",
            "distill",
            "publish",
        ):
            g.add_node(name, getattr(self, name))
        g.add_edge(START, "start")
        g.add_conditional_edges("start", lambda s: END if s["finished_before"] else "select_items")
        more_tags = lambda s: "tag" if s["tag_chunks"] else "gate"  # noqa: E731
        g.add_conditional_edges("select_items", more_tags, ["tag", "gate"])
        g.add_edge("tag", "canonicalize")
        g.add_edge("canonicalize", "write_tags")
        g.add_conditional_edges("write_tags", more_tags, ["tag", "gate"])
        g.add_edge("gate", "reask")
        g.add_edge("reask", "frontier")
        more_checks = lambda s: "check" if s["check_chunks"] else "calibrate"  # noqa: E731
        more_logic = lambda s: "logic" if s["logic_chunks"] else more_checks(s)  # noqa: E731
        g.add_conditional_edges("frontier", more_logic, ["logic", "check", "calibrate"])
        g.add_edge("logic", "canonicalize_targets")
        g.add_edge("canonicalize_targets", "write_logic")
        g.add_conditional_edges("write_logic", more_logic, ["logic", "check", "calibrate"])
        g.add_edge("check", "write_check")
        g.add_conditional_edges("write_check", more_checks, ["check", "calibrate"])
        g.add_edge("calibrate", "cover_sets")
        g.add_edge("cover_sets", "distill")
        g.add_edge("distill", "publish")
        g.add_edge("publish", END)
        return g.compile()

    def _bar(self, description: str, total: int) -> None:
        self.bars.close()
        self.bars = ExitStack()
        self.advance = self.bars.enter_context(self.ctx.progress(description, total))

    def _record(self, status: str) -> None:
        self.ctx.record("grow", status, self.started, self.counts())

    def counts(self) -> dict[str, float]:
        return {**dict(sorted(self.ctx.counts.items())), **self.ctx.client.usage.as_dict()}

    # ----------------------------------------------------------------- entry
    def __call__(self) -> Summary:
        started = time.monotonic()
        try:
            state = self.graph.invoke({}, {"recursion_limit": 100_000})
        finally:
            self.bars.close()
        ctx = self.ctx
        ctx.timings["total"] = round(time.monotonic() - started, 3)
        status = "already done" if state.get("finished_before") else "done"
        return Summary(ctx.run_id, ctx.config.day, status, self.counts(), ctx.cover, ctx.merges, ctx.timings)
