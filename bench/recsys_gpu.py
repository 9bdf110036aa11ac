"""The recommenders on a CUDA GPU beside the same machine's CPU: test metrics and time per training.

    python bench/recsys_gpu.py [--export data/recsys/export] [--seeds 5] [--cpu-seeds 1] [--budget-s 400]
    python bench/recsys_gpu.py --devices cpu --set epochs=2 --out /tmp/x   # checks the script without a GPU

Needs a CUDA GPU (it stops at once, saying so, where torch sees none; ``--devices cpu`` runs the CPU side
alone, to check the script). Reads an export folder (`rolegraph train` / `evaluate` write one) with
`recsys.export.load_export`, so the machine needs no graph database, and trains each model of ``--models``
with `recsys.evaluate.evaluate_seed`, the code `rolegraph evaluate` runs. CUDA seed 0 runs first, alone;
then a second process trains the CPU's seeds (``--cpu-seeds``, on ``--cpu-threads`` torch threads, default
all cores but two) while this one trains CUDA seeds 1… (``--seeds``) beside it. Each (device, seed) picks
TagCF's β on its own validation (β per seed). ``--budget-s`` bounds the whole run: a training that cannot
end in time is not started, and one running when the budget ends is stopped after its epoch (recorded with
its epochs and seconds per epoch, without metrics); one that fails is recorded with its error. The report is
rewritten after every CUDA seed, so a run killed from outside keeps what it finished. Writes
bench/results/recsys_gpu.json and .md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from reporting import RESULTS, stamp, write

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.evaluate import Evaluation, evaluate_seed, finalize
from rolegraph.recsys.export import load_export
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.models.registry import ModelSpec, parse_model
from rolegraph.recsys.train import EpochHook, set_threads

NAME = "recsys_gpu"
MODELS = "bpr,lightgcn,sasrec,tagcf-ut-util,tagcf-ut-expl"  # cheapest first: a cut CPU phase keeps the most
SHOWN = ("ndcg@10", "coverage@10")


class OutOfTime(Exception):
    """The run's budget ended during a training."""


@dataclass
class Budget:
    """Seconds left to the whole run, and each training's epoch times (to stop one that runs out)."""

    limit_s: float | None
    started: float = field(default_factory=time.perf_counter)
    epochs: list[float] = field(default_factory=list)  # perf_counter at each finished epoch of this training

    def left(self) -> float:
        return float("inf") if self.limit_s is None else self.limit_s - (time.perf_counter() - self.started)

    def hook(self, _key: str, _seed: int) -> EpochHook:
        self.epochs = [time.perf_counter()]

        def on_epoch(_epoch: int, _loss: float, _valid: float) -> None:
            self.epochs.append(time.perf_counter())
            if self.left() <= 0:
                raise OutOfTime

        return on_epoch


def trainings(specs: list[ModelSpec]) -> dict[str, list[ModelSpec]]:
    """train_key → the specs that share that training, in the order of ``specs``."""
    out: dict[str, list[ModelSpec]] = {}
    for spec in specs:
        out.setdefault(spec.train_key, []).append(spec)
    return out


def run_one(
    g: GraphData, group: list[ModelSpec], seed: int, cfg: ModelConfig, device: str, budget: Budget, ev: Evaluation
) -> dict[str, Any]:
    """One training (and its test ranking) into ``ev``; what it took, or how far it got before the budget."""
    started = time.perf_counter()
    try:
        evaluate_seed(g, group, seed, cfg, ev, device, budget.hook)
    except Exception as e:  # a failing training is recorded, and the others still run
        if not isinstance(e, OutOfTime):
            traceback.print_exc()
            return {"stopped": f"error: {e!r}"}
        times = np.diff(budget.epochs)
        times = times[1:] if times.size > 1 else times  # the first also holds the model's set-up
        return {
            "stopped": "budget",
            "epochs": len(budget.epochs) - 1,
            "s_per_epoch": float(times.mean()) if times.size else None,
        }
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return {"stopped": None, "wall_s": time.perf_counter() - started, **ev.timings[group[0].train_key][-1]}


