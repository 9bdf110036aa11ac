"""The two tag vocabularies of the graph as canonicalizers (roles and topics are merged separately)."""

from __future__ import annotations

import numpy as np

from rolegraph.graph.model import TagKind
from rolegraph.graph.store import GraphStore
from rolegraph.reasoning.canonical import Canonicalizer
from rolegraph.reasoning.embed import Embedder
from rolegraph.reasoning.sameness import EMBEDDING
from rolegraph.reasoning.wording import default_lexicon


def load_vocabulary(store: GraphStore, kind: TagKind, embedder: Embedder, threshold: float) -> Canonicalizer:
    """A canonicalizer holding the vocabulary's canonical tags (with their stored embeddings; tags stored
    without one are embedded now) and its aliases. Pinned tags are canonical whatever their neighbours.
    The words of the names decide merges (WordNet and the domain list, `reasoning.sameness`)."""
    canon = Canonicalizer(embedder, threshold, lexicon=default_lexicon())
    keys: list[str] = []
    vectors: list[np.ndarray | None] = []
    aliases: list[tuple[str, str, float, str, str]] = []
    for tag in store.tags.vocabulary(kind):
        if tag.canonical is not None and not tag.pinned:
            aliases.append((tag.key, tag.canonical, float(tag.score or 0.0), tag.method or EMBEDDING, tag.reason))
        else:
            keys.append(tag.key)
            vectors.append(None if tag.embedding is None else np.asarray(tag.embedding, dtype=np.float32))
    missing = [i for i, v in enumerate(vectors) if v is None]
    if missing:
        fresh = embedder.embed([keys[i] for i in missing])
        for j, i in enumerate(missing):
            vectors[i] = fresh[j]
    if keys:
        canon.add(keys, np.stack([v for v in vectors if v is not None]))
    for alias, canonical, score, method, reason in aliases:
        canon.add_alias(alias, canonical, score, method, reason)
    return canon


def load_vocabularies(store: GraphStore, embedder: Embedder, threshold: float) -> dict[TagKind, Canonicalizer]:
    """`load_vocabulary` of both kinds, roles and topics."""
    return {kind: load_vocabulary(store, kind, embedder, threshold) for kind in TagKind}
