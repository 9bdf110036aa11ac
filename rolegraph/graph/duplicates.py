"""One rule for an id given more than once in one write, shared by the file loaders and the store: the last
copy wins, and every earlier copy is counted.

The store needs one row per key in any case: within one ``UNWIND`` batch FalkorDB and Neo4j disagree on which
of two rows with the same key wins. The file loaders report each earlier copy as a skipped row naming the line
of the copy that was loaded (so ``--strict`` refuses a file that repeats an id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LastPerKey[R]:
    """The outcome of `last_per_key`."""

    kept: list[R]  # one row per key, its last copy, in the order the keys first appeared
    replaced: list[tuple[int, int]]  # (position of an earlier copy, position of the copy kept instead), in order

    @property
    def duplicates(self) -> int:
        """How many rows were dropped for a later copy of their key."""
        return len(self.replaced)


def last_per_key[R](rows: Sequence[tuple[str, R]]) -> LastPerKey[R]:
    """Keeps the last of the ``(key, row)`` pairs that share a key; positions are indices into ``rows``."""
    last: dict[str, int] = {}
    for position, (key, _) in enumerate(rows):
        last[key] = position  # a dict keeps the key's first place and takes the last position
    replaced = [(position, last[key]) for position, (key, _) in enumerate(rows) if last[key] != position]
    return LastPerKey([rows[position][1] for position in last.values()], replaced)
