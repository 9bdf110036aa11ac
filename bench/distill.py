"""Benchmark of the distilled models: P_θ on 100k items × 1k tags, P_φ on 2k × 2k tags.

    python bench/distill.py [--items 100000] [--tags 1000] [--sources 2000] [--targets 2000] [--threads 1 2]

Each (model, thread count) runs in its own process, so its peak memory (max RSS) is its own. Data is
planted so quality can be checked too: items are noisy copies of 250 cluster centres (unit-length
384-d vectors, like MiniLM's), each cluster owns 8 tags and each item carries 4 of them with p in
[0.5, 1]; tags fall in 50 groups, each source group links to 3 target groups and each source gets 10
sampled edges. Quality is measured on fresh items and on sources held out of training. With more
than one thread the tagger runs one epoch only (the default settings at 2 threads on the shared
machine take far too long; see the report). Writes bench/results/distill.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from reporting import RESULTS, stamp, write

DIM = 384


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def _items(rng: np.random.Generator, centres: np.ndarray, owned: np.ndarray, n: int) -> tuple[np.ndarray, sp.csr_array]:
    cluster = rng.integers(len(centres), size=n)
    x = _unit(centres[cluster] + 0.08 * rng.normal(size=(n, DIM)))
    picks = np.argsort(rng.random((n, owned.shape[1])), axis=1)[:, :4]  # 4 distinct owned tags per item
    cols = np.take_along_axis(owned[cluster], picks, axis=1).ravel()
    rows = np.repeat(np.arange(n), 4)
    y = sp.csr_array((rng.uniform(0.5, 1.0, rows.size).astype(np.float32), (rows, cols)), shape=(n, owned.max() + 1))
    return x, y


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    out = fn()
    return out, round(time.perf_counter() - started, 2)


def tagger_part(args: argparse.Namespace, threads: int) -> dict[str, Any]:
    from rolegraph.reasoning.distill import TaggerConfig, train_tagger

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(250, DIM)) / np.sqrt(DIM)
    owned = np.stack([rng.choice(args.tags, 8, replace=False) for _ in range(250)])
    x, y = _items(rng, centres, owned, args.items)
    x_test, y_test = _items(rng, centres, owned, 10_000)
    data_rss = _rss_mb()
    cfg = TaggerConfig() if threads == 1 else TaggerConfig(epochs=1)
    model, train_s = _timed(lambda: train_tagger(x, y, cfg))
    p, predict_s = _timed(lambda: model.predict(x))
    _, top_s = _timed(lambda: model.top_tags(x, k=10, min_p=0.5))
    truth = y_test.toarray() > 0
    best = np.argsort(-model.predict(x_test), axis=1)[:, :4]
    freq_best = np.argsort(-np.asarray(y.mean(axis=0)).ravel())[:4]
    return {
        "model": "tagger",
        "threads": threads,
        "shape": f"{args.items:,} items × {args.tags:,} tags, d={DIM}",
        "config": {k: v for k, v in vars(cfg).items() if k != "device"},
        "epochs": model.report.epochs,
        "best_epoch": model.report.best_epoch,
        "train_s": train_s,
        "s_per_epoch": round(train_s / model.report.epochs, 2),
        "predict_s": predict_s,
        "top_tags_s": top_s,
        "precision_at_4": round(float(np.take_along_axis(truth, best, axis=1).mean()), 3),
        "frequency_precision_at_4": round(float(truth[:, freq_best].mean()), 3),
        "data_rss_mb": round(data_rss),
        "peak_rss_mb": round(_rss_mb()),
        "predicted_mean_p": round(float(p.mean()), 4),
    }


def logic_part(args: argparse.Namespace, threads: int) -> dict[str, Any]:
    from rolegraph.reasoning.distill import LogicConfig, top_b, train_logic

    rng = np.random.default_rng(1)
    groups = 50
    src_centres, dst_centres = rng.normal(size=(groups, DIM)), rng.normal(size=(groups, DIM))
    sg, dg = rng.integers(groups, size=args.sources), rng.integers(groups, size=args.targets)
    src = _unit(src_centres[sg] + 0.7 * rng.normal(size=(args.sources, DIM)))
    dst = _unit(dst_centres[dg] + 0.7 * rng.normal(size=(args.targets, DIM)))
    links = np.zeros((groups, groups), dtype=bool)
    for g in range(groups):
        links[g, rng.choice(groups, 3, replace=False)] = True
    truth = links[sg][:, dg]
    held = np.arange(args.sources) >= int(0.9 * args.sources)
    s_idx = np.repeat(np.flatnonzero(~held), 10)
    d_idx = np.concatenate([rng.choice(np.flatnonzero(truth[s]), 10, replace=False) for s in np.flatnonzero(~held)])
    edges = (s_idx, d_idx, rng.uniform(0.5, 1.0, s_idx.size))
    cfg = LogicConfig()
    model, train_s = _timed(lambda: train_logic(src, dst, edges, cfg))
    scores, score_s = _timed(lambda: model.score(src, dst))
    chosen, top_s = _timed(lambda: top_b(scores, b=20))
    from scipy.stats import rankdata

    s, t = scores[held].ravel(), truth[held].ravel()
    n_pos, n_neg = int(t.sum()), int((~t).sum())
    auc = (rankdata(s)[t].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    held_edges = [(a, b) for a, b, _ in chosen if held[a]]
    return {
        "model": "logic",
        "threads": threads,
        "shape": f"{args.sources:,} sources × {args.targets:,} targets, {s_idx.size:,} edges, d={DIM}",
        "config": {k: v for k, v in vars(cfg).items() if k != "device"},
        "epochs": model.report.epochs,
        "best_epoch": model.report.best_epoch,
        "train_s": train_s,
        "s_per_epoch": round(train_s / model.report.epochs, 2),
        "score_s": score_s,
        "top_b_s": top_s,
        "held_out_auc": round(float(auc), 3),
        "held_out_precision_at_20": round(float(np.mean([truth[a, b] for a, b in held_edges])), 3),
        "chance_precision": round(float(truth[held].mean()), 3),
        "peak_rss_mb": round(_rss_mb()),
    }


def _child(args: argparse.Namespace) -> None:
    import torch

    torch.set_num_threads(args.threads[0])
    part = tagger_part if args.part == "tagger" else logic_part
    print(json.dumps(part(args, args.threads[0])))


def _markdown(report: dict[str, Any]) -> str:
    rows = report["runs"]
    tag = [r for r in rows if r["model"] == "tagger"]
    log = [r for r in rows if r["model"] == "logic"]
    return "\n".join(
        [
            f"# Distilled models benchmark ({report['date']})",
            "",
            f"Command: `python bench/distill.py` on this machine: {os.cpu_count()} CPU cores shared with other "
            f"engineers' jobs (load average {report['load_average']} at the start), no GPU, torch "
            f"{report['torch']}. Each row is its own process; peak RSS is that process's maximum.",
            "",
            "## P_θ(t|i) tagger",
            "",
            "| threads | data | epochs (kept) | train | per epoch | predict all | top_tags all | P@4 | frequency P@4 "
            "| peak RSS |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *(
                f"| {r['threads']} | {r['shape']} | {r['epochs']} ({r['best_epoch']}) | {r['train_s']} s "
                f"| {r['s_per_epoch']} s | {r['predict_s']} s | {r['top_tags_s']} s | {r['precision_at_4']} "
                f"| {r['frequency_precision_at_4']} | {r['peak_rss_mb']} MB |"
                for r in tag
            ),
            "",
            "P@4: share of the 4 best predicted tags that are true, on 10,000 fresh items. An item carries 4 of "
            "its cluster's 8 tags drawn at random, so 0.5 is the most any model can reach. Peak RSS includes "
            "the generated data (RSS after generating it: "
            + ", ".join(f"{r['data_rss_mb']} MB" for r in tag)
            + "). Rows with more than one thread run one epoch only.",
            "",
            "## P_φ(dst|src) logic scorer",
            "",
            "| threads | data | epochs (kept) | train | per epoch | score all | top_b(20) | held-out AUC "
            "| held-out P@20 (chance) | peak RSS |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *(
                f"| {r['threads']} | {r['shape']} | {r['epochs']} ({r['best_epoch']}) | {r['train_s']} s "
                f"| {r['s_per_epoch']} s | {r['score_s']} s | {r['top_b_s']} s | {r['held_out_auc']} "
                f"| {r['held_out_precision_at_20']} ({r['chance_precision']}) | {r['peak_rss_mb']} MB |"
                for r in log
            ),
            "",
            "Held out: the last 10% of sources, never trained on, scored against every target. Both planted "
            "problems are easy (the models reach the ceiling); the quality columns show that the timed models "
            "learn, not how well they do on real tags.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--tags", type=int, default=1_000)
    parser.add_argument("--sources", type=int, default=2_000)
    parser.add_argument("--targets", type=int, default=2_000)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="torch threads, one run each")
    parser.add_argument("--part", choices=["tagger", "logic"], help=argparse.SUPPRESS)  # a child process
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.part:
        _child(args)
        return
    import torch

    load = os.getloadavg()
    runs = []
    for part in ("tagger", "logic"):
        for threads in args.threads:
            cmd = [sys.executable, __file__, "--part", part, "--threads", str(threads)]
            cmd += [f"--{k}={getattr(args, k)}" for k in ("items", "tags", "sources", "targets")]
            done = subprocess.run(cmd, check=True, capture_output=True, text=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(runs[-1]), file=sys.stderr)
    report = stamp("distill", seeds=[0, 1]) | {
        "torch": torch.__version__,
        "load_average": [round(v, 1) for v in load],
        "config": {k: v for k, v in vars(args).items() if k in ("items", "tags", "sources", "targets", "threads")},
        "runs": runs,
    }
    write(args.out, report, _markdown(report))


if __name__ == "__main__":
    main()
