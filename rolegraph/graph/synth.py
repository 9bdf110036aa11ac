"""A synthetic world with planted roles, topics and logic: the recommender's positive control.

How a world is drawn:
- roles t have a prior P(t) ∝ 1 / rank^``role_zipf`` (0.8: a few roles are common); each role wants
  ``fanout`` topics with weights P(c|t) (U2I), and every topic is wanted by some role when
  ``roles × fanout ≥ topics``;
- items carry 1–3 topics and a long-tail popularity w_i (Zipf over a random order); within a topic an
  item is drawn with P(i|c) ∝ w_i, so most items are seen a handful of times;
- users hold 1–3 persistent roles with mixture weights π_u. A history is a run of sessions (geometric
  lengths, mean ``session_length``): a session draws one of the user's roles from π_u and a topic from
  that role's U2I; each next item keeps the session's topic with probability ``stay`` or draws a new
  topic of the same role. With probability ``noise`` an interaction is any item by popularity instead.
  No item repeats within a history; timestamps put sessions days apart and their items minutes apart;
- an item's role tags are the roles that consume it: ``roles_per_item`` draws from
  P(t|i) ∝ P(t) Σ_c P(c|t) P(i|c), kept distinct; the planted I2U is P(t|c) ∝ P(c|t) P(t), the top
  ``fanout`` roles of each topic, renormalized.

Output: the generic loader formats (``items.jsonl`` whose text names the topics but never the roles,
``users.jsonl``, ``interactions.csv``) and the truth kept apart so nothing leaks into the graph:
``truth/logic.json`` (settings, vocabularies, role prior, both logic graphs), ``truth/items.jsonl``
(topics, roles, popularity), ``truth/users.jsonl`` (roles and their weights). `read_world` reads the
truth back as arrays. Everything is vectorized and users are written in chunks, so 1M users × 100k items
fits this machine.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

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
START_TS = 1_700_000_000
_DAY = 86_400
_CHUNK = 50_000


@dataclass(frozen=True)
class SynthConfig:
    """Size and shape of the world; the defaults make a small world for tests."""

    users: int = 1000
    items: int = 500
    roles: int = 40
    topics: int = 80
    seed: int = 0
    fanout: int = 5
    interactions_per_user: float = 20.0  # mean (Poisson, at least 3 so every user has a test target)
    noise: float = 0.1  # share of interactions with any item, by popularity
    session_length: float = 5.0  # mean items per session (geometric)
    stay: float = 0.7  # chance that a session's next item keeps its topic
    item_zipf: float = 1.0  # exponent of item popularity 1 / rank^a
    role_zipf: float = 0.8  # exponent of the role prior P(t) ∝ 1 / rank^a (0: every role as common)
    roles_per_item: int = 3  # draws of an item's role tags from the roles that consume it (distinct kept)

    def check(self) -> None:
        """Raises InvalidInput for sizes that cannot make a world (NaN and infinities included)."""
        rates = {k: v for k, v in asdict(self).items() if isinstance(v, float)}
        if not_finite := sorted(k for k, v in rates.items() if not math.isfinite(v)):
            raise InvalidInput(f"{', '.join(not_finite)} must be finite numbers")
        if min(self.users, self.items, self.roles, self.topics) < 1:
            raise InvalidInput("users, items, roles and topics must all be at least 1")
        if not 1 <= self.fanout <= min(self.roles, self.topics):
            raise InvalidInput(f"fanout must be between 1 and min(roles, topics) = {min(self.roles, self.topics)}")
        if not 0.0 <= self.noise <= 1.0 or not 0.0 <= self.stay <= 1.0:
            raise InvalidInput("noise and stay must be between 0 and 1")
        if self.interactions_per_user <= 0 or self.session_length < 1:
            raise InvalidInput("interactions_per_user must be positive and session_length at least 1")
        if self.item_zipf < 0 or self.role_zipf < 0 or self.roles_per_item < 1:
            raise InvalidInput("item_zipf and role_zipf must be 0 or more and roles_per_item at least 1")


@dataclass(frozen=True)
class World:
    """The planted truth of a world as arrays (indices into ``roles``, ``topics``, ``item_ids``, ``user_ids``)."""

    cfg: SynthConfig
    roles: list[str]
    topics: list[str]
    role_prior: np.ndarray  # [R] P(t)
    u2i: np.ndarray  # [R, C] P(c|t), dense
    item_ids: list[str]
    item_topics: list[list[int]]
    item_roles: list[list[int]]
    popularity: np.ndarray  # [I] w_i
    user_ids: list[str]
    user_roles: list[list[int]]
    user_weights: list[list[float]]  # π_u over user_roles, sums to 1


def _names(words_a: list[str], words_b: list[str], n: int) -> list[str]:
    """n distinct readable names: "urban parents", …, numbered once the combinations run out."""
    out = []
    for i in range(n):
        a, b = words_a[i % len(words_a)], words_b[(i // len(words_a)) % len(words_b)]
        rounds = i // (len(words_a) * len(words_b))
        out.append(f"{a} {b}" if rounds == 0 else f"{a} {b} {rounds + 1}")
    return out


def _u2i(rng: np.random.Generator, cfg: SynthConfig) -> tuple[np.ndarray, np.ndarray]:
    """[roles, fanout] distinct topics per role, every topic used once before any repeats, and their
    weights P(c|t) (rows sum to 1)."""
    slots = cfg.roles * cfg.fanout
    first = rng.permutation(cfg.topics)[:slots]
    flat = rng.permutation(np.concatenate([first, rng.integers(0, cfg.topics, slots - first.size)]))
    targets = flat.reshape(cfg.roles, cfg.fanout)
    while True:  # redraw the later copies of a topic repeated within a row (few: fanout ≪ topics)
        ordered = np.sort(targets, axis=1)
        bad = np.nonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))[0]
        if bad.size == 0:
            break
        for row in bad:
            _, first_seen = np.unique(targets[row], return_index=True)
            again = np.setdiff1d(np.arange(cfg.fanout), first_seen)
            targets[row, again] = rng.integers(0, cfg.topics, again.size)
    return targets, rng.dirichlet(np.ones(cfg.fanout), size=cfg.roles)


def _pick(cum: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row-wise categorical draw from cumulative weights [N, F] → column index [N]."""
    u = rng.random((cum.shape[0], 1)) * cum[:, -1:]
    return np.minimum((cum < u).sum(axis=1), cum.shape[1] - 1)


