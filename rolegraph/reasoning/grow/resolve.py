"""Canonicalization of the names one chunk produced, into journal-ready tag writes, and their application.

A name resolves against its vocabulary (`reasoning.canonical.Canonicalizer`): to an existing tag, to a
new canonical tag, or — when its embedding is within the threshold of a canonical tag — to an alias of
that tag (an ALIAS_OF edge; edges go to the canonical tag and remember the alias in ``via``).
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
    aliases: dict[str, list[Any]] = field(default_factory=dict)  # alias key → [name, canonical, score, embedding]
    seen: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {"new": self.new, "aliases": self.aliases, "seen": sorted(self.seen)}


def resolve_groups(
    canon: Canonicalizer, groups: list[list[str]], writes: TagWrites
) -> list[list[tuple[str, str | None, float]]]:
    """Resolves each group's names (one answer each) in order, in one pass over the canonicalizer; returns
    (canonical key, alias key or None, score) per name and records the tag writes. New tags are learned
    at once, so later names — of the same answer or of later ones — can merge into them."""
    names = [name for group in groups for name in group]
    known = {key for key in map(normalize, names) if key in canon}  # existed before this chunk
    flat = []
    for name, res in zip(names, canon.resolve(names), strict=True):
        if res.key in known:
            writes.seen.add(res.canonical)
        elif res.merged:
            if res.key not in writes.aliases:
                vec = canon.vector(res.key)
                writes.aliases[res.key] = [name, res.canonical, round(res.score, 6), [float(x) for x in vec]]
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
    store.upsert_aliases([AliasEdge(k, v[1], v[2], run) for k, v in sorted(aliases.items())])
    store.tags.touch(data["seen"], day)
    ctx.counts[f"{kind.value}_tags_new"] += len(new)
    ctx.counts["aliases_merged"] += len(aliases)
    ctx.merges += [(alias, v[1], v[2]) for alias, v in aliases.items()]
