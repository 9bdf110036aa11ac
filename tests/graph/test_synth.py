"""The synthetic world: loadable files, planted logic that is a distribution, behaviour that follows it."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from rolegraph.errors import InvalidInput
from rolegraph.graph.loaders.files import read_interactions, read_items, read_users
from rolegraph.graph.synth import SynthConfig, generate


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("world")
    return out, generate(SynthConfig(users=300, items=200, roles=12, topics=20, seed=7, noise=0.0), out)


def test_files_load_without_bad_rows(world: tuple[Path, dict[str, int]]) -> None:
    out, counts = world
    items, users, events = (
        read_items(out / "items.jsonl"),
        read_users(out / "users.jsonl"),
        read_interactions(out / "interactions.csv"),
    )
    assert items.bad_rows == users.bad_rows == events.bad_rows == []
    assert (len(items.items), len(users.users), len(events.interactions)) == (200, 300, counts["interactions"])
    assert {e.item_id for e in events.interactions} <= {i.id for i in items.items}


def test_planted_logic_is_a_distribution(world: tuple[Path, dict[str, int]]) -> None:
    logic = json.loads((world[0] / "truth" / "logic.json").read_text())
    per_role: dict[str, float] = defaultdict(float)
    for e in logic["u2i"]:
        per_role[e["role"]] += e["weight"]
    assert len(per_role) == 12 and all(abs(w - 1) < 1e-9 for w in per_role.values())
    assert len(logic["i2u"]) == 20 * 5


def test_noise_free_behaviour_follows_the_logic(world: tuple[Path, dict[str, int]]) -> None:
    out, _ = world
    logic = json.loads((out / "truth" / "logic.json").read_text())
    wants = defaultdict(set)
    for e in logic["u2i"]:
        wants[e["role"]].add(e["topic"])
    item_topics = {r["id"]: set(r["topics"]) for r in map(json.loads, (out / "truth" / "items.jsonl").open())}
    user_roles = {r["id"]: r["roles"] for r in map(json.loads, (out / "truth" / "users.jsonl").open())}
    events = read_interactions(out / "interactions.csv").interactions
    explained = sum(
        1 for e in events if item_topics[e.item_id] & set().union(*(wants[r] for r in user_roles[e.user_id]))
    )
    # every event goes role → wanted topic → an item about it, unless that topic has no items at all
    assert explained / len(events) > 0.9


def test_same_seed_same_world(tmp_path: Path) -> None:
    cfg = SynthConfig(users=50, items=40, roles=6, topics=8, seed=3)
    generate(cfg, tmp_path / "a")
    generate(cfg, tmp_path / "b")
    for name in ("items.jsonl", "users.jsonl", "interactions.csv", "truth/logic.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_impossible_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="fanout"):
        generate(SynthConfig(roles=3, topics=3, fanout=5), tmp_path)
