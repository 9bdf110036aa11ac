"""Subgraph export: one graph view read with paged queries, written as PyG, RecBole and reference-code
files over stable id maps (`rolegraph export`), and read back without the graph (`load_export`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rolegraph.errors import InvalidInput
from rolegraph.graph.model import Source, Weights
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.export.files import write_export
from rolegraph.recsys.export.idmap import read_map
from rolegraph.recsys.export.load import load_export
from rolegraph.recsys.export.read import MAP_NAMES, GraphData, read_graph

__all__ = ["GraphData", "check_export", "export", "load_export", "previous_maps", "read_graph"]


def previous_maps(folder: Path) -> dict[str, list[str]]:
    """The id maps of an earlier export in ``folder`` (each empty where there is none)."""
    return {name: read_map(folder / "maps" / f"{name}.txt") for name in MAP_NAMES}


def check_export(folder: Path) -> None:
    """InvalidInput unless ``folder`` holds an export (its manifest.json and every id map): a folder named as
    the export to continue must be one, or every index would silently start again from 0."""
    if not folder.is_dir():
        what = "not a folder" if folder.exists() else "no such folder"
        raise InvalidInput(f"{folder}: {what}, so there are no id maps to continue")
    needed = ["manifest.json", *(f"maps/{name}.txt" for name in MAP_NAMES)]
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise InvalidInput(f"{folder}: not an export folder (no {missing[0]}), so there are no id maps to continue")


def export(
    store: GraphStore,
    out: Path,
    source: Source = Source.DISTILLED,
    previous: Path | None = None,
    weights: Weights = Weights.CALIBRATED,
) -> tuple[GraphData, dict[str, Any]]:
    """Exports the ``source`` view to ``out`` with the chosen logic weights; id maps continue those of
    ``previous`` (default: ``out``, where there may be none yet). InvalidInput, before the graph is read,
    when ``previous`` is given but is not an export folder (`check_export`)."""
    if previous is not None:
        check_export(previous)
    g = read_graph(store, source, previous_maps(previous or out), weights)
    return g, write_export(g, out)
