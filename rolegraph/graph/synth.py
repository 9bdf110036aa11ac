"""A synthetic world with planted roles, topics and logic, for scale and recovery tests.

Planted truth: each role t wants ``fanout`` topics with weights P(c|t) (U2I); each topic c is wanted by
``fanout`` roles with weights P(t|c) (I2U) — drawn apart, or with ``coherent`` the inverse of U2I (the
roles that want c, by popularity × P(c|t), at most ``fanout``), so that behaviour agrees with both.
Items carry 1–3 topics (popularity is Zipf-like) and roles drawn through I2U from those topics.
Users hold 1–3 roles; each interaction picks one of the user's roles, a topic by U2I, then an item
about that topic — or, with probability ``noise``, any item.

Output (the generic loader formats, plus the truth kept apart so nothing leaks into the graph):
``items.jsonl``, ``users.jsonl``, ``interactions.csv``, ``truth/logic.json`` (vocabularies and both
logic graphs), ``truth/items.jsonl`` (true tags per item), ``truth/users.jsonl`` (true roles per user).
Everything is vectorized and written in chunks, so 1M users × 100k items fits this machine.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from rolegraph.errors import InvalidInput
from rolegraph.progress import Tick

_ADJECTIVES = ["urban", "rural", "young", "retired", "amateur", "weekend", "night", "budget", "indie", "classic"]
_ROLES = [
    "parents",
    "students",
    "musicians",
    "gardeners",
    "cyclists",
    "gamers",
    "nurses",
    "chefs",
    "teachers",
    "hikers",
    "coders",
    "painters",
    "runners",
    "collectors",
    "travellers",
    "sailors",
    "farmers",
    "writers",
]
_TOPICS = [
    "jazz",
    "sci-fi",
    "cooking",
    "history",
    "robotics",
    "poetry",
    "football",
    "yoga",
    "chess",
    "comedy",
    "finance",
    "architecture",
    "wildlife",
    "opera",
    "surfing",
    "baking",
    "astronomy",
    "fashion",
]


@dataclass(frozen=True)
class SynthConfig:
    """Size and shape of the world; the defaults make a small world for tests."""

    users: int = 1000
    items: int = 500
    roles: int = 40
    topics: int = 80
    seed: int = 0
    fanout: int = 5
    interactions_per_user: float = 20.0
    noise: float = 0.1
    coherent: bool = False  # I2U planted as the inverse of U2I, so behaviour agrees with both

    def check(self) -> None:
        """Raises InvalidInput for sizes that cannot make a world."""
        if min(self.users, self.items, self.roles, self.topics) < 1:
            raise InvalidInput("users, items, roles and topics must all be at least 1")
        if not 1 <= self.fanout <= min(self.roles, self.topics):
            raise InvalidInput(f"fanout must be between 1 and min(roles, topics) = {min(self.roles, self.topics)}")
        if not 0.0 <= self.noise <= 1.0:
            raise InvalidInput("noise must be between 0 and 1")
        if self.interactions_per_user <= 0:
            raise InvalidInput("interactions_per_user must be positive")


def _names(words_a: list[str], words_b: list[str], n: int) -> list[str]:
    """n distinct readable names: "urban parents", …, numbered once the combinations run out."""
    out = []
    for i in range(n):
        a, b = words_a[i % len(words_a)], words_b[(i // len(words_a)) % len(words_b)]
        rounds = i // (len(words_a) * len(words_b))
        out.append(f"{a} {b}" if rounds == 0 else f"{a} {b} {rounds + 1}")
    return out


def _logic(rng: np.random.Generator, n_src: int, n_dst: int, fanout: int) -> tuple[np.ndarray, np.ndarray]:
    """[n_src, fanout] target ids (distinct per row) and their weights (each row sums to 1)."""
    if n_dst <= 4096:
        targets = np.argsort(rng.random((n_src, n_dst)), axis=1)[:, :fanout]
    else:
        # draw with replacement and redraw the rows that repeated a target: few, since fanout ≪ n_dst
        targets = rng.integers(0, n_dst, size=(n_src, fanout))
        while True:
            ordered = np.sort(targets, axis=1)
            repeated = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
            if not repeated.any():
                break
            targets[repeated] = rng.integers(0, n_dst, size=(int(repeated.sum()), fanout))
    weights = rng.dirichlet(np.ones(fanout), size=n_src)
    return targets, weights


def _inverse(
    u2i_dst: np.ndarray, u2i_w: np.ndarray, role_pop: np.ndarray, fallback_dst: np.ndarray, fallback_w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """I2U as the inverse of U2I: per topic the roles that want it, weighted by popularity × P(c|t) (at most
    ``fanout``, the rest weight 0); a topic no role wants keeps its ``fallback`` row."""
    n_topics, fanout = fallback_dst.shape
    joint = np.zeros((n_topics, u2i_dst.shape[0]))
    for t in range(u2i_dst.shape[0]):
        joint[u2i_dst[t], t] = role_pop[t] * u2i_w[t]
    dst = np.argsort(-joint, axis=1, kind="stable")[:, :fanout]
    w = np.take_along_axis(joint, dst, axis=1)
    wanted = w.sum(axis=1) > 0
    w[wanted] /= w[wanted].sum(axis=1, keepdims=True)
    return np.where(wanted[:, None], dst, fallback_dst), np.where(wanted[:, None], w, fallback_w)


def _pick(cum: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row-wise categorical draw from cumulative weights [N, F] → column index [N]."""
    u = rng.random((cum.shape[0], 1)) * cum[:, -1:]
    return np.minimum((cum < u).sum(axis=1), cum.shape[1] - 1)


