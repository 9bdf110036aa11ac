"""The calibration estimator: behaviour's support and lift, the Gamma posterior of the lift, the odds of
the LLM's statements in both directions, contradicted edges and candidate pairs."""

from __future__ import annotations

import numpy as np
import pytest

from rolegraph.errors import InvalidInput
from rolegraph.graph.calibration import QueuedCandidate
from rolegraph.graph.distillation import TaggedItem, WeightedEdge
from rolegraph.graph.model import LogicKind
from rolegraph.reasoning.calibrate import (
    Statements,
    behaviour_ratio,
    candidates,
    check_reliability,
    rechecks,
    reliability,
    score_edges,
    within_budget,
)
from rolegraph.reasoning.calibration_config import CalibrationConfig
from rolegraph.reasoning.cooccurrence import behaviour, converse_weights

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
    # one event against a prior of 5 pseudo-events moves the LLM's word by under 0.01
    assert [s.calibrated for s in stats] == pytest.approx([0.6, 0.4], abs=0.01)
    assert not any(s.contradicted for s in stats)
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
    # behaviour (musicians never consume weather) already outweighs the LLM's 0.8; the converse settles it
    assert plain["weather"] < plain["jazz"] < 0.9 < both["jazz"]
    assert both["weather"] < 0.1
    assert sum(both.values()) == pytest.approx(1.0, abs=1e-5)


def test_dense_tags_follow_behaviour_sparse_ones_the_llm() -> None:
    # the LLM weighs jazz and nightlife 0.9 / 0.1 for musicians; behaviour gives the two the same lift: the
    # more users, the closer the calibrated weights come to behaviour's even split
    edges = [WeightedEdge("musicians", "jazz", 0.9), WeightedEdge("musicians", "nightlife", 0.1)]
    shares = []
    for users in (1, 10, 1000):
        events = [(f"m{k}", i) for k in range(users) for i in ("i1", "i3")] + [("f0", "i2")]
        stats = score_edges(behaviour(events, ITEMS), LogicKind.U2I, Statements(edges), CalibrationConfig())
        shares.append(stats[1].calibrated)
    assert shares[0] < 0.2 and shares[0] < shares[1] < shares[2]
    assert shares[2] == pytest.approx(0.5, abs=0.01)


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


def test_a_converse_edge_from_a_check_is_a_check_not_an_answer() -> None:
    beh = behaviour(EVENTS, ITEMS)
    cfg = CalibrationConfig()
    edges = [WeightedEdge("musicians", "jazz", 0.5), WeightedEdge("musicians", "nightlife", 0.5)]
    converse = [WeightedEdge("jazz", "musicians", 1.0), WeightedEdge("nightlife", "musicians", 1.0)]
    answered = score_edges(beh, LogicKind.U2I, Statements(edges, converse), cfg)
    # the I2U edge nightlife → musicians came from a check of that pair, queued because the U2I answer named it
    checked = Statements(edges, converse, converse_checked=frozenset({("nightlife", "musicians")}))
    confirmed = score_edges(beh, LogicKind.U2I, checked, cfg)
    assert confirmed[1].calibrated < answered[1].calibrated  # one answer and a check, not two answers
    # nor does it count as the two directions agreeing: jazz's answer named farmers, so nothing agrees
    disagree = Statements(edges, [WeightedEdge("jazz", "farmers", 1.0), *converse[1:]], **_nightlife_checked())
    back = converse_weights(beh, LogicKind.U2I, disagree.converse_answers())
    assert reliability(disagree, back, {e.src for e in disagree.converse_answers()}) == 0.5


def _nightlife_checked() -> dict[str, frozenset[tuple[str, str]]]:
    return {"converse_checked": frozenset({("nightlife", "musicians")})}


