"""`rolegraph train`: export, train with early stopping, choose β, store the model, write roles back."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.model import RunRecord
from graph.store import GraphStore
from recsys.artifact import save
from recsys.config import ModelConfig
from recsys.dataset import build
from recsys.evaluate import choose_betas
from recsys.export import export
from recsys.export.read import GraphData
from recsys.models.registry import ModelSpec, build_model, parse_model
from recsys.models.tagcf import TagCF
from recsys.ranking import collect_parts, rank_metrics
from recsys.scorer import RecsysSettings
from recsys.train import EpochHook, fit, pick_device, seed_everything
from recsys.writeback import write_roles


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
        chosen = choose_betas(collect_parts(model, data, "valid", dev), data.n_items)
        facts |= {"beta0": chosen["beta0"], "beta1": chosen["beta1"] if spec.mode == "expl" else 0.0}
        if not spec.use_tli:
            facts |= {"beta0": 0.0, "beta1": 0.0}
        model.cfg = model.cfg.with_overrides(beta0=facts["beta0"], beta1=facts["beta1"])
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
    source: Any = None,
    hook: EpochHook | None = None,
) -> dict[str, Any]:
    """Exports the graph view, trains, saves under ``root/<run>`` (``current`` → it) and writes roles."""
    from graph.model import Source

    started = datetime.now(UTC)
    run = f"train-{started.strftime('%Y%m%dT%H%M%S%fZ')}-{spec.name}"
    g, meta = export(store, root / "export", source or Source.DISTILLED)
    model, data, facts = train_model(g, spec, cfg, seed, device, hook)
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


def train_and_store(args: argparse.Namespace) -> int:
    """The `rolegraph train` command."""
    from graph.connect import open_store
    from recsys.cli import GRAPHS, _config, set_threads
    from rolegraph.cli.ui import console, table
    from rolegraph.errors import InvalidInput

    if args.dataset != "movielens":
        raise InvalidInput(
            "rolegraph train reads the configured graph (--dataset movielens); "
            "load a synthetic world with `rolegraph load` + `load-truth` to train on it"
        )
    spec = parse_model(args.model)
    cfg = _config(args)
    set_threads(args.threads)
    status = console.status("training")

    def hook(epoch: int, loss: float, valid: float) -> None:
        status.update(f"{spec.name}: epoch {epoch}, loss {loss:.4f}, validation NDCG@10 {valid:.4f}")

    started = time.monotonic()
    with open_store() as store, status:
        out = run_training(
            store,
            Path(RecsysSettings().recsys_dir),
            spec,
            cfg,
            args.seed,
            write_back=not args.no_write_back,
            device=args.device,
            source=GRAPHS[args.graph],
            hook=hook,
        )
    rows = [
        (k, v if isinstance(v, int | str) else f"{v:.4f}" if isinstance(v, float) else str(v))
        for k, v in out.items()
        if k != "test"
    ] + [(f"test {k}", f"{v:.4f}") for k, v in out["test"].items()]
    table(f"rolegraph train ({time.monotonic() - started:.0f} s)", ("what", "value"), rows)
    if out.get("users") == 0 and not args.no_write_back:
        console.print("[yellow]no roles written: the graph view holds no role tags (run the growth pipeline)[/yellow]")
    return 0
