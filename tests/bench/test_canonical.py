"""bench/canonical.py: the scores of a partition against the generator's truth, and the pairs it missed."""

from __future__ import annotations

from canonical import missed_merges, partition_scores


def test_partition_scores_count_pairs_merged_right_and_pairs_left_apart() -> None:
    truth = {
        "jazz fan": ("jazz", "fan"),
        "jazz lover": ("jazz", "fan"),
        "jazz buff": ("jazz", "fan"),
        "jazz critic": ("jazz", "critic"),
    }
    canonical = {"jazz fan": "jazz fan", "jazz lover": "jazz fan", "jazz buff": "jazz buff", "jazz critic": "jazz fan"}
    keys = list(canonical)
    scores = partition_scores(keys, [canonical[k] for k in keys], truth)
    # merged: {fan, lover, critic} = 3 pairs, 1 right; true: {fan, lover, buff} = 3 pairs
    assert (scores["merged_pairs"], scores["correct_pairs"], scores["true_pairs"]) == (3, 1, 3)
    missed = missed_merges(canonical, truth)
    assert [(n, words) for n, words, *_ in missed] == [(1, "buff / fan"), (1, "buff / lover")]
    assert missed[0][2:] == ("jazz buff", "jazz fan")
