"""Steps 9–10 of the daily run: the distilled models and the cover-set graph G* (App. B.4–B.5).

P_θ(t|i) and P_θ(c|i) learn the cover-set tags of the LLM-tagged items from their text embeddings and
predict them for every item (``source=distilled`` item→tag edges with p: the item side of G*; an
LLM-tagged item also keeps its own cover-set tags with p = 1).
P_φ(c|t) and P_φ(t|c) learn the LLM's logic edges over tag embeddings and score every cover-set target
for every cover-set source; the top-b per source become the G* edges (U2I/I2U ``source=distilled``,
weight = score). Models are saved per run under ``models_dir/<run>/``. Publishing G* replaces the
previous run's distilled edges. Training is seeded, so a rerun writes the same edges.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from rolegraph.graph.distillation import TaggedItem
from rolegraph.graph.growth import ItemText
from rolegraph.graph.model import ItemTagEdge, LogicEdge, LogicKind, Source, TagKind
from rolegraph.reasoning.canonical import Canonicalizer
from rolegraph.reasoning.distill import LogicConfig, TaggerConfig, save, top_b, train_logic, train_tagger
from rolegraph.reasoning.grow.context import RunContext
from rolegraph.reasoning.grow.tagging import subject

_LOGIC = {LogicKind.U2I: (TagKind.USER, TagKind.ITEM), LogicKind.I2U: (TagKind.ITEM, TagKind.USER)}


def _tags(item: TaggedItem, kind: TagKind) -> tuple[str, ...]:
    return item.roles if kind is TagKind.USER else item.topics


def distill_step(ctx: RunContext) -> None:
    """Trains the four models, writes the cover-set item tags and G*, removes the previous G*."""
    folder = Path(ctx.config.models_dir) / ctx.run_id
    folder.mkdir(parents=True, exist_ok=True)
    tagged = ctx.store.distillation.tagged_items()
    untagged = ctx.store.distillation.untagged_items()
    covers = {kind: ctx.store.covers.current(kind) for kind in TagKind}
    if tagged:
        x_tagged = ctx.embedder.embed([subject(r) for r in tagged])
        x_new = ctx.embedder.embed([subject(r) for r in untagged]) if untagged else x_tagged[:0]
        for kind in TagKind:
            _distill_tags(ctx, kind, tagged, x_tagged, untagged, x_new, covers[kind], folder)
    for logic_kind in LogicKind:
        _distill_logic(ctx, logic_kind, covers, folder)
    ctx.counts["distilled_edges_retired"] += ctx.store.distillation.retire_stale(ctx.run_id)


def _distill_tags(
    ctx: RunContext,
    kind: TagKind,
    tagged: list[TaggedItem],
    x_tagged: np.ndarray,
    untagged: list[ItemText],
    x_new: np.ndarray,
    cover: list[str],
    folder: Path,
) -> None:
    """The cover-set item→tag edges of G* for every item (paper App. B.4: P_θ predicts cover-set tags for
    all items): an LLM-tagged item keeps its LLM tags that are in the cover set (p = 1) and gains the
    predicted ones; the other items get the predicted ones."""
    col = {t: j for j, t in enumerate(cover)}
    rows, cols = [], []
    for i, row in enumerate(tagged):
        for key in _tags(row, kind):
            if key in col:
                rows.append(i)
                cols.append(col[key])
    if not rows:
        return
    y = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(tagged), len(cover)))
    model = train_tagger(x_tagged, y, TaggerConfig(seed=ctx.config.seed))
    save(model, folder / f"tagger-{kind.value}.pt")
    k, min_p = ctx.config.distill_top_k, ctx.config.distill_min_p
    known: dict[int, dict[int, float]] = {}
    for i, j in zip(rows, cols, strict=True):
        known.setdefault(i, {})[j] = 1.0
    edges: list[ItemTagEdge] = []
    items: list[ItemText] = [*tagged, *untagged]
    x_all = np.vstack([x_tagged, x_new]) if len(untagged) else x_tagged
    for i, best in enumerate(model.top_tags(x_all, k, min_p)):
        p = dict(best)
        for j, q in known.get(i, {}).items():  # only the first len(tagged) rows have LLM tags
            p[j] = max(q, p.get(j, 0.0))
        ranked = sorted(p.items(), key=lambda jp: (-jp[1], jp[0]))
        edges += [
            ItemTagEdge(items[i].id, cover[j], float(q), rank, Source.DISTILLED, ctx.run_id)
            for rank, (j, q) in enumerate(ranked)
        ]
    ctx.counts[f"distilled_{kind.value}_tag_edges"] += ctx.store.upsert_item_tag_edges(kind, edges)


def _vectors(ctx: RunContext, vocab: Canonicalizer, keys: list[str]) -> np.ndarray:
    """The keys' embeddings from the vocabulary; a key it holds none for (an alias read from the graph) is
    embedded afresh."""
    stored = [vocab.stored_vector(k) for k in keys]
    missing = [k for k, v in zip(keys, stored, strict=True) if v is None]
    fresh = dict(zip(missing, ctx.embedder.embed(missing), strict=True)) if missing else {}
    return np.stack([fresh[k] if v is None else v for k, v in zip(keys, stored, strict=True)])


def _distill_logic(ctx: RunContext, kind: LogicKind, covers: dict[TagKind, list[str]], folder: Path) -> None:
    src_kind, dst_kind = _LOGIC[kind]
    edges = ctx.store.distillation.llm_logic(kind)
    src_cover, dst_cover = covers[src_kind], covers[dst_kind]
    if not edges or not src_cover or not dst_cover:
        return
    src_vocab, dst_vocab = ctx.vocab[src_kind], ctx.vocab[dst_kind]
    src_keys = sorted({e.src for e in edges})
    dst_keys = sorted({e.dst for e in edges} | set(dst_cover))
    s_idx = {k: i for i, k in enumerate(src_keys)}
    d_idx = {k: i for i, k in enumerate(dst_keys)}
    src, dst = _vectors(ctx, src_vocab, src_keys), _vectors(ctx, dst_vocab, dst_keys)
    triples = (
        np.array([s_idx[e.src] for e in edges]),
        np.array([d_idx[e.dst] for e in edges]),
        np.array([e.weight for e in edges], dtype=np.float32),
    )
    model = train_logic(src, dst, triples, LogicConfig(seed=ctx.config.seed))
    save(model, folder / f"logic-{kind.value.lower()}.pt")
    scores = model.score(_vectors(ctx, src_vocab, src_cover), _vectors(ctx, dst_vocab, dst_cover))
    exclude = np.zeros((len(src_cover), len(dst_cover)), dtype=bool)  # a tag is never its own target
    d_pos = {k: j for j, k in enumerate(dst_cover)}
    for i, k in enumerate(src_cover):
        if k in d_pos:
            exclude[i, d_pos[k]] = True
    g_star = [
        LogicEdge(src_cover[s], dst_cover[d], float(w), Source.DISTILLED, ctx.run_id, f"distilled:{kind.value}", "", "")
        for s, d, w in top_b(scores, ctx.config.top_b, exclude)
    ]
    ctx.counts[f"distilled_{kind.value.lower()}_edges"] += ctx.store.upsert_logic(kind, g_star)
