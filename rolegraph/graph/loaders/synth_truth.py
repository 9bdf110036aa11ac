"""Puts a synthetic world's planted truth into the graph as oracle tags and logic.

``rolegraph synth`` keeps the truth apart (``truth/``) so nothing leaks into the graph by accident; this
loader writes it on purpose, for recovery tests and for the recommender's oracle-tag baseline: the
planted roles (UserTag) and topics (ItemTag), each item's true tags (HAS_USER_TAG / HAS_ITEM_TAG with
p = 1 and rank by name order) and both planted logic graphs (U2I, I2U with their weights). Edges carry
``run = synth-truth`` and the requested sources (G*, G or both); items the graph lacks are skipped.

The whole truth is read and checked (`read_truth`) before the first write: a malformed file or a bad
value raises InvalidInput naming the file (and its line, or the logic edge) and leaves the graph as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from rolegraph.errors import BadRow, BadRowsError, InvalidInput
from rolegraph.graph import validate as v
from rolegraph.graph.loaders.dataset import Dataset
from rolegraph.graph.loaders.files import check_file, jsonl_rows, read_interactions, read_items, read_users
from rolegraph.graph.loaders.write import write_dataset
from rolegraph.graph.model import ItemTagEdge, LogicEdge, LogicKind, Source, TagKind, TagRecord
from rolegraph.graph.store import GraphStore
from rolegraph.progress import ProgressFactory

RUN = "synth-truth"

#: per tag vocabulary: the field naming it in the truth files, and its name in messages
_FIELDS = {TagKind.USER: ("roles", "role"), TagKind.ITEM: ("topics", "topic")}
#: per logic graph: its list in logic.json and the vocabularies of its source and target tags
_LOGIC = {LogicKind.U2I: ("u2i", TagKind.USER, TagKind.ITEM), LogicKind.I2U: ("i2u", TagKind.ITEM, TagKind.USER)}


@dataclass(frozen=True)
class Truth:
    """A world's planted truth, read and checked: both vocabularies, each item's tags, both logic graphs."""

    #: tag keys per vocabulary, in file order
    vocab: dict[TagKind, list[str]]
    #: per vocabulary, (item id, its tag keys sorted by name) in file order
    item_tags: dict[TagKind, list[tuple[str, list[str]]]]
    #: per logic graph, (source tag, target tag, weight in [0, 1])
    logic: dict[LogicKind, list[tuple[str, str, float]]]


def read_truth(folder: Path) -> Truth:
    """Reads and checks ``folder/truth`` (logic.json, items.jsonl) without touching the graph.

    Raises InvalidInput naming the file and what is wrong: a missing file, text that is not UTF-8 or JSON,
    a missing or mistyped field, an invalid id or tag key, a tag outside its vocabulary, a weight outside
    [0, 1]. Every bad line of items.jsonl is reported (BadRowsError).
    """
    truth = folder / "truth"
    vocab, logic = _read_logic(truth / "logic.json")
    return Truth(vocab, _read_item_tags(truth / "items.jsonl", vocab), logic)


def write_truth(store: GraphStore, truth: Truth, sources: tuple[Source, ...] = tuple(Source)) -> dict[str, int]:
    """Writes a checked `Truth` for each of ``sources``; returns rows written per kind."""
    written = {
        _FIELDS[kind][0]: store.upsert_tags(kind, [TagRecord(k, k) for k in keys]) for kind, keys in truth.vocab.items()
    }
    for source in sources:
        for kind, rows in truth.item_tags.items():
            edges = [
                ItemTagEdge(item, tag, 1.0, rank, source, RUN) for item, tags in rows for rank, tag in enumerate(tags)
            ]
            written[f"has_{kind.value}_tag.{source.value}"] = store.upsert_item_tag_edges(kind, edges)
        for logic_kind, triples in truth.logic.items():
            logic_edges = [LogicEdge(src, dst, weight, source, RUN, "planted") for src, dst, weight in triples]
            written[f"{logic_kind.value.lower()}.{source.value}"] = store.upsert_logic(logic_kind, logic_edges)
    store.refresh_tag_item_counts([k for keys in truth.vocab.values() for k in keys])
    return written


def load_truth(store: GraphStore, folder: Path, sources: tuple[Source, ...] = tuple(Source)) -> dict[str, int]:
    """Writes the planted tags and logic of ``folder/truth`` for each of ``sources``; returns counts.

    Raises InvalidInput (see `read_truth`) before anything is written.
    """
    return write_truth(store, read_truth(folder), sources)


def load_world(store: GraphStore, folder: Path, progress: ProgressFactory, truth: bool = True) -> dict[str, int]:
    """Loads a `rolegraph synth` folder (items, users, interactions) and, with ``truth``, its planted
    tags and logic; returns rows written per kind.

    Every file is read and checked first: a bad row in any of them (BadRowsError) or a bad truth
    (InvalidInput) is raised before anything is written.
    """
    items = read_items(folder / "items.jsonl")
    users = read_users(folder / "users.jsonl")
    events = read_interactions(folder / "interactions.csv")
    data = Dataset(
        items=items.items,
        users=users.users,
        interactions=events.interactions,
        bad_rows=[*items.bad_rows, *users.bad_rows, *events.bad_rows],
        interaction_lines=events.interaction_lines,
    )
    planted = read_truth(folder) if truth else None
    written = dict(write_dataset(store, data, progress, strict=True).written)
    if planted is not None:
        written |= write_truth(store, planted)
    return written


# ----------------------------------------------------------------- reading
def _read_logic(path: Path) -> tuple[dict[TagKind, list[str]], dict[LogicKind, list[tuple[str, str, float]]]]:
    """The vocabularies and logic graphs of logic.json; raises InvalidInput naming the first problem."""
    check_file(path, " — is this a `rolegraph synth` folder?")
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as e:
        raise InvalidInput(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from e
    except json.JSONDecodeError as e:
        raise InvalidInput(f"{path}:{e.lineno}: not valid JSON ({e.msg})") from e
    except OSError as e:
        raise InvalidInput(f"{path}: cannot read the planted logic ({e.strerror})") from e
    if not isinstance(doc, dict):
        raise InvalidInput(f"{path}: not a JSON object")
    vocab = {kind: _tag_keys(doc, field, _at(path)) for kind, (field, _) in _FIELDS.items()}
    known = {kind: set(keys) for kind, keys in vocab.items()}
    logic: dict[LogicKind, list[tuple[str, str, float]]] = {}
    for logic_kind, (field, src_kind, dst_kind) in _LOGIC.items():
        entries = _field(doc, field, list, "a list of logic edges", _at(path))
        logic[logic_kind] = [
            _logic_edge(entry, known, src_kind, dst_kind, _at(path, f"{field}[{n}]")) for n, entry in enumerate(entries)
        ]
    return vocab, logic


def _logic_edge(
    entry: object, known: dict[TagKind, set[str]], src_kind: TagKind, dst_kind: TagKind, at: _Where
) -> tuple[str, str, float]:
    """One logic edge ``{<src>: key, <dst>: key, weight: p}`` as (source tag, target tag, weight)."""
    if not isinstance(entry, dict):
        raise at(f"must be a JSON object, got {_type(entry)}")
    src = _known_tag(entry, src_kind, known, at)
    dst = _known_tag(entry, dst_kind, known, at)
    weight = _field(entry, "weight", object, "", at)
    return src, dst, _checked(partial(v.check_probability, what="weight"), weight, at)


def _read_item_tags(path: Path, vocab: dict[TagKind, list[str]]) -> dict[TagKind, list[tuple[str, list[str]]]]:
    """Each item's planted tags from items.jsonl; raises BadRowsError listing every bad line."""
    check_file(path, " — is this a `rolegraph synth` folder?")
    known = {kind: set(keys) for kind, keys in vocab.items()}
    out: dict[TagKind, list[tuple[str, list[str]]]] = {kind: [] for kind in _FIELDS}
    bad: list[BadRow] = []
    first: dict[str, int] = {}
    try:
        for line, row in jsonl_rows(path):
            if isinstance(row, str):
                bad.append(BadRow(str(path), line, row))
                continue
            try:
                item = v.check_id(_field(row, "id", object, "", InvalidInput), "item id")
                tags = {kind: sorted(_item_tags(row, kind, known)) for kind in _FIELDS}
            except InvalidInput as e:
                bad.append(BadRow(str(path), line, str(e)))
                continue
            if item in first:
                bad.append(BadRow(str(path), line, f"duplicate id {item!r} (first on line {first[item]})"))
                continue
            first[item] = line
            for kind, keys in tags.items():
                out[kind].append((item, keys))
    except UnicodeDecodeError as e:
        raise InvalidInput(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from e
    if bad:
        raise BadRowsError(bad)
    return out


def _item_tags(row: dict[str, Any], kind: TagKind, known: dict[TagKind, set[str]]) -> set[str]:
    """The tags of one vocabulary an items.jsonl row lists; each must be in logic.json's vocabulary."""
    field, what = _FIELDS[kind]
    keys = _field(row, field, list, f"a list of {what} keys", InvalidInput)
    tags = {v.check_tag_key(k) for k in keys}
    unknown = sorted(tags - known[kind])
    if unknown:
        raise InvalidInput(f'{what} {unknown[0]!r} is not among the "{field}" of logic.json')
    return tags


# ----------------------------------------------------------------- helpers
#: makes the InvalidInput for a message, saying where the problem is (`InvalidInput` itself: the caller says)
_Where = Callable[[str], InvalidInput]


def _at(path: Path, entry: str = "") -> _Where:
    """A `_Where` for problems in ``path`` (and in its ``entry``, e.g. ``u2i[3]``)."""
    where = f"{path}: {entry}: " if entry else f"{path}: "
    return lambda message: InvalidInput(where + message)


def _field[T](obj: dict[str, Any], name: str, kind: type[T], expected: str, at: _Where) -> T:
    """``obj[name]``, which must be present (and of ``kind``, described to users as ``expected``)."""
    if name not in obj:
        raise at(f'missing "{name}"')
    value = obj[name]
    if not isinstance(value, kind):
        raise at(f'"{name}" must be {expected}, got {_type(value)}')
    return value


def _tag_keys(doc: dict[str, Any], field: str, at: _Where) -> list[str]:
    """A vocabulary: a list of distinct tag keys."""
    keys = [_checked(v.check_tag_key, k, at) for k in _field(doc, field, list, "a list of tag keys", at)]
    if len(set(keys)) != len(keys):
        repeated = next(k for k in keys if keys.count(k) > 1)
        raise at(f'"{field}" lists {repeated!r} more than once')
    return keys


def _known_tag(entry: dict[str, Any], kind: TagKind, known: dict[TagKind, set[str]], at: _Where) -> str:
    """The tag key ``entry`` names under ``role`` or ``topic``; it must be in that vocabulary."""
    field, what = _FIELDS[kind]
    raw = _field(entry, what, object, "", at)
    key = _checked(v.check_tag_key, raw, at)
    if key not in known[kind]:
        raise at(f'{what} {key!r} is not among "{field}"')
    return key


def _checked[T](check: Callable[[object], T], value: object, at: _Where) -> T:
    """``check(value)`` (a check of `graph.validate`), saying with ``at`` where its InvalidInput arose."""
    try:
        return check(value)
    except InvalidInput as e:
        raise at(str(e)) from None


def _type(value: object) -> str:
    return "null" if value is None else type(value).__name__
