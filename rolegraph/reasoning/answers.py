"""Answers of the LLM, parsed and validated: tag lists (Eq. 1), weighted targets (Eq. 2) and the
verdicts of pair checks.

Whatever the server sends, what comes out is either a list of valid tags or targets, a verdict, or
`BadAnswer` with the reason. Names are cleaned first (`clean_name`: our delimiters, list markers,
parenthetical remarks and stray punctuation go); a valid tag is then printable, at most 60 characters and
normalizes to a key (`reasoning.canonical.normalize`); an answer keeps at most 10 distinct tags.
Individual bad tags are dropped (and counted); an answer with none left is bad. A base model's tag line
separates tags with ";" and often with "," inside a part ("actors; writers, directors"), so both split
tag lines; logic lines split on ";" only (their reasons may hold commas). JSON answers are checked by
pydantic models (types, finite weights in [0, 1]); markdown fences around JSON are tolerated.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.canonical import normalize
from rolegraph.reasoning.tasks import MAX_TAGS, Task

MAX_TAG_CHARS = 60
MAX_RATIONALE_CHARS = 200

_FENCE = re.compile(r"^\s*```[a-zA-Z0-9_-]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)
_TARGET = re.compile(r"^(?P<tag>[^()]+?)\s*(?:\((?P<why>[^()]*)\)?)?\s*$")
_ARROWS = re.compile(r"<<<|>>>|[<>]")
_REMARK = re.compile(r"\([^()]*(?:\)|$)")  # a parenthetical remark, closed or cut off
_MARKER = re.compile(r"^(?:[-*\u2022\u00b7]+|\d{1,2}[.)])\s+")  # "- ", "* ", "1. ", "2) "
_JOINER = re.compile(r"^(?:and|or|etc|e\.g\.?)\s+", re.IGNORECASE)
_EDGES = " \t.,:;!?\"'`\u201c\u201d\u2018\u2019-\u2013\u2014"
_VERDICT = re.compile(r"^[^\w(]*(?P<verdict>yes|no)\b[\s.,:;!-]*(?:\(?(?P<why>[^()]*)\)?)?", re.IGNORECASE)


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
    """A usable answer: tag names (tag tasks), targets (logic tasks) or a verdict with its rationale
    (checks), and how many entries were dropped."""

    tags: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    dropped: int = 0
    verdict: bool | None = None
    rationale: str = ""


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


class _CheckJSON(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    verdict: Literal["yes", "no"]
    rationale: str = ""


def rank_weights(n: int) -> list[float]:
    """Weights for a ranked list without weights: proportional to n, n−1, …, 1, summing to 1."""
    total = n * (n + 1) / 2
    return [(n - k) / total for k in range(n)]


def parse_tag_line(text: str, *, commas: bool = False) -> list[str]:
    """The names of a ``a; b; c`` answer line (completion strategy), stripped, empty ones removed; with
    ``commas``, parts are split at commas too (outside parentheses)."""
    line = text.strip().split("\n", 1)[0]
    parts = [part.strip() for part in line.split(";") if part.strip()]
    if commas:
        parts = [piece.strip() for part in parts for piece in _split_commas(part) if piece.strip()]
    return parts


def _split_commas(part: str) -> list[str]:
    out, depth, start = [], 0, 0
    for k, ch in enumerate(part):
        depth += (ch == "(") - (ch == ")" and depth > 0)
        if ch == "," and depth == 0:
            out.append(part[start:k])
            start = k + 1
    return [*out, part[start:]]


def clean_name(name: str) -> str:
    """A display name without our delimiters, list markers, parenthetical remarks, leading "and"/"or"
    and stray punctuation at either end: ``"2. teachers (or older)>>>"`` → ``"teachers"``."""
    text = _REMARK.sub(" ", _ARROWS.sub(" ", name))
    text = " ".join(text.split()).strip(_EDGES)
    text = _JOINER.sub("", _MARKER.sub("", text)).strip(_EDGES)
    return " ".join(text.split())


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
        name = clean_name(name)
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
    if task.is_check:
        return _parse_check(text, strategy)
    if strategy == "completion":
        if not text.strip():
            raise BadAnswer("empty answer")
        if task.is_logic:
            pairs = parse_logic_line(text)
            names, dropped = _clean_names([t for t, _ in pairs])
            why = {normalize(clean_name(t)): r for t, r in pairs if _safe_key(t)}
            weights = rank_weights(len(names))
            targets = tuple(
                Target(n, w, _one_line(why.get(normalize(n), ""))) for n, w in zip(names, weights, strict=True)
            )
            if not targets:
                raise BadAnswer(f"no usable targets in {text[:80]!r}")
            return Parsed(targets=targets, dropped=dropped)
        names, dropped = _clean_names(parse_tag_line(text, commas=True))
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
            by_key.setdefault(normalize(clean_name(t.tag)), t)
    kept = [Target(n, by_key[normalize(n)].weight, _one_line(by_key[normalize(n)].rationale)) for n in names]
    if not kept or sum(t.weight for t in kept) <= 0:
        raise BadAnswer("no usable targets (none valid, or every weight is 0)")
    return Parsed(targets=tuple(kept), dropped=dropped)


def _parse_check(text: str, strategy: str) -> Parsed:
    """A check's verdict: ``yes (reason)`` / ``no`` on a line, or ``{"verdict", "rationale"}``."""
    if strategy == "completion":
        m = _VERDICT.match(text.strip().split("\n", 1)[0])
        if m is None:
            raise BadAnswer(f"no yes or no in {text[:80]!r}")
        return Parsed(verdict=m["verdict"].lower() == "yes", rationale=_one_line(m["why"] or ""))
    try:
        answer = _CheckJSON.model_validate(_loads(text))
    except ValidationError as e:
        first = e.errors()[0]
        raise BadAnswer(f"answer does not fit the schema: {'.'.join(map(str, first['loc']))}: {first['msg']}") from e
    return Parsed(verdict=answer.verdict == "yes", rationale=_one_line(answer.rationale))


def _safe_key(name: str) -> bool:
    try:
        return bool(normalize(clean_name(name)))
    except InvalidInput:
        return False


def normalized_weights(targets: tuple[Target, ...]) -> list[float]:
    """The targets' weights scaled to sum to 1: P(c|t) over one source's answer."""
    total = sum(t.weight for t in targets)
    return [t.weight / total for t in targets]
