"""User-role identification, measured: do a user's top inferred roles match what we know of them?

Pure functions over plain dicts; the caller supplies the match rule — exact names for a synthetic world's
planted roles, or a MiniLM cosine threshold between a MovieLens occupation and a role name
(`minilm_matcher`). The baseline gives every user the most common roles (by how many interactions land on
items carrying the role).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Match = Callable[[str, str], bool]  # (known attribute or true role, inferred role key) → match?


@dataclass(frozen=True)
class Identification:
    """Share of users whose top roles contain a match, for the model and the popularity baseline."""

    users: int
    model_hit_rate: float
    baseline_hit_rate: float
    baseline_roles: list[str]


def popular_roles(item_roles: Mapping[str, Sequence[str]], interactions: Sequence[str], k: int) -> list[str]:
    """The k roles carried by the most interacted-with items (ties by key)."""
    counts: Counter[str] = Counter()
    for item in interactions:
        counts.update(item_roles.get(item, ()))
    return [r for r, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def hit_rate(inferred: Mapping[str, Sequence[str]], truth: Mapping[str, Sequence[str]], match: Match) -> float:
    """Share of users in ``truth`` whose inferred roles match at least one of their true values."""
    users = [u for u in truth if truth[u]]
    if not users:
        return 0.0
    hits = sum(any(match(t, r) for t in truth[u] for r in inferred.get(u, ())) for u in users)
    return hits / len(users)


def missed_by(baseline: Sequence[str], truth: Mapping[str, Sequence[str]], match: Match) -> dict[str, Sequence[str]]:
    """The users of ``truth`` that giving everyone ``baseline`` gets wrong: where a method's hits there are
    what it knows beyond the roles' popularity."""
    return {u: t for u, t in truth.items() if t and not any(match(a, r) for a in t for r in baseline)}


def identify(
    inferred: Mapping[str, Sequence[str]],
    truth: Mapping[str, Sequence[str]],
    baseline: Sequence[str],
    match: Match,
) -> Identification:
    """Model vs baseline (everyone gets ``baseline``)."""
    users = [u for u in truth if truth[u]]
    return Identification(
        users=len(users),
        model_hit_rate=hit_rate(inferred, truth, match),
        baseline_hit_rate=hit_rate({u: list(baseline) for u in users}, truth, match),
        baseline_roles=list(baseline),
    )


def similarity_table(
    attributes: Sequence[str], roles: Sequence[str], embed: Callable[[list[str]], np.ndarray]
) -> np.ndarray:
    """Cosine similarities [len(attributes), len(roles)] of unit-normalized embeddings."""
    a = embed(list(attributes))
    r = embed(list(roles))
    return a @ r.T


def threshold_matcher(attributes: Sequence[str], roles: Sequence[str], sims: np.ndarray, threshold: float) -> Match:
    """A match rule: attribute and role match when their similarity is at least ``threshold``."""
    row = {a: i for i, a in enumerate(attributes)}
    col = {r: j for j, r in enumerate(roles)}
    return lambda a, r: a in row and r in col and bool(sims[row[a], col[r]] >= threshold)
