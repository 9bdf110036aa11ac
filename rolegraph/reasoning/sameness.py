"""Whether two tags name one group of people: the words decide, the embedding only proposes.

MiniLM's cosine is dominated by the words two names share, so "professional photographers" and "amateur
photographers" score as high as "movie buffs" and "film buffs" — no threshold separates paraphrase from
contrast (bench/results/canonical.md). `judge` therefore reads both names (`reasoning.wording`):

1. the same senses, whatever the order, inflection, function words or synonyms → the same group
   (method ``words``), at any cosine: "kids" / "children" score 0.58;
2. otherwise, only when the cosine reaches the threshold, each word one name has that the other lacks
   must be a near-synonym of one the other has (`Lexicon.related`: the usual sense of one is a sense of
   the other, "firemen" / "firefighters", unless its own usual sense names another activity, "students" /
   "scholars"; or both name agents of one activity, "newcomers" / "beginners"; or another form of the
   word, "dance" / "dancing") → the same group (method ``embedding+words``);
3. a word on one side only narrows the group ("online chess players" is not "chess players") and a word
   that is not a near-synonym changes it ("readers" / "viewers"): the merge is blocked, with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegraph.reasoning.wording import Lexicon, Unit, Wording, difference

DEFAULT_THRESHOLD = 0.6  # MiniLM cosine at which a merge is proposed; chosen in docs/growing.md
WORDS = "words"
EMBEDDING_AND_WORDS = "embedding+words"
EMBEDDING = "embedding"  # cosine alone (merges made before the words were read)


@dataclass(frozen=True)
class Verdict:
    """The decision on one pair: same group or not, by which method, and why (for the alias's record)."""

    same: bool
    method: str
    reason: str


def judge(lexicon: Lexicon, a: Wording, b: Wording, cosine: float, threshold: float) -> Verdict:
    """Whether ``a`` and ``b`` name one group (see the module docstring)."""
    if a.same(b):
        return Verdict(True, WORDS, same_words_reason(a, b))
    if cosine < threshold:
        return Verdict(False, "", f"cosine {cosine:.3f} below {threshold:.2f} and the words differ")
    only_a, only_b = difference(a, b)
    if not only_a or not only_b:
        extra = only_a or only_b
        return Verdict(False, "", f"cosine {cosine:.3f} but one adds {_quote(extra)}")
    for side, other in ((only_a, only_b), (only_b, only_a)):
        for unit in side:
            if not any(lexicon.related(unit, o) for o in other):
                return Verdict(False, "", f"cosine {cosine:.3f} but {_quote([unit])} is not {_quote(other)}")
    pairs = ", ".join(f"{u.text} ≈ {v.text}" for u, v in zip(only_a, only_b, strict=False))
    return Verdict(True, EMBEDDING_AND_WORDS, f"cosine {cosine:.3f}; near-synonyms in WordNet: {pairs}")


def same_words_reason(a: Wording, b: Wording) -> str:
    """ "same senses: kids = children" — the words that differ in writing but not in sense."""
    left = {u.meaning: u.text for u in a.units}
    pairs = sorted({f"{left[u.meaning]} = {u.text}" for u in b.units if left.get(u.meaning, u.text) != u.text})
    return "same senses" + (": " + ", ".join(pairs) if pairs else " (order, inflection or function words)")


def _quote(units: list[Unit]) -> str:
    return " ".join(f"'{u.text}'" for u in units)
