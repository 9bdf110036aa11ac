"""The calibration estimator: behaviour's support and lift, the Gamma posterior of the lift, the odds of
the LLM's statements in both directions, contradicted edges and candidate pairs."""

from __future__ import annotations

import pytest

from rolegraph.errors import InvalidInput
from rolegraph.graph.distillation import TaggedItem, WeightedEdge
from rolegraph.graph.model import LogicKind
from rolegraph.reasoning.calibrate import (
    CalibrationConfig,
    Statements,
    behaviour,
    candidates,
    converse_weights,
    reliability,
    score_edges,
)

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
    good, bad = score_edges(beh, LogicKind.U2I, Statements(edges), cfg)
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
    stats = score_edges(beh, LogicKind.U2I, Statements(edges), CalibrationConfig())
    assert [s.calibrated for s in stats] == [0.6, 0.4] and not any(s.contradicted for s in stats)
    unknown = score_edges(
        beh,
        LogicKind.I2U,
        Statements([WeightedEdge("opera", "singers", 0.7), WeightedEdge("opera", "tenors", 0.3)]),
        CalibrationConfig(),
    )
    assert [(s.support, s.calibrated) for s in unknown] == [(0, 0.7), (0, 0.3)]


def test_supported_pairs_the_llm_never_proposed_become_candidates() -> None:
    beh = behaviour(EVENTS, ITEMS)
    cfg = CalibrationConfig(candidate_lift=1.2, candidate_support=5, candidates_per_source=2)
    found = candidates(beh, LogicKind.U2I, Statements([WeightedEdge("musicians", "jazz", 1.0)]), cfg)
    assert [(c.src, c.dst, c.weight) for c in found] == [("farmers", "weather", 1.0), ("musicians", "nightlife", 0.5)]
    assert found[0].lift == pytest.approx(4.0)  # k = 10 against E = 10 · 10/40
    i2u = candidates(beh, LogicKind.I2U, Statements([]), cfg)
    assert {(c.src, c.dst) for c in i2u} == {("jazz", "musicians"), ("nightlife", "musicians"), ("weather", "farmers")}
    assert all(c.lift >= 1.2 and c.support >= 5 for c in found + i2u)


def test_the_converse_states_a_pair_through_bayes_rule() -> None:
    beh = behaviour(EVENTS, ITEMS)
    # jazz is 1/2 of the topic tags consumed (20 of 40), musicians 2/3 of the role tags (20 of 30)
    back = converse_weights(beh, LogicKind.U2I, [WeightedEdge("jazz", "musicians", 0.8), WeightedEdge("x", "y", 0.5)])
    assert back[("musicians", "jazz")] == pytest.approx(0.8 * (1 / 2) / (2 / 3))
    assert back[("y", "x")] == 0.5  # tags behaviour never saw: a ratio of 1


def test_reliability_is_the_square_root_of_the_agreement() -> None:
    edges = [WeightedEdge("r", f"t{n}", 0.25) for n in range(4)] + [WeightedEdge("r", "checked", 1.0)]
    stated = Statements(edges, checked=frozenset({("r", "checked")}))
    back = {("r", "t0"): 0.3}
    assert reliability(stated, back, {"t0", "t1", "t2", "t3", "checked"}) == pytest.approx(0.5)  # 1 of 4 agree
    back |= {("r", "t1"): 0.3, ("r", "t2"): 0.3}
    assert reliability(stated, back, {"t0", "t1", "t2", "t3"}) == pytest.approx(0.75**0.5)
    assert reliability(stated, back, set()) == 0.99  # nothing asked the other way: nothing to compare


def test_a_pair_named_both_ways_outranks_a_heavier_one_named_once() -> None:
    beh = behaviour(EVENTS, ITEMS)
    cfg = CalibrationConfig()
    # the LLM's U2I answer about musicians names jazz lightly and weather heavily (a confusion); its I2U
    # answers name musicians for jazz only, and farmers for weather
    edges = [WeightedEdge("musicians", "jazz", 0.2), WeightedEdge("musicians", "weather", 0.8)]
    converse = [WeightedEdge("jazz", "musicians", 1.0), WeightedEdge("weather", "farmers", 1.0)]
    plain = {s.dst: s.calibrated for s in score_edges(beh, LogicKind.U2I, Statements(edges), cfg)}
    both = {s.dst: s.calibrated for s in score_edges(beh, LogicKind.U2I, Statements(edges, converse), cfg)}
    assert plain["weather"] > plain["jazz"]  # by the LLM's weight, behaviour alone cannot turn it round
    assert both["jazz"] > 0.9 > 0.1 > both["weather"]
    assert sum(both.values()) == pytest.approx(1.0, abs=1e-5)


def test_a_checked_pair_counts_its_check_not_an_answer() -> None:
    beh = behaviour(EVENTS, ITEMS)
    edges = [WeightedEdge("musicians", "jazz", 0.5), WeightedEdge("musicians", "nightlife", 0.5)]
    converse = [WeightedEdge("jazz", "musicians", 1.0), WeightedEdge("nightlife", "farmers", 1.0)]
    answered = score_edges(beh, LogicKind.U2I, Statements(edges, converse), CalibrationConfig())
    checked = Statements(edges, converse, frozenset({("musicians", "nightlife")}))
    confirmed = score_edges(beh, LogicKind.U2I, checked, CalibrationConfig())
    # a check is weaker evidence than an answer naming the pair among all targets
    assert confirmed[1].calibrated < answered[1].calibrated


def test_pairs_the_converse_states_are_candidates_first() -> None:
    beh = behaviour(EVENTS, ITEMS)
    cfg = CalibrationConfig(candidate_lift=1.2, candidate_support=5, candidates_per_source=1)
    # behaviour alone would pick weather for farmers; the LLM said nightlife → musicians the other way
    stated = Statements([], [WeightedEdge("nightlife", "musicians", 1.0), WeightedEdge("jazz", "farmers", 0.5)])
    found = candidates(beh, LogicKind.U2I, stated, cfg)
    assert [(c.src, c.dst) for c in found] == [("farmers", "jazz"), ("musicians", "nightlife")]


def test_bad_knobs_are_refused() -> None:
    with pytest.raises(InvalidInput):
        CalibrationConfig(prior_strength=0)
