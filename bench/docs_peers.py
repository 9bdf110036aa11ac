"""The docs' figures of the peer comparisons: RecBole's models beside ours on the same split (bench/render_docs.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from docs_common import MODELS, change, mean, report, span, stat, verdict

RECBOLE_PATIENCE = 10  # RecBole's stopping_step default


def _peers(r: dict[str, Any]) -> tuple[str, str]:
    parts = []
    for peer, metrics in r["peers"].items():
        model = peer.removeprefix("recbole-")
        ours = r["ours"].get(model)
        beside = f" (ours {stat(ours['ndcg@10'])})" if ours else ""
        parts.append(f"RecBole {MODELS.get(model, model)} {stat(metrics['ndcg@10'])}{beside}")
    target = ""
    if "recbole-sasrec" in r["peers"] and "sasrec" in r["ours"]:
        ours, theirs = r["ours"]["sasrec"]["ndcg@10"]["mean"], r["peers"]["recbole-sasrec"]["ndcg@10"]["mean"]
        target = f"ours within ±10 % of RecBole: {change(ours, theirs)} — {verdict(abs(ours / theirs - 1) <= 0.10)}"
        run = r["runs"]["sasrec"][0]
        if "wall-clock" in str(run.get("stopped")):  # RecBole's early stopping did not end it
            target += (
                f" (RecBole's run cut by a wall-clock limit at epoch {run['epochs_run']}, best {run['best_epoch']})"
            )
    return "NDCG@10 " + "; ".join(parts), target


def peers_table(name: str) -> str:
    """RecBole's runs of a peers report, each beside ours where the report has ours: metrics over seeds,
    epochs run (best) and how the runs stopped."""
    r = report(name)
    ours_runs = r["config"].get("ours")
    timings = report(f"{Path(ours_runs).stem}.runs")["timings"] if ours_runs else {}
    lines = [
        "| model | NDCG@10 | NDCG@20 | MRR@10 | Coverage@10 | Gini@10 | epochs (best) | how it ran |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def cells(metrics: dict[str, Any]) -> str:
        first = " | ".join(stat(metrics[m]) for m in ("ndcg@10", "ndcg@20", "mrr@10"))
        return first + " | " + " | ".join(f"{metrics[m]['mean']:.3f}" for m in ("coverage@10", "gini@10"))

    for peer, metrics in r["peers"].items():
        model = peer.removeprefix("recbole-")
        if model in r["ours"]:
            t = timings.get(model, [])
            epochs = f"{span(x['epochs'] for x in t)} ({span(x['best_epoch'] for x in t)})" if t else "–"
            lines.append(f"| ours {MODELS.get(model, model)} | {cells(r['ours'][model])} | {epochs} | ours |")
        runs = r["runs"][model]
        epochs = f"{span(x['epochs_run'] for x in runs)} ({span(x['best_epoch'] for x in runs)})"
        how = "; ".join(sorted({x["stopped"] for x in runs}))
        epochs_cap, patience = r["config"]["budget"][model]
        how += f" (≤ {epochs_cap} epochs, patience {patience}" + (
            f", not RecBole's default {RECBOLE_PATIENCE})" if patience != RECBOLE_PATIENCE else ")"
        )
        wall = mean(runs, "wall_s")
        lines.append(
            f"| {peer} | {cells(metrics)} | {epochs} | {how}; {wall:,.0f} s a seed, {runs[0]['threads']} thread(s) |"
        )
    return "\n".join(lines)


def _peer_ndcg(name: str, model: str) -> str:
    """RecBole's test NDCG@10 over the seeds of a peers report, ranked by our code."""
    return stat(report(name)["peers"][f"recbole-{model}"]["ndcg@10"])


def _peer_training(run: dict[str, Any]) -> str:
    return f"{run['epochs_run']} epochs, {run['train_s']:,.0f} s of training"


def _peer_epoch(name: str, model: str) -> str:
    """``1,180 s`` (``0.24–0.27 s`` where the seeds differ): RecBole's mean time an epoch in a peers report."""
    times = sorted(x["epoch_s_mean"] for x in report(name)["runs"][model])
    low, high = (f"{t:,.0f}" if t >= 10 else f"{t:.2f}" for t in (times[0], times[-1]))
    return f"{low} s" if low == high else f"{low}–{high} s"


def _recbole_reported(name: str, model: str) -> str:
    """RecBole's own test NDCG@10 (its full-sort evaluation, kept as a cross-check), mean over a peers report's
    runs."""
    runs = report(name)["runs"][model]
    return f"{sum(x['recbole_reported']['ndcg@10'] for x in runs) / len(runs):.4f}"


def _ours_beside_sasrec(name: str, model: str) -> str:
    """``0.1094 ± 0.0036 (−4.2 %)``: our evaluation a peers report was made beside, one model against its SASRec."""
    ours = report(name)["ours"]
    ndcg, sasrec = ours[model]["ndcg@10"], ours["sasrec"]["ndcg@10"]
    return f"{stat(ndcg)} ({change(ndcg['mean'], sasrec['mean'])})"


ROWS: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    name: _peers for name in ("peers", "peers_export", "peers_sasrec")
}

TABLES: dict[str, Callable[[], str]] = {
    "peers": partial(peers_table, "peers"),
    "peers_export": partial(peers_table, "peers_export"),
}

FIGURES: dict[str, Callable[[], str]] = {
    **{f"peers.ndcg.{m}": partial(_peer_ndcg, "peers", m) for m in MODELS},
    "peers_sasrec.training": lambda: _peer_training(report("peers_sasrec")["runs"]["sasrec"][0]),
    "peers_sasrec.target": lambda: _peers(report("peers_sasrec"))[1],
    "peers_sasrec.ours": lambda: stat(report("peers_sasrec")["ours"]["sasrec"]["ndcg@10"]),
    "peers_sasrec.recbole": lambda: f"{report('peers_sasrec')['peers']['recbole-sasrec']['ndcg@10']['mean']:.4f}",
    **{
        f"{name}.epoch.{model}": partial(_peer_epoch, name, model)
        for name, model in (("peers", "sasrec"), ("peers", "bpr"), ("peers_export", "bpr"), ("peers_sasrec", "sasrec"))
    },
    **{f"peers.recbole_reported.{m}": partial(_recbole_reported, "peers", m) for m in ("sasrec", "bpr", "lightgcn")},
    "peers_sasrec.ours.tagcf-ut-util": lambda: _ours_beside_sasrec("peers_sasrec", "tagcf-ut-util"),
    "peers_sasrec.best": lambda: f"epoch {report('peers_sasrec')['runs']['sasrec'][0]['best_epoch']}",
    "peers_sasrec.windows_apart": lambda: change(
        report("recsys_movielens_stride0")["sasrec"]["ndcg@10"]["mean"],
        report("peers_sasrec")["peers"]["recbole-sasrec"]["ndcg@10"]["mean"],
    ),
}
