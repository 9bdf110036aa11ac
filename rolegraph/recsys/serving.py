"""The `Scorer` the API loads: the current trained model (`rolegraph.recsys.artifact`), answering for
known users. A trained model lives in ``ROLEGRAPH_RECSYS_DIR/current/`` (a link to the latest run's
folder) with a ``manifest.json`` naming its ``format``; the API calls `load_scorer` once at start-up.

A model's answers are a pure function of its artifact, so at load the scorer computes every known user's
score parts (raw, ŷ_tag0, ŷ_tag1 over all items) in batches into a table held in memory, when that table
fits in ``table_bytes``: /recommend and the score of /explain then cost a row lookup and a top-k instead
of a forward pass. Without the table (too large) each call runs the forward pass for its user."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch

from rolegraph.errors import InvalidInput, ModelNotTrained
from rolegraph.recsys.artifact import FORMAT, Artifact, load
from rolegraph.recsys.dataset import eval_inputs, history
from rolegraph.recsys.scorer import Mode, Recommendation, ScoreParts
from rolegraph.settings import RecsysSettings

#: the largest score table computed at load (3 float32 parts × users × items)
TABLE_BYTES = 1 << 30
_TABLE_BATCH = 256


class TrainedScorer:
    """Implements `recsys.scorer.Scorer` over an `Artifact` (CPU): from the score table when it fits in
    ``table_bytes``, else one forward pass per call."""

    def __init__(self, artifact: Artifact, table_bytes: int = TABLE_BYTES):
        self.artifact = artifact
        self._users = {u: i for i, u in enumerate(artifact.data.user_ids)}
        self._items = {it: i + 1 for i, it in enumerate(artifact.data.item_ids)}
        self._table: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None
        if 3 * 4 * len(self._users) * (len(self._items) + 1) <= table_bytes:
            self._table = self._score_table()

    @property
    def tabled(self) -> bool:
        """Whether calls answer from the score table computed at load."""
        return self._table is not None

    def _score_table(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(raw, tag0, tag1) [users, items + 1] for every known user, computed in batches."""
        data, length = self.artifact.data, self.artifact.model.cfg.max_len
        parts: list[tuple[torch.Tensor, ...]] = []
        with torch.no_grad():
            for start in range(0, len(self._users), _TABLE_BATCH):
                users = np.arange(start, min(start + _TABLE_BATCH, len(self._users)))
                seqs = eval_inputs(data, users, "serve", length)
                parts.append(tuple(p.float() for p in self.artifact.model.score_parts(torch.from_numpy(users), seqs)))
        if not parts:
            empty = torch.zeros(0, len(self._items) + 1)
            return empty, empty, empty
        raw, tag0, tag1 = (torch.cat([p[n] for p in parts]) for n in range(3))
        return raw, tag0, tag1

    @property
    def name(self) -> str:
        return self.artifact.spec.name

    @property
    def run_id(self) -> str:
        return self.artifact.run

    def knows_user(self, user_id: str) -> bool:
        return user_id in self._users

    def knows_item(self, item_id: str) -> bool:
        return item_id in self._items

    def _betas(self, mode: Mode) -> tuple[float, float]:
        if mode not in ("util", "expl"):
            raise InvalidInput(f"mode must be util or expl, got {mode!r}")
        return self.artifact.beta0, self.artifact.beta1 if mode == "expl" else 0.0

    def _user(self, user_id: str) -> int:
        if user_id not in self._users:
            raise InvalidInput(f"unknown user {user_id!r} (not in the trained model)")
        return self._users[user_id]

    def _parts(self, user: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The user's raw, tag0 and tag1 scores of every item: a row of the table, else a forward pass."""
        if self._table is not None:
            raw, tag0, tag1 = (part[user] for part in self._table)
            return raw, tag0, tag1
        seqs = eval_inputs(self.artifact.data, np.array([user]), "serve", self.artifact.model.cfg.max_len)
        with torch.no_grad():
            raw, tag0, tag1 = self.artifact.model.score_parts(torch.tensor([user]), seqs)
        return raw[0], tag0[0], tag1[0]

    def recommend(self, user_id: str, k: int, mode: Mode = "util") -> list[Recommendation]:
        """Top-k unseen items, best first."""
        if k < 1:
            raise InvalidInput(f"k must be at least 1, got {k}")
        beta0, beta1 = self._betas(mode)
        user = self._user(user_id)
        raw, tag0, tag1 = self._parts(user)
        seen = history(self.artifact.data, user, "serve")
        total = raw + beta0 * tag0 + beta1 * tag1
        total[torch.from_numpy(seen)] = float("-inf")
        best = torch.topk(total, min(k, total.numel() - 1))
        # the parts of the picked items in one gather each (indexing a tensor item by item costs a µs a time)
        picked = (part[best.indices].tolist() for part in (raw, tag0, tag1))
        out = []
        for score, index, r, t0, t1 in zip(best.values.tolist(), best.indices.tolist(), *picked, strict=True):
            if not math.isfinite(score):
                break
            parts = ScoreParts(r, beta0 * t0, beta1 * t1, beta0, beta1)
            out.append(Recommendation(self.artifact.data.item_ids[index - 1], score, parts))
        return out

    def score_parts(self, user_id: str, item_id: str, mode: Mode = "util") -> ScoreParts:
        """Eq. 8–9 parts of one (user, item) pair, β already applied."""
        if item_id not in self._items:
            raise InvalidInput(f"unknown item {item_id!r} (not in the trained model)")
        beta0, beta1 = self._betas(mode)
        i = self._items[item_id]
        raw, tag0, tag1 = (float(part[i]) for part in self._parts(self._user(user_id)))  # no history read
        return ScoreParts(raw, beta0 * tag0, beta1 * tag1, beta0, beta1)


def load_scorer(settings: RecsysSettings | None = None, table_bytes: int = TABLE_BYTES) -> TrainedScorer:
    """The current trained recommender; `ModelNotTrained` when there is none (or its format is unknown)."""
    folder = Path((settings or RecsysSettings()).recsys_dir) / "current"
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        raise ModelNotTrained(f"no trained recommender in {folder} — run `rolegraph train` first")
    try:
        fmt = str(json.loads(manifest.read_text())["format"])
    except (ValueError, KeyError, TypeError) as e:
        raise ModelNotTrained(f"{manifest} is not a recommender manifest ({e})") from e
    if fmt != FORMAT:
        raise ModelNotTrained(f"{manifest}: unknown model format {fmt!r} (this version reads {FORMAT!r})")
    return TrainedScorer(load(folder), table_bytes)
