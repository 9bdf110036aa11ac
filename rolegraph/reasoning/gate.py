"""The quality gate of LLM tags: each item → tag edge the LLM wrote is judged, and the ones below the gate
are quarantined with a reason instead of kept (`grow.gating` moves them aside; nothing is deleted).

A tag fails, in this order, when it is
- ``generic``: every word is a generic one ("people", "movie", "fans", "everyone" …) — it says nothing;
- ``person name``: it reads as a proper name (two or three capitalized words, none of them a word that
  names a kind of person or a topic, e.g. "Andy Warhol") and the item's text does not mention it — a
  role is a kind of person and a topic a subject, not one named individual;
- an ``echo of a worked example``: the item's answer repeats the answer of one of the prompt's worked
  examples (at least ``echo_min_shared`` of its tags, and at least ``echo_min_share`` of them, are the
  example's) for an item that is not the example's own — a weak model copies the example instead of
  answering ("young children; parents of toddlers; farmers; …", the Babe example's roles, came back for
  18 % of Gemma 3 270M's role answers on MovieLens); every tag of such an answer is quarantined, since the
  answer is not about the item;
- a role that is ``not a kind of person``: WordNet reads its head word as something else ("dogs",
  "romance", "dental hygiene"; `wording.Lexicon.names_people`) — a role names the people an item serves;
  a name whose words WordNet does not know ("cinephiles") is given the benefit of the doubt;
- a topic that is ``not grounded``: the cosine similarity of its embedding to the item text's is below
  ``min_grounding`` — the LLM wandered off the item (e.g. "dental hygiene" for a farm film).
Roles are not judged by grounding: who an item serves is rarely written in its text ("new parents" for a
comedy about a baby), so a genuine role and an off-topic one score alike against it; what a role must be
is a kind of person. Each reason carries what it was judged on, so an analyst can see why.
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
#: the reason of a role whose head word names no kind of person
NOT_PEOPLE = "not a kind of person"
#: the reason of a tag in an answer that repeats a worked example's
ECHO = "echo of a worked example"
_WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*")


@dataclass(frozen=True)
class GateConfig:
    """The gate's thresholds (see the module docstring). The echo thresholds sit in the gap of the measured
    distribution (Gemma 3 270M's cached answers for the MovieLens backfill, tag keys shared with the closer
    worked example): of 1,403 role answers, 1,145 share at most two, 2 share three, 11 four or five and 244
    six to eight; of 1,402 topic answers, 1,387 share at most two (one or two are common genuine topics such
    as "friendship") and 15 three or more."""

    min_grounding: float = 0.1
    echo_min_shared: int = 3
    echo_min_share: float = 0.5


@dataclass(frozen=True)
class Example:
    """A prompt's worked example as the gate reads it: the example item's title and its answer's tag keys."""

    title: str
    keys: frozenset[str]


def echoed(keys: Sequence[str], text: str, examples: Sequence[Example], cfg: GateConfig) -> str:
    """The title of the worked example an item's answer (its tag keys) repeats, with how much of it, e.g.
    ``"Babe (1995): 7 of 8 tags"``; "" when it repeats none, or when the item is the example's own."""
    answer = set(keys)
    for ex in examples:
        shared = len(answer & ex.keys)
        copied = shared >= cfg.echo_min_shared and shared >= cfg.echo_min_share * len(answer)
        if copied and not text.startswith(ex.title):
            return f"{ex.title}: {shared} of {len(answer)} tags"
    return ""


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


@dataclass(frozen=True)
class Judged:
    """One item → tag edge as the gate judges it."""

    name: str  # the tag's display name as the LLM wrote it
    text: str  # the item's text
    role: bool  # a role (HAS_USER_TAG) or a topic (HAS_ITEM_TAG)
    people: bool | None  # whether the name names people (`Lexicon.names_people`; read for roles only)
    grounding: float  # cosine similarity of the tag's and the text's embeddings (read for topics only)
    echo: str = ""  # the worked example the item's answer repeats (`echoed`), "" when none


def reason(edge: Judged, cfg: GateConfig) -> str:
    """Why the edge fails the gate ("" when it passes; see the module docstring)."""
    if generic(edge.name):
        return "generic"
    if person_name(edge.name, edge.text):
        return "person name"
    if edge.echo:
        return f"{ECHO} ({edge.echo})"
    if edge.role:
        return NOT_PEOPLE if edge.people is False else ""
    if edge.grounding < cfg.min_grounding:
        return f"not grounded (similarity {edge.grounding:.2f} < {cfg.min_grounding:.2f})"
    return ""


def reasons(edges: Sequence[Judged], cfg: GateConfig) -> list[str]:
    """The reason each edge fails the gate, in order ("" for those that pass)."""
    return [reason(e, cfg) for e in edges]


def grounding(tag_vectors: np.ndarray, text_vectors: np.ndarray) -> np.ndarray:
    """Row-wise cosine similarity of two stacks of embeddings."""
    a = tag_vectors / np.maximum(np.linalg.norm(tag_vectors, axis=1, keepdims=True), 1e-12)
    b = text_vectors / np.maximum(np.linalg.norm(text_vectors, axis=1, keepdims=True), 1e-12)
    return np.asarray((a * b).sum(axis=1))
