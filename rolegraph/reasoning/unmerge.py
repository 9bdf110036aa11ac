"""Undo of a canonicalization merge (`rolegraph tags unmerge`)."""

from __future__ import annotations

from rolegraph.errors import InvalidInput
from rolegraph.graph import validate as v
from rolegraph.graph.store import GraphStore


def unmerge(store: GraphStore, alias: str) -> tuple[list[str], int]:
    """Makes ``alias`` its own tag again: removes its ALIAS_OF edge, moves the item edges that reached the
    canonical tag through it back onto it, and pins it so later runs keep it apart. Returns (the tags it
    was an alias of, item edges moved)."""
    alias = v.check_tag_key(alias)
    targets = [r["dst"] for r in store.read("tag_out_edges", keys=[alias]) if r["type"] == "ALIAS_OF"]
    if not targets:
        raise InvalidInput(f"tag {alias!r} is not an alias of any tag")
    moved = sum(int(store.write("unmerge_item_edges", alias=alias, canonical=c)[0]["n"]) for c in targets)
    store.remove_alias(alias)
    store.write("pin_tag", key=alias)
    store.refresh_tag_item_counts([alias, *targets])
    return targets, moved
