"""Tag canonicalization: one key per meaning, so the vocabulary does not explode with variants.

`normalize` turns a display name into a key (Unicode NFKC, case-folded, punctuation to spaces, spaces
collapsed, a simple plural on the last word made singular): "Jazz Musicians!" → "jazz musician".
`Canonicalizer` then maps a key onto an existing canonical tag — an ALIAS_OF edge in the graph, with the
method, score and reason of the merge, reversible — or makes it a new canonical tag. With a `Lexicon`
the words decide (`reasoning.sameness`): names with the same senses merge whatever their cosine, and a
MiniLM cosine ≥ ``threshold`` only proposes candidates whose differing words must be near-synonyms;
without one, the cosine alone decides (the method before the words were read, kept for comparison).
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
from rolegraph.reasoning.sameness import DEFAULT_THRESHOLD, EMBEDDING, WORDS, judge, same_words_reason
from rolegraph.reasoning.wording import Lexicon

__all__ = ["DEFAULT_THRESHOLD", "Blocked", "Canonicalizer", "Resolution", "normalize", "singular"]

MAX_KEY_CHARS = 60  # the store's limit on tag keys
CANDIDATES = 10  # nearest canonical tags above the threshold whose words are read, best first: those
# nearest a name share its other words with one changed ("retired chess beginners" for "young chess
# beginners"), so its synonym ("young chess newcomers") is often not among the first five
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
class Merge:
    """Why a key is an alias: the canonical key, the cosine between them, the method and the reason."""

    canonical: str
    score: float
    method: str
    reason: str


@dataclass(frozen=True)
class Resolution:
    """How one name was resolved: its own key, and the canonical key it maps to (itself when new)."""

    name: str
    key: str
    canonical: str
    score: float  # cosine to the canonical tag (1.0 for exact or new)
    method: str = ""  # how it was merged ("" when it was not)
    reason: str = ""

    @property
    def merged(self) -> bool:
        """True when the name became an alias of a different, existing tag."""
        return self.key != self.canonical


@dataclass(frozen=True)
class Blocked:
    """A merge the embedding proposed and the words refused: the key, its nearest tag, cosine, reason."""

    key: str
    candidate: str
    score: float
    reason: str


@dataclass(frozen=True)
class _Batch:
    """The batch being resolved, seen from one of its keys: its keys, those already made canonical (with
    their positions) and the key's cosine to each (-1 where not canonical)."""

    keys: list[str]
    fresh: dict[str, int]
    within: np.ndarray


