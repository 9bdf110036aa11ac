"""What the distilled models learn from, read out of the graph, and the retirement of an older G*.

P_θ learns the LLM's item tags (`tagged_items`) and predicts tags for the other items (`untagged_items`);
P_φ learns the LLM's logic edges (`llm_logic`). Publishing a run's G* removes the distilled edges other
runs wrote (`retire_stale`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegraph.graph.growth import ItemText
from rolegraph.graph.model import LogicKind
from rolegraph.graph.runner import Repository
from rolegraph.graph.statements import Stmt


@dataclass(frozen=True)
class TaggedItem(ItemText):
    """An item the LLM tagged, with the keys of its LLM roles and topics."""

    roles: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True)
class WeightedEdge:
    """A logic edge from ``src`` to ``dst`` with its weight."""

    src: str
    dst: str
    weight: float


class DistillationData(Repository):
    """The training data of the distilled models and the distilled edges of older runs."""

    def tagged_items(self) -> list[TaggedItem]:
        """Every item the LLM tagged, with its LLM tags, in id order."""
        return [
            TaggedItem(r["id"], r["title"], r["text"], tuple(r["roles"]), tuple(r["topics"]))
            for r in self._db.rows(Stmt.LLM_ITEM_TAG_PAGE)
        ]

    def untagged_items(self) -> list[ItemText]:
        """Every item the LLM has not tagged, in id order."""
        return [ItemText(r["id"], r["title"], r["text"]) for r in self._db.rows(Stmt.UNTAGGED_ITEM_PAGE)]

    def llm_logic(self, kind: LogicKind) -> list[WeightedEdge]:
        """Every LLM logic edge of one kind, by source tag."""
        return [
            WeightedEdge(r["key"], edge["dst"], float(edge["weight"]))
            for r in self._db.rows(Stmt.LLM_LOGIC_PAGE, key="key")
            for edge in r["edges"]
            if edge["type"] == kind.value
        ]

    def retire_stale(self, run: str) -> int:
        """Removes the distilled logic and item → tag edges that runs other than ``run`` wrote; returns how
        many."""
        return self._db.drain(Stmt.DELETE_STALE_DISTILLED_LOGIC, run=run) + self._db.drain(
            Stmt.DELETE_STALE_DISTILLED_ITEM_TAGS, run=run
        )
