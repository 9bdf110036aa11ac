"""Canonicalization of the names one chunk produced, into journal-ready tag writes, and their application.

A name resolves against its vocabulary (`reasoning.canonical.Canonicalizer`): to an existing tag, to a
new canonical tag, or — when its words name the same group as a canonical tag's — to an alias of that
tag (an ALIAS_OF edge with the merge's score, method, reason and run; edges go to the canonical tag and
remember the alias in ``via``). Merges the embedding proposed and the words refused are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rolegraph.graph.model import AliasEdge, TagKind, TagRecord
from rolegraph.reasoning.canonical import Canonicalizer, normalize
from rolegraph.reasoning.grow.context import RunContext


@dataclass
class TagWrites:
    """Tag writes of one vocabulary: new canonical tags, new aliases, tags seen again."""

    new: dict[str, list[Any]] = field(default_factory=dict)  # key → [name, embedding]
    # alias key → [name, canonical, score, embedding, method, reason]
    aliases: dict[str, list[Any]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    blocked: int = 0  # merges proposed by the embedding and refused by the words

    def to_json(self) -> dict[str, Any]:
        return {"new": self.new, "aliases": self.aliases, "seen": sorted(self.seen), "blocked": self.blocked}


def resolve_groups(
    canon: Canonicalizer, groups: list[list[str]], writes: TagWrites
) -> list[list[tuple[str, str | None, float]]]:
    """Resolves each group's names (one answer each) in order, in one pass over the canonicalizer; returns
    (canonical key, alias key or None, score) per name and records the tag writes. New tags are learned
    at once, so later names — of the same answer or of later ones — can merge into them."""
    names = [name for group in groups for name in group]
    known = {key for key in map(normalize, names) if key in canon}  # existed before this chunk
    flat = []
    blocked_before = len(canon.blocked)
    resolved = canon.resolve(names)
    writes.blocked += len(canon.blocked) - blocked_before
    for name, res in zip(names, resolved, strict=True):
        if res.key in known:
            writes.seen.add(res.canonical)
        elif res.merged:
            if res.key not in writes.aliases:
                vec = canon.vector(res.key)
                embedding = [float(x) for x in vec]
                writes.aliases[res.key] = [name, res.canonical, round(res.score, 6), embedding, res.method, res.reason]
            if res.canonical not in writes.new:
                writes.seen.add(res.canonical)
        elif res.key not in writes.new:
            writes.new[res.key] = [name, [float(x) for x in canon.vector(res.key)]]
        flat.append((res.canonical, res.key if res.merged else None, res.score))
    out, start = [], 0
    for group in groups:
        out.append(flat[start : start + len(group)])
        start += len(group)
    return out


def apply_tag_writes(ctx: RunContext, kind: TagKind, data: dict[str, Any]) -> None:
    """Writes one vocabulary's new tags, aliases (tag + ALIAS_OF) and last-seen days; counts them and
    records the merges for the run summary."""
    store, day, run = ctx.store, ctx.config.day, ctx.run_id
    new = data["new"]
    aliases = data["aliases"]
    store.upsert_tags(kind, [TagRecord(k, v[0], day, v[1]) for k, v in sorted(new.items())])
    store.upsert_tags(kind, [TagRecord(k, v[0], day, v[3]) for k, v in sorted(aliases.items())])
    merges = [AliasEdge(k, v[1], v[2], run, *v[4:6]) for k, v in sorted(aliases.items())]
    store.upsert_aliases(kind, merges)
    store.tags.touch(data["seen"], day)
    ctx.counts[f"{kind.value}_tags_new"] += len(new)
    ctx.counts["aliases_merged"] += len(aliases)
    ctx.counts["merges_blocked"] += data.get("blocked", 0)
    ctx.merges += merges
