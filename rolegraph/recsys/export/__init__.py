"""Subgraph export: one graph view read with paged queries, written as PyG, RecBole and reference-code
files over stable id maps (`rolegraph export`), and read back without the graph (`load_export`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rolegraph.graph.model import Source, Weights
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.export.files import write_export
from rolegraph.recsys.export.idmap import read_map
from rolegraph.recsys.export.load import load_export
from rolegraph.recsys.export.read import MAP_NAMES, GraphData, read_graph

__all__ = ["GraphData", "export", "load_export", "previous_maps", "read_graph"]


def previous_maps(folder: Path) -> dict[str, list[str]]:
    """The id maps of an earlier export in ``folder`` ({} where there is none)."""
    return {name: read_map(folder / "maps" / f"{name}.txt") for name in MAP_NAMES}


def export(
    store: GraphStore,
    out: Path,
    source: Source = Source.DISTILLED,
    previous: Path | None = None,
    weights: Weights = Weights.CALIBRATED,
) -> tuple[GraphData, dict[str, Any]]:
    """Exports the ``source`` view to ``out`` with the chosen logic weights; id maps continue those of
    ``previous`` (default: ``out``)."""
    g = read_graph(store, source, previous_maps(previous or out), weights)
    return g, write_export(g, out)
