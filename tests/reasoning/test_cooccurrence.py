"""Co-consumption of roles and topics: the counts behind the calibration, and the converse read through
Bayes' rule."""

from __future__ import annotations

import numpy as np
import pytest

from rolegraph.graph.distillation import WeightedEdge
from rolegraph.graph.model import LogicKind
from rolegraph.reasoning.cooccurrence import behaviour, converse_weights
from tests.reasoning.test_calibrate import EVENTS, ITEMS


def test_co_consumption_is_counted_once_per_user_and_item() -> None:
    beh = behaviour([*EVENTS, ("m0", "i1"), ("m0", "unknown")], ITEMS)  # a repeat and an untagged item ignored
    k, expected, lift, n = beh.estimate(LogicKind.U2I)
    musicians, farmers = beh.roles["musicians"], beh.roles["farmers"]
    jazz, weather = beh.topics["jazz"], beh.topics["weather"]
    assert n[musicians] == 20 and n[farmers] == 10  # ten users, two jazz items each; ten users, one farm item
    assert beh.counts(LogicKind.U2I)[musicians, jazz] == 10 and beh.counts(LogicKind.U2I)[farmers, jazz] == 0
    assert lift[musicians, jazz] > 1 > lift[farmers, jazz] and lift[farmers, weather] > 1
    assert np.all(expected >= 0) and k[farmers, jazz] == 0


def test_the_converse_states_a_pair_through_bayes_rule() -> None:
    beh = behaviour(EVENTS, ITEMS)
    # jazz is 1/2 of the topic tags consumed (20 of 40), musicians 2/3 of the role tags (20 of 30)
    back = converse_weights(beh, LogicKind.U2I, [WeightedEdge("jazz", "musicians", 0.8), WeightedEdge("x", "y", 0.5)])
    assert back[("musicians", "jazz")] == pytest.approx(0.8 * (1 / 2) / (2 / 3))
    assert back[("y", "x")] == 0.5  # tags behaviour never saw: a ratio of 1
