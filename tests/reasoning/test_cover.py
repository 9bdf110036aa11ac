"""Cover sets (Algorithm 1): the lazy greedy equals plain greedy; recall, staleness and reruns."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.cover import cover_step, greedy_cover


def _plain_greedy(m: np.ndarray, start: np.ndarray, tau: float) -> tuple[np.ndarray, list[int]]:
    """The textbook greedy: recount every tag's gain each round; ties to the lowest tag index."""
    members = start.copy()
    covered = m[:, members].any(axis=1)
    added = []
    while covered.sum() < np.ceil(tau * m.shape[0] - 1e-9):
        gains = (m & ~covered[:, None]).sum(axis=0)
        gains[members] = -1
        tag = int(np.argmax(gains))
        if gains[tag] <= 0:
            break
        members[tag] = True
        covered |= m[:, tag]
        added.append(tag)
    return members, added


def _random_incidence(rng: np.random.Generator, items: int, tags: int) -> np.ndarray:
    popularity = 1.0 / np.arange(1, tags + 1) ** 1.1
    m = np.zeros((items, tags), dtype=bool)
    for i in range(items):
        m[i, rng.choice(tags, rng.integers(0, 5), replace=False, p=popularity / popularity.sum())] = True
    return m


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("tau", [0.5, 0.9, 0.99, 1.0])
def test_lazy_greedy_matches_plain_greedy(seed: int, tau: float) -> None:
    rng = np.random.default_rng(seed)
    m = _random_incidence(rng, 300, 60)
    m = m[m.any(axis=1)]
    start = rng.random(60) < 0.05
    members, added = greedy_cover(sp.csr_array(m), start, tau)
    want_members, want_added = _plain_greedy(m, start, tau)
    assert added == want_added
    assert (members == want_members).all()
    assert m[:, members].any(axis=1).mean() >= tau or not (m & ~m[:, members].any(axis=1)[:, None]).any()


def test_step_reaches_tau_on_tagged_items_only() -> None:
    rng = np.random.default_rng(1)
    m = _random_incidence(rng, 500, 80)  # some items have no tag at all
    step = cover_step(sp.csr_array(m), np.zeros(80, dtype=bool), np.full(80, 10**6), tau=0.95, window=30)
    assert step.items == int(m.any(axis=1).sum()) < 500
    assert step.recall >= 0.95
    assert step.removed == [] and step.added == sorted(np.flatnonzero(step.members).tolist())


def test_rerun_of_a_day_changes_nothing() -> None:
    m = _random_incidence(np.random.default_rng(2), 400, 50)
    first = cover_step(sp.csr_array(m), np.zeros(50, dtype=bool), np.zeros(50), tau=0.99)
    again = cover_step(sp.csr_array(m), first.members, np.zeros(50), tau=0.99)
    assert (again.members == first.members).all() and again.added == [] and again.removed == []
    assert again.recall == pytest.approx(first.recall)


def test_stale_tags_leave_and_seen_tags_stay() -> None:
    # items 0-1 carry tag 0 today; tags 1 and 2 are in S but have no item today
    m = sp.csr_array(np.array([[1, 0, 0], [1, 0, 0]], dtype=bool))
    current = np.array([True, True, True])
    days = np.array([0, 30, 29])  # tag 1 unseen for the whole 30-day window, tag 2 seen 29 days ago
    step = cover_step(m, current, days, tau=0.99, window=30)
    assert step.members.tolist() == [True, False, True]
    assert step.removed == [1] and step.added == [] and step.recall == 1.0


def test_cover_converges_on_a_stable_stream() -> None:
    rng = np.random.default_rng(3)
    members = np.zeros(200, dtype=bool)
    last_seen = np.full(200, 10**6)
    changes = []
    for _day in range(30):
        m = _random_incidence(rng, 300, 200)
        step = cover_step(sp.csr_array(m), members, last_seen, tau=0.9, window=10)
        seen = m.any(axis=0)
        last_seen = np.where(seen, 0, last_seen + 1)
        changes.append(len(step.added) + len(step.removed))
        members = step.members
    assert sum(changes[-5:]) < sum(changes[:5])
    assert step.recall >= 0.9


@pytest.mark.parametrize(("tau", "window"), [(0.0, 30), (1.5, 30), (0.9, 0)])
def test_bad_parameters_are_refused(tau: float, window: int) -> None:
    m = sp.csr_array(np.eye(3, dtype=bool))
    with pytest.raises(InvalidInput):
        cover_step(m, np.zeros(3, dtype=bool), np.zeros(3), tau=tau, window=window)


def test_stored_zeros_and_duplicate_entries_are_not_coverage() -> None:
    # item 0 has tag 0; item 1 has only a stored zero for tag 0 and a real tag 1; item 0's entry is duplicated
    m = sp.csr_array((np.array([1.0, 1.0, 0.0, 1.0]), (np.array([0, 0, 1, 1]), np.array([0, 0, 0, 1]))), shape=(2, 2))
    step = cover_step(m, np.zeros(2, dtype=bool), np.zeros(2), tau=1.0)
    assert step.members.tolist() == [True, True] and step.recall == 1.0


def test_per_tag_arrays_must_match_the_matrix() -> None:
    m = sp.csr_array(np.eye(3, dtype=bool))
    with pytest.raises(InvalidInput, match="one entry per tag"):
        cover_step(m, np.zeros(2, dtype=bool), np.zeros(3))
