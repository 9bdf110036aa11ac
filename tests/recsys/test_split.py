"""The leave-one-out split: by time, ties by file order, short histories train-only."""

from __future__ import annotations

import numpy as np

from rolegraph.recsys.split import leave_one_out


def test_last_is_test_second_last_is_valid_ties_keep_file_order() -> None:
    # user 0: items 5 (t=3), 6 (t=1), 7 (t=2), 8 (t=3, after 5 in the file) → order 6, 7, 5, 8
    # user 1: two events only → training only; user 2: none
    users = np.array([0, 1, 0, 0, 1, 0])
    items = np.array([5, 1, 6, 7, 2, 8])
    ts = np.array([3, 9, 1, 2, 8, 3])
    s = leave_one_out(users, items, ts, n_users=3)
    assert s.train[0].tolist() == [6, 7]
    assert (s.valid[0], s.test[0]) == (5, 8)
    assert s.train[1].tolist() == [2, 1] and s.valid[1] == -1 and s.test[1] == -1
    assert s.train[2].tolist() == []
    assert s.eval_users().tolist() == [0]
