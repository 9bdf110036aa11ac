"""Two-hop exploration: the arithmetic against a dense numpy oracle, and the store-backed path."""

from __future__ import annotations

import numpy as np
import pytest

from rolegraph.errors import InvalidInput
from rolegraph.graph.explore import explore, explore_weights
from rolegraph.graph.model import LogicEdge, LogicKind, Source, TagKind, TagRecord
from rolegraph.graph.store import GraphStore


def _oracle(
    roles: list[str],
    topics: list[str],
    u2i: np.ndarray,
    i2u: np.ndarray,
    seeds: dict[str, float],
    delta: float,
    branch: int,
    k: int,
) -> tuple[dict[str, float], dict[str, float]]:
    """docs/design.md's formulas with dense matrices: u2i [R, C] = P(c|t), i2u [C, R] = P(t|c)."""
    w0 = np.array([seeds.get(r, 0.0) for r in roles])
    w0 = w0 / w0.sum()
    wc = w0 @ u2i
    order = sorted((i for i in range(len(topics)) if wc[i] > delta), key=lambda i: (-wc[i], topics[i]))[:branch]
    c1 = np.zeros_like(wc)
    c1[order] = wc[order] / wc[order].sum()
    wt = c1 @ i2u
    wt[w0 > 0] = 0.0
    keep = sorted((i for i in range(len(roles)) if wt[i] > 0), key=lambda i: (-wt[i], roles[i]))[:k]
    t1 = {roles[i]: wt[i] / wt[keep].sum() for i in keep}
    return {topics[i]: float(c1[i]) for i in order}, t1


@pytest.mark.parametrize("seed", range(5))
def test_weights_match_dense_oracle(seed: int) -> None:
    rng = np.random.default_rng(seed)
    roles = [f"r{i}" for i in range(12)]
    topics = [f"c{i}" for i in range(15)]
    u2i = rng.random((12, 15)) * (rng.random((12, 15)) < 0.3)
    i2u = rng.random((15, 12)) * (rng.random((15, 12)) < 0.3)
    seeds = {"r0": 2.0, "r3": 1.0, "r7": 1.0}
    delta, branch, k = 0.02, 6, 5
    e = explore_weights(
        seeds,
        [(roles[a], topics[b], float(u2i[a, b])) for a, b in zip(*np.nonzero(u2i), strict=True)],
        [(topics[a], roles[b], float(i2u[a, b])) for a, b in zip(*np.nonzero(i2u), strict=True)],
        delta=delta,
        branch=branch,
        k=k,
    )
    c1, t1 = _oracle(roles, topics, u2i, i2u, seeds, delta, branch, k)
    assert e.seeds == pytest.approx({"r0": 0.5, "r3": 0.25, "r7": 0.25})
    assert e.topics == pytest.approx(c1)
    assert e.roles == pytest.approx(t1)
    assert list(e.roles) == list(t1)  # ranked the same way
    # the chains into each new role add up to its weight
    for role, w in e.roles.items():
        assert sum(ch.contribution for ch in e.chains if ch.new_role == role) == pytest.approx(w)


def test_seeds_must_have_positive_weight() -> None:
    with pytest.raises(InvalidInput):
        explore_weights({}, [], [], delta=0, branch=5, k=5)
    with pytest.raises(InvalidInput):
        explore_weights({"a": -1.0, "b": 2.0}, [], [], delta=0, branch=5, k=5)


def test_disconnected_seed_gives_empty_result() -> None:
    e = explore_weights({"lonely": 1.0}, [("other", "c", 1.0)], [("c", "x", 1.0)], delta=0, branch=5, k=5)
    assert (e.topics, e.roles, e.chains) == ({}, {}, [])


def _logic_world(store: GraphStore) -> None:
    store.upsert_tags(TagKind.USER, [TagRecord(k, k) for k in ("jazz musicians", "new parents", "teachers")])
    store.upsert_tags(TagKind.ITEM, [TagRecord(k, k) for k in ("music theory", "sleep", "lullabies")])
    for source, scale in ((Source.LLM, 1.0), (Source.DISTILLED, 0.5)):
        store.upsert_logic(
            LogicKind.U2I,
            [
                LogicEdge("jazz musicians", "music theory", 0.6 * scale, source=source),
                LogicEdge("jazz musicians", "lullabies", 0.2 * scale, source=source),
                LogicEdge("new parents", "sleep", 0.9, source=source),
            ],
        )
        store.upsert_logic(
            LogicKind.I2U,
            [
                LogicEdge("music theory", "teachers", 0.5, source=source),
                LogicEdge("lullabies", "new parents", 0.7 * scale, source=source),
                LogicEdge("lullabies", "jazz musicians", 0.3, source=source),
            ],
        )


@pytest.mark.parametrize("source", [Source.LLM, Source.DISTILLED])
def test_store_exploration_equals_the_pure_computation(store: GraphStore, source: Source) -> None:
    _logic_world(store)
    e = explore(store, {"jazz musicians": 1.0}, source=source, delta=0.0, branch=20, k=10)
    scale = 1.0 if source is Source.LLM else 0.5
    u2i = [("jazz musicians", "music theory", 0.6 * scale), ("jazz musicians", "lullabies", 0.2 * scale)]
    i2u = [
        ("music theory", "teachers", 0.5),
        ("lullabies", "new parents", 0.7 * scale),
        ("lullabies", "jazz musicians", 0.3),
    ]
    expected = explore_weights({"jazz musicians": 1.0}, u2i, i2u, delta=0.0, branch=20, k=10)
    assert e.topics == pytest.approx(expected.topics)
    assert e.roles == pytest.approx(expected.roles)
    assert "jazz musicians" not in e.roles  # seeds are dropped from T(1)
    assert {(c.role, c.topic, c.new_role) for c in e.chains} == {
        ("jazz musicians", "music theory", "teachers"),
        ("jazz musicians", "lullabies", "new parents"),
    }


