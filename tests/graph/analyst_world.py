"""A small hand-made graph for the analysts' queries, written through `GraphStore` with known answers.

Films i1–i6 (i6 tagged by the distilled models only), users u1–u4 with MovieLens-style occupations, roles
(user tags) and topics (item tags), item→tag edges, U2I/I2U logic from two runs (r1: LLM, gemma, prompt v1;
r2: distilled, qwen, prompt v2), aliases, two days of cover-set history with snapshots, and users' T0/T1 roles.
"""

from __future__ import annotations

from rolegraph.graph.model import (
    AliasEdge,
    CoverSnapshotRecord,
    InteractionRecord,
    ItemRecord,
    ItemTagEdge,
    LogicEdge,
    LogicKind,
    RoleEdge,
    RunRecord,
    Source,
    TagKind,
    TagRecord,
    UserRecord,
)
from rolegraph.graph.store import GraphStore

LLM, DIST = Source.LLM, Source.DISTILLED
DAY1, DAY2 = "2026-01-01", "2026-01-02"

ROLES = [("parent", "Parents", DAY1), ("student", "Students", DAY1), ("film buff", "Film buffs", DAY2),
         ("parents", "parents", DAY1), ("engineer", "Engineers", DAY1)]  # fmt: skip
TOPICS = [("animation", "Animation", DAY2), ("crime", "Crime", DAY2), ("heist", "Heists", DAY2),
          ("romance", "Romance", DAY1), ("crime films", "crime films", DAY1)]  # fmt: skip

# (item, tag, p, source)
ITEM_ROLES = [("i1", "parent", 0.9, LLM), ("i1", "student", 0.4, LLM), ("i1", "parent", 0.85, DIST),
              ("i2", "film buff", 0.7, LLM), ("i3", "film buff", 0.6, LLM), ("i3", "student", 0.5, LLM),
              ("i5", "student", 0.8, LLM), ("i6", "student", 0.6, DIST)]  # fmt: skip
ITEM_TOPICS = [("i1", "animation", 0.95, LLM), ("i2", "crime", 0.8, LLM), ("i2", "heist", 0.9, LLM),
               ("i3", "crime", 0.7, LLM), ("i4", "romance", 0.8, LLM), ("i6", "heist", 0.7, DIST)]  # fmt: skip

# (src, dst, weight, source, run, model, prompt_version, rationale)
R1 = ("r1", "gemma3-270m", "v1")
R2 = ("r2", "qwen2.5-7b", "v2")
U2I = [("parent", "animation", 0.6, LLM, *R1, "parents pick films the kids can watch"),
       ("parent", "romance", 0.2, LLM, *R1, "date nights"),
       ("student", "crime", 0.5, LLM, *R1, "students like twisty plots"),
       ("student", "animation", 0.3, LLM, *R1, "cheap nights in"),
       ("film buff", "crime", 0.7, LLM, *R1, "noir classics"),
       ("film buff", "heist", 0.3, LLM, *R1, "genre craft"),
       ("parent", "animation", 0.7, DIST, *R2, ""),
       ("student", "crime", 0.6, DIST, *R2, "")]  # fmt: skip
I2U = [("animation", "parent", 0.5, LLM, *R1, "family audiences"),
       ("animation", "student", 0.3, LLM, *R1, "nostalgia"),
       ("crime", "film buff", 0.6, LLM, *R1, "critics' favourites"),
       ("crime", "student", 0.2, LLM, *R1, "study breaks"),
       ("heist", "film buff", 0.9, LLM, *R1, "caper fans"),
       ("romance", "parent", 0.4, LLM, *R1, "couples"),
       ("animation", "parent", 0.6, DIST, *R2, ""),
       ("crime", "film buff", 0.7, DIST, *R2, "")]  # fmt: skip

INTERACTIONS = [("u1", "i1", 1), ("u1", "i3", 2), ("u2", "i2", 3), ("u4", "i1", 4), ("u2", "i6", 5), ("u3", "i6", 6)]
USERS = [("u1", "student"), ("u2", "engineer"), ("u3", "student"), ("u4", "artist")]
# (user, tag, p, rank, set)
HAS_ROLE = [("u1", "student", 0.7, 1, "T0"), ("u1", "parent", 0.3, 2, "T0"), ("u1", "film buff", 0.5, 1, "T1"),
            ("u2", "film buff", 0.8, 1, "T0"), ("u2", "student", 0.4, 1, "T1"),
            ("u3", "student", 1.0, 1, "T0"), ("u4", "parent", 1.0, 1, "T0")]  # fmt: skip


def build(store: GraphStore) -> None:
    """Writes the world into an empty store."""
    items = [("i1", "Toy Story"), ("i2", "Heat"), ("i3", "Fargo"), ("i4", "Casablanca"), ("i5", "Clerks"),
             ("i6", "Alien")]  # fmt: skip
    store.upsert_items(ItemRecord(i, t, text=t, first_seen=DAY1) for i, t in items)
    store.upsert_users(UserRecord(u, {"occupation": o, "age": 20 + n}) for n, (u, o) in enumerate(USERS))
    store.upsert_interactions(InteractionRecord(u, i, ts) for u, i, ts in INTERACTIONS)
    store.upsert_tags(TagKind.USER, (TagRecord(k, n, d) for k, n, d in ROLES))
    store.upsert_tags(TagKind.ITEM, (TagRecord(k, n, d) for k, n, d in TOPICS))
    for kind, edges in ((TagKind.USER, ITEM_ROLES), (TagKind.ITEM, ITEM_TOPICS)):
        store.upsert_item_tag_edges(
            kind, (ItemTagEdge(i, t, p, rank=1, source=s, run="r1" if s is LLM else "r2") for i, t, p, s in edges)
        )
    store.refresh_tag_item_counts([k for k, _, _ in ROLES + TOPICS])
    for kind, logic in ((LogicKind.U2I, U2I), (LogicKind.I2U, I2U)):
        store.upsert_logic(kind, (LogicEdge(*edge) for edge in logic))
    store.upsert_aliases(
        TagKind.USER,
        [AliasEdge("parents", "parent", 0.97, "r1", "words", "same senses (order, inflection or function words)")],
    )
    store.upsert_aliases(TagKind.ITEM, [AliasEdge("crime films", "crime", 0.93, "r2", "embedding", "cosine 0.930")])
    store.upsert_roles(RoleEdge(u, t, p, r, s, run="r2") for u, t, p, r, s in HAS_ROLE)
    _cover(store)
    store.upsert_run(RunRecord("r1", "grow", DAY1, *R1[1:], status="finished", counts={"items": 4}))
    store.upsert_run(RunRecord("r2", "grow", DAY2, *R2[1:], status="finished", counts={"items": 0}))


def _cover(store: GraphStore) -> None:
    """User cover: {parent, student} on day 1, {parent, film buff} on day 2. Item cover: {animation, crime},
    then {animation, crime, heist}."""
    history = {
        TagKind.USER: [(DAY1, ["parent", "student"], 0.8), (DAY2, ["parent", "film buff"], 0.9)],
        TagKind.ITEM: [(DAY1, ["animation", "crime"], 0.75), (DAY2, ["animation", "crime", "heist"], 0.95)],
    }
    for kind, days in history.items():
        for day, keys, recall in days:
            added, removed = store.covers.set(kind, day, keys)
            store.covers.snapshot(CoverSnapshotRecord(kind, day, len(keys), recall, added, removed))
