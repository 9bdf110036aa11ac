"""A trained recommender on disk: ``ROLEGRAPH_RECSYS_DIR/<run>/`` with ``current`` linking the latest.

Files: ``manifest.json`` (format, model name, run, config, chosen β, export counts), ``model.pt`` (the
state dict), ``data.pt`` (plain tensors: item tag lists, logic matrices as index/value pairs, every
user's history), ``users.txt`` / ``items.txt`` / ``tags.txt`` (ids in index order). Every ``.pt`` file
is read with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch

from rolegraph.errors import ModelNotTrained
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData
from rolegraph.recsys.models.base import Recommender
from rolegraph.recsys.models.registry import ModelSpec, build_model, parse_model
from rolegraph.recsys.split import Split

FORMAT = "rolegraph-recsys/1"


@dataclass(frozen=True)
class Artifact:
    """A loaded trained model with the data it serves."""

    folder: Path
    spec: ModelSpec
    run: str
    model: Recommender
    data: RecData
    beta0: float
    beta1: float


def _sparse_parts(m: torch.Tensor) -> dict[str, torch.Tensor]:
    m = m.coalesce()
    return {"index": m.indices(), "values": m.values(), "size": torch.tensor(list(m.shape))}


def _sparse(parts: dict[str, torch.Tensor]) -> torch.Tensor:
    size = tuple(int(x) for x in parts["size"])
    return torch.sparse_coo_tensor(parts["index"], parts["values"], size, check_invariants=True).coalesce()


def _lines(ids: list[str]) -> str:
    return "".join(f"{i}\n" for i in ids)


def save(root: Path, run: str, spec: ModelSpec, model: Recommender, data: RecData, extra: dict[str, Any]) -> Path:
    """Writes the run's folder and points ``current`` at it; returns the folder."""
    folder = root / run
    folder.mkdir(parents=True, exist_ok=True)
    histories = [
        np.concatenate([s, [v] if v >= 0 else [], [t] if t >= 0 else []]).astype(np.int64)
        for s, v, t in zip(data.split.train, data.split.valid, data.split.test, strict=True)
    ]
    lengths = torch.tensor([h.size for h in histories], dtype=torch.long)
    flat = torch.from_numpy(np.concatenate(histories)) if histories else torch.zeros(0, dtype=torch.long)
    torch.save({k: v.cpu() for k, v in model.state_dict().items()}, folder / "model.pt")
    torch.save(
        {
            "item_tags": data.item_tags,
            "history": flat,
            "history_lengths": lengths,
            **{f"hop1_{k}": v for k, v in _sparse_parts(data.hop1).items()},
            **{f"hop2_{k}": v for k, v in _sparse_parts(data.hop2).items()},
        },
        folder / "data.pt",
    )
    (folder / "users.txt").write_text(_lines(data.user_ids))
    (folder / "items.txt").write_text(_lines(data.item_ids))
    (folder / "tags.txt").write_text(_lines(data.tag_keys))
    manifest = {
        "format": FORMAT,
        "model": spec.name,
        "run": run,
        "tag_kind": data.tag_kind,
        "config": model.cfg.to_dict(),
        **extra,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    link = root / "current"
    tmp = root / f".current-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(run)
    os.replace(tmp, link)  # atomic: readers see the old or the new run, never none
    return folder


def load(folder: Path) -> Artifact:
    """Reads a run folder written by `save`; ModelNotTrained when files are missing or malformed."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
        state = torch.load(folder / "model.pt", weights_only=True, map_location="cpu")
        tensors = torch.load(folder / "data.pt", weights_only=True, map_location="cpu")
        ids = {n: (folder / f"{n}.txt").read_text().splitlines() for n in ("users", "items", "tags")}
    except (OSError, ValueError, RuntimeError) as e:
        raise ModelNotTrained(f"{folder} does not hold a complete trained recommender ({e})") from e
    known = {f.name for f in fields(ModelConfig)}
    cfg = ModelConfig(**{k: v for k, v in manifest["config"].items() if k in known})
    lengths = tensors["history_lengths"].tolist()
    histories = [h.numpy() for h in torch.split(tensors["history"], lengths)] if lengths else []
    n_users = len(ids["users"])
    data = RecData(
        user_ids=ids["users"],
        item_ids=ids["items"],
        tag_keys=ids["tags"],
        tag_kind=manifest["tag_kind"],
        split=Split(histories, np.full(n_users, -1), np.full(n_users, -1)),  # serving: all history is input
        item_tags=tensors["item_tags"],
        hop1=_sparse({k: tensors[f"hop1_{k}"] for k in ("index", "values", "size")}),
        hop2=_sparse({k: tensors[f"hop2_{k}"] for k in ("index", "values", "size")}),
    )
    spec = parse_model(manifest["model"])
    model = build_model(spec, data, cfg)
    model.prepare(data)
    model.load_state_dict(state)
    model.eval()
    return Artifact(
        folder, spec, manifest["run"], model, data, float(manifest.get("beta0", 0.0)), float(manifest.get("beta1", 0.0))
    )
