"""Saving and loading distilled models as plain data that ``torch.load(path, weights_only=True)`` accepts.

A file holds one dict of tensors, strings and numbers — never a pickled class:
``{"format": "rolegraph.distill", "version": 1, "kind": "tagger" | "logic", "config": {…},
"shape": {…}, "report": {…}, "state_dict": {…}, "sha256": "…"}``. The digest covers the tensors'
names, shapes and bytes (torch does not check the zip's CRCs on load, so flipped bytes inside a weight
would otherwise load silently). Writes go to a temporary file renamed into place, so a crash mid-save
leaves the previous file (or none), never half of one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import torch

from rolegraph.errors import InvalidInput
from rolegraph.reasoning.distill.fit import FitReport
from rolegraph.reasoning.distill.logic import LogicConfig, LogicScorer
from rolegraph.reasoning.distill.tagger import Tagger, TaggerConfig

FORMAT = "rolegraph.distill"
VERSION = 1
_MODELS: dict[str, tuple[type[Tagger] | type[LogicScorer], type[TaggerConfig] | type[LogicConfig]]] = {
    Tagger.KIND: (Tagger, TaggerConfig),
    LogicScorer.KIND: (LogicScorer, LogicConfig),
}


class BadModelFile(InvalidInput):
    """A model file is missing, corrupt, or not a rolegraph distilled model."""


def save(model: Tagger | LogicScorer, path: str | os.PathLike[str]) -> None:
    """Writes ``model`` (weights on CPU, config, shape, training report) to ``path`` atomically."""
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "kind": model.KIND,
        "config": dataclasses.asdict(model.config),
        "shape": model.shape(),
        "report": dataclasses.asdict(model.report),
    }
    state = {k: v.detach().cpu() for k, v in model.module.state_dict().items()}
    payload |= {"state_dict": state, "sha256": _digest(state)}
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: str | os.PathLike[str], device: str | None = None) -> Tagger | LogicScorer:
    """Reads a model written by `save` (with ``weights_only=True``) onto ``device`` (None: CUDA when present).

    Raises BadModelFile (an InvalidInput) when the file is missing, unreadable, or not ours.
    """
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError as e:
        raise BadModelFile(f"no model file at {path}") from e
    except Exception as e:  # torch raises many kinds (UnpicklingError, RuntimeError, EOFError, …) on bad bytes
        raise BadModelFile(f"{path} is not a readable model file: {type(e).__name__}: {e}") from e
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise BadModelFile(f"{path} is not a rolegraph distilled model")
    if payload.get("version") != VERSION:
        raise BadModelFile(f"{path} has format version {payload.get('version')!r}; this code reads {VERSION}")
    if payload.get("kind") not in _MODELS:
        raise BadModelFile(f"{path} holds an unknown model kind {payload.get('kind')!r}")
    if not isinstance(payload.get("state_dict"), dict) or payload.get("sha256") != _digest(payload["state_dict"]):
        raise BadModelFile(f"{path} is corrupt: its weights do not match their checksum")
    model_cls, config_cls = _MODELS[payload["kind"]]
    try:
        config = config_cls(**(payload["config"] | {"device": device}))
        report = FitReport(**payload["report"])
        model: Tagger | LogicScorer = model_cls.build(config, payload["shape"], report)  # type: ignore[arg-type]
        model.module.load_state_dict(_on(payload["state_dict"], model), strict=True)
    except (KeyError, TypeError, ValueError, RuntimeError, InvalidInput) as e:
        raise BadModelFile(f"{path} does not match its declared {payload['kind']} model: {e}") from e
    return model


def _digest(state: dict[str, Any]) -> str:
    """sha256 over every tensor's name, dtype, shape and bytes, in name order."""
    h = hashlib.sha256()
    for name in sorted(state):
        tensor = state[name]
        if not isinstance(tensor, torch.Tensor):
            return ""
        h.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def _on(state: dict[str, torch.Tensor], model: Tagger | LogicScorer) -> dict[str, torch.Tensor]:
    """The saved tensors moved to the model's device."""
    device = next(model.module.parameters()).device
    return {k: v.to(device) for k, v in state.items()}
