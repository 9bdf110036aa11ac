"""Merges on a grown graph: an oracle LLM that answers some planted names in other words — paraphrases
that name the same people, and contrasts that name others — decides which become aliases; undoing a
merge brings back onto the alias everything that came through it, and the next day gives it its own logic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rolegraph.graph.loaders.files import read_interactions, read_items, read_users
from rolegraph.graph.model import RoleEdge
from rolegraph.graph.store import GraphStore
from rolegraph.graph.synth import SynthConfig, generate
from rolegraph.reasoning.canonical import normalize
from rolegraph.reasoning.unmerge import unmerge
from tests.reasoning.grow.conftest import Grower
from tests.support.openai_server import Responder
from tests.support.oracle import Oracle

PARAPHRASES = {"urban students": "urban pupils", "night parents": "nighttime parents", "urban sci-fi": "urban scifi"}
CONTRASTS = {"young parents": "old parents", "weekend parents": "weekend fathers", "rural jazz": "rural blues"}


def _edges(store: GraphStore) -> list[dict]:
    return [e for page in store.iter_edge_pages() for e in page]


def _grown(grower_for: Callable[[Responder], Grower], tmp_path: Path) -> tuple[Grower, dict[str, str]]:
    """Two days of growth on a small synthetic world whose oracle plants the variants; returns the grower
    and the graph's aliases (alias key → canonical key)."""
    world = tmp_path / "world"
    generate(SynthConfig(users=50, items=120, roles=12, topics=16, seed=3, fanout=4), world)
    g = grower_for(Oracle(world, variants={**PARAPHRASES, **CONTRASTS}))
    g.store.upsert_items(read_items(world / "items.jsonl").items)
    assert g.store.upsert_users(read_users(world / "users.jsonl").users) == 50
    assert g.store.upsert_interactions(read_interactions(world / "interactions.csv").interactions) > 0
    g.run(max_items=120, max_tags=100, chunk=40)
    g.run("2026-01-06", max_items=0, max_tags=100, chunk=40)
    aliases = {e["src"]: e["dst"] for e in _edges(g.store) if e["type"] == "ALIAS_OF"}
    return g, aliases


def test_paraphrases_become_aliases_and_contrasts_stay_apart(
    grower_for: Callable[[Responder], Grower], tmp_path: Path
) -> None:
    g, aliases = _grown(grower_for, tmp_path)
    tags = {r["key"] for r in g.store.iter_tags()}
    for planted, variant in PARAPHRASES.items():
        a, b = normalize(planted), normalize(variant)
        assert {a, b} <= tags, (planted, variant)
        assert aliases.get(a) == b or aliases.get(b) == a, (planted, variant, aliases)
    for planted, variant in CONTRASTS.items():
        a, b = normalize(planted), normalize(variant)
        assert {a, b} <= tags, (planted, variant)
        assert a not in aliases and b not in aliases, (planted, variant, aliases)
    # every alias was written with why: a score, the method and its reason, the run
    for e in _edges(g.store):
        if e["type"] == "ALIAS_OF":
            p = e["props"]
            assert p["method"] and p["reason"] and p["run"].startswith("grow-") and 0 <= p["score"] <= 1


def test_unmerge_on_a_grown_graph_moves_back_what_came_through_the_alias(
    grower_for: Callable[[Responder], Grower], tmp_path: Path
) -> None:
    g, aliases = _grown(grower_for, tmp_path)
    a, b = normalize("urban students"), normalize("urban pupils")
    alias = a if a in aliases else b
    canonical = aliases[alias]
    edges = _edges(g.store)
    items_via = {e["src"] for e in edges if e["type"] == "HAS_USER_TAG" and e["dst"] == canonical
                 and e["props"].get("via") == alias}  # fmt: skip
    items_own = {e["src"] for e in edges if e["type"] == "HAS_USER_TAG" and e["dst"] == canonical} - items_via
    logic_via = {(e["type"], e["src"]) for e in edges if e["type"] in ("U2I", "I2U") and e["dst"] == canonical
                 and e["props"].get("via") == alias}  # fmt: skip
    logic_own = {(e["type"], e["src"]) for e in edges if e["type"] in ("U2I", "I2U") and e["dst"] == canonical}
    logic_own -= logic_via
    assert items_via and items_own and logic_via, "the oracle should have said both names"
    # the recommender's roles, as it would write them: the role of every user who met an item carrying it
    watched: dict[str, set[str]] = {}
    for e in edges:
        if e["type"] == "INTERACTED":
            watched.setdefault(e["src"], set()).add(e["dst"])
    holders = {u for u, items in watched.items() if items & (items_via | items_own)}
    g.store.upsert_roles(RoleEdge(u, canonical, 0.5, 1, "T0", "train-1") for u in holders)

    targets, moved = unmerge(g.store, alias)

    assert targets == [canonical]
    assert moved.item_edges == len(items_via) and moved.logic_edges == len(logic_via)
    after = _edges(g.store)
    on = {t: {e["src"] for e in after if e["type"] == "HAS_USER_TAG" and e["dst"] == t} for t in (alias, canonical)}
    assert on == {alias: items_via, canonical: items_own}
    logic = {t: {(e["type"], e["src"]) for e in after if e["type"] in ("U2I", "I2U") and e["dst"] == t}
             for t in (alias, canonical)}  # fmt: skip
    assert logic == {alias: logic_via, canonical: logic_own}
    roles = {t: {e["src"] for e in after if e["type"] == "HAS_ROLE" and e["dst"] == t} for t in (alias, canonical)}
    assert roles[alias] == {u for u in holders if watched[u] & items_via}
    assert roles[canonical] == {u for u in holders if watched[u] & items_own}
    assert not [e for e in after if e["type"] == "ALIAS_OF" and e["src"] == alias]

    # the next day asks the LLM for the alias's own logic: it is a tag of its own now
    assert not [e for e in after if e["type"] == "U2I" and e["src"] == alias]
    g.run("2026-01-07", max_items=0, max_tags=100, chunk=40)
    assert [e for e in _edges(g.store) if e["type"] == "U2I" and e["src"] == alias]