class Canonicalizer:
    """An index of canonical tags (keys with unit embeddings) that resolves new names against it."""

    def __init__(
        self,
        embedder: Embedder,
        threshold: float = DEFAULT_THRESHOLD,
        batch: int = 4096,
        lexicon: Lexicon | None = None,
    ):
        if not 0.0 < threshold <= 1.0:
            raise InvalidInput(f"threshold must be in (0, 1], got {threshold}")
        self.embedder = embedder
        self.threshold = threshold
        self.batch = batch
        self.lexicon = lexicon
        self.blocked: list[Blocked] = []  # every refused proposal, in resolution order
        self._keys: list[str] = []
        self._row: dict[str, int] = {}
        self._alias: dict[str, Merge] = {}
        self._alias_vectors: dict[str, np.ndarray] = {}  # embeddings of the aliases resolved here
        self._meaning: dict[tuple[str, ...], str] = {}  # senses of a name → the canonical key holding them
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
        for key in new:
            self._remember_meaning(key, key)

    def add_alias(self, alias: str, canonical: str, score: float, method: str = EMBEDDING, reason: str = "") -> None:
        """Records a known alias (e.g. an ALIAS_OF edge read from the graph)."""
        self._alias[alias] = Merge(canonical, score, method, reason)
        self._remember_meaning(alias, canonical)

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
            merge = self._alias.get(key)
            if merge is None:
                out.append(Resolution(name, key, key, 1.0))
            else:
                out.append(Resolution(name, key, merge.canonical, merge.score, merge.method, merge.reason))
        return out

    def vector(self, key: str) -> np.ndarray:
        """The embedding of a canonical key, or of an alias this canonicalizer resolved (KeyError otherwise)."""
        found = self.stored_vector(key)
        if found is None:
            raise KeyError(f"no embedding held for {key!r}")
        return found

    def stored_vector(self, key: str) -> np.ndarray | None:
        """`vector`, or None for a key it does not know and for an alias read from the graph (`add_alias`
        stores no embedding)."""
        if key in self._row:
            return self._vectors[self._row[key]]
        return self._alias_vectors.get(key)

    def _resolve_batch(self, keys: list[str], vecs: np.ndarray) -> None:
        """Each key goes to a canonical tag — existing, or new earlier in this batch — when the method
        accepts one; otherwise it becomes canonical itself. One matrix product against the index per batch."""
        n = len(self._keys)
        scores = vecs @ self._vectors[:n].T if n else np.zeros((len(keys), 0), np.float32)  # [b, n]
        within = vecs @ vecs.T  # [b, b]
        fresh: dict[str, int] = {}  # keys of this batch that became canonical → batch position
        is_fresh = np.zeros(len(keys), dtype=bool)
        for j, key in enumerate(keys):
            batch = _Batch(keys, fresh, np.where(is_fresh, within[j], -1.0))
            merge = self._decide(key, vecs[j], scores[j], batch)
            if merge is None:
                fresh[key] = j
                is_fresh[j] = True
                self._remember_meaning(key, key)
            else:
                self._alias[key] = merge
                self._alias_vectors[key] = vecs[j]
                self._remember_meaning(key, merge.canonical)
        positions = list(fresh.values())
        self._append(list(fresh), vecs[positions])

    def _decide(self, key: str, vec: np.ndarray, old: np.ndarray, batch: _Batch) -> Merge | None:
        """The merge of one key, or None (it becomes canonical); refused proposals go to ``blocked``."""
        lexicon = self.lexicon
        if lexicon is not None:
            wording = lexicon.read(key)
            target = self._meaning.get(wording.meaning) if wording.meaning else None
            if target is None and wording.plain:
                target = self._meaning.get(("plain", *wording.plain))
            if target is not None:
                j = batch.fresh.get(target)
                score = float(batch.within[j]) if j is not None else float(self._vectors[self._row[target]] @ vec)
                return Merge(target, score, WORDS, same_words_reason(wording, lexicon.read(target)))
        candidates = self._candidates(old, batch)
        if not candidates:
            return None
        if lexicon is None:
            score, best = candidates[0]
            return Merge(best, score, EMBEDDING, f"cosine {score:.3f}")
        refused: Blocked | None = None
        for score, candidate in candidates:
            verdict = judge(lexicon, wording, lexicon.read(candidate), score, self.threshold)
            if verdict.same:
                return Merge(candidate, score, verdict.method, verdict.reason)
            refused = refused or Blocked(key, candidate, score, verdict.reason)
        assert refused is not None
        self.blocked.append(refused)
        return None

    def _candidates(self, old: np.ndarray, batch: _Batch) -> list[tuple[float, str]]:
        """Canonical tags with cosine ≥ threshold, best first, at most CANDIDATES."""
        found = [(float(old[i]), self._keys[i]) for i in _top(old, self.threshold)]
        found += [(float(batch.within[j]), batch.keys[j]) for j in _top(batch.within, self.threshold)]
        found.sort(key=lambda sk: -sk[0])
        return found[:CANDIDATES]

    def _remember_meaning(self, key: str, canonical: str) -> None:
        if self.lexicon is not None:
            wording = self.lexicon.read(key)
            self._meaning.setdefault(wording.meaning, canonical)
            self._meaning.setdefault(("plain", *wording.plain), canonical)

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


def _top(scores: np.ndarray, threshold: float) -> np.ndarray:
    """Indices of the CANDIDATES highest scores ≥ threshold (any order)."""
    above = np.flatnonzero(scores >= threshold)
    if len(above) > CANDIDATES:
        above = above[np.argpartition(-scores[above], CANDIDATES)[:CANDIDATES]]
    return above
