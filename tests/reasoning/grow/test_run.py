"""The daily run end to end on the embedded graph, against a well-behaved scripted LLM."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rolegraph.graph.model import LogicKind, Source, TagKind, TagRecord
from rolegraph.graph.statements import Stmt
from rolegraph.reasoning.canonical import normalize
from rolegraph.reasoning.unmerge import unmerge
from tests.reasoning.grow import world
from tests.reasoning.grow.conftest import DAY, Grower
from tests.support.openai_server import Responder


def test_grow_writes_tags_logic_and_cover_sets_with_provenance(grower_for: Callable[[Responder], Grower]) -> None:
    g = grower_for(world.sensible)
    world.load(g.store, 10)
    summary = g.run(max_items=8, max_tags=20)

    assert summary.status == "done"
    assert summary.counts["items_done"] == 8 and summary.counts["items_planned"] == 8
    stats = g.store.stats()
    assert stats.nodes["UserTag"] >= 4 and stats.nodes["ItemTag"] >= 4
    assert stats.relationships["U2I"] > 0 and stats.relationships["I2U"] > 0
    # only the planned items were tagged, in id order
    tagged = {r["id"] for r in g.store.iter_items() if r["props"].get("tag_status") == "done"}
    assert tagged == {f"i{k:03d}" for k in range(8)}
    # an item's roles are what the LLM said for it
    edges = g.store.read(Stmt.ITEM_OUT_EDGES, ids=["i000"])
    roles = {e["dst"] for e in edges if e["type"] == "HAS_USER_TAG"}
    assert roles == {normalize(n) for n in ("drama fans", "comedy fans", "film critics")}
    # every logic edge carries provenance and a weight in [0, 1]; each source's weights sum to 1
    u2i = g.store.logic_hop(LogicKind.U2I, [normalize("drama fans")], Source.LLM)
    assert {c for _, c, _ in u2i} == {"drama", "cinema"}
    assert abs(sum(w for _, _, w in u2i) - 1.0) < 1e-9
    run = g.store.run(summary.run)
    assert run is not None and run.status == "done" and run.model == "scripted" and "u2i:" in run.prompt_version
    for page in g.store.iter_edge_pages():
        for e in page:
            if e["type"] in ("U2I", "I2U"):
                p = e["props"]
                assert p["run"] == summary.run and p["model"] == "scripted" and len(p["prompt_version"]) == 12
                assert p["rationale"].startswith("because of") and 0 <= p["weight"] <= 1
    # cover sets cover today's items
    assert set(summary.cover) == {"user", "item"}
    for kind in TagKind:
        assert g.store.covers.current(kind)
        assert summary.cover[kind.value]["recall"] >= 0.99


def test_rerun_of_a_finished_day_makes_no_call_and_changes_nothing(grower_for: Callable[[Responder], Grower]) -> None:
    g = grower_for(world.sensible)
    world.load(g.store, 6)
    g.run()
    before, calls = g.store.content_hash(), g.server.calls()
    again = g.run()
    assert again.status == "already done"
    assert g.server.calls() == calls and again.counts["llm_calls"] == 0
    assert g.store.content_hash() == before


def test_a_new_day_continues_where_the_last_stopped(grower_for: Callable[[Responder], Grower]) -> None:
    g = grower_for(world.sensible)
    world.load(g.store, 9)
    g.run(DAY, max_items=4, max_tags=2)
    second = g.run("2026-01-06", max_items=4, max_tags=2)
    assert second.counts["items_planned"] == 4
    statuses = [r["props"].get("tag_status") for r in g.store.iter_items()]
    assert statuses.count("done") == 8 and statuses.count(None) == 1
    # the second day's frontier did not re-ask the tags the first day answered
    done = [r for r in g.store.iter_tags() if r["props"].get("u2i_status") == "done"]
    assert len(done) == 4


def test_rerun_with_a_cold_graph_but_warm_cache_makes_no_call(grower_for: Callable[[Responder], Grower]) -> None:
    g = grower_for(world.sensible)
    world.load(g.store, 6)
    g.run()
    first = g.store.content_hash()
    calls = g.server.calls()
    g.store.clear()
    world.load(g.store, 6)
    g.run()
    assert g.server.calls() == calls  # every answer came from the response cache
    assert g.store.content_hash() == first


def test_near_duplicate_tags_merge_and_unmerge_restores_them(grower_for: Callable[[Responder], Grower]) -> None:
    import json

    from tests.support.openai_server import Reply, subject_of

    def responder(endpoint: str, body: dict) -> Reply:
        task = world.task_of(endpoint, body)
        subject = subject_of(endpoint, body)
        if task == "item_roles":
            tags = ["science fiction fans"] if "Film 0 " in subject else ["sci-fi fans", "science-fiction fans"]
            return Reply(json.dumps({"tags": tags}))
        return world.sensible(endpoint, body)

    g = grower_for(responder)
    world.load(g.store, 2)
    summary = g.run(max_tags=0)
    canonical = normalize("science fiction fans")
    merged = {m.alias_key: m.canonical_key for m in summary.merges}
    assert merged, "no merge"
    alias = next(iter(merged))
    assert merged[alias] == canonical
    on_canonical = {e["src"] for e in g.store.read(Stmt.ITEM_OUT_EDGES, ids=["i000", "i001"]) if e["dst"] == canonical}
    assert on_canonical == {"i000", "i001"}

    targets, moved = unmerge(g.store, alias)
    assert targets == [canonical] and moved.item_edges == 1
    edges = g.store.read(Stmt.ITEM_OUT_EDGES, ids=["i000", "i001"])
    assert {e["src"] for e in edges if e["dst"] == canonical} == {"i000"}
    assert {e["src"] for e in edges if e["dst"] == alias} == {"i001"}
    assert not [r for r in g.store.read(Stmt.TAG_OUT_EDGES, keys=[alias]) if r["type"] == "ALIAS_OF"]
    # a later run keeps the pinned tag apart
    world.load(g.store, 3)
    g.run("2026-01-06", max_tags=0)
    assert alias in {e["dst"] for e in g.store.read(Stmt.ITEM_OUT_EDGES, ids=["i002"])}


def test_distillation_publishes_g_star_and_tags_the_items_the_llm_did_not_see(
    grower_for: Callable[[Responder], Grower], tmp_path: Path
) -> None:
    import torch

    g = grower_for(world.sensible)
    world.load(g.store, 24)
    summary = g.run(max_items=16, max_tags=50, distill=True, models_dir=str(tmp_path / "runs"))
    covers = {kind: set(g.store.covers.current(kind)) for kind in TagKind}
    distilled_logic, distilled_tags = [], []
    for page in g.store.iter_edge_pages():
        for e in page:
            if e["props"].get("source") != "distilled":
                continue
            (distilled_logic if e["type"] in ("U2I", "I2U") else distilled_tags).append(e)
    assert distilled_logic, summary.counts
    for e in distilled_logic:
        src_kind, dst_kind = (TagKind.USER, TagKind.ITEM) if e["type"] == "U2I" else (TagKind.ITEM, TagKind.USER)
        assert e["src"] in covers[src_kind] and e["dst"] in covers[dst_kind]
        assert 0 < e["props"]["weight"] <= 1 and e["props"]["run"] == summary.run
    per_source: dict[tuple[str, str], int] = {}
    for e in distilled_logic:
        per_source[(e["type"], e["src"])] = per_source.get((e["type"], e["src"]), 0) + 1
    assert max(per_source.values()) <= 20
    tagged = {r["id"] for r in g.store.iter_items() if r["props"].get("tag_status") == "done"}
    # G*'s item side: cover-set tags only; LLM-tagged items keep their cover-set tags with p = 1
    assert {e["src"] for e in distilled_tags} - tagged, "no prediction for an unseen item"
    for e in distilled_tags:
        kind = TagKind.USER if e["type"] == "HAS_USER_TAG" else TagKind.ITEM
        assert e["dst"] in covers[kind] and 0 < e["props"]["p"] <= 1
    llm_cover = {
        (e["src"], e["dst"])
        for page in g.store.iter_edge_pages()
        for e in page
        if e["type"] == "HAS_USER_TAG" and e["props"].get("source") == "llm" and e["dst"] in covers[TagKind.USER]
    }
    star = {(e["src"], e["dst"]): e["props"]["p"] for e in distilled_tags if e["type"] == "HAS_USER_TAG"}
    assert llm_cover and all(star.get(pair) == 1.0 for pair in llm_cover)
    for path in (tmp_path / "runs" / summary.run).glob("*.pt"):
        assert isinstance(torch.load(path, weights_only=True), dict)
    assert len(list((tmp_path / "runs" / summary.run).glob("*.pt"))) >= 3

    # the next day replaces the previous G*: every distilled edge is that day's
    g.run("2026-01-06", max_items=8, max_tags=50, distill=True, models_dir=str(tmp_path / "runs"))
    runs = {
        e["props"]["run"] for page in g.store.iter_edge_pages() for e in page if e["props"].get("source") == "distilled"
    }
    assert runs == {"grow-2026-01-06"}


def test_cover_members_not_seen_within_the_window_leave(grower_for: Callable[[Responder], Grower]) -> None:
    """The cover step reads every member's last_seen (one batched statement): a member last seen more
    than `window` days ago leaves the cover set, one seen within the window stays though not seen today."""
    g = grower_for(world.sensible)
    world.load(g.store, 4)
    g.store.upsert_tags(TagKind.USER, [TagRecord("old fans", "old fans", "2025-11-01"),
                                       TagRecord("recent fans", "recent fans", "2025-12-20")])  # fmt: skip
    g.store.covers.set(TagKind.USER, "2025-12-20", ["old fans", "recent fans"])
    summary = g.run(window=30)  # DAY = 2026-01-05: 65 and 16 days later
    assert summary.status == "done"
    current = set(g.store.covers.current(TagKind.USER))
    assert "recent fans" in current and "old fans" not in current
    assert summary.cover["user"]["removed"] == 1
    left = {r["key"]: r["until"] for r in g.store.covers.history(TagKind.USER) if r["until"] is not None}
    assert left == {"old fans": DAY}
