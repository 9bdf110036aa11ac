"""`rolegraph evaluate`: every model on the same leave-one-out split, several seeds, paired tests.

Per seed, each distinct training (`ModelSpec.train_key`) runs once with early stopping on validation
NDCG@10; TagCF variants that differ only in inference share it (TagCF-expl trains its own). TagCF's β are
chosen on validation, by default once per run from every seed's validation together (`beta_choice`):
for util β0 from `BETA0_GRID` (`MIX_BETA0_GRID` where the tag mixture is the T(0) term, ``-mix``) (β1 = 0)
by NDCG@10; for expl β0 likewise and then β1 > 0 from
`BETA1_GRID`: the one with the highest validation coverage@10 among those whose NDCG@10 stays within
`EXPL_TOLERANCE` of β1 = 0 (the smallest β1 when none does). So every seed records the validation and
test metrics of each grid point (`Sweep`), and `finalize` picks after the last seed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, TagKindName, build
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.metrics import NAMES, all_metrics
from rolegraph.recsys.models.base import Recommender
from rolegraph.recsys.models.mixture import TagMixture, WithMixture, prepared_mixture
from rolegraph.recsys.models.registry import ModelSpec, build_model
from rolegraph.recsys.models.tagprofile import TagProfile
from rolegraph.recsys.ranking import Parts, PartsModel, collect_parts, rank_top, spread
from rolegraph.recsys.stats import paired_users
from rolegraph.recsys.train import EpochHook, fit, pick_device, seed_everything

BETA0_GRID = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
#: β0 of the tag mixture's log P(i | u) (``-mix``): its spread over a user's candidates is of the raw score's
#: order, not a thousandth of it like Eq. 9's term, so the useful weights are the small ones
MIX_BETA0_GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 4.0, 8.0)
#: β1 of expl's T(1) term. Eq. 9's Σ w_t P(t|i) over a user's candidates spreads over a few thousandths of the
#: raw score's spread (MovieLens: β1 = 16 weighed 0.005 of it), so the grid runs in doublings far enough up for
#: the term to reach the raw score's order (up to 4096) — below that, expl could not move a list whatever it chose
BETA1_GRID = tuple(2.0**k for k in range(-1, 13))
EXPL_TOLERANCE = 0.98
PAIRED_BASELINES = ("sasrec", "tag-profile")

#: (training key, seed) → the epoch hook of that training, for progress display
HookFactory = Callable[[str, int], EpochHook | None]
#: (training key, seed, the trained model with its best epoch's weights, its data): a bench's look inside
TrainedHook = Callable[[str, int, Recommender, RecData], None]


@dataclass
class Sweep:
    """One TagCF spec and seed: validation and test metrics (and test ranks) at every (β0, β1) of its grid."""

    mode: str  # util, expl or none (no tag-logic inference)
    choice: str  # run or seed
    grid: list[tuple[float, float]]
    valid: list[dict[str, float]]
    test: list[dict[str, float]]
    test_ranks: list[np.ndarray]
    spread: dict[str, float] = field(default_factory=dict)  # `ranking.spread` of the test parts


@dataclass
class Evaluation:
    """Test metrics and per-user test ranks per model name and seed, plus timings and choices."""

    seeds: list[int]
    metrics: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    ranks: dict[str, list[np.ndarray]] = field(default_factory=dict)  # per seed, aligned with eval_users()
    timings: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # train_key → per seed
    betas: list[dict[str, Any]] = field(default_factory=list)  # per (seed, TagCF spec): chosen β and sweeps
    sweeps: dict[str, list[Sweep]] = field(default_factory=dict)  # TagCF spec → per seed, until `finalize`
    choices: list[dict[str, Any]] = field(default_factory=list)  # per (seed, model): settings picked on validation

    def add(self, name: str, values: dict[str, float], ranks: np.ndarray) -> None:
        for metric, value in values.items():
            self.metrics.setdefault(name, {}).setdefault(metric, []).append(value)
        self.ranks.setdefault(name, []).append(ranks)


def grid_of(mode: str, mixed: bool = False) -> list[tuple[float, float]]:
    """The (β0, β1) points a TagCF spec (or a ``-mix`` spec: ``mixed``) is scored at."""
    if mode == "none":
        return [(0.0, 0.0)]
    ones = [0.0, *BETA1_GRID] if mode == "expl" else [0.0]
    return [(b0, b1) for b0 in (MIX_BETA0_GRID if mixed else BETA0_GRID) for b1 in ones]


def sweep_parts(spec: ModelSpec, cfg: ModelConfig, valid: Parts, test: Parts, n_items: int) -> Sweep:
    """Scores ``valid`` and ``test`` at every point of the spec's grid."""
    mode = spec.mode if spec.use_tli else "none"
    grid = grid_of(mode, cfg.tag_score == "mixture")
    rows_valid, rows_test, ranks = [], [], []
    for b0, b1 in grid:
        rows_valid.append(all_metrics(*rank_top(valid, n_items, b0, b1), n_items))
        r, top = rank_top(test, n_items, b0, b1)
        rows_test.append(all_metrics(r, top, n_items))
        ranks.append(r.astype(np.int32))
    return Sweep(mode, cfg.beta_choice, grid, rows_valid, rows_test, ranks, spread(test))


