"""Puts a synthetic world's planted truth into the graph as oracle tags and logic.

``rolegraph synth`` keeps the truth apart (``truth/``) so nothing leaks into the graph by accident; this
loader writes it on purpose, for recovery tests and for the recommender's oracle-tag baseline: the
planted roles (UserTag) and topics (ItemTag), each item's true tags (HAS_USER_TAG / HAS_ITEM_TAG with
p = 1 and rank by name order) and both planted logic graphs (U2I, I2U with their weights). Edges carry
``run = synth-truth`` and the requested sources (G*, G or both); items the graph lacks are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

from rolegraph.errors import InvalidInput
from rolegraph.graph.loaders.files import read_interactions, read_items, read_users
from rolegraph.graph.loaders.write import write_dataset
from rolegraph.graph.model import ItemTagEdge, LogicEdge, LogicKind, Source, TagKind, TagRecord
from rolegraph.graph.store import GraphStore
from rolegraph.progress import ProgressFactory

RUN = "synth-truth"


def _read_jsonl(path: Path) -> list[dict[str, object]]:
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file — is this a `rolegraph synth` folder?")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_truth(store: GraphStore, folder: Path, sources: tuple[Source, ...] = tuple(Source)) -> dict[str, int]:
    """Writes the planted tags and logic of ``folder/truth`` for each of ``sources``; returns counts."""
    truth = folder / "truth"
    try:
        logic = json.loads((truth / "logic.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InvalidInput(f"{truth / 'logic.json'}: cannot read the planted logic ({e})") from e
    items = _read_jsonl(truth / "items.jsonl")
    written = {
        "roles": store.upsert_tags(TagKind.USER, [TagRecord(k, k) for k in logic["roles"]]),
        "topics": store.upsert_tags(TagKind.ITEM, [TagRecord(k, k) for k in logic["topics"]]),
    }
    for source in sources:
        for kind, field in ((TagKind.USER, "roles"), (TagKind.ITEM, "topics")):
            edges = [
                ItemTagEdge(str(row["id"]), str(tag), 1.0, rank, source, RUN)
                for row in items
                for rank, tag in enumerate(sorted(row[field]))  # type: ignore[call-overload]
            ]
            key = f"has_{kind.value}_tag.{source.value}"
            written[key] = store.upsert_item_tag_edges(kind, edges)
        for logic_kind, rows, src, dst in (
            (LogicKind.U2I, logic["u2i"], "role", "topic"),
            (LogicKind.I2U, logic["i2u"], "topic", "role"),
        ):
            edges_l = [LogicEdge(r[src], r[dst], float(r["weight"]), source, RUN, "planted") for r in rows]
            written[f"{logic_kind.value.lower()}.{source.value}"] = store.upsert_logic(logic_kind, edges_l)
    store.refresh_tag_item_counts([*logic["roles"], *logic["topics"]])
    return written


def load_world(store: GraphStore, folder: Path, progress: ProgressFactory, truth: bool = True) -> dict[str, int]:
    """Loads a `rolegraph synth` folder (items, users, interactions) and, with ``truth``, its planted
    tags and logic; returns rows written per kind."""
    written: dict[str, int] = {}
    for data in (
        read_items(folder / "items.jsonl"),
        read_users(folder / "users.jsonl"),
        read_interactions(folder / "interactions.csv"),
    ):
        written |= write_dataset(store, data, progress, strict=True).written
    if truth:
        written |= load_truth(store, folder)
    return written