def test_store_exploration_keeps_topics_without_way_back(store: GraphStore) -> None:
    """'sleep' is in C(1) but has no I2U edge: it keeps its share of C(1) and adds no chain."""
    _logic_world(store)
    e = explore(store, {"new parents": 3.0, "jazz musicians": 1.0}, source=Source.LLM, delta=0.0, branch=2, k=10)
    u2i = [("jazz musicians", "music theory", 0.6), ("jazz musicians", "lullabies", 0.2), ("new parents", "sleep", 0.9)]
    i2u = [("music theory", "teachers", 0.5), ("lullabies", "new parents", 0.7), ("lullabies", "jazz musicians", 0.3)]
    want = explore_weights({"new parents": 3.0, "jazz musicians": 1.0}, u2i, i2u, delta=0.0, branch=2, k=10)
    assert list(e.topics) == ["sleep", "music theory"] == list(want.topics)
    assert e.topics == pytest.approx(want.topics) and e.roles == pytest.approx(want.roles) == {"teachers": 1.0}
    assert [(c.role, c.topic, c.new_role) for c in e.chains] == [("jazz musicians", "music theory", "teachers")]


def test_store_exploration_of_unknown_seed_is_empty(store: GraphStore) -> None:
    _logic_world(store)
    e = explore(store, {"x' }) DETACH DELETE n //": 1.0})
    assert (e.topics, e.roles) == ({}, {})
    assert store.stats().relationships["U2I"] == 6


def test_bounds_are_checked(store: GraphStore) -> None:
    with pytest.raises(InvalidInput):
        explore(store, {"a": 1.0}, k=101)


@pytest.mark.parametrize("seed", range(3))
def test_database_pruning_matches_the_pure_computation(store: GraphStore, seed: int) -> None:
    """The one-round-trip query keeps exactly the topics the formula keeps (δ and top-b)."""
    rng = np.random.default_rng(seed)
    roles = [f"role {i:02d}" for i in range(15)]
    topics = [f"topic {i:02d}" for i in range(25)]
    store.upsert_tags(TagKind.USER, [TagRecord(k, k) for k in roles])
    store.upsert_tags(TagKind.ITEM, [TagRecord(k, k) for k in topics])
    u2i = [(r, t, float(rng.random())) for r in roles for t in topics if rng.random() < 0.3]
    i2u = [(t, r, float(rng.random())) for t in topics for r in roles if rng.random() < 0.3]
    store.upsert_logic(LogicKind.U2I, [LogicEdge(a, b, w, source=Source.DISTILLED) for a, b, w in u2i])
    store.upsert_logic(LogicKind.I2U, [LogicEdge(a, b, w, source=Source.DISTILLED) for a, b, w in i2u])
    seeds = {roles[0]: 0.5, roles[4]: 0.3, roles[9]: 0.2}
    got = explore(store, seeds, delta=0.05, branch=4, k=6)
    want = explore_weights(seeds, u2i, i2u, delta=0.05, branch=4, k=6)
    assert list(got.topics) == list(want.topics) and got.topics == pytest.approx(want.topics)
    assert list(got.roles) == list(want.roles) and got.roles == pytest.approx(want.roles)
    assert [(c.role, c.topic, c.new_role) for c in got.chains] == [(c.role, c.topic, c.new_role) for c in want.chains]


def test_logic_edges_must_join_the_right_vocabularies(store: GraphStore) -> None:
    store.upsert_tags(TagKind.USER, [TagRecord("role", "role")])
    store.upsert_tags(TagKind.ITEM, [TagRecord("topic", "topic")])
    assert store.upsert_logic(LogicKind.U2I, [LogicEdge("topic", "role", 0.5)]) == 0  # wrong direction
    assert store.upsert_logic(LogicKind.I2U, [LogicEdge("topic", "role", 0.5)]) == 1
    assert store.stats().relationships == {"I2U": 1}


def test_zero_weight_edges_carry_no_mass() -> None:
    e = explore_weights({"a": 1.0}, [("a", "c", 1.0)], [("c", "x", 0.0), ("c", "y", 0.5)], delta=0.0, branch=5, k=5)
    assert e.roles == {"y": 1.0}
    assert [(ch.new_role, ch.contribution) for ch in e.chains] == [("y", 1.0)]


def test_ties_at_the_cut_are_broken_by_key() -> None:
    u2i = [("a", "c5", 0.4), ("a", "c9", 0.2), ("a", "c2", 0.2), ("a", "c1", 0.2), ("a", "c0", 0.1)]
    i2u = [("c5", "r9", 0.5), ("c5", "r2", 0.5), ("c1", "r3", 0.5), ("c1", "r1", 0.5), ("c2", "r0", 1.0)]
    e = explore_weights({"a": 1.0}, u2i, i2u, delta=0.0, branch=3, k=2)
    assert list(e.topics) == ["c5", "c1", "c2"]
    assert e.topics == pytest.approx({"c5": 0.5, "c1": 0.25, "c2": 0.25})
    # T(1) before the cut: r2 = r9 = 0.25, r0 = 0.25, r1 = r3 = 0.125
    assert list(e.roles) == ["r0", "r2"]
