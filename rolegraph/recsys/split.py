"""Leave-one-out by time (the protocol every model and peer uses).

For each user, interactions are ordered by timestamp; ties keep their order in the export's ``.inter``
file, which lists rows by (user id, timestamp, item id) — so equal timestamps fall back to item id order.
The last interaction is the test target, the second-to-last the validation target, the rest is training.
Users with fewer than 3 interactions are training-only (no validation or test target).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Split:
    """Per-user item sequences (item indices, oldest first) and the held-out targets (-1 = none)."""

    train: list[np.ndarray]  # [n_users] arrays of item indices
    valid: np.ndarray  # [n_users] int64
    test: np.ndarray  # [n_users] int64

    def eval_users(self) -> np.ndarray:
        """Users that have a test (and so a validation) target."""
        return np.nonzero(self.test >= 0)[0]


def leave_one_out(users: np.ndarray, items: np.ndarray, ts: np.ndarray, n_users: int) -> Split:
    """Splits events given in file order (``users``, ``items``, ``ts`` aligned, [E] each)."""
    order = np.lexsort((np.arange(users.size), ts, users))  # by user, then ts, then file position
    u, i = users[order], items[order]
    bounds = np.searchsorted(u, np.arange(n_users + 1))
    train: list[np.ndarray] = []
    valid = np.full(n_users, -1, dtype=np.int64)
    test = np.full(n_users, -1, dtype=np.int64)
    for user in range(n_users):
        seq = i[bounds[user] : bounds[user + 1]]
        if seq.size >= 3:
            train.append(seq[:-2].astype(np.int64))
            valid[user], test[user] = seq[-2], seq[-1]
        else:
            train.append(seq.astype(np.int64))
    return Split(train, valid, test)
