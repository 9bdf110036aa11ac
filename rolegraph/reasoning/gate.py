"""The quality gate of LLM tags: each item → tag edge the LLM wrote is judged, and the ones below the gate
are quarantined with a reason instead of kept (`grow.gating` moves them aside; nothing is deleted).

A tag fails, in this order, when it is
- ``generic``: every word is a generic one ("people", "movie", "fans", "everyone" …) — it says nothing;
- ``person name``: it reads as a proper name (two or three capitalized words, none of them a word that
  names a kind of person or a topic, e.g. "Andy Warhol") and the item's text does not mention it — a
  role is a kind of person and a topic a subject, not one named individual;
- ``not grounded``: the cosine similarity of its embedding to the item text's is below
  ``min_grounding`` — the LLM wandered off the item (e.g. "dental hygiene" for a farm film).
Each reason carries the number it was judged on, so an analyst can see why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: words that say nothing about a kind of person or a topic
GENERIC = frozenset(
    [
        "people",
        "person",
        "persons",
        "everyone",
        "everybody",
        "anyone",
        "someone",
        "audience",
        "audiences",
        "viewers",
        "viewer",
        "fans",
        "fan",
        "movie",
        "movies",
        "film",
        "films",
        "moviegoers",
        "watchers",
        "things",
        "thing",
        "stuff",
        "general",
        "entertainment",
        "other",
        "others",
        "all",
        "various",
        "many",
        "some",
        "most",
        "users",
        "user",
        "story",
        "stories",
        "content",
        "misc",
        "etc",
    ]
)
#: capitalized words that do not make a name a person's (headwords of roles and topics)
_NOT_NAMES = frozenset(
    [
        "fans",
        "lovers",
        "enthusiasts",
        "buffs",
        "students",
        "teachers",
        "parents",
        "families",
        "children",
        "kids",
        "war",
        "world",
        "history",
        "city",
        "new",
        "york",
        "america",
        "american",
        "british",
        "english",
        "french",
        "german",
        "italian",
        "japanese",
        "chinese",
        "the",
        "of",
        "and",
        "in",
    ]
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*")


@dataclass(frozen=True)
class GateConfig:
    """The gate's threshold (see the module docstring)."""

    min_grounding: float = 0.1


def generic(name: str) -> bool:
    """True when every word of the name is a generic one."""
    words = [w.lower().strip(".'-") for w in _WORD.findall(name)]
    return not words or all(w in GENERIC for w in words)


def person_name(name: str, text: str) -> bool:
    """True when the name reads as a proper name of a person that the item text does not mention."""
    words = name.split()
    if not 2 <= len(words) <= 3 or name.lower() in text.lower():
        return False
    return all(_WORD.fullmatch(w) and w[0].isupper() and w[1:].islower() for w in words) and not any(
        w.lower() in _NOT_NAMES for w in words
    )


def reasons(names: Sequence[str], texts: Sequence[str], grounding: np.ndarray, cfg: GateConfig) -> list[str]:
    """The reason each (tag name, item text) pair fails the gate ("" when it passes); ``grounding`` holds
    the cosine similarity of each pair's embeddings."""
    out = []
    for name, text, sim in zip(names, texts, grounding, strict=True):
        if generic(name):
            out.append("generic")
        elif person_name(name, text):
            out.append("person name")
        elif float(sim) < cfg.min_grounding:
            out.append(f"not grounded (similarity {float(sim):.2f} < {cfg.min_grounding:.2f})")
        else:
            out.append("")
    return out


def grounding(tag_vectors: np.ndarray, text_vectors: np.ndarray) -> np.ndarray:
    """Row-wise cosine similarity of two stacks of embeddings."""
    a = tag_vectors / np.maximum(np.linalg.norm(tag_vectors, axis=1, keepdims=True), 1e-12)
    b = text_vectors / np.maximum(np.linalg.norm(text_vectors, axis=1, keepdims=True), 1e-12)
    return np.asarray((a * b).sum(axis=1))