def test_a_refused_check_lowers_the_pair_and_is_not_queued_again() -> None:
    beh = behaviour(EVENTS, ITEMS)
    edges = [WeightedEdge("musicians", "jazz", 0.5), WeightedEdge("musicians", "nightlife", 0.5)]
    converse = [WeightedEdge("jazz", "musicians", 1.0), WeightedEdge("nightlife", "farmers", 1.0)]
    plain = score_edges(beh, LogicKind.U2I, Statements(edges, converse), CalibrationConfig())
    # the I2U check of nightlife → musicians (queued from the U2I answer) said no
    refused = Statements(edges, converse, converse_refused=frozenset({("nightlife", "musicians")}))
    lowered = score_edges(beh, LogicKind.U2I, refused, CalibrationConfig())
    assert lowered[1].calibrated < plain[1].calibrated
    cfg = CalibrationConfig(candidate_lift=1.2, candidate_support=5, candidates_per_source=1)
    first = candidates(beh, LogicKind.U2I, Statements([]), cfg)
    assert ("musicians", "jazz") in {(c.src, c.dst) for c in first}
    again = candidates(beh, LogicKind.U2I, Statements([], refused=frozenset({("musicians", "jazz")})), cfg)
    assert [(c.src, c.dst) for c in again if c.src == "musicians"] == [("musicians", "nightlife")]


def test_behaviours_ratio_is_learnt_from_the_settled_pairs() -> None:
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0.5, 0.4, 200), rng.normal(0.0, 0.2, 2000)])
    real = np.arange(x.size) < 200
    slope, mid = behaviour_ratio(x, real, ~real, 30)
    m1, m0 = x[real].mean(), x[~real].mean()
    assert slope == pytest.approx((m1 - m0) / x[real].var()) and mid == pytest.approx((m1 + m0) / 2)
    # the ratio at a point equals the two Gaussians' density ratio with the wider class's variance
    var = x[real].var()
    at = 0.6
    dens = np.exp(-((at - m1) ** 2) / (2 * var)) / np.exp(-((at - m0) ** 2) / (2 * var))
    assert np.exp(slope * (at - mid)) == pytest.approx(dens)
    assert behaviour_ratio(x, real, ~real, 300) == (0.0, 0.0)  # too few settled real pairs: no ratio
    assert behaviour_ratio(-x, real, ~real, 30) == (0.0, 0.0)  # real pairs not above: behaviour says nothing


def test_behaviour_tilts_the_odds_once_enough_pairs_are_settled() -> None:
    # 40 roles r{n}, each with its own topic c{n} consumed together by its users, and a topic x everyone meets
    items = [TaggedItem(f"a{n}", "", "", (f"r{n}",), (f"c{n}",)) for n in range(40)]
    items += [TaggedItem(f"b{n}", "", "", (f"r{n}",), ("x",)) for n in range(40)]
    events = [(f"u{n}-{k}", f"a{n}") for n in range(40) for k in range(6)]
    events += [(f"u{n}-{k}", f"b{m}") for n in range(40) for k in range(6) for m in (n, (n + 1) % 40)]
    beh = behaviour(events, items)
    both = [WeightedEdge(f"r{n}", f"c{n}", 0.5) for n in range(40)]
    converse = [WeightedEdge(f"c{n}", f"r{n}", 1.0) for n in range(40)] + [WeightedEdge("x", "r0", 1.0)]
    # r0's answer names c0 (both ways) and two once-named topics: c1 (its users never see it) and x
    edges = [*both, WeightedEdge("r0", "c1", 0.25), WeightedEdge("r0", "x", 0.25)]
    cfg = CalibrationConfig(min_settled=30)
    learnt = {(s.src, s.dst): s.calibrated for s in score_edges(beh, LogicKind.U2I, Statements(edges, converse), cfg)}
    flat = CalibrationConfig(min_settled=10_000)
    plain = {(s.src, s.dst): s.calibrated for s in score_edges(beh, LogicKind.U2I, Statements(edges, converse), flat)}
    ratio = lambda w: w[("r0", "c1")] / w[("r0", "c0")]  # noqa: E731
    assert ratio(learnt) < ratio(plain)  # c1, which r0's users never consume, loses more once behaviour speaks


