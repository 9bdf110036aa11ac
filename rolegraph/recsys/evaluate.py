"""`rolegraph evaluate`: every model on the same leave-one-out split, several seeds, paired t-tests.

Per seed, each distinct training (`ModelSpec.train_key`) runs once with early stopping on validation
NDCG@10; TagCF variants that differ only in inference share it. TagCF's β are chosen on validation:
β0 from `BETA0_GRID` (β1 = 0) by NDCG@10 for util; β1 for expl from 0 and `BETA1_GRID`: the one with the
highest validation coverage@10 among those whose NDCG@10 stays within `EXPL_TOLERANCE` of util's
(diversity at a bounded accuracy cost; β1 = 0 when the T(1) term never widens coverage).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, build
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.metrics import NAMES
from rolegraph.recsys.models.registry import ModelSpec, build_model
from rolegraph.recsys.ranking import Parts, collect_parts, rank_metrics
from rolegraph.recsys.train import EpochHook, fit, pick_device, seed_everything

BETA0_GRID = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
BETA1_GRID = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
EXPL_TOLERANCE = 0.98

#: (training key, seed) → the epoch hook of that training, for progress display
HookFactory = Callable[[str, int], EpochHook | None]


@dataclass
class Evaluation:
    """Test metrics per model name and seed, plus timings and the β choices."""

    seeds: list[int]
    metrics: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    timings: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # train_key → per seed
    betas: list[dict[str, Any]] = field(default_factory=list)  # per (seed, train_key): chosen β and sweeps

    def add(self, name: str, values: dict[str, float]) -> None:
        for metric, value in values.items():
            self.metrics.setdefault(name, {}).setdefault(metric, []).append(value)


def choose_betas(valid: Parts, n_items: int) -> dict[str, Any]:
    """β0 for util and β1 for expl on validation, with every grid point's NDCG@10 / coverage@10 / gini@10."""
    keep = ("ndcg@10", "coverage@10", "gini@10")
    sweep0 = [{"beta0": b, **{k: rank_metrics(valid, n_items, b, 0.0)[k] for k in keep}} for b in BETA0_GRID]
    best = max(sweep0, key=lambda r: r["ndcg@10"])
    beta0 = float(best["beta0"])
    sweep1 = [{"beta1": b, **{k: rank_metrics(valid, n_items, beta0, b)[k] for k in keep}} for b in BETA1_GRID]
    allowed = [{**best, "beta1": 0.0}] + [r for r in sweep1 if r["ndcg@10"] >= EXPL_TOLERANCE * best["ndcg@10"]]
    beta1 = float(max(allowed, key=lambda r: (r["coverage@10"], -r["beta1"]))["beta1"])
    return {"beta0": beta0, "beta1": beta1, "sweep_beta0": sweep0, "sweep_beta1": sweep1}


def train_keys(specs: Sequence[ModelSpec]) -> list[str]:
    """The distinct trainings of ``specs`` in the order `evaluate_seed` runs them."""
    return list(dict.fromkeys(spec.train_key for spec in specs))


def _betas(spec: ModelSpec, chosen: dict[str, Any]) -> tuple[float, float]:
    if spec.kind != "tagcf" or not spec.use_tli:
        return 0.0, 0.0
    return chosen["beta0"], chosen["beta1"] if spec.mode == "expl" else 0.0


def evaluate_seed(
    g: GraphData,
    specs: Sequence[ModelSpec],
    seed: int,
    cfg: ModelConfig,
    out: Evaluation,
    device: str = "auto",
    hooks: HookFactory | None = None,
) -> None:
    """Trains and tests every distinct training of ``specs`` with one seed; adds to ``out``."""
    dev = pick_device(device)
    datasets: dict[str, RecData] = {}
    groups: dict[str, list[ModelSpec]] = {}
    for spec in specs:
        groups.setdefault(spec.train_key, []).append(spec)
    for key, group in groups.items():
        kind = group[0].tag_kind
        data = datasets.get(kind) or datasets.setdefault(kind, build(g, kind, cfg.max_tags))
        generator = seed_everything(seed)
        cpu = time.process_time()
        model = build_model(group[0], data, cfg)
        fitted = fit(model, data, generator, dev, hooks(key, seed) if hooks else None)
        started = time.perf_counter()
        chosen: dict[str, Any] = {}
        if group[0].kind == "tagcf":
            chosen = choose_betas(collect_parts(model, data, "valid", dev), data.n_items)
            out.betas.append({"seed": seed, "model": key, **chosen})
        test = collect_parts(model, data, "test", dev)
        for spec in group:
            out.add(spec.name, rank_metrics(test, data.n_items, *_betas(spec, chosen)))
        out.timings.setdefault(key, []).append(
            {
                "epochs": fitted.epochs,
                "best_epoch": fitted.best_epoch,
                "train_s_per_epoch": float(np.mean(fitted.epoch_seconds)),
                "valid_s_per_epoch": float(np.mean(fitted.valid_seconds)),
                "train_s": float(np.sum(fitted.epoch_seconds) + np.sum(fitted.valid_seconds)),
                "test_eval_s": time.perf_counter() - started,
                "cpu_s": time.process_time() - cpu,
            }
        )


def sweep_lambda(
    g: GraphData, spec: ModelSpec, lambdas: Sequence[float], cfg: ModelConfig, device: str = "auto"
) -> list[dict[str, float]]:
    """Test NDCG@10 / coverage@10 of one TagCF spec (seed 0) for each λ of Eq. 7."""
    rows = []
    for lam in lambdas:
        ev = Evaluation(seeds=[0])
        evaluate_seed(g, [spec], 0, cfg.with_overrides(lam=lam), ev, device)
        rows.append({"lambda": lam, **{m: ev.metrics[spec.name][m][0] for m in ("ndcg@10", "coverage@10")}})
    return rows


def p_value(values: list[float], baseline: list[float]) -> float | None:
    """Two-sided paired t-test p over seeds; None with fewer than 2 pairs or no variance in the differences."""
    if len(values) < 2 or len(values) != len(baseline):
        return None
    diff = np.asarray(values) - np.asarray(baseline)
    if np.allclose(diff, diff[0]):
        return None if diff[0] == 0 else 0.0
    return float(stats.ttest_rel(values, baseline).pvalue)


def summarize(ev: Evaluation) -> dict[str, Any]:
    """The ``--json`` layout: model → metric → {mean, std, values}, and model → p_vs_sasrec → metric → p.

    std is the sample standard deviation over seeds (ddof = 1; 0 with one seed). p_vs_sasrec is null for
    SASRec itself, when SASRec was not evaluated, or with fewer than two seeds.
    """
    out: dict[str, Any] = {}
    base = ev.metrics.get("sasrec")
    for name, by_metric in ev.metrics.items():
        entry: dict[str, Any] = {}
        for metric in NAMES:
            values = [float(v) for v in by_metric[metric]]
            std = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
            entry[metric] = {"mean": float(np.mean(values)), "std": std, "values": values}
        entry["p_vs_sasrec"] = {
            m: (None if base is None or name == "sasrec" else p_value(by_metric[m], base[m])) for m in NAMES
        }
        out[name] = entry
    return out
