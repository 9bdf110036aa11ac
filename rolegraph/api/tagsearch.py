"""Semantic tag search: tag names embedded with the packaged MiniLM, searched by cosine similarity.

The model loads on the first search (a few seconds), not at start-up; that and building the matrix
run outside the request's database deadline. The tag matrix is built from the
stored tags — their stored embedding when it has MiniLM's size, else the embedded name — and rebuilt
when the number of tags changes or ``ttl_s`` has passed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rolegraph.graph.backend import without_deadline
from rolegraph.graph.store import GraphStore
from rolegraph.reasoning.embed import Embedder


@dataclass(frozen=True)
class TagHit:
    key: str
    name: str
    is_user_tag: bool
    is_item_tag: bool
    score: float


@dataclass
class _Matrix:
    keys: list[str]
    names: list[str]
    user: np.ndarray  # [N] bool
    item: np.ndarray  # [N] bool
    vectors: np.ndarray  # [N, D] unit rows
    count: int
    built: float


class TagIndex:
    """Cosine search over every tag; thread-safe, built lazily."""

    def __init__(self, load_embedder: Callable[[], Embedder], ttl_s: float = 300.0):
        self._load = load_embedder
        self._embedder: Embedder | None = None
        self._matrix: _Matrix | None = None
        self._ttl = ttl_s
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()

    def embedder(self) -> Embedder:
        """The embedder, loaded on first use."""
        with self._lock:
            if self._embedder is None:
                self._embedder = self._load()
            return self._embedder

    def _current(self, store: GraphStore) -> _Matrix:
        with self._build_lock:
            m = self._matrix
            if m is not None:
                if time.monotonic() - m.built < self._ttl:
                    return m
                if m.count == store.tag_count():
                    m.built = time.monotonic()
                    return m
            with without_deadline():  # a one-off: model load and every tag, not one request's work
                self._matrix = m = self._build(store, store.tag_count())
            return m

    def _build(self, store: GraphStore, count: int) -> _Matrix:
        embedder = self.embedder()
        keys, names, user, item, rows = [], [], [], [], []
        for tag in store.iter_tags():
            props = tag["props"]
            keys.append(tag["key"])
            names.append(str(props.get("name") or tag["key"]))
            user.append(bool(tag["is_user_tag"]))
            item.append(bool(tag["is_item_tag"]))
            stored = props.get("embedding")
            rows.append(stored if isinstance(stored, list) and len(stored) == embedder.dimensions else None)
        vectors = np.zeros((len(keys), embedder.dimensions), dtype=np.float32)
        missing = [i for i, r in enumerate(rows) if r is None]
        if missing:
            vectors[missing] = embedder.embed([names[i] for i in missing])
        for i, r in enumerate(rows):
            if r is not None:
                v = np.asarray(r, dtype=np.float32)
                vectors[i] = v / max(float(np.linalg.norm(v)), 1e-12)
        return _Matrix(keys, names, np.array(user, bool), np.array(item, bool), vectors, count, time.monotonic())

    def search(self, store: GraphStore, query: str, k: int, kind: str = "any") -> list[TagHit]:
        """The ``k`` tags closest in meaning to ``query``; ``kind`` = user, item or any."""
        m = self._current(store)
        if not m.keys:
            return []
        q = self.embedder().embed([query])[0]
        scores = m.vectors @ q  # [N]
        allowed = m.user if kind == "user" else m.item if kind == "item" else np.ones(len(m.keys), bool)
        order = [i for i in np.argsort(-scores, kind="stable") if allowed[i]][:k]
        return [TagHit(m.keys[i], m.names[i], bool(m.user[i]), bool(m.item[i]), float(scores[i])) for i in order]
