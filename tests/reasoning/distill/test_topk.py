"""top_b: the b best targets per source, best first, ties to the lower index, against a plain-Python oracle."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.distill import top_b


def oracle(scores: np.ndarray, b: int, exclude: np.ndarray | None = None) -> list[tuple[int, int, float]]:
    out: list[tuple[int, int, float]] = []
    for s, row in enumerate(scores.tolist()):
        kept = [(-v, d) for d, v in enumerate(row) if v > 0 and (exclude is None or not exclude[s, d])]
        out.extend((s, d, -v) for v, d in sorted(kept)[:b])
    return out


def test_best_first_with_ties_to_the_lower_index() -> None:
    scores = np.array([[0.1, 0.3, 0.3, 0.2, 0.3], [0.5, 0.0, 0.25, 0.25, 0.0]])
    assert top_b(scores, b=2) == [(0, 1, 0.3), (0, 2, 0.3), (1, 0, 0.5), (1, 2, 0.25)]
    assert top_b(scores, b=3) == [(0, 1, 0.3), (0, 2, 0.3), (0, 4, 0.3), (1, 0, 0.5), (1, 2, 0.25), (1, 3, 0.25)]


def test_b_beyond_the_targets_returns_every_nonzero_target() -> None:
    scores = np.array([[0.2, 0.0, 0.8], [0.0, 0.0, 0.0]])
    assert top_b(scores, b=20) == [(0, 2, 0.8), (0, 0, 0.2)]


def test_excluded_pairs_are_never_returned() -> None:
    scores = np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1]])
    exclude = np.eye(2, 3, dtype=bool)  # a tag paired with itself
    assert top_b(scores, b=1, exclude=exclude) == [(0, 1, 0.3), (1, 0, 0.2)]


def test_renormalized_weights_sum_to_one_per_source() -> None:
    scores = np.array([[0.1, 0.3, 0.2, 0.4], [0.05, 0.0, 0.05, 0.0]])
    edges = top_b(scores, b=2, renormalize=True)
    assert [(s, d) for s, d, _ in edges] == [(0, 3), (0, 1), (1, 0), (1, 2)]
    assert [w for _, _, w in edges] == pytest.approx([4 / 7, 3 / 7, 0.5, 0.5])


@pytest.mark.parametrize("b", [1, 3, 7, 40])
def test_matches_the_oracle_on_random_scores_with_many_ties(b: int) -> None:
    rng = np.random.default_rng(b)
    scores = rng.integers(0, 5, size=(2100, 30)) / 4  # crosses the 1024-row chunks; lots of ties and zeros
    exclude = rng.random(scores.shape) < 0.1
    assert top_b(scores, b=b, exclude=exclude) == oracle(scores, b, exclude)


@pytest.mark.parametrize(
    ("scores", "b", "exclude", "needle"),
    [
        (np.ones((2, 2)) * 0.5, 0, None, "b must"),
        (np.ones(3) * 0.5, 1, None, "2-D"),
        (np.array([[0.5, 1.5]]), 1, None, r"\[0, 1\]"),
        (np.array([[0.5, np.nan]]), 1, None, r"\[0, 1\]"),
        (np.ones((2, 2)) * 0.5, 1, np.ones((2, 3), bool), "exclude"),
    ],
)
def test_bad_input_is_refused(scores: Any, b: int, exclude: Any, needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle):
        top_b(scores, b=b, exclude=exclude)
