"""Writes a parsed `Dataset` into the store, with progress and a summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from rolegraph.errors import BadRow, BadRowsError
from rolegraph.graph.loaders.dataset import Dataset
from rolegraph.graph.store import GraphStore
from rolegraph.progress import ProgressFactory


@dataclass
class LoadSummary:
    """What a load did: rows written per kind and the rows it skipped."""

    written: dict[str, int] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)


def write_dataset(store: GraphStore, data: Dataset, progress: ProgressFactory, *, strict: bool = False) -> LoadSummary:
    """Writes items, users, then interactions whose item is known; bad rows are skipped and reported.

    With ``strict`` any bad row (including an interaction with an unknown item) raises BadRowsError
    before anything is written. So does a load in which every row is bad: skipping them all would write
    nothing and look like success.
    """
    bad = list(data.bad_rows)
    interactions = data.interactions
    if interactions:
        known = {i.id for i in data.items}
        known |= store.existing_item_ids({e.item_id for e in interactions} - known)
        kept = []
        for event, (source, line) in zip(interactions, data.interaction_lines, strict=True):
            if event.item_id in known:
                kept.append(event)
            else:
                bad.append(BadRow(source, line, f"unknown item_id {event.item_id!r} (load the items first)"))
        interactions = kept
    if strict and bad:
        raise BadRowsError(bad)
    if bad and not (data.items or data.users or interactions):
        raise BadRowsError(bad, "nothing written, every row is bad — ")
    summary = LoadSummary(bad_rows=bad)
    if data.items:
        with progress("items", len(data.items)) as tick:
            summary.written["items"] = store.upsert_items(data.items, tick)
    if data.users:
        with progress("users", len(data.users)) as tick:
            summary.written["users"] = store.upsert_users(data.users, tick)
    if interactions:
        with progress("interactions", len(interactions)) as tick:
            summary.written["interactions"] = store.upsert_interactions(interactions, tick)
    return summary
