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
    per_topic: dict[str, list[float]] = defaultdict(list)
    for e in logic["i2u"]:
        per_topic[e["topic"]].append(e["weight"])
    # P(t|c) over at most `fanout` roles per topic (the topic's consumers), renormalized
    assert all(len(w) <= 5 and abs(sum(w) - 1) < 1e-9 for w in per_topic.values())


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


def test_item_roles_are_the_roles_that_consume_them(world: tuple[Path, dict[str, int]]) -> None:
    out, _ = world
    item_roles = {r["id"]: set(r["roles"]) for r in map(json.loads, (out / "truth" / "items.jsonl").open())}
    user_roles = {r["id"]: set(r["roles"]) for r in map(json.loads, (out / "truth" / "users.jsonl").open())}
    events = read_interactions(out / "interactions.csv").interactions
    hit = sum(1 for e in events if item_roles[e.item_id] & user_roles[e.user_id]) / len(events)
    # chance: a random item's roles against a random user's roles
    items, users = list(item_roles.values()), list(user_roles.values())
    chance = sum(1 for a in items for b in users[:50] if a & b) / (len(items) * 50)
    assert hit > 0.5 and hit > 2 * chance


def test_sessions_keep_their_topic(world: tuple[Path, dict[str, int]]) -> None:
    out, _ = world
    topics = {r["id"]: set(r["topics"]) for r in map(json.loads, (out / "truth" / "items.jsonl").open())}
    events = read_interactions(out / "interactions.csv").interactions
    by_user: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for e in events:
        by_user[e.user_id].append((e.ts, e.item_id))
    pairs = [(a[1], b[1]) for seq in by_user.values() for a, b in zip(sorted(seq), sorted(seq)[1:], strict=False)]
    shared = sum(1 for a, b in pairs if topics[a] & topics[b]) / len(pairs)
    shuffled = [(a, pairs[(k * 7919) % len(pairs)][1]) for k, (a, _) in enumerate(pairs)]
    baseline = sum(1 for a, b in shuffled if topics[a] & topics[b]) / len(shuffled)
    assert shared > 1.5 * baseline  # the order carries the session's topic: a sequence to learn


def test_long_tail_catalogue(tmp_path: Path) -> None:
    generate(SynthConfig(users=400, items=2000, roles=12, topics=20, seed=1), tmp_path)
    counts: dict[str, int] = defaultdict(int)
    for e in read_interactions(tmp_path / "interactions.csv").interactions:
        counts[e.item_id] += 1
    per_item = [counts.get(f"i{i:06d}", 0) for i in range(2000)]
    assert sum(1 for c in per_item if c < 5) / 2000 > 0.5 and max(per_item) > 50


def test_same_seed_same_world(tmp_path: Path) -> None:
    cfg = SynthConfig(users=50, items=40, roles=6, topics=8, seed=3)
    generate(cfg, tmp_path / "a")
    generate(cfg, tmp_path / "b")
    for name in ("items.jsonl", "users.jsonl", "interactions.csv", "truth/logic.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_role_prior_follows_role_zipf(tmp_path: Path) -> None:
    def prior(zipf: float) -> list[float]:
        out = tmp_path / f"zipf{zipf}"
        generate(SynthConfig(users=30, items=40, roles=6, topics=8, seed=3, role_zipf=zipf), out)
        return list(json.loads((out / "truth" / "logic.json").read_text())["role_prior"])

    flat, default = prior(0.0), prior(SynthConfig().role_zipf)
    assert flat == pytest.approx([1 / 6] * 6)
    # the default 0.8: P(t) ∝ 1 / rank^0.8, the first role 6^0.8 times as common as the last
    assert default[0] / default[-1] == pytest.approx(6**0.8) and default == sorted(default, reverse=True)
    with pytest.raises(InvalidInput, match="role_zipf"):
        generate(SynthConfig(role_zipf=-1.0), tmp_path / "refused")


def test_impossible_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="fanout"):
        generate(SynthConfig(roles=3, topics=3, fanout=5), tmp_path)


@pytest.mark.parametrize("field", ["interactions_per_user", "session_length", "item_zipf", "noise"])
@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_rates_that_are_not_finite_are_refused(tmp_path: Path, field: str, value: float) -> None:
    with pytest.raises(InvalidInput, match=f"{field} must be finite"):
        generate(SynthConfig(**{field: value}), tmp_path)  # type: ignore[arg-type]
    assert not any(tmp_path.iterdir())  # nothing written
