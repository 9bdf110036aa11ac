"""Role identification hit rates against a hand-made example."""

from __future__ import annotations

import numpy as np

from rolegraph.recsys.roles_eval import hit_rate, identify, missed_by, popular_roles, threshold_matcher


def test_hit_rates_and_popularity_baseline_by_hand() -> None:
    item_roles = {"a": ["nurses"], "b": ["nurses", "chefs"], "c": ["gamers"]}
    baseline = popular_roles(item_roles, ["a", "b", "b", "c"], k=1)
    assert baseline == ["nurses"]  # nurses 3, chefs 2, gamers 1
    truth = {"u1": ["chefs"], "u2": ["gamers"], "u3": ["nurses"], "u4": []}
    inferred = {"u1": ["chefs", "nurses"], "u2": ["chefs"], "u3": ["nurses"]}
    out = identify(inferred, truth, baseline, lambda t, r: t == r)
    assert out.users == 3  # u4 knows nothing
    assert out.model_hit_rate == 2 / 3 and out.baseline_hit_rate == 1 / 3
    missed = missed_by(baseline, truth, lambda t, r: t == r)
    assert missed == {"u1": ["chefs"], "u2": ["gamers"]}  # u3 is a nurse: popularity gets u3 right
    assert hit_rate(inferred, missed, lambda t, r: t == r) == 1 / 2  # the model finds u1's chefs, not u2's gamers


def test_threshold_matcher() -> None:
    sims = np.array([[0.9, 0.2], [0.4, 0.6]])
    match = threshold_matcher(["doctor", "artist"], ["nurses", "painters"], sims, 0.5)
    assert match("doctor", "nurses") and not match("doctor", "painters")
    assert match("artist", "painters") and not match("artist", "nurses") and not match("unknown", "nurses")
