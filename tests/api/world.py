"""A small fixture world for the API tests, as plain data, and the oracle: docs/design.md's formulas computed
independently of the service (numpy for exploration, plain enumeration for explanation paths)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rolegraph.graph.model import (
    InteractionRecord,
    ItemRecord,
    ItemTagEdge,
    LogicEdge,
    LogicKind,
    RoleEdge,
    Source,
    TagKind,
    TagRecord,
    UserRecord,
)
from rolegraph.graph.store import GraphStore

SOURCES = ("llm", "distilled")
VIEW = {"cover": "distilled", "full": "llm"}


@dataclass
class World:
    roles: list[str]
    topics: list[str]
    items: list[str]
    users: list[str]
    # logic[source][(src, dst)] = weight
    u2i: dict[str, dict[tuple[str, str], float]] = field(default_factory=dict)
    i2u: dict[str, dict[tuple[str, str], float]] = field(default_factory=dict)
    # item tags[(item, tag)][source] = p
    item_roles: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    item_topics: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    # user roles[user][set][role] = p
    user_roles: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    interactions: dict[str, set[str]] = field(default_factory=dict)


def build_world(seed: int = 7) -> World:
    """8 roles (one, "hermits", with no logic), 10 topics, 24 items, users of every kind, both sources."""
    rng = np.random.default_rng(seed)
    roles = [f"role {i}" for i in range(7)] + ["hermits"]
    topics = [f"topic {i}" for i in range(10)]
    items = [f"item {i:02d}" for i in range(24)]
    users = ["alice", "bob", "carol", "dave", "erin", "nobody"]
    w = World(roles, topics, items, users)
    for s, density in (("llm", 0.45), ("distilled", 0.3)):
        w.u2i[s] = {(r, c): float(rng.uniform(0.05, 1)) for r in roles[:7] for c in topics if rng.random() < density}
        w.i2u[s] = {(c, r): float(rng.uniform(0.05, 1)) for c in topics for r in roles[:7] if rng.random() < density}
    for i in items[:22]:  # the last two items carry no tags
        for r in rng.choice(roles, 3, replace=False):
            # some edges from one source only, so the fallback to the other source is exercised
            sources = SOURCES if rng.random() < 0.6 else (SOURCES[int(rng.integers(2))],)
            w.item_roles[(i, str(r))] = {s: float(rng.uniform(0.05, 1)) for s in sources}
        for c in rng.choice(topics, 2, replace=False):
            sources = SOURCES if rng.random() < 0.6 else (SOURCES[int(rng.integers(2))],)
            w.item_topics[(i, str(c))] = {s: float(rng.uniform(0.05, 1)) for s in sources}
    w.user_roles = {
        "alice": {"T0": {"role 0": 0.7, "role 1": 0.3}, "T1": {"role 4": 0.5}},
        "bob": {"T0": {"role 2": 0.5, "role 3": 0.3, "role 5": 0.2}, "T1": {"role 6": 0.4, "role 2": 0.1}},
        "carol": {"T0": {"hermits": 1.0}, "T1": {}},  # disconnected: her role has no logic edges
        "dave": {"T0": {}, "T1": {"role 1": 0.6}},  # no T0 roles: exploration is empty
        "erin": {"T0": {"role 6": 0.9}, "T1": {}},
        "nobody": {"T0": {}, "T1": {}},
    }
    w.interactions = {u: {str(x) for x in rng.choice(items, 5, replace=False)} for u in users if u != "nobody"}
    w.interactions["nobody"] = set()
    return w


def write_world(store: GraphStore, w: World) -> None:
    """Writes the world through the store's validated writes."""
    store.upsert_items(ItemRecord(i, f"Film {i[-2:]}", f"about {i}") for i in w.items)
    store.upsert_users(UserRecord(u) for u in w.users)
    store.upsert_tags(TagKind.USER, [TagRecord(r, r.title()) for r in w.roles])
    store.upsert_tags(TagKind.ITEM, [TagRecord(c, c.title()) for c in w.topics])
    for kind, logic in ((LogicKind.U2I, w.u2i), (LogicKind.I2U, w.i2u)):
        for s, edges in logic.items():
            store.upsert_logic(
                kind,
                [
                    LogicEdge(
                        a,
                        b,
                        p,
                        Source(s),
                        run=f"run-{s}",
                        model=f"model-{s}",
                        prompt_version="v1",
                        rationale=f"{a} → {b}",
                    )
                    for (a, b), p in edges.items()
                ],
            )
    for kind, tags in ((TagKind.USER, w.item_roles), (TagKind.ITEM, w.item_topics)):
        store.upsert_item_tag_edges(
            kind,
            [
                ItemTagEdge(i, t, p, rank=1, source=Source(s), run=f"tag-{s}")
                for (i, t), by_source in tags.items()
                for s, p in by_source.items()
            ],
        )
    store.upsert_roles(
        RoleEdge(u, r, p, rank, role_set, run="roles")  # type: ignore[arg-type]
        for u, sets in w.user_roles.items()
        for role_set, roles in sets.items()
        for rank, (r, p) in enumerate(roles.items())
    )
    store.upsert_interactions(
        InteractionRecord(u, i, ts) for u, its in w.interactions.items() for ts, i in enumerate(sorted(its))
    )


