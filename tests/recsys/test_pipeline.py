"""`run_training` writes nothing unless it trained: a graph without interactions is refused, and a training that
fails leaves the export folder, the served model (``current``) and the written-back roles of the last good run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from rolegraph.errors import InvalidInput
from rolegraph.graph.model import InteractionRecord, ItemRecord, Source
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.models.registry import parse_model
from rolegraph.recsys.pipeline import run_training
from rolegraph.recsys.train import EpochHook
from rolegraph.recsys.writeback import count_roles

CFG = ModelConfig(hidden=8, layers=1, heads=2, max_len=8, batch_size=32, epochs=1, k=3)
EMPTY = "the graph has no users with interactions to train on (load interactions first)"
NO_SEQUENCES = (
    "no user has two training interactions (a user with three or more has the last two held out for validation "
    "and test) — load more interactions"
)


def _train(store: GraphStore, root: Path, device: str = "cpu", hook: EpochHook | None = None) -> dict[str, Any]:
    spec = parse_model("tagcf-ut-util")
    return run_training(store, root, spec, CFG, seed=0, device=device, source=Source.DISTILLED, hook=hook)


def _snapshot(root: Path) -> tuple[dict[str, tuple[bytes, int]], str | None]:
    """Every file under ``root`` with its bytes and modification time, and where ``current`` points."""
    files: dict[str, tuple[bytes, int]] = {}
    for folder, _, names in os.walk(root):  # does not descend into the ``current`` link
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink():
                files[str(path.relative_to(root))] = (path.read_bytes(), path.stat().st_mtime_ns)
    link = root / "current"
    return files, os.readlink(link) if link.is_symlink() else None


def test_training_on_an_empty_graph_is_refused_and_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    before = store.content_hash()
    with pytest.raises(InvalidInput) as e:
        _train(store, tmp_path / "recsys")
    assert str(e.value) == EMPTY
    assert not (tmp_path / "recsys").exists()  # no export, no model, no ``current``
    assert store.content_hash() == before  # no run recorded, no roles


def _three_each(store: GraphStore) -> None:
    """Items and users where every user has exactly three interactions: after the last two are held out for
    validation and test, each has one training item, so no next item to learn."""
    store.upsert_items([ItemRecord(f"i{n}", f"Item {n}") for n in range(6)])
    store.upsert_interactions(
        [InteractionRecord(f"u{u}", f"i{(u + k) % 6}", 10 * u + k) for u in range(4) for k in range(3)]
    )


def test_a_graph_without_two_training_items_per_user_trains_nothing_and_writes_nothing(
    world_store: GraphStore, store: GraphStore, tmp_path: Path
) -> None:
    root = tmp_path / "recsys"
    _train(world_store, root)
    kept, graph, roles = _snapshot(root), world_store.content_hash(), count_roles(world_store)
    _three_each(store)
    before = store.content_hash()
    for name in ("tagcf-ut-util", "sasrec"):
        with pytest.raises(InvalidInput) as e:
            run_training(store, root, parse_model(name), CFG, seed=0, device="cpu")
        assert str(e.value) == f"nothing to train {name.split('-')[0]} on: {NO_SEQUENCES}"
        assert _snapshot(root) == kept and store.content_hash() == before  # no export, model, run or roles
    assert world_store.content_hash() == graph and count_roles(world_store) == roles
    out = run_training(store, tmp_path / "bpr", parse_model("bpr"), CFG, seed=0, device="cpu")
    assert out["epochs"] >= 1  # one training pair per user is something to learn from for BPR


def test_a_refused_or_failed_training_keeps_the_last_runs_model_export_and_roles(
    world_store: GraphStore, store: GraphStore, tmp_path: Path
) -> None:
    root = tmp_path / "recsys"
    first = _train(world_store, root)
    kept, graph, roles = _snapshot(root), world_store.content_hash(), count_roles(world_store)
    assert kept[1] == first["run"] and any(name.startswith("export/") for name in kept[0])
    assert roles["T0"] > 0

    with pytest.raises(InvalidInput) as e:  # another graph, empty: refused before anything is exported
        _train(store, root)
    assert str(e.value) == EMPTY
    assert _snapshot(root) == kept

    with pytest.raises(InvalidInput, match="unknown device 'nonsense'"):  # fails after the graph was read
        _train(world_store, root, device="nonsense")
    assert _snapshot(root) == kept and world_store.content_hash() == graph

    def crash(epoch: int, loss: float, valid: float) -> None:
        raise RuntimeError("killed in training")

    with pytest.raises(RuntimeError, match="killed in training"):  # fails midway through training
        _train(world_store, root, hook=crash)
    assert _snapshot(root) == kept and world_store.content_hash() == graph
    assert count_roles(world_store) == roles
