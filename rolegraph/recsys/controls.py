"""Controls for what the graph's tags are worth: the same interactions with other item → tag lists.

- `shuffled`: every item carries the tag lists (roles and topics, with their weights) of another item, drawn
  by one random permutation of the items — the vocabulary, the logic between tags and how many tags items
  carry stay; only which item carries them is lost. A model that scores as well with these tags is not
  using what the tags say about items.
- `with_tags`: the items' tags replaced by given lists (e.g. MovieLens genres), each tag both a role and a
  topic of weight 1, with no logic between them (nothing was reasoned about them).

Pure functions of a `GraphData`; the interactions, users and items are shared with the input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from rolegraph.recsys.export.read import Edges, GraphData


def shuffled(g: GraphData, seed: int) -> GraphData:
    """``g`` with each item's tag lists moved to another item (one permutation for roles and topics)."""
    perm = np.random.default_rng(seed).permutation(g.size("item"))
    return replace(
        g,
        has_user_tag=_moved(g.has_user_tag, perm),
        has_item_tag=_moved(g.has_item_tag, perm),
        runs=[*g.runs, f"control:shuffled:{seed}"],
    )


def with_tags(g: GraphData, tags: Mapping[str, Sequence[str]], name: str) -> GraphData:
    """``g`` with every item's tags replaced by ``tags[item id]`` (items not in ``tags`` carry none), used as
    roles and as topics alike, weight 1, no logic edges; ``name`` labels the control in ``runs``."""
    vocab = sorted({t for ts in tags.values() for t in ts})
    index = {t: i for i, t in enumerate(vocab)}
    src, dst = [], []
    for i, item in enumerate(g.maps["item"]):
        for t in dict.fromkeys(tags.get(item, ())):
            src.append(i)
            dst.append(index[t])
    edges = _edges(np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64))
    none = _edges(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    return replace(
        g,
        maps={**g.maps, "user_tag": list(vocab), "item_tag": list(vocab)},
        present={**g.present, "user_tag": len(vocab), "item_tag": len(vocab)},
        has_user_tag=edges,
        has_item_tag=edges,
        u2i=none,
        i2u=none,
        runs=[*g.runs, f"control:{name}"],
    )


def _moved(e: Edges, perm: np.ndarray) -> Edges:
    """The edges of item ``perm[i]`` given to item ``i``, in item order (stable within an item)."""
    inverse = np.empty_like(perm)
    inverse[perm] = np.arange(perm.size)
    src = inverse[e.src]  # the edges of item j go to the item i with perm[i] == j
    order = np.argsort(src, kind="stable")
    return Edges(src[order], e.dst[order], e.weight[order], e.rank[order])


def _edges(src: np.ndarray, dst: np.ndarray) -> Edges:
    return Edges(src, dst, np.ones(src.size, dtype=np.float32), np.zeros(src.size, dtype=np.int64))
