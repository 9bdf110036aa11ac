"""The tensors the models read, built from an exported `GraphData`.

Item indices are shifted by one (0 is padding in sequences and score columns); tag indices likewise.
``tag_kind`` picks which tags the TagCF variant learns: ``user`` (roles, TagCF-ut) or ``item`` (topics,
TagCF-it). ``hop1`` / ``hop2`` are the two logic hops of exploration from that kind: for roles U2I then
I2U, for topics I2U then U2I.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch

from rolegraph.errors import InvalidInput
from rolegraph.recsys.export.read import Edges, GraphData
from rolegraph.recsys.split import Split, leave_one_out

TagKindName = Literal["user", "item"]
Stage = Literal["valid", "test", "serve"]


@dataclass(frozen=True)
class RecData:
    """Split interactions, item tag lists and logic matrices of one export."""

    user_ids: list[str]
    item_ids: list[str]  # item index i + 1 ↔ item_ids[i]
    tag_keys: list[str]  # tag index t + 1 ↔ tag_keys[t]
    tag_kind: TagKindName
    split: Split  # item indices already shifted by one
    item_tags: torch.Tensor  # [n_items + 1, M] long, tag index + 1, 0 = none
    hop1: torch.Tensor  # sparse [n_tags + 1, n_mid + 1]
    hop2: torch.Tensor  # sparse [n_mid + 1, n_tags + 1]
    ratings: torch.Tensor | None = None  # [n_users, n_items + 1] float32, 0 = unrated; None without ratings

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_tags(self) -> int:
        return len(self.tag_keys)

    def candidate_tags(self) -> torch.Tensor:
        """[n_tags + 1] bool: the tags some item carries (the cover set's, in a cover view); never the padding."""
        mask = torch.zeros(self.n_tags + 1, dtype=torch.bool)
        mask[self.item_tags.flatten()] = True
        mask[0] = False
        return mask

    def train_counts(self) -> torch.Tensor:
        """[n_items + 1] training interactions per item (popularity; 0 for the padding)."""
        items = np.concatenate(self.split.train) if self.split.train else np.zeros(0, dtype=np.int64)
        return torch.from_numpy(np.bincount(items, minlength=self.n_items + 1).astype(np.float32))


def training_targets(split: Split, sequential: bool) -> int:
    """What a model learns from in one epoch: for a ``sequential`` model the next-item targets (every training
    item after its user's first, as `seq_windows` cuts them), otherwise the (user, item) training pairs."""
    return sum(max(seq.size - 1, 0) if sequential else seq.size for seq in split.train)


def sparse_logic(edges: Edges, n_src: int, n_dst: int) -> torch.Tensor:
    """A logic graph as a sparse COO matrix [n_src + 1, n_dst + 1] (index + 1, 0 = padding)."""
    index = torch.from_numpy(np.stack([edges.src + 1, edges.dst + 1])).long()
    values = torch.from_numpy(edges.weight).float()
    return torch.sparse_coo_tensor(index, values, (n_src + 1, n_dst + 1), check_invariants=True).coalesce()


def tag_lists(edges: Edges, n_items: int, max_tags: int) -> torch.Tensor:
    """[n_items + 1, max_tags] tag index + 1 per item (row = item index + 1), highest p first."""
    out = torch.zeros(n_items + 1, max_tags, dtype=torch.long)
    order = np.lexsort((edges.dst, -edges.weight, edges.src))
    fill = np.zeros(n_items, dtype=np.int64)
    for k in order:
        item = int(edges.src[k])
        if fill[item] < max_tags:
            out[item + 1, fill[item]] = int(edges.dst[k]) + 1
            fill[item] += 1
    return out


def build(g: GraphData, tag_kind: TagKindName = "user", max_tags: int = 8) -> RecData:
    """The split and tag tensors of ``g`` for one tag vocabulary."""
    split = leave_one_out(g.inter_user, g.inter_item, g.inter_ts, g.size("user"))
    shifted = Split(
        [s + 1 for s in split.train],
        np.where(split.valid >= 0, split.valid + 1, -1),
        np.where(split.test >= 0, split.test + 1, -1),
    )
    n_ut, n_it = g.size("user_tag"), g.size("item_tag")
    u2i, i2u = sparse_logic(g.u2i, n_ut, n_it), sparse_logic(g.i2u, n_it, n_ut)
    if tag_kind == "user":
        tags, keys, hop1, hop2 = g.has_user_tag, g.maps["user_tag"], u2i, i2u
    else:
        tags, keys, hop1, hop2 = g.has_item_tag, g.maps["item_tag"], i2u, u2i
    return RecData(
        user_ids=g.maps["user"],
        item_ids=g.maps["item"],
        tag_keys=keys,
        tag_kind=tag_kind,
        split=shifted,
        item_tags=tag_lists(tags, g.size("item"), max_tags),
        hop1=hop1,
        hop2=hop2,
        ratings=rating_matrix(g),
    )


def rating_matrix(g: GraphData) -> torch.Tensor | None:
    """[n_users, n_items + 1] each interaction's rating (the last one of a repeated pair), 0 where none;
    None when the export holds no rating at all."""
    rated = ~np.isnan(g.inter_rating)
    if not rated.any():
        return None
    out = torch.zeros(g.size("user"), g.size("item") + 1)
    users = torch.from_numpy(g.inter_user[rated])
    items = torch.from_numpy(g.inter_item[rated] + 1)
    out[users, items] = torch.from_numpy(g.inter_rating[rated].astype(np.float32))
    return out


def left_pad(seq: np.ndarray, length: int) -> np.ndarray:
    """The last ``length`` entries of ``seq``, zero-padded on the left."""
    out = np.zeros(length, dtype=np.int64)
    tail = seq[-length:] if length else seq[:0]
    out[length - tail.size :] = tail
    return out


def trim(*seqs: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Drops the leading columns that are padding in every row of the first tensor (left-padded input)."""
    filled = (seqs[0] > 0).any(dim=0).nonzero()
    start = int(filled[0]) if filled.numel() else seqs[0].shape[1] - 1
    return tuple(s[:, start:] for s in seqs)


def seq_windows(train: list[np.ndarray], length: int, stride: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Next-item training windows: inputs and targets [N, length], left-padded (target 0 = no loss).

    Each sequence is cut from its end into windows of ``length`` predictions that start ``stride`` apart
    (0: ``length``, windows that do not overlap). Every training interaction is a target exactly once: a
    window keeps only its last ``stride`` targets (the others are kept by the next, earlier window, where
    they come later and so read a longer history), except the window that reaches the sequence's start,
    which keeps all of its own. With a stride below ``length`` every target thus reads at least
    ``length - stride`` earlier items (or its whole history), at ``length / stride`` times the windows.
    """
    step = stride or length
    if not 1 <= step <= length:
        raise InvalidInput(f"window stride must be between 1 and max_len ({length}), got {stride}")
    inputs, targets = [], []
    for seq in train:
        end = seq.size
        while end >= 2:
            start = max(0, end - length - 1)
            window = seq[start:end]
            target = window[1:].copy()
            if start > 0:
                target[: target.size - step] = 0
            inputs.append(left_pad(window[:-1], length))
            targets.append(left_pad(target, length))
            if start == 0:
                break
            end -= step
    if not inputs:
        return torch.zeros(0, length, dtype=torch.long), torch.zeros(0, length, dtype=torch.long)
    return torch.from_numpy(np.stack(inputs)), torch.from_numpy(np.stack(targets))


def eval_inputs(data: RecData, users: np.ndarray, stage: Stage, length: int) -> torch.Tensor:
    """The input sequences [len(users), length]: each user's history before the ``stage`` target."""
    rows = [left_pad(history(data, int(u), stage), length) for u in users]
    return torch.from_numpy(np.stack(rows)) if rows else torch.zeros(0, length, dtype=torch.long)


def history(data: RecData, user: int, stage: Stage) -> np.ndarray:
    """Items (index + 1) the user interacted with before the ``stage`` target (all of them for serve)."""
    seq = data.split.train[user]
    if stage in ("test", "serve") and data.split.valid[user] >= 0:
        seq = np.append(seq, data.split.valid[user])
    if stage == "serve" and data.split.test[user] >= 0:
        seq = np.append(seq, data.split.test[user])
    return seq
