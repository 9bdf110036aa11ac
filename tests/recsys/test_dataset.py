"""Training windows: every training interaction is a target once, read with the longest history the
window stride allows; inputs are the targets shifted by one."""

from __future__ import annotations

import numpy as np
import pytest

from rolegraph.errors import InvalidInput
from rolegraph.recsys.dataset import seq_windows, training_targets
from rolegraph.recsys.split import leave_one_out


def _contexts(inputs: np.ndarray, targets: np.ndarray) -> dict[int, int]:
    """target item → how many earlier items its window shows (items are unique in these sequences)."""
    out: dict[int, int] = {}
    for row_in, row_t in zip(inputs, targets, strict=True):
        for p, target in enumerate(row_t):
            if target:
                assert target not in out, "a target trained twice"
                out[int(target)] = int((row_in[: p + 1] > 0).sum())
    return out


@pytest.mark.parametrize("stride", [0, 1, 2, 3, 5])
def test_each_target_once_with_the_longest_history_the_stride_allows(stride: int) -> None:
    length, seqs = 5, [np.arange(1, 13), np.arange(100, 103), np.arange(200, 201), np.arange(300, 306)]
    inputs, targets = (t.numpy() for t in seq_windows(seqs, length, stride))
    assert inputs.shape == targets.shape and inputs.shape[1] == length
    context = _contexts(inputs, targets)
    # every interaction but each sequence's first is a target; a one-item sequence gives none
    assert sorted(context) == [*range(2, 13), 101, 102, *range(301, 306)]
    step = stride or length
    for seq in seqs:
        for j in range(1, seq.size):
            history = j  # items before seq[j]
            floor = min(history, length - step + 1)  # a kept target sits in its window's last `step` places
            assert floor <= context[int(seq[j])] <= min(history, length)
    # inputs are the targets' own predecessors, left-padded
    for row_in, row_t in zip(inputs, targets, strict=True):
        for p in np.flatnonzero(row_t):
            assert row_in[p] == row_t[p] - 1


def test_stride_one_reads_the_full_window_and_zero_keeps_windows_apart() -> None:
    seq = [np.arange(1, 21)]
    inputs, targets = (t.numpy() for t in seq_windows(seq, 5, 1))
    context = _contexts(inputs, targets)
    assert all(context[t] == min(t - 1, 5) for t in range(2, 21))
    plain_in, _ = seq_windows(seq, 5)
    assert plain_in.shape[0] == 4 and inputs.shape[0] == 15  # 19 targets: 4 windows apart, 15 at stride 1


def test_a_stride_outside_the_window_is_refused() -> None:
    for stride in (-1, 6):
        with pytest.raises(InvalidInput, match="window stride"):
            seq_windows([np.arange(1, 10)], 5, stride)


@pytest.mark.parametrize("stride", [0, 2])
def test_training_targets_count_what_the_windows_and_pairs_hold(stride: int) -> None:
    """The count `fit` refuses to train on when it is 0: the targets of `seq_windows` (sequential models) and
    the training pairs (the others), after the leave-one-out split."""
    for per_user in ([3, 3, 1], [4, 3], [2], [5, 1, 7], [1, 3]):
        users = np.repeat(np.arange(len(per_user)), per_user)
        items = np.concatenate([np.arange(n) + 1 for n in per_user])
        split = leave_one_out(users, items, np.arange(users.size), len(per_user))
        _, targets = seq_windows(split.train, 4, stride)
        assert training_targets(split, sequential=True) == int((targets > 0).sum()), per_user
        assert training_targets(split, sequential=False) == sum(s.size for s in split.train), per_user
    every_three = leave_one_out(np.repeat(np.arange(4), 3), np.tile([1, 2, 3], 4), np.arange(12), 4)
    assert training_targets(every_three, sequential=True) == 0  # one training item each: no next item
    assert training_targets(every_three, sequential=False) == 4
