"""The write-back of users' roles: after a training run writes its HAS_ROLE edges
(`GraphStore.upsert_roles`), the edges older runs wrote for the same users go, so each user holds
exactly one run's roles; batch exploration replaces each user's T1 edges in one statement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rolegraph.errors import InvalidInput
from rolegraph.graph import validate as v
from rolegraph.graph.runner import Repository
from rolegraph.graph.statements import Stmt


@dataclass(frozen=True)
class UserT1:
    """One user's T(1): role keys strongest first (rank = position) and their p, aligned."""

    user_id: str
    tags: list[str]
    ps: list[float]


class RoleWriteBack(Repository):
    """Clean-up and counts of HAS_ROLE edges."""

    def delete_stale(self, user_ids: Sequence[str], run: str) -> int:
        """Removes the given users' HAS_ROLE edges that a run other than ``run`` wrote; returns how many."""
        return self._db.write_each(Stmt.DELETE_STALE_ROLES, "users", user_ids, run=run)

    def replace_t1(self, rows: Iterable[UserT1], run: str) -> int:
        """Each user's T1 HAS_ROLE edges become ``rows`` (p, rank, ``run`` SET; edges of other runs removed),
        one statement per batch of users; returns the edges written. Every row is checked before any batch
        is sent."""
        known: set[str] = set()  # tag keys already checked: a batch repeats a small vocabulary

        def checked(row: UserT1) -> dict[str, object]:
            if len(row.tags) != len(row.ps):
                raise InvalidInput(f"user {row.user_id!r}: {len(row.tags)} tags but {len(row.ps)} p values")
            for tag in row.tags:
                if tag not in known:
                    known.add(v.check_tag_key(tag))
            if not all(type(p) is float and 0.0 <= p <= 1.0 for p in row.ps):  # NaN fails too
                raise InvalidInput(f"user {row.user_id!r}: every p must be a float between 0 and 1")
            return {"user": v.check_id(row.user_id, "user id"), "tags": row.tags, "ps": row.ps}

        return self._db.write_each(Stmt.REPLACE_T1_ROLES, "rows", map(checked, rows), run=v.check_id(run, "run"))

    def counts(self) -> dict[str, int]:
        """HAS_ROLE edges per set (T0, T1)."""
        return {r["set"]: int(r["n"]) for r in self._db.read(Stmt.COUNT_ROLES)}
