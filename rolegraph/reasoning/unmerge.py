"""Undo of a canonicalization merge (`rolegraph tags unmerge`)."""

from __future__ import annotations

from rolegraph.errors import InvalidInput
from rolegraph.graph import validate as v
from rolegraph.graph.store import GraphStore
from rolegraph.graph.tags import Unmerged


def unmerge(store: GraphStore, alias: str) -> tuple[list[str], Unmerged]:
    """Makes ``alias`` its own tag again: removes its ALIAS_OF edge, moves the item edges, logic edges and
    user roles that reached the canonical tag through it back onto it, and pins it so later runs keep it
    apart (the next daily run asks for its own logic). Returns (the tags it was an alias of, what moved)."""
    alias = v.check_tag_key(alias)
    targets = store.tags.canonical_of(alias)
    if not targets:
        raise InvalidInput(f"tag {alias!r} is not an alias of any tag")
    moved = sum((store.tags.unmerge_edges(alias, c) for c in targets), Unmerged())
    store.remove_alias(alias)
    store.tags.pin(alias)
    store.refresh_tag_item_counts([alias, *targets])
    return targets, moved
