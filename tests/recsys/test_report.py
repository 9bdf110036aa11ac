"""The evaluation report's goals: TagCF-ut against SASRec at the bar of the dataset it was measured on."""

from __future__ import annotations

from typing import Any

from rolegraph.recsys.report import REAL_BAR, SYNTH_BAR, bar_for, goals, paired_goals


def _summary(gain: float, p_seeds: float, p_users: float) -> dict[str, Any]:
    base = 0.1
    model = base * (1 + gain)
    return {
        "sasrec": {"ndcg@10": {"mean": base}, "p_vs_sasrec": {"ndcg@10": None}},
        "tagcf-ut-util": {
            "ndcg@10": {"mean": model},
            "p_vs_sasrec": {"ndcg@10": p_seeds},
            "paired": {
                "sasrec": {"diff": model - base, "rel": gain, "rel_ci": [gain - 0.01, gain + 0.01], "p_users": p_users}
            },
        },
    }


def test_a_real_catalogue_is_held_to_three_percent_and_a_synthetic_world_to_ten() -> None:
    summary = _summary(0.05, 0.02, 0.004)
    assert goals(summary, REAL_BAR)[0].endswith("goal +3 %, p < 0.05: met")
    assert paired_goals(summary, REAL_BAR)[0].endswith(": met")
    assert goals(summary, SYNTH_BAR)[0].endswith("goal +10 %, p < 0.01: not met")
    assert paired_goals(summary, SYNTH_BAR)[0].endswith("not met")


def test_a_gain_that_is_not_significant_does_not_meet_the_bar() -> None:
    summary = _summary(0.05, 0.2, 0.3)
    assert goals(summary, REAL_BAR)[0].endswith("not met")
    assert paired_goals(summary, REAL_BAR)[0].endswith("not met")


def test_the_bar_follows_the_dataset_name() -> None:
    assert bar_for("synth:data/synth") is SYNTH_BAR
    assert bar_for("movielens") is REAL_BAR
