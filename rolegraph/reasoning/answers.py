"""Answers of the LLM, parsed and validated: tag lists (Eq. 1) and weighted targets (Eq. 2).

Whatever the server sends, what comes out is either a list of valid tags or targets, or `BadAnswer`
with the reason. A valid tag is printable, at most 60 characters and normalizes to a key
(`reasoning.canonical.normalize`); an answer keeps at most 10 distinct tags. Individual bad tags are
dropped (and counted); an answer with none left is bad. JSON answers are checked by pydantic models
(types, finite weights in [0, 1]); markdown fences around JSON are tolerated.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.canonical import normalize
from rolegraph.reasoning.tasks import MAX_TAGS, Task

MAX_TAG_CHARS = 60
MAX_RATIONALE_CHARS = 200

_FENCE = re.compile(r"^\s*```[a-zA-Z0-9_-]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)
_TARGET = re.compile(r"^(?P<tag>[^()]+?)\s*(?:\((?P<why>[^()]*)\)?)?\s*$")


class BadAnswer(Exception):
    """An answer that cannot be used; ``reason`` says why (stored with the quarantined item or tag)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    name: str
    weight: float
    rationale: str


@dataclass(frozen=True)
class Parsed:
    """A usable answer: tag names (tag tasks) or targets (logic tasks), and how many entries were dropped."""

    tags: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    dropped: int = 0


class _TagsJSON(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    tags: list[str] = Field(min_length=1)


class _TargetJSON(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    tag: str
    weight: float
    rationale: str = ""

    @field_validator("weight", mode="before")
    @classmethod
    def _weight(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("weight must be a number")
        if not math.isfinite(value) or not 0.0 <= value <= 1.0:
            raise ValueError(f"weight must be a finite number in [0, 1], got {value}")
        return float(value)


class _TargetsJSON(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    targets: list[_TargetJSON] = Field(min_length=1)


def rank_weights(n: int) -> list[float]:
    """Weights for a ranked list without weights: proportional to n, n−1, …, 1, summing to 1."""
    total = n * (n + 1) / 2
    return [(n - k) / total for k in range(n)]


def parse_tag_line(text: str) -> list[str]:
    """The names of a ``a; b; c`` answer line (completion strategy), stripped, empty ones removed."""
    return [part.strip() for part in text.strip().split("\n", 1)[0].split(";") if part.strip()]


def parse_logic_line(text: str) -> list[tuple[str, str]]:
    """``target (reason); target (reason)`` → [(target, reason)]; a missing reason is empty."""
    out = []
    for part in parse_tag_line(text):
        m = _TARGET.match(part)
        if m:
            out.append((m["tag"].strip(), (m["why"] or "").strip()))
    return out


def _loads(text: str) -> object:
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    if not body:
        raise BadAnswer("empty answer")
    try:
        return json.loads(body, parse_constant=lambda c: math.nan)
    except json.JSONDecodeError as e:
        raise BadAnswer(f"malformed JSON: {e.msg} at {e.pos}") from e


def _clean_names(names: list[str]) -> tuple[list[str], int]:
    kept: list[str] = []
    seen: set[str] = set()
    for name in names:
        name = " ".join(name.split())
        if not name or len(name) > MAX_TAG_CHARS or not name.isprintable():
            continue
        try:
            key = normalize(name)
        except InvalidInput:
            continue
        if key and key not in seen:
            seen.add(key)
            kept.append(name)
    return kept[:MAX_TAGS], len(names) - len(kept[:MAX_TAGS])


def _one_line(text: str) -> str:
    return " ".join(text.split())[:MAX_RATIONALE_CHARS]


def parse_answer(task: Task, text: str, *, strategy: str) -> Parsed:
    """Parses and validates one raw answer; raises `BadAnswer` with the reason."""
    if strategy == "completion":
        if not text.strip():
            raise BadAnswer("empty answer")
        if task.is_logic:
            pairs = parse_logic_line(text)
            names, dropped = _clean_names([t for t, _ in pairs])
            why = {normalize(t): r for t, r in pairs if _safe_key(t)}
            weights = rank_weights(len(names))
            targets = tuple(
                Target(n, w, _one_line(why.get(normalize(n), ""))) for n, w in zip(names, weights, strict=True)
            )
            if not targets:
                raise BadAnswer(f"no usable targets in {text[:80]!r}")
            return Parsed(targets=targets, dropped=dropped)
        names, dropped = _clean_names(parse_tag_line(text))
        if not names:
            raise BadAnswer(f"no usable tags in {text[:80]!r}")
        return Parsed(tags=tuple(names), dropped=dropped)

    data = _loads(text)
    try:
        if task.is_logic:
            answer = _TargetsJSON.model_validate(data)
        else:
            tags_answer = _TagsJSON.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadAnswer(f"answer does not fit the schema: {where}: {first['msg']}") from e
    if not task.is_logic:
        names, dropped = _clean_names(tags_answer.tags)
        if not names:
            raise BadAnswer("no usable tags (all empty, too long or unprintable)")
        return Parsed(tags=tuple(names), dropped=dropped)
    names, dropped = _clean_names([t.tag for t in answer.targets])
    by_key: dict[str, _TargetJSON] = {}
    for t in answer.targets:
        if _safe_key(t.tag):
            by_key.setdefault(normalize(t.tag), t)
    kept = [Target(n, by_key[normalize(n)].weight, _one_line(by_key[normalize(n)].rationale)) for n in names]
    if not kept or sum(t.weight for t in kept) <= 0:
        raise BadAnswer("no usable targets (none valid, or every weight is 0)")
    return Parsed(targets=tuple(kept), dropped=dropped)


def _safe_key(name: str) -> bool:
    try:
        return bool(normalize(" ".join(name.split())))
    except InvalidInput:
        return False


def normalized_weights(targets: tuple[Target, ...]) -> list[float]:
    """The targets' weights scaled to sum to 1: P(c|t) over one source's answer."""
    total = sum(t.weight for t in targets)
    return [t.weight / total for t in targets]
