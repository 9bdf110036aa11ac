"""The quality gate's side of the graph: the LLM item → tag edges a run wrote (with what the gate reads),
and the moves of edges and tags that fail it into quarantine, with the reason (cypher/gate.cypher)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from rolegraph.graph.runner import Repository
from rolegraph.graph.statements import Stmt


@dataclass(frozen=True)
class GatedEdge:
    """An LLM item → tag edge as the gate reads it: the item's text, the edge type, the tag's key and name."""

    item: str
    text: str
    type: str
    tag: str
    name: str


@dataclass(frozen=True)
class Quarantined:
    """An item → tag edge set aside, with the reason."""

    item: str
    type: str
    tag: str
    reason: str


_PAGE = 200  # items per read: each brings its text and about 20 edges


class Quarantine(Repository):
    """Reads for the gate and the quarantine it writes."""

    def llm_tagged_items(self) -> list[str]:
        """The ids of the items that keep an LLM item → tag edge, in order."""
        return [str(r["id"]) for r in self._db.read(Stmt.GATE_LLM_TAGGED_ITEMS)]

    def run_edges(self, run: str | None, item_ids: Sequence[str]) -> list[GatedEdge]:
        """The LLM item → tag edges ``run`` wrote for ``item_ids`` (every run's when None), by item, type
        and tag."""
        return [
            GatedEdge(r["item"], str(r["text"]), r["type"], r["tag"], str(r["name"]))
            for r in self._db.read_each(Stmt.GATE_ITEM_TAG_EDGES, "ids", item_ids, _PAGE, run=run)
        ]

    def move(self, edges: Sequence[Quarantined]) -> int:
        """Moves the edges into quarantine (idempotent); returns how many moved now."""
        return self._db.write_rows(Stmt.QUARANTINE_ITEM_TAGS, [asdict(e) for e in edges])

    def mark_tags(self, reasons: dict[str, str]) -> int:
        """Marks tags that failed on their name alone."""
        return self._db.write_rows(Stmt.QUARANTINE_TAGS, [{"key": k, "reason": r} for k, r in sorted(reasons.items())])

    def mark_reasked(self, rows: Sequence[Sequence[str]]) -> int:
        """Records re-asked answers on their items; rows (item, edge type, prompt version, status)."""
        keys = ("item", "type", "prompt_version", "status")
        return self._db.write_rows(Stmt.MARK_REASKED, [dict(zip(keys, r, strict=True)) for r in rows])

    def failed_reasks(self) -> list[tuple[str, str, str]]:
        """The re-asks the LLM never answered (unreachable, timed out) and no later re-ask answered: (item,
        edge type, prompt version), in order."""
        out: list[tuple[str, str, str]] = []
        for r in self._db.read(Stmt.REASKED_ITEMS_FAILED):
            marks = [str(m).rsplit(" ", 1) for m in r["reasked"]]
            answered = {asked for asked, status in marks if status != "failed"}
            for asked in sorted({asked for asked, status in marks if status == "failed"} - answered):
                kind, version = asked.split(" ", 1)
                out.append((str(r["id"]), kind, version))
        return out

    def counts(self) -> dict[str, int]:
        """Quarantined edges by ``TYPE/reason``."""
        return {f"{r['kind']}/{r['reason']}": int(r["n"]) for r in self._db.read(Stmt.COUNT_QUARANTINED)}
