"""The calibration estimator: behaviour's support and lift, the Beta posterior around the LLM's weight,
contradicted edges and candidate pairs."""

from __future__ import annotations

import pytest

from rolegraph.errors import InvalidInput
from rolegraph.graph.distillation import TaggedItem, WeightedEdge
from rolegraph.graph.model import LogicKind
from rolegraph.reasoning.calibrate import CalibrationConfig, behaviour, candidates, score_edges

ITEMS = [
    TaggedItem("i1", "Jazz film", "", ("musicians",), ("jazz",)),
    TaggedItem("i2", "Farm film", "", ("farmers",), ("weather",)),
    TaggedItem("i3", "Jazz club", "", ("musicians",), ("jazz", "nightlife")),
]
# ten users consume the jazz films, ten the farm film
EVENTS = [(f"m{k}", i) for k in range(10) for i in ("i1", "i3")] + [(f"f{k}", "i2") for k in range(10)]


def test_behaviour_confirms_weighs_and_contradicts_llm_edges() -> None:
    beh = behaviour(EVENTS, ITEMS)
    cfg = CalibrationConfig(prior_strength=10.0, min_mass=5.0, contradict_lift=0.7)
    edges = [WeightedEdge("musicians", "jazz", 0.5), WeightedEdge("musicians", "weather", 0.5)]
    good, bad = score_edges(beh, LogicKind.U2I, edges, cfg)
    assert good.support == 10 and bad.support == 0
    # 20 consumptions of musicians' items, each followed by jazz 2/3 of the time; jazz is half of all topic
    # tags consumed, so E = 10 and k = 40/3; weather: k = 0 against E = 5
    assert good.lift == pytest.approx(4 / 3, abs=1e-6) and bad.lift == 0.0
    up, down = (40 / 3 + 10) / (10 + 10), 10 / (5 + 10)
    assert good.calibrated == pytest.approx(up / (up + down), abs=1e-6)
    assert bad.calibrated == pytest.approx(down / (up + down), abs=1e-6)
    assert bad.contradicted and not good.contradicted


def test_sparse_tags_keep_the_llm_weight() -> None:
    beh = behaviour(EVENTS[:1], ITEMS)  # one user, one event
    edges = [WeightedEdge("musicians", "jazz", 0.6), WeightedEdge("musicians", "weather", 0.4)]
    stats = score_edges(beh, LogicKind.U2I, edges, CalibrationConfig())
    assert [s.calibrated for s in stats] == [0.6, 0.4] and not any(s.contradicted for s in stats)
    unknown = score_edges(
        beh,
        LogicKind.I2U,
        [WeightedEdge("opera", "singers", 0.7), WeightedEdge("opera", "tenors", 0.3)],
        CalibrationConfig(),
    )
    assert [(s.support, s.calibrated) for s in unknown] == [(0, 0.7), (0, 0.3)]


def test_supported_pairs_the_llm_never_proposed_become_candidates() -> None:
    beh = behaviour(EVENTS, ITEMS)
    cfg = CalibrationConfig(candidate_lift=1.2, candidate_support=5, candidates_per_source=2)
    found = candidates(beh, LogicKind.U2I, [("musicians", "jazz")], cfg)
    assert [(c.src, c.dst, c.weight) for c in found] == [("farmers", "weather", 1.0), ("musicians", "nightlife", 0.5)]
    assert found[0].lift == pytest.approx(4.0)  # k = 10 against E = 10 · 10/40
    i2u = candidates(beh, LogicKind.I2U, [], cfg)
    assert {(c.src, c.dst) for c in i2u} == {("jazz", "musicians"), ("nightlife", "musicians"), ("weather", "farmers")}
    assert all(c.lift >= 1.2 and c.support >= 5 for c in found + i2u)


def test_bad_knobs_are_refused() -> None:
    with pytest.raises(InvalidInput):
        CalibrationConfig(prior_strength=0)