def generate(cfg: SynthConfig, out: Path, progress: Tick | None = None) -> dict[str, int]:
    """Writes the world to ``out``; returns counts. ``progress`` is called with users written."""
    cfg.check()
    rng = np.random.default_rng(cfg.seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    roles = _names(_ADJECTIVES, _ROLES, cfg.roles)
    topics = _names(_ADJECTIVES, _TOPICS, cfg.topics)
    u2i_dst, u2i_w = _logic(rng, cfg.roles, cfg.topics, cfg.fanout)
    i2u_dst, i2u_w = _logic(rng, cfg.topics, cfg.roles, cfg.fanout)
    role_pop = 1.0 / np.arange(1, cfg.roles + 1) ** 0.8
    role_pop /= role_pop.sum()
    if cfg.coherent:
        i2u_dst, i2u_w = _inverse(u2i_dst, u2i_w, role_pop, i2u_dst, i2u_w)

    # Items: 1–3 topics by Zipf-like popularity, roles through I2U of the first topic.
    topic_pop = 1.0 / np.arange(1, cfg.topics + 1)
    topic_pop /= topic_pop.sum()
    n_topics = rng.integers(1, 4, size=cfg.items)
    item_topics = rng.choice(cfg.topics, size=(cfg.items, 3), p=topic_pop)
    role_cols = _pick(np.cumsum(i2u_w[item_topics[:, 0]], axis=1), rng)
    item_roles = i2u_dst[item_topics[:, 0], role_cols]
    # topic → items index (CSR over the item's topics) for sampling items by topic
    pairs_topic = np.concatenate([item_topics[n_topics > k, k] for k in range(3)])
    pairs_item = np.concatenate([np.nonzero(n_topics > k)[0] for k in range(3)])
    order = np.argsort(pairs_topic, kind="stable")
    by_topic = pairs_item[order]
    offsets = np.searchsorted(pairs_topic[order], np.arange(cfg.topics + 1))

    with (out / "items.jsonl").open("w") as items_fh, (out / "truth" / "items.jsonl").open("w") as truth_fh:
        for i in range(cfg.items):
            its = sorted({topics[t] for t in item_topics[i, : n_topics[i]]})
            items_fh.write(
                json.dumps(
                    {
                        "id": f"i{i:06d}",
                        "title": f"Item {i}: {' & '.join(its)}",
                        "text": f"A piece about {', '.join(its)}, loved by {roles[item_roles[i]]}.",
                    }
                )
                + "\n"
            )
            truth_fh.write(json.dumps({"id": f"i{i:06d}", "topics": its, "roles": [roles[item_roles[i]]]}) + "\n")

    events = 0
    chunk = 50_000
    u2i_cum = np.cumsum(u2i_w, axis=1)
    with (
        (out / "users.jsonl").open("w") as users_fh,
        (out / "truth" / "users.jsonl").open("w") as ut_fh,
        (out / "interactions.csv").open("w") as inter_fh,
    ):
        inter_fh.write("user_id,item_id,ts\n")
        for start in range(0, cfg.users, chunk):
            n = min(chunk, cfg.users - start)
            user_roles = rng.choice(cfg.roles, size=(n, 3), p=role_pop)
            n_roles = rng.integers(1, 4, size=n)
            counts = np.maximum(1, rng.poisson(cfg.interactions_per_user, size=n))
            owner = np.repeat(np.arange(n), counts)  # [E] local user index per event
            role = user_roles[owner, (rng.random(owner.size) * n_roles[owner]).astype(np.int64)]
            topic = u2i_dst[role, _pick(u2i_cum[role], rng)]
            have = offsets[topic + 1] - offsets[topic]
            pick = offsets[topic] + (rng.random(owner.size) * np.maximum(have, 1)).astype(np.int64)
            item = np.where(
                have > 0, by_topic[np.minimum(pick, by_topic.size - 1)], rng.integers(0, cfg.items, owner.size)
            )
            noisy = rng.random(owner.size) < cfg.noise
            item[noisy] = rng.integers(0, cfg.items, int(noisy.sum()))
            ts = 1_700_000_000 + (owner + start) * 7 + np.arange(owner.size) * 60
            inter_fh.write(
                "".join(f"u{start + o:07d},i{it:06d},{t}\n" for o, it, t in zip(owner, item, ts, strict=True))
            )
            for k in range(n):
                uid = f"u{start + k:07d}"
                users_fh.write(json.dumps({"id": uid}) + "\n")
                ut_fh.write(
                    json.dumps({"id": uid, "roles": sorted({roles[r] for r in user_roles[k, : n_roles[k]]})}) + "\n"
                )
            events += int(owner.size)
            if progress is not None:
                progress(n)

    logic = {
        "config": asdict(cfg),
        "roles": roles,
        "topics": topics,
        "u2i": [
            {"role": roles[t], "topic": topics[c], "weight": float(w)}
            for t in range(cfg.roles)
            for c, w in zip(u2i_dst[t], u2i_w[t], strict=True)
        ],
        "i2u": [
            {"topic": topics[c], "role": roles[t], "weight": float(w)}
            for c in range(cfg.topics)
            for t, w in zip(i2u_dst[c], i2u_w[c], strict=True)
            if w > 0
        ],
    }
    (out / "truth" / "logic.json").write_text(json.dumps(logic, indent=1))
    return {"users": cfg.users, "items": cfg.items, "interactions": events, "roles": cfg.roles, "topics": cfg.topics}