# ----------------------------------------------------------------- oracle
def item_p(table: dict[tuple[str, str], dict[str, float]], item: str, tag: str, source: str) -> float | None:
    """P(tag|item): the edge of the view's source when there is one, else the other source's."""
    by_source = table.get((item, tag))
    if not by_source:
        return None
    return by_source.get(source, next(iter(by_source.values())))


def explore_oracle(
    w: World, seeds: dict[str, float], view: str, delta: float, branch: int, k: int
) -> tuple[dict[str, float], dict[str, float], dict[tuple[str, str, str], float]]:
    """(C(1), T(1), chain contributions) by dense matrices: U [R, C] = P(c|t), I [C, R] = P(t|c)."""
    s = VIEW[view]
    R, C = {r: n for n, r in enumerate(w.roles)}, {c: n for n, c in enumerate(w.topics)}
    U = np.zeros((len(R), len(C)))
    for (r, c), p in w.u2i[s].items():
        U[R[r], C[c]] = p
    Iu = np.zeros((len(C), len(R)))
    for (c, r), p in w.i2u[s].items():
        Iu[C[c], R[r]] = p
    w0 = np.zeros(len(R))
    for r, x in seeds.items():
        if r in R:
            w0[R[r]] = x
    w0 /= sum(seeds.values())
    wc = w0 @ U
    kept = sorted((j for j in range(len(C)) if wc[j] > delta), key=lambda j: (-wc[j], w.topics[j]))[:branch]
    c1 = np.zeros(len(C))
    if kept:
        c1[kept] = wc[kept] / wc[kept].sum()
    wt = c1 @ Iu
    wt[w0 > 0] = 0
    top = sorted((j for j in range(len(R)) if wt[j] > 0), key=lambda j: (-wt[j], w.roles[j]))[:k]
    norm = wt[top].sum() if top else 1.0
    t1 = {w.roles[j]: float(wt[j] / norm) for j in top}
    chains = {}
    for t in (r for r in seeds if r in R):
        for c in (w.topics[j] for j in kept):
            for t2 in t1:
                p = w0[R[t]] * U[R[t], C[c]] * Iu[C[c], R[t2]]
                if p > 0:
                    chains[(t, c, t2)] = float(p * (c1[C[c]] / wc[C[c]]) / norm)
    return {w.topics[j]: float(c1[j]) for j in kept}, t1, chains


def candidates_oracle(w: World, t1: dict[str, float], view: str, user: str | None) -> list[tuple[str, float]]:
    """Items carrying T(1) roles, scored Σ w_t'·P(t'|i), without the user's items, best first."""
    seen = w.interactions.get(user, set()) if user else set()
    scores: dict[str, float] = {}
    for i in w.items:
        total, hit = 0.0, False
        for t, wt in t1.items():
            p = item_p(w.item_roles, i, t, VIEW[view])
            if p is not None:
                total, hit = total + wt * p, True
        if hit and i not in seen:
            scores[i] = total
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def explain_oracle(
    w: World, user: str, item: str, view: str
) -> tuple[float, float, dict[tuple[str, str | None, str | None], float]]:
    """(ŷ_tag0, ŷ_tag1, {(role, topic, new_role): strength}) by enumerating the three path shapes."""
    s = VIEW[view]
    t0 = w.user_roles[user]["T0"]
    held = dict(w.user_roles[user]["T1"]) | t0  # a role in both sets counts as T0
    tag0 = sum(p * (item_p(w.item_roles, item, t, s) or 0.0) for t, p in t0.items())
    tag1 = sum(p * (item_p(w.item_roles, item, t, s) or 0.0) for t, p in held.items() if t not in t0)
    paths: dict[tuple[str, str | None, str | None], float] = {}
    for t, pu in held.items():
        if (p := item_p(w.item_roles, item, t, s)) is not None:
            paths[(t, None, None)] = pu * p
        for (a, c), pct in w.u2i[s].items():
            if a != t:
                continue
            if (p := item_p(w.item_topics, item, c, s)) is not None:
                paths[(t, c, None)] = pu * pct * p
            for (c2, t2), ptc in w.i2u[s].items():
                if c2 == c and (p := item_p(w.item_roles, item, t2, s)) is not None:
                    paths[(t, c, t2)] = pu * pct * ptc * p
    return tag0, tag1, paths
