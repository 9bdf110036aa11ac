"""Per-category handbooks in the graph: one (:Handbook {category}) each, with the role and topic
dimensions worth asking about and the prompt version that built them (cypher/handbook.cypher)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from rolegraph.graph.runner import Repository
from rolegraph.graph.statements import Stmt


@dataclass(frozen=True)
class Handbook:
    """The roles and topics worth asking about for one item category."""

    category: str
    roles: list[str]
    topics: list[str]
    prompt_version: str
    model: str = ""
    day: str = ""


class Handbooks(Repository):
    """Reads and writes of the handbooks."""

    def all(self) -> dict[str, Handbook]:
        """Every handbook by category."""
        return {
            r["category"]: Handbook(r["category"], list(r["roles"] or []), list(r["topics"] or []), r["prompt_version"])
            for r in self._db.read(Stmt.HANDBOOKS)
        }

    def upsert(self, books: Sequence[Handbook]) -> int:
        """Writes handbooks (idempotent)."""
        return self._db.write_rows(Stmt.UPSERT_HANDBOOKS, [asdict(b) for b in books])
