"""The one rule for an id given twice in one write (file loaders and store alike): the last copy wins, at the
key's first place, and every earlier copy is counted with the copy that replaced it."""

from __future__ import annotations

from rolegraph.graph.duplicates import last_per_key


def test_the_last_copy_wins_at_the_keys_first_place() -> None:
    result = last_per_key([("a", 1), ("b", 2), ("a", 3), ("c", 4), ("a", 5), ("b", 6)])
    assert result.kept == [5, 6, 4]
    assert result.replaced == [(0, 4), (1, 5), (2, 4)]  # each earlier copy points at the copy kept
    assert result.duplicates == 3


def test_rows_without_repeats_pass_unchanged() -> None:
    result = last_per_key([("x", "first"), ("y", "second")])
    assert (result.kept, result.replaced, result.duplicates) == (["first", "second"], [], 0)
    assert last_per_key([]).kept == []