def run_seed(
    g: GraphData,
    specs: list[ModelSpec],
    seed: int,
    cfg: ModelConfig,
    device: str,
    budget: Budget,
    runs: list[dict[str, Any]],
) -> None:
    """Every training of one (device, seed) that fits the budget; appends a row per training to ``runs``."""
    ev = Evaluation(seeds=[seed])
    mine: list[dict[str, Any]] = []
    for key, group in trainings(specs).items():
        base: dict[str, Any] = {"device": device, "seed": seed, "training": key, "models": [s.name for s in group]}
        earlier = [r["wall_s"] for r in runs if r["device"] == device and r["training"] == key and r.get("wall_s")]
        if earlier and earlier[-1] > budget.left():
            mine.append(base | {"stopped": "not started: the budget left is shorter than its last run"})
            print(f"{device} seed {seed} {key}: skipped (budget)", flush=True)
            continue
        row = base | run_one(g, group, seed, cfg, device, budget, ev)
        mine.append(row)
        print(f"{device} seed {seed} {key}: {_said(row)}", flush=True)
        if row["stopped"] == "budget":
            break
    finalize(ev)
    for row in mine:
        done = row["stopped"] is None
        row["metrics"] = {m: {k: float(v[0]) for k, v in ev.metrics[m].items()} for m in row["models"]} if done else {}
        row["betas"] = [{k: b[k] for k in ("model", "beta0", "beta1")} for b in ev.betas if b["model"] in row["models"]]
    runs.extend(mine)


def _said(row: dict[str, Any]) -> str:
    if row["stopped"] == "budget":
        per = "" if row["s_per_epoch"] is None else f", {row['s_per_epoch']:.2f} s/epoch"
        return f"stopped by the budget after {row['epochs']} epochs{per}"
    if row["stopped"]:
        return row["stopped"]
    return f"{row['wall_s']:.1f} s, {row['epochs']} epochs (best {row['best_epoch']})"


def summary(runs: list[dict[str, Any]], specs: list[ModelSpec]) -> dict[str, Any]:
    """Per model: seed 0 on each device side by side (metrics, seconds, seconds per epoch with validation,
    the CPU's time over CUDA's; a training the budget stopped gives its epochs and seconds per epoch only),
    and the CUDA seeds' mean and sample std."""
    out: dict[str, Any] = {}
    for spec in specs:
        done = [r for r in runs if spec.name in r.get("metrics", {})]
        entry: dict[str, Any] = {"seed0": {}}
        for r in runs:
            if r["seed"] != 0 or spec.name not in r["models"] or r["stopped"] not in (None, "budget"):
                continue
            side = {"epochs": r["epochs"], "s_per_epoch": r.get("s_per_epoch"), "stopped": r["stopped"]}
            if r["stopped"] is None:
                side |= {m: r["metrics"][spec.name][m] for m in SHOWN} | {
                    "wall_s": r["wall_s"],
                    "best_epoch": r["best_epoch"],
                    "s_per_epoch": r["train_s_per_epoch"] + r["valid_s_per_epoch"],
                }
            entry["seed0"][r["device"]] = side
        cu, cp = entry["seed0"].get("cuda"), entry["seed0"].get("cpu")
        if cu and cp and cu["stopped"] is None:
            if cp["stopped"] is None:
                entry["cpu_over_cuda_time"] = cp["wall_s"] / cu["wall_s"]
            if cp["s_per_epoch"]:
                entry["cpu_over_cuda_epoch"] = cp["s_per_epoch"] / cu["s_per_epoch"]
        cuda = [r for r in done if r["device"] == "cuda"]
        if cuda:
            entry["cuda_seeds"] = {
                m: _stat([r["metrics"][spec.name][m] for r in cuda], [r["seed"] for r in cuda]) for m in SHOWN
            }
        out[spec.name] = entry
    return out


def _stat(values: list[float], seeds: list[int]) -> dict[str, Any]:
    std = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    return {"mean": float(np.mean(values)), "std": std, "values": values, "seeds": seeds}