def choose_point(grid: list[tuple[float, float]], valid: list[list[dict[str, float]]], mode: str) -> int:
    """The chosen grid index from the validation rows of one or more seeds (``valid[seed][point]``).

    util: the highest mean NDCG@10 at β1 = 0. expl: that β0, then the β1 > 0 with the highest mean
    coverage@10 among those within `EXPL_TOLERANCE` of its NDCG@10 at β1 = 0 (else the smallest β1 > 0).
    """
    mean = {m: np.mean([[row[m] for row in seed] for seed in valid], axis=0) for m in ("ndcg@10", "coverage@10")}
    flat = [k for k, (_, b1) in enumerate(grid) if b1 == 0.0]
    best = max(flat, key=lambda k: (mean["ndcg@10"][k], -grid[k][0]))
    if mode != "expl":
        return best
    beta0 = grid[best][0]
    raised = [k for k, (b0, b1) in enumerate(grid) if b0 == beta0 and b1 > 0]
    near = [k for k in raised if mean["ndcg@10"][k] >= EXPL_TOLERANCE * mean["ndcg@10"][best]]
    if not near:
        return min(raised, key=lambda k: grid[k][1])
    return max(near, key=lambda k: (mean["coverage@10"][k], -grid[k][1]))


def choose_betas(mode: str, valid: Parts, n_items: int, mixed: bool = False) -> tuple[float, float]:
    """(β0, β1) for one trained model from its own validation (``mode``: util, expl or none; ``mixed``: the
    tag mixture is its T(0) term)."""
    grid = grid_of(mode, mixed)
    rows = [all_metrics(*rank_top(valid, n_items, b0, b1), n_items) for b0, b1 in grid]
    return grid[choose_point(grid, [rows], mode)]


def finalize(ev: Evaluation) -> None:
    """Picks each TagCF spec's β (once for the run or per seed, as its sweep says) and adds its metrics."""
    for name, sweeps in ev.sweeps.items():
        picks = (
            [choose_point(s.grid, [s.valid], s.mode) for s in sweeps]
            if sweeps[0].choice == "seed"
            else [choose_point(sweeps[0].grid, [s.valid for s in sweeps], sweeps[0].mode)] * len(sweeps)
        )
        for seed, sweep, k in zip(ev.seeds, sweeps, picks, strict=True):
            ev.add(name, sweep.test[k], sweep.test_ranks[k])
            b0, b1 = sweep.grid[k]
            ev.betas.append(
                {
                    "seed": seed,
                    "model": name,
                    "beta0": b0,
                    "beta1": b1,
                    "choice": sweep.choice,
                    "tag_weight": tag_weight(sweep.spread, b0, b1),
                    "sweep": [{"beta0": x, "beta1": y, **v} for (x, y), v in zip(sweep.grid, sweep.valid, strict=True)],
                }
            )
    ev.sweeps.clear()


