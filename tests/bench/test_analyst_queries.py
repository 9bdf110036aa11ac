"""bench/analyst_queries.py: every library query gets a run, with required values sampled from the graph
(cypher/bench.cypher), checked on the analysts' hand-made world where the samples are worked out by hand."""

from __future__ import annotations

from analyst_queries import EXTRA, cases

from rolegraph.graph import analyst
from rolegraph.graph.store import GraphStore
from tests.graph import analyst_world


def test_every_query_runs_with_values_sampled_from_the_graph(store: GraphStore) -> None:
    analyst_world.build(store)
    runs = cases(store)
    given = {(name, tuple(sorted(params.items()))) for name, params, _ in runs}
    assert {name for name, _, _ in runs} == set(analyst.library())
    # student starts 2 LLM chains (via crime and animation), the others 1; animation and crime both touch
    # 4 LLM logic edges (animation first by key); i1 and i3 share a role (the first of four pairs sharing
    # one); u1 holds the most probable T1 role (film buff 0.5); r2 is the later run; film buff -> crime is
    # the heaviest LLM U2I edge (0.7); i2 -> i3 has 3 logic links (heist and crime via film buff, crime via
    # student), more than any other ordered pair.
    expected = {
        ("analyst_logic_chains", (("role", "student"),)),
        ("analyst_roles_behind_topic", (("topic", "animation"),)),
        ("analyst_why_items_together", (("item_a", "i1"), ("item_b", "i3"))),
        ("analyst_why_items_together_via_logic", (("item_a", "i2"), ("item_b", "i3"))),
        ("analyst_cocoon_breaking", (("user", "u1"),)),
        ("analyst_edges_of_run", (("run", "r2"),)),
        ("analyst_stale_tags", (("before", "2026-01-02"),)),
        ("analyst_edge_rationale", (("dst", "crime"), ("src", "film buff"))),
        ("bloom_why_item_for_user", (("item", "i1"), ("user", "u1"))),
        ("analyst_cover_misses", (("kind", "user"),)),
        ("analyst_cover_misses", (("kind", "item"),)),
        ("analyst_edges_by_provenance", ()),
    }
    assert expected <= given
    assert {(name, tuple(sorted(p.items()))) for name, p in EXTRA} <= given
    for name, params, _ in runs:  # every run binds: all required parameters are given
        analyst.bind(analyst.library()[name], params)
