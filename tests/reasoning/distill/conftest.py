"""Distilled-model tests run torch on one thread: on the shared 2-core machine, two spinning OpenMP
threads competing with other processes made these small problems up to 20× slower."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch


@pytest.fixture(scope="package", autouse=True)
def one_torch_thread() -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
