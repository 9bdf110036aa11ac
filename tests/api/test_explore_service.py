"""The /explore service's answer cache: bounded, least recently used first out, and never mixing models."""

from __future__ import annotations

from rolegraph.api.explore_service import AnswerCache


def test_answer_cache_drops_the_least_recently_used_and_can_be_off() -> None:
    model, newer = object(), object()
    cache = AnswerCache(2)
    cache.put(model, "a", b"A")
    cache.put(model, "b", b"B")
    assert cache.get(model, "a") == b"A"  # a is now the most recently used
    cache.put(model, "c", b"C")
    assert [cache.get(model, k) for k in "abc"] == [b"A", None, b"C"]
    assert cache.get(newer, "a") is None  # another model finds nothing
    cache.put(newer, "d", b"D")  # and drops what the old one stored
    assert cache.get(model, "a") is None and cache.stats()["entries"] == 1
    off = AnswerCache(0)
    off.put(model, "a", b"A")
    assert off.get(model, "a") is None and off.stats()["entries"] == 0
