"""The recommender's write-back of users' roles: after a training run writes its HAS_ROLE edges
(`GraphStore.upsert_roles`), the edges older runs wrote for the same users go, so each user holds
exactly one run's roles."""

from __future__ import annotations

from collections.abc import Sequence

from rolegraph.graph.runner import Repository
from rolegraph.graph.statements import Stmt


class RoleWriteBack(Repository):
    """Clean-up and counts of HAS_ROLE edges."""

    def delete_stale(self, user_ids: Sequence[str], run: str) -> int:
        """Removes the given users' HAS_ROLE edges that a run other than ``run`` wrote; returns how many."""
        return self._db.write_each(Stmt.DELETE_STALE_ROLES, "users", user_ids, run=run)

    def delete_other_t1(self, user_ids: Sequence[str], run: str) -> int:
        """Removes the given users' T1 HAS_ROLE edges that a run other than ``run`` wrote; returns how many."""
        return self._db.write_each(Stmt.DELETE_OTHER_T1_ROLES, "users", user_ids, run=run)

    def counts(self) -> dict[str, int]:
        """HAS_ROLE edges per set (T0, T1)."""
        return {r["set"]: int(r["n"]) for r in self._db.read(Stmt.COUNT_ROLES)}