def markdown(report: dict[str, Any]) -> str:
    c, s = report["config"], report["summary"]
    lines = [
        "# The recommenders on a GPU beside the CPU",
        "",
        f"- export: `{c['export']}` ({c['counts']['users']} users, {c['counts']['items']} items, "
        f"{c['counts']['interactions']:,} interactions, {c['counts']['user_tags']} user tags; runs "
        f"{', '.join(c['runs']) or 'none'})",
        f"- GPU: {c['gpu'] or 'none'}; torch {c['torch']} (CUDA {c['cuda']}); CPU side on {c['cpu_threads']} torch "
        f"thread(s), CUDA side on {c['cuda_threads']}",
        f"- settings: `{json.dumps(c['settings'])}`; β per (device, seed) from its own validation; budget "
        f"{c['budget_s'] or 'none'} s",
        "- CUDA seed 0 ran alone; the CPU side ran in a second process, beside CUDA seeds 1… (one Python thread "
        "driving the GPU)",
        "",
        "## Seed 0, CUDA beside CPU",
        "",
        "Seconds: training and test ranking of one model (TagCF-ut util and its β sweep share one training); "
        "s/epoch: training and validation. A CPU training the budget stopped shows its epochs and s/epoch only.",
        "",
        "| model | NDCG@10 CUDA | NDCG@10 CPU | coverage@10 CUDA | coverage@10 CPU | s CUDA | s CPU | CPU / CUDA time "
        "| s/epoch CUDA | s/epoch CPU | CPU / CUDA per epoch | epochs (best) CUDA | epochs (best) CPU |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for model, e in s.items():
        cu, cp = e["seed0"].get("cuda"), e["seed0"].get("cpu")
        cells = [
            _f(cu, "ndcg@10"), _f(cp, "ndcg@10"), _f(cu, "coverage@10"), _f(cp, "coverage@10"),
            _f(cu, "wall_s", 1), _f(cp, "wall_s", 1), _times(e.get("cpu_over_cuda_time")),
            _f(cu, "s_per_epoch", 3), _f(cp, "s_per_epoch", 3), _times(e.get("cpu_over_cuda_epoch")),
            _epochs(cu), _epochs(cp),
        ]  # fmt: skip
        lines.append(f"| {model} | " + " | ".join(cells) + " |")
    lines += ["", "## CUDA over seeds", "", "| model | seeds | NDCG@10 | coverage@10 |", "|---|---|---|---|"]
    for model, e in s.items():
        if "cuda_seeds" in e:
            n, cov = e["cuda_seeds"]["ndcg@10"], e["cuda_seeds"]["coverage@10"]
            seeds = ", ".join(map(str, n["seeds"]))
            lines.append(
                f"| {model} | {seeds} | {n['mean']:.4f} ± {n['std']:.4f} | {cov['mean']:.4f} ± {cov['std']:.4f} |"
            )
    cut = [r for r in report["runs"] if r["stopped"]]
    if cut:
        lines += ["", "## Not finished within the budget", ""]
        lines += [f"- {r['device']} seed {r['seed']} {r['training']}: {_said(r)}" for r in cut]
    return "\n".join(lines) + "\n"


def _f(side: dict[str, Any] | None, key: str, digits: int = 4) -> str:
    return "–" if side is None or side.get(key) is None else f"{side[key]:.{digits}f}"


def _times(ratio: float | None) -> str:
    return "–" if ratio is None else f"{ratio:.1f}×"


def _epochs(side: dict[str, Any] | None) -> str:
    if side is None:
        return "–"
    return f"{side['epochs']} (stopped)" if side["stopped"] else f"{side['epochs']} ({side['best_epoch']})"


def cpu_side(
    g: GraphData, specs: list[ModelSpec], seeds: list[int], cfg: ModelConfig, threads: int, left_s: float, rows: Path
) -> list[dict[str, Any]]:
    """The CPU's seeds in this (second) process within ``left_s`` seconds; its rows also go to ``rows`` as
    JSON after every seed, for the reports written meanwhile."""
    set_threads(threads)
    budget, runs = Budget(left_s), list[dict[str, Any]]()
    for seed in seeds:
        if budget.left() <= 0:
            break
        run_seed(g, specs, seed, cfg, "cpu", budget, runs)
        rows.write_text(json.dumps(runs))
    return runs


def _rows(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(path.read_text()) if path.exists() else []
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--export", type=Path, default=Path("data/recsys/export"))
    parser.add_argument("--models", default=MODELS)
    parser.add_argument("--devices", default="cuda,cpu", help="cuda and/or cpu (cpu alone: a check of the script)")
    parser.add_argument("--seeds", type=int, default=5, help="CUDA seeds 0…N-1, as the budget allows")
    parser.add_argument("--cpu-seeds", type=int, default=1)
    parser.add_argument("--cpu-threads", type=int, default=max(1, (os.cpu_count() or 1) - 2))
    parser.add_argument("--cuda-threads", type=int, default=1, help="torch threads while the CUDA side runs")
    parser.add_argument("--budget-s", type=float, default=None, help="seconds for every training together")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a model setting")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    devices = [d.strip() for d in args.devices.split(",") if d.strip()]
    if not set(devices) <= {"cuda", "cpu"} or not devices:
        parser.error("--devices takes cuda and/or cpu")
    if "cuda" in devices and not torch.cuda.is_available():
        parser.error("this benchmark needs a CUDA GPU and torch sees none (--devices cpu checks the script alone)")
    budget = Budget(args.budget_s)
    specs = [parse_model(n) for n in args.models.split(",") if n.strip()]
    cfg = ModelConfig().with_text_overrides(args.set)
    g = load_export(args.export)
    if "cuda" in devices:  # the context and the libraries load here, not inside the first training's time
        torch.ones(64, 64, device="cuda").matmul(torch.ones(64, 64, device="cuda")).sum().item()
    cuda_seeds = list(range(args.seeds)) if "cuda" in devices else []
    cpu_seeds = list(range(args.cpu_seeds)) if "cpu" in devices else []
    head = stamp(NAME, seeds=sorted(set(cuda_seeds) | set(cpu_seeds)))
    config = {
        "export": str(args.export),
        "counts": {k: g.present[m] for k, m in (("users", "user"), ("items", "item"), ("user_tags", "user_tag"))}
        | {"interactions": int(g.inter_user.size)},
        "runs": g.runs,
        "models": [s.name for s in specs],
        "devices": devices,
        "seeds": args.seeds,
        "cpu_seeds": args.cpu_seeds,
        "cpu_threads": args.cpu_threads,
        "cuda_threads": args.cuda_threads,
        "budget_s": args.budget_s,
        "settings": cfg.to_dict(),
        "gpu": torch.cuda.get_device_name(0) if "cuda" in devices else None,
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
    }
    runs: list[dict[str, Any]] = []
    set_threads(args.cuda_threads)

    def save(cpu_runs: list[dict[str, Any]]) -> dict[str, Any]:
        rows = sorted(runs + cpu_runs, key=lambda r: (r["device"], r["seed"]))
        report = head | {"config": config, "summary": summary(rows, specs), "runs": rows}
        report["provenance"] = dict(head["provenance"])  # write() fills wall time and load anew each time
        with contextlib.redirect_stdout(io.StringIO()):
            write(args.out, report, markdown(report))
        return report

    if cuda_seeds:
        run_seed(g, specs, 0, cfg, "cuda", budget, runs)
        save([])
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor(1, multiprocessing.get_context("spawn")) as pool:
        rows = Path(tmp) / "cpu.json"
        cpu = pool.submit(cpu_side, g, specs, cpu_seeds, cfg, args.cpu_threads, budget.left(), rows)
        for seed in cuda_seeds[1:]:
            if budget.left() <= 0:
                break
            run_seed(g, specs, seed, cfg, "cuda", budget, runs)
            save(_rows(rows))
        report = save(cpu.result())
    print(markdown(report), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