def test_the_checks_reliability_is_recovered_by_maximum_likelihood() -> None:
    rng = np.random.default_rng(1)
    prior = rng.uniform(0.05, 0.95, 4000)
    real = rng.random(prior.size) < prior
    right = rng.random(prior.size) < 0.85  # checks right 85 % of the time, whatever the answers' reliability
    confirmed = (real == right).astype(int)
    qc = check_reliability(prior, confirmed, 1 - confirmed, 0.7)
    assert qc == pytest.approx(0.85, abs=0.03)
    assert check_reliability(prior[:10], confirmed[:10], 1 - confirmed[:10], 0.7) == 0.7  # too few checks


def test_a_checked_pair_left_undecided_is_rechecked_once() -> None:
    beh = behaviour(EVENTS, ITEMS)
    edges = [WeightedEdge("musicians", "jazz", 1.0), WeightedEdge("farmers", "weather", 1.0)]
    converse = [
        WeightedEdge("nightlife", "musicians", 1.0),  # states U2I musicians → nightlife, which a check refused
        WeightedEdge("jazz", "musicians", 1.0),
        WeightedEdge("weather", "farmers", 1.0),
    ]
    refused = frozenset({("musicians", "nightlife"), ("farmers", "jazz")})  # farmers → jazz: stated by nothing
    # both answers agree on everything else (q 0.99), so the converse's word is posterior ≈ 0.01 after the
    # refusal and farmers → jazz ≈ 5e-7: a band from 0.001 to 0.8 takes the first only
    cfg = CalibrationConfig(recheck_above=0.001, recheck_below=0.8)
    stated = Statements(edges, converse, refused=refused)
    assert rechecks(beh, LogicKind.U2I, stated, cfg) == [("musicians", "nightlife")]
    assert rechecks(beh, LogicKind.U2I, stated, CalibrationConfig()) == []  # the default band: both settled
    again = Statements(edges, converse, refused=refused, rechecks={("musicians", "nightlife"): True})
    assert rechecks(beh, LogicKind.U2I, again, cfg) == []  # once only
    assert again.checks("musicians", "nightlife") == (1, 1)
    # the re-check that confirmed it made its edge: a check's, not an answer
    made = Statements(
        [*edges, WeightedEdge("musicians", "nightlife", 0.5)],
        converse,
        refused=refused,
        rechecks={("musicians", "nightlife"): True},
    )
    assert ("musicians", "nightlife") not in {(e.src, e.dst) for e in made.answers()}
    back = Statements(converse, edges, converse_refused=refused, converse_rechecks={("musicians", "nightlife"): False})
    assert back.checks("nightlife", "musicians") == (0, 2)


def test_recheck_band_is_checked() -> None:
    with pytest.raises(InvalidInput):
        CalibrationConfig(recheck_above=0.9, recheck_below=0.1)


def _queued(src: str, dst: str, odds: float, lift: float = 2.0, status: str = "queued") -> QueuedCandidate:
    return QueuedCandidate(src, dst, 5, lift, 0.5, src, dst, status, odds=odds)


def test_a_budget_checks_the_likeliest_queued_pairs_in_key_order() -> None:
    rows = [_queued("a", "x", 0.5), _queued("a", "y", 3.0), _queued("b", "x", 3.0, lift=4.0), _queued("c", "z", 9.0)]
    assert [(c.src, c.dst) for c in within_budget(rows, 3)] == [("a", "y"), ("b", "x"), ("c", "z")]
    assert within_budget(rows, 10) == rows and within_budget(rows, 0) == []


def test_a_budget_keeps_the_checks_its_day_already_made() -> None:
    """A rerun after a crash plans the chunks it planned before: the checks made count against the budget."""
    made = _queued("a", "x", 0.1, status="refused")
    rows = [made, _queued("a", "y", 3.0), _queued("c", "z", 9.0)]
    assert within_budget(rows, 2) == [made, rows[2]]
    assert within_budget(rows, 0) == [made]