@dataclass(frozen=True)
class _Segments:
    """Weighted members grouped by a key (CSR), for vectorized draws of a member given its key."""

    members: np.ndarray  # [M] in key order
    cum: np.ndarray  # [M] cumulative weights
    offsets: np.ndarray  # [K + 1]

    @classmethod
    def build(cls, keys: np.ndarray, members: np.ndarray, weights: np.ndarray, n_keys: int) -> _Segments:
        order = np.argsort(keys, kind="stable")
        return cls(members[order], np.cumsum(weights[order]), np.searchsorted(keys[order], np.arange(n_keys + 1)))

    def has(self, keys: np.ndarray) -> np.ndarray:
        return self.offsets[keys + 1] > self.offsets[keys]

    def draw(self, keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One member per key (keys must have members)."""
        lo, hi = self.offsets[keys], self.offsets[keys + 1]
        before = np.where(lo > 0, self.cum[np.maximum(lo - 1, 0)], 0.0)
        u = before + rng.random(keys.size) * (self.cum[hi - 1] - before)
        return self.members[np.clip(np.searchsorted(self.cum, u, side="right"), lo, hi - 1)]


def _i2u(cfg: SynthConfig, u2i_dst: np.ndarray, u2i_w: np.ndarray, prior: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every (topic, role, P(t|c) ∝ P(c|t)P(t)) and the topic marginal P(c) = Σ_t P(c|t) P(t)."""
    roles = np.repeat(np.arange(cfg.roles), cfg.fanout)
    topics = u2i_dst.ravel()
    mass = u2i_w.ravel() * prior[roles]
    marginal = np.bincount(topics, mass, minlength=cfg.topics)
    return topics, roles, mass / marginal[topics], marginal


def _top_per_topic(topics: np.ndarray, roles: np.ndarray, post: np.ndarray, k: int) -> list[tuple[int, int, float]]:
    """The k most likely roles of each topic, renormalized: the planted I2U edges."""
    order = np.lexsort((roles, -post, topics))
    t, r, p = topics[order], roles[order], post[order]
    rank = np.arange(t.size) - np.searchsorted(t, t)
    keep = rank < k
    t, r, p = t[keep], r[keep], p[keep]
    total = np.bincount(t, p)
    return [(int(a), int(b), float(w / total[a])) for a, b, w in zip(t, r, p, strict=True)]


def generate(cfg: SynthConfig, out: Path, progress: Tick | None = None) -> dict[str, int]:
    """Writes the world to ``out``; returns counts. ``progress`` is called with users written."""
    cfg.check()
    rng = np.random.default_rng(cfg.seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    roles, topics = _names(_ADJECTIVES, _ROLES, cfg.roles), _names(_ADJECTIVES, _TOPICS, cfg.topics)
    prior = 1.0 / np.arange(1, cfg.roles + 1) ** cfg.role_zipf
    prior /= prior.sum()
    u2i_dst, u2i_w = _u2i(rng, cfg)
    i2u_topic, i2u_role, i2u_post, topic_mass = _i2u(cfg, u2i_dst, u2i_w, prior)

    # items: topics by demand (smoothed), popularity Zipf over a random order
    n_topics = rng.integers(1, 4, size=cfg.items)
    topic_p = 0.5 / cfg.topics + 0.5 * topic_mass
    item_topics = rng.choice(cfg.topics, size=(cfg.items, 3), p=topic_p / topic_p.sum())
    popularity = 1.0 / (rng.permutation(cfg.items) + 1.0) ** cfg.item_zipf
    pair_item = np.concatenate([np.nonzero(n_topics > k)[0] for k in range(3)])
    pair_topic = np.concatenate([item_topics[n_topics > k, k] for k in range(3)])
    by_topic = _Segments.build(pair_topic, pair_item, popularity[pair_item], cfg.topics)
    by_pop = _Segments.build(np.zeros(cfg.items, dtype=np.int64), np.arange(cfg.items), popularity, 1)
    role_of_topic = _Segments.build(i2u_topic, i2u_role, i2u_post, cfg.topics)  # every role, P(t|c)
    item_roles = _item_roles(cfg, rng, pair_item, pair_topic, popularity, topic_mass, role_of_topic)
    _write_items(out, cfg, topics, roles, item_topics, n_topics, item_roles, popularity)

    u2i_cum = np.cumsum(u2i_w, axis=1)
    events = 0
    with (
        (out / "users.jsonl").open("w") as users_fh,
        (out / "truth" / "users.jsonl").open("w") as truth_fh,
        (out / "interactions.csv").open("w") as inter_fh,
    ):
        inter_fh.write("user_id,item_id,ts\n")
        for start in range(0, cfg.users, _CHUNK):
            n = min(_CHUNK, cfg.users - start)
            slots, mix = _user_roles(cfg, rng, prior, n)
            owner, item, ts = _histories(cfg, rng, slots, mix, u2i_dst, u2i_cum, by_topic, by_pop)
            rows = zip(owner, item, ts, strict=True)
            inter_fh.write("".join(f"u{start + o:07d},i{it:06d},{t}\n" for o, it, t in rows))
            _write_users(users_fh, truth_fh, start, slots, mix, roles)
            events += int(owner.size)
            if progress is not None:
                progress(n)

    logic = {
        "config": asdict(cfg),
        "roles": roles,
        "topics": topics,
        "role_prior": [float(p) for p in prior],
        "u2i": [
            {"role": roles[t], "topic": topics[c], "weight": float(w)}
            for t in range(cfg.roles)
            for c, w in zip(u2i_dst[t], u2i_w[t], strict=True)
        ],
        "i2u": [
            {"topic": topics[c], "role": roles[t], "weight": w}
            for c, t, w in _top_per_topic(i2u_topic, i2u_role, i2u_post, cfg.fanout)
        ],
    }
    (out / "truth" / "logic.json").write_text(json.dumps(logic, indent=1))
    return {"users": cfg.users, "items": cfg.items, "interactions": events, "roles": cfg.roles, "topics": cfg.topics}


def _item_roles(
    cfg: SynthConfig,
    rng: np.random.Generator,
    pair_item: np.ndarray,
    pair_topic: np.ndarray,
    popularity: np.ndarray,
    topic_mass: np.ndarray,
    role_of_topic: _Segments,
) -> np.ndarray:
    """[items, roles_per_item] role draws (-1 = none): a topic of the item by P(i|c)P(c), then a role by
    P(t|c) — together a draw from P(t|i) ∝ P(t) Σ_c P(c|t) P(i|c)."""
    topic_total = np.bincount(pair_topic, popularity[pair_item], minlength=cfg.topics)
    weight = popularity[pair_item] / topic_total[pair_topic] * topic_mass[pair_topic]
    topic_of_item = _Segments.build(pair_item, pair_topic, weight + 1e-12, cfg.items)
    draws = np.full(cfg.items * cfg.roles_per_item, -1, dtype=np.int64)
    topic = topic_of_item.draw(np.repeat(np.arange(cfg.items), cfg.roles_per_item), rng)
    wanted = role_of_topic.has(topic)
    draws[wanted] = role_of_topic.draw(topic[wanted], rng)
    return draws.reshape(cfg.items, cfg.roles_per_item)


def _write_items(
    out: Path,
    cfg: SynthConfig,
    topics: list[str],
    roles: list[str],
    item_topics: np.ndarray,
    n_topics: np.ndarray,
    item_roles: np.ndarray,
    popularity: np.ndarray,
) -> None:
    with (out / "items.jsonl").open("w") as items_fh, (out / "truth" / "items.jsonl").open("w") as truth_fh:
        for i in range(cfg.items):
            its = sorted({topics[t] for t in item_topics[i, : n_topics[i]]})
            rs = sorted({roles[r] for r in item_roles[i] if r >= 0})
            item_id = f"i{i:06d}"
            title = f"Item {i}: {' & '.join(its)}"
            row = {"id": item_id, "title": title, "text": f"Piece {i}, about {', '.join(its)}."}
            items_fh.write(json.dumps(row) + "\n")
            truth = {"id": item_id, "topics": its, "roles": rs, "popularity": float(popularity[i])}
            truth_fh.write(json.dumps(truth) + "\n")


def _user_roles(cfg: SynthConfig, rng: np.random.Generator, prior: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Role slots [n, 3] drawn by the prior and mixture weights [n, 3] (0 beyond each user's 1–3 slots)."""
    slots = rng.choice(cfg.roles, size=(n, 3), p=prior)
    n_roles = rng.integers(1, 4, size=n)
    mix = rng.dirichlet(np.ones(3), size=n)
    mix[np.arange(3)[None, :] >= n_roles[:, None]] = 0.0
    return slots, mix / mix.sum(axis=1, keepdims=True)


def _histories(
    cfg: SynthConfig,
    rng: np.random.Generator,
    slots: np.ndarray,
    mix: np.ndarray,
    u2i_dst: np.ndarray,
    u2i_cum: np.ndarray,
    by_topic: _Segments,
    by_pop: _Segments,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner, item, ts) of one chunk of users, ordered by owner then time."""
    n = slots.shape[0]
    counts = np.maximum(3, rng.poisson(cfg.interactions_per_user, size=n))
    owner = np.repeat(np.arange(n), counts)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    position = np.arange(owner.size) - first[owner]
    new_session = (position == 0) | (rng.random(owner.size) < 1.0 / cfg.session_length)
    session = np.cumsum(new_session) - 1
    session_owner = owner[new_session]
    role = slots[session_owner, _pick(np.cumsum(mix[session_owner], axis=1), rng)][session]
    redraw = new_session | (rng.random(owner.size) >= cfg.stay)
    drawn = u2i_dst[role, _pick(u2i_cum[role], rng)]
    topic = drawn[np.maximum.accumulate(np.where(redraw, np.arange(owner.size), 0))]
    noisy = rng.random(owner.size) < cfg.noise
    item = _draw_items(topic, noisy, by_topic, by_pop, rng)
    keep = np.ones(owner.size, dtype=bool)
    for _ in range(20):  # no repeats: redraw later copies of an item within a history, then drop the rest
        _, first_seen = np.unique(owner * cfg.items + item, return_index=True)
        repeat = np.ones(owner.size, dtype=bool)
        repeat[first_seen] = False
        if not repeat.any():
            break
        at = np.nonzero(repeat)[0]
        item[at] = _draw_items(topic[at], noisy[at], by_topic, by_pop, rng)
    else:
        keep = ~repeat
    gap = np.where(new_session, rng.exponential(2 * _DAY, owner.size), 90 + rng.integers(0, 60, owner.size))
    gap[position == 0] = 0
    elapsed = np.cumsum(gap)
    begins = np.asarray(rng.integers(0, 365 * _DAY, size=n), dtype=np.int64)
    ts = START_TS + begins[owner] + (elapsed - elapsed[first[owner]]).astype(np.int64)
    return owner[keep], item[keep], ts[keep]


def _draw_items(
    topic: np.ndarray, noisy: np.ndarray, by_topic: _Segments, by_pop: _Segments, rng: np.random.Generator
) -> np.ndarray:
    """An item of each topic by popularity, or any item by popularity where ``noisy`` (or the topic is empty)."""
    item = np.empty(topic.size, dtype=np.int64)
    on_topic = ~noisy & by_topic.has(topic)
    item[on_topic] = by_topic.draw(topic[on_topic], rng)
    item[~on_topic] = by_pop.draw(np.zeros(int((~on_topic).sum()), dtype=np.int64), rng)
    return item


def _write_users(
    users_fh: TextIO, truth_fh: TextIO, start: int, slots: np.ndarray, mix: np.ndarray, roles: list[str]
) -> None:
    for k in range(slots.shape[0]):
        uid = f"u{start + k:07d}"
        weights: dict[str, float] = {}
        for r, w in zip(slots[k], mix[k], strict=True):
            if w > 0:
                weights[roles[r]] = weights.get(roles[r], 0.0) + float(w)
        users_fh.write(json.dumps({"id": uid}) + "\n")
        names = sorted(weights)
        truth_fh.write(json.dumps({"id": uid, "roles": names, "weights": [weights[r] for r in names]}) + "\n")


def _jsonl(path: Path) -> list[dict[str, object]]:
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file — is this a `rolegraph synth` folder?")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_world(folder: Path) -> World:
    """The planted truth of a `generate` folder (dense U2I: meant for worlds an evaluation can rank)."""
    try:
        logic = json.loads((folder / "truth" / "logic.json").read_text(encoding="utf-8"))
        cfg = SynthConfig(**logic["config"])
        prior = np.asarray(logic["role_prior"], dtype=np.float64)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InvalidInput(f"{folder}: not a world of this generator ({e})") from e
    role_index = {r: i for i, r in enumerate(logic["roles"])}
    topic_index = {c: i for i, c in enumerate(logic["topics"])}
    u2i = np.zeros((len(role_index), len(topic_index)))
    for edge in logic["u2i"]:
        u2i[role_index[edge["role"]], topic_index[edge["topic"]]] = edge["weight"]
    items, users = _jsonl(folder / "truth" / "items.jsonl"), _jsonl(folder / "truth" / "users.jsonl")
    return World(
        cfg=cfg,
        roles=logic["roles"],
        topics=logic["topics"],
        role_prior=prior,
        u2i=u2i,
        item_ids=[str(r["id"]) for r in items],
        item_topics=[[topic_index[c] for c in r["topics"]] for r in items],  # type: ignore[attr-defined]
        item_roles=[[role_index[t] for t in r["roles"]] for r in items],  # type: ignore[attr-defined]
        popularity=np.asarray([r["popularity"] for r in items], dtype=np.float64),
        user_ids=[str(r["id"]) for r in users],
        user_roles=[[role_index[t] for t in r["roles"]] for r in users],  # type: ignore[attr-defined]
        user_weights=[[float(w) for w in r["weights"]] for r in users],  # type: ignore[attr-defined]
    )
