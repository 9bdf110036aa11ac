"""Tag canonicalization: one key per meaning, so the vocabulary does not explode with variants.

`normalize` turns a display name into a key (Unicode NFKC, case-folded, punctuation to spaces, spaces
collapsed, a simple plural on the last word made singular): "Jazz Musicians!" → "jazz musician".
`Canonicalizer` then maps a key onto an existing canonical tag when their MiniLM embeddings have cosine
≥ ``threshold`` (an ALIAS_OF edge in the graph, reversible), and otherwise makes it a new canonical tag.
The index is vectorized: one matrix product per batch of names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.embed import Embedder

DEFAULT_THRESHOLD = 0.92
MAX_KEY_CHARS = 60  # the store's limit on tag keys
_PUNCT = re.compile(r"[^\w\s'-]|_", re.UNICODE)
_SPACE = re.compile(r"\s+")
_KEEP_S = ("ss", "us", "is", "ics", "news", "series", "species")
_IES_TO_IE = ("movies", "cookies", "zombies", "rookies", "hippies", "selfies", "indies", "aussies")


def singular(word: str) -> str:
    """A simple English singular: parties → party, classes → class, fans → fan; short words kept."""
    if len(word) <= 3 or word.endswith(_KEEP_S):
        return word
    if word.endswith(_IES_TO_IE):
        return word[:-1]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("aches", "uses")):
        return word[:-1] if word.endswith("aches") else word[:-2]
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def normalize(name: str) -> str:
    """The canonical key of a display name; raises InvalidInput when nothing is left."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("\u2019", "'").replace("\u2018", "'")
    text = _PUNCT.sub(" ", text).replace("'", "").strip(" -")
    words = _SPACE.sub(" ", text).strip().split(" ")
    if not words or not words[0]:
        raise InvalidInput(f"tag {name!r} has no letters or digits")
    words[-1] = singular(words[-1])
    key = " ".join(words)
    if len(key) > MAX_KEY_CHARS:
        raise InvalidInput(f"tag {name[:40]!r}… is longer than {MAX_KEY_CHARS} characters once normalized")
    return key


@dataclass(frozen=True)
class Resolution:
    """How one name was resolved: its own key, and the canonical key it maps to (itself when new)."""

    name: str
    key: str
    canonical: str
    score: float  # cosine to the canonical tag (1.0 for exact or new)

    @property
    def merged(self) -> bool:
        """True when the name became an alias of a different, existing tag."""
        return self.key != self.canonical


class Canonicalizer:
    """An index of canonical tags (keys with unit embeddings) that resolves new names against it."""

    def __init__(self, embedder: Embedder, threshold: float = DEFAULT_THRESHOLD, batch: int = 4096):
        if not 0.0 < threshold <= 1.0:
            raise InvalidInput(f"threshold must be in (0, 1], got {threshold}")
        self.embedder = embedder
        self.threshold = threshold
        self.batch = batch
        self._keys: list[str] = []
        self._row: dict[str, int] = {}
        self._alias: dict[str, tuple[str, float]] = {}
        self._alias_vectors: dict[str, np.ndarray] = {}  # embeddings of the aliases resolved here
        self._vectors = np.zeros((1024, embedder.dimensions), dtype=np.float32)  # rows [0, len) in use

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        """True for a key already known, as a canonical tag or as an alias."""
        return key in self._row or key in self._alias

    def add(self, keys: Sequence[str], vectors: np.ndarray | None = None) -> None:
        """Adds canonical tags (e.g. those already in the graph), embedding them unless given."""
        first = {k: i for i, k in reversed(list(enumerate(keys)))}  # first row of each key
        rows = [i for k, i in sorted(first.items(), key=lambda kv: kv[1]) if k not in self._row]
        if not rows:
            return
        new = [keys[i] for i in rows]
        vecs = self.embedder.embed(new) if vectors is None else np.asarray(vectors, np.float32)[rows]
        self._append(new, vecs)

    def add_alias(self, alias: str, canonical: str, score: float) -> None:
        """Records a known alias (e.g. an ALIAS_OF edge read from the graph)."""
        self._alias[alias] = (canonical, score)

    def resolve(self, names: Iterable[str]) -> list[Resolution]:
        """Resolves names in order; a new key can absorb later names of the same call."""
        names = list(names)
        keys = [normalize(n) for n in names]
        unknown = [k for k in dict.fromkeys(keys) if k not in self._row and k not in self._alias]
        vectors = self.embedder.embed(unknown)
        for start in range(0, len(unknown), self.batch):
            self._resolve_batch(unknown[start : start + self.batch], vectors[start : start + self.batch])
        out = []
        for name, key in zip(names, keys, strict=True):
            canonical, score = self._alias.get(key, (key, 1.0))
            out.append(Resolution(name, key, canonical, score))
        return out

    def vector(self, key: str) -> np.ndarray:
        """The embedding of a canonical key, or of an alias this canonicalizer resolved."""
        if key in self._row:
            return self._vectors[self._row[key]]
        return self._alias_vectors[key]

    def _resolve_batch(self, keys: list[str], vecs: np.ndarray) -> None:
        """Each key goes to its nearest canonical tag — existing, or new earlier in this batch — if close
        enough; otherwise it becomes canonical itself. One matrix product against the index per batch."""
        n = len(self._keys)
        if n:
            scores = self._vectors[:n] @ vecs.T  # [n, b]
            best_old = scores.argmax(axis=0)
            best_old_score = scores[best_old, np.arange(len(keys))]
        within = vecs @ vecs.T  # [b, b]
        fresh: list[int] = []  # batch positions that became canonical
        for j, key in enumerate(keys):
            score, best = (float(best_old_score[j]), self._keys[best_old[j]]) if n else (-1.0, "")
            if fresh:
                near = within[j, fresh]
                k = int(near.argmax())
                if near[k] > score:
                    score, best = float(near[k]), keys[fresh[k]]
            if score >= self.threshold:
                self._alias[key] = (best, score)
                self._alias_vectors[key] = vecs[j]
            else:
                fresh.append(j)
        self._append([keys[j] for j in fresh], vecs[fresh])

    def _append(self, keys: list[str], vecs: np.ndarray) -> None:
        n = len(self._keys)
        if n + len(keys) > len(self._vectors):
            grown = np.zeros((max(2 * len(self._vectors), n + len(keys)), self._vectors.shape[1]), np.float32)
            grown[:n] = self._vectors[:n]
            self._vectors = grown
        self._vectors[n : n + len(keys)] = vecs
        for offset, key in enumerate(keys):
            self._row[key] = n + offset
        self._keys.extend(keys)
