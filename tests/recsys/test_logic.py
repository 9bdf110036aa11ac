"""Exploration against a hand-computed two-hop example."""

from __future__ import annotations

import torch

from rolegraph.recsys.logic import augment_tags, explore


def _sparse(dense: list[list[float]]) -> torch.Tensor:
    return torch.tensor(dense).to_sparse_coo()


# roles 1, 2, 3 (0 = padding); topics 1, 2
U2I = _sparse([[0, 0, 0], [0, 0.8, 0.2], [0, 0, 1.0], [0, 0.5, 0.5]])
I2U = _sparse([[0, 0, 0, 0], [0, 0.5, 0, 0.5], [0, 0, 1.0, 0]])


def test_explore_two_hops_by_hand() -> None:
    # T(0) = {role 1: 1.0} → C(1) = {topic 1: 0.8, topic 2: 0.2}
    # → roles: 1: 0.4 (dropped, in T(0)), 3: 0.4, 2: 0.2 → normalized {3: 2/3, 2: 1/3}
    out = explore(torch.tensor([[0.0, 3.0, 0.0, 0.0]]), U2I, I2U, k=5)
    assert torch.allclose(out, torch.tensor([[0.0, 0.0, 1 / 3, 2 / 3]]))
    # top-1 keeps only role 3; δ = 0.5 drops topic 2 so role 2 is never reached
    assert torch.allclose(explore(torch.tensor([[0.0, 1.0, 0.0, 0.0]]), U2I, I2U, k=1), torch.tensor([[0.0, 0, 0, 1]]))
    assert torch.allclose(
        explore(torch.tensor([[0.0, 1.0, 0.0, 0.0]]), U2I, I2U, k=5, delta=0.5), torch.tensor([[0.0, 0, 0, 1]])
    )


def test_augment_tags_lists_reached_tags_best_first() -> None:
    item_tags = torch.tensor([[0, 0], [1, 0], [2, 0]])  # item 1 has role 1, item 2 has role 2
    aug = augment_tags(item_tags, U2I, I2U, k=2)
    assert aug[1].tolist() == [3, 2]
    assert aug[2].tolist() == [0, 0]  # role 2 → topic 2 → role 2 only: nothing new


def test_explore_keeps_t1_inside_the_allowed_tags() -> None:
    # without a mask role 1 → {3: 2/3, 2: 1/3}; with role 3 outside the cover set only role 2 is left
    allowed = torch.tensor([False, True, True, False])
    out = explore(torch.tensor([[0.0, 1.0, 0.0, 0.0]]), U2I, I2U, k=5, allowed=allowed)
    assert torch.allclose(out, torch.tensor([[0.0, 0.0, 1.0, 0.0]]))