def tag_weight(parts_spread: dict[str, float], beta0: float, beta1: float) -> dict[str, float | None]:
    """How much the tag terms can move a ranking at (β0, β1): β·spread(tag part) / spread(raw), per term
    (None without a raw spread). Near 0 means the term is inert, whatever its β."""
    raw = parts_spread.get("raw", 0.0)
    if raw <= 0:
        return {"tag0": None, "tag1": None}
    return {"tag0": beta0 * parts_spread.get("tag0", 0.0) / raw, "tag1": beta1 * parts_spread.get("tag1", 0.0) / raw}


def train_keys(specs: Sequence[ModelSpec]) -> list[str]:
    """The distinct trainings of ``specs`` in the order `evaluate_seed` runs them."""
    return list(dict.fromkeys(spec.train_key for spec in specs))


def evaluate_seed(
    g: GraphData,
    specs: Sequence[ModelSpec],
    seed: int,
    cfg: ModelConfig,
    out: Evaluation,
    device: str = "auto",
    hooks: HookFactory | None = None,
    on_trained: TrainedHook | None = None,
) -> None:
    """Trains and tests every distinct training of ``specs`` with one seed; adds to ``out`` (TagCF specs
    as sweeps: call `finalize` after the last seed). ``on_trained`` sees each model after its training,
    with the training's settings, before it is tested."""
    dev = pick_device(device)
    datasets: dict[str, RecData] = {}
    mixtures: dict[str, TagMixture] = {}  # per tag kind, for the baselines' -mix
    groups: dict[str, list[ModelSpec]] = {}

    def data_of(kind: TagKindName) -> RecData:
        if kind not in datasets:
            datasets[kind] = build(g, kind, cfg.max_tags)
        return datasets[kind]

    for spec in specs:
        groups.setdefault(spec.train_key, []).append(spec)
    for key, group in groups.items():
        data = data_of(group[0].tag_kind)
        generator = seed_everything(seed)
        cpu = time.process_time()
        model = build_model(group[0], data, cfg)
        fitted = fit(model, data, generator, dev, hooks(key, seed) if hooks else None)
        if on_trained is not None:
            on_trained(key, seed, model, data)
        started = time.perf_counter()
        trained = model.cfg
        for spec in group:
            if spec.swept:
                model.cfg = spec.config(cfg)
                scorer: PartsModel = model
                if spec.kind != "tagcf":  # a baseline with the tag mixture of its spec's tags as T(0)
                    if spec.tag_kind not in mixtures:
                        mixtures[spec.tag_kind] = prepared_mixture(data_of(spec.tag_kind), cfg)
                    scorer = WithMixture(model, mixtures[spec.tag_kind])
                valid, test = collect_parts(scorer, data, "valid", dev), collect_parts(scorer, data, "test", dev)
                out.sweeps.setdefault(spec.name, []).append(sweep_parts(spec, model.cfg, valid, test, data.n_items))
            else:
                ranks, top = rank_top(collect_parts(model, data, "test", dev), data.n_items)
                out.add(spec.name, all_metrics(ranks, top, data.n_items), ranks.astype(np.int32))
        model.cfg = trained
        if isinstance(model, TagProfile | TagMixture):
            out.choices.append({"seed": seed, "model": key, **model.choices()})
        out.timings.setdefault(key, []).append(
            {
                "epochs": fitted.epochs,
                "best_epoch": fitted.best_epoch,
                "train_s_per_epoch": float(np.mean(fitted.epoch_seconds)) if fitted.epochs else 0.0,
                "valid_s_per_epoch": float(np.mean(fitted.valid_seconds)) if fitted.epochs else 0.0,
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
        finalize(ev)
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


def summarize(ev: Evaluation, paired: Sequence[str] = PAIRED_BASELINES) -> dict[str, Any]:
    """The ``--json`` layout: model → metric → {mean, std, values}, model → p_vs_sasrec → metric → p, and
    model → paired → baseline → the per-user NDCG@10 comparison of `recsys.stats.paired_users`.

    std is the sample standard deviation over seeds (ddof = 1; 0 with one seed). p_vs_sasrec is null for
    SASRec itself, when SASRec was not evaluated, or with fewer than two seeds. ``paired`` holds the
    models of ``paired`` (by default `PAIRED_BASELINES`) that were evaluated, never the model itself.
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
        entry["paired"] = {b: paired_users(ev.ranks[name], ev.ranks[b]) for b in paired if b in ev.ranks and b != name}
        out[name] = entry
    return out
