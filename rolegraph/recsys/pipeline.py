"""Training for serving: read the graph, train with early stopping, choose β, export, store the model, write roles
back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rolegraph.errors import InvalidInput
from rolegraph.graph.model import RunRecord, Source, Weights
from rolegraph.graph.store import GraphStore
from rolegraph.recsys.artifact import save
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import build
from rolegraph.recsys.evaluate import choose_betas
from rolegraph.recsys.export import previous_maps, read_graph
from rolegraph.recsys.export.files import write_export
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.models.registry import ModelSpec, build_model
from rolegraph.recsys.models.tagcf import TagCF
from rolegraph.recsys.ranking import collect_parts, rank_metrics
from rolegraph.recsys.train import EpochHook, fit, pick_device, seed_everything
from rolegraph.recsys.writeback import write_roles


def train_model(
    g: GraphData, spec: ModelSpec, cfg: ModelConfig, seed: int, device: str = "auto", hook: EpochHook | None = None
) -> tuple[Any, Any, dict[str, Any]]:
    """(model, data, facts) — trained with early stopping; TagCF's β chosen on validation."""
    data = build(g, spec.tag_kind, cfg.max_tags)
    generator = seed_everything(seed)  # before the model's initialization, so ``seed`` fixes it too
    model = build_model(spec, data, cfg)
    dev = pick_device(device)
    fitted = fit(model, data, generator, dev, hook)
    facts: dict[str, Any] = {"epochs": fitted.epochs, "best_epoch": fitted.best_epoch, "seed": seed}
    if isinstance(model, TagCF):
        mode = spec.mode if spec.use_tli else "none"
        mixed = model.cfg.tag_score == "mixture"
        beta0, beta1 = choose_betas(mode, collect_parts(model, data, "valid", dev), data.n_items, mixed)
        facts |= {"beta0": beta0, "beta1": beta1}
        model.cfg = model.cfg.with_overrides(beta0=beta0, beta1=beta1)
    test = rank_metrics(collect_parts(model, data, "test", dev), data.n_items, model.cfg.beta0, model.cfg.beta1)
    facts["test"] = test
    model.to("cpu")
    return model, data, facts


def run_training(
    store: GraphStore,
    root: Path,
    spec: ModelSpec,
    cfg: ModelConfig,
    seed: int,
    *,
    write_back: bool = True,
    device: str = "auto",
    source: Source = Source.DISTILLED,
    weights: Weights = Weights.CALIBRATED,
    hook: EpochHook | None = None,
) -> dict[str, Any]:
    """Reads the graph view (logic weighed by ``weights``), trains, then writes the export to ``root/export``,
    saves the model under ``root/<run>`` (``current`` → it) and writes roles.

    InvalidInput, before anything is written, when the view holds no interactions to train on, or none the
    model learns from (`train.check_trainable`: for TagCF and SASRec, no user with two training interactions).
    Nothing is written either when training fails: the export folder, the served model and the roles stay
    those of the last run that succeeded.
    """
    started = datetime.now(UTC)
    run = f"train-{started.strftime('%Y%m%dT%H%M%S%fZ')}-{spec.name}"
    out = root / "export"
    g = read_graph(store, source, previous_maps(out), weights)  # id maps continue the last export's
    if not g.inter_user.size:
        raise InvalidInput("the graph has no users with interactions to train on (load interactions first)")
    model, data, facts = train_model(g, spec, cfg, seed, device, hook)
    meta = write_export(g, out)
    folder = save(root, run, spec, model, data, facts | {"export": meta["counts"], "export_runs": meta["runs"]})
    written: dict[str, int] = {}
    if write_back and isinstance(model, TagCF) and data.tag_kind == "user":
        written = write_roles(store, model, data, run)
    finished = datetime.now(UTC)
    store.upsert_run(
        RunRecord(
            run,
            "train",
            started.date().isoformat(),
            spec.name,
            "",
            "done",
            started.isoformat(timespec="seconds"),
            finished.isoformat(timespec="seconds"),
            {"epochs": facts["epochs"], "ndcg10_test": facts["test"]["ndcg@10"], **written},
        )
    )
    return {"run": run, "folder": str(folder), **facts, **written}
