"""The lazily loaded MiniLM: nothing to embed loads nothing; texts get the vectors of the loaded model."""

from __future__ import annotations

import numpy as np

from rolegraph.reasoning.embed import DIMENSIONS, LazyMiniLM, MiniLMEmbedder


def test_nothing_to_embed_loads_nothing_and_texts_get_the_models_vectors(minilm: MiniLMEmbedder) -> None:
    lazy = LazyMiniLM()
    empty = lazy.embed([])
    assert empty.shape == (0, DIMENSIONS) and empty.dtype == np.float32 and not lazy.loaded
    texts = ["jazz musicians", "bebop history"]
    vectors = lazy.embed(texts)
    assert lazy.loaded and vectors.shape == (2, DIMENSIONS)
    np.testing.assert_allclose(vectors, minilm.embed(texts), atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
