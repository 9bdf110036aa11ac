"""The Markdown report and PNG plots of `rolegraph evaluate`; every file says how it was made
(`rolegraph.provenance`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rolegraph.provenance import with_line
from rolegraph.recsys.evaluate import Evaluation

SHOWN = ("ndcg@10", "ndcg@20", "mrr@10", "coverage@10", "gini@10")


@dataclass(frozen=True)
class Bar:
    """TagCF-ut's goal against SASRec: a relative NDCG@10 gain and the p-value that makes it significant."""

    gain: float
    p: float
    where: str

    def text(self) -> str:
        return f"{self.where} goal +{self.gain * 100:g} %, p < {self.p:g}"


#: the bar on a synthetic world, where tags are true by construction, and on a real catalogue tagged by an LLM
SYNTH_BAR = Bar(0.10, 0.01, "the synthetic world's")
REAL_BAR = Bar(0.03, 0.05, "a real catalogue's")


def bar_for(dataset: str) -> Bar:
    """The bar for ``dataset`` as `rolegraph evaluate --dataset` names it (``synth:DIR`` or a real one)."""
    return SYNTH_BAR if dataset.startswith("synth:") else REAL_BAR


def _cell(entry: dict[str, Any]) -> str:
    return f"{entry['mean']:.4f} ± {entry['std']:.4f}"


def _p(p: float | None) -> str:
    return "–" if p is None else f"{p:.3g}"


def goals(summary: dict[str, Any], bar: Bar = REAL_BAR) -> list[str]:
    """The evaluation's goals (TagCF against SASRec over seeds, at ``bar``), checked against the numbers, met
    or not."""
    lines: list[str] = []
    base = summary.get("sasrec")
    if base is None:
        return ["SASRec was not evaluated: no goal can be checked."]
    b = base["ndcg@10"]["mean"]
    for name in ("tagcf-ut-util", "tagcf-it-util"):
        if name in summary:
            m = summary[name]["ndcg@10"]["mean"]
            p = summary[name]["p_vs_sasrec"]["ndcg@10"]
            gain = (m / b - 1) * 100 if b else float("nan")
            ok = gain >= bar.gain * 100 and p is not None and p < bar.p
            lines.append(
                f"{name} NDCG@10 {m:.4f} vs SASRec {b:.4f}: {gain:+.1f}% (p over seeds = {_p(p)}) — {bar.text()}: "
                f"{'met' if ok else 'not met'}"
            )
    for name in ("tagcf-ut-expl", "tagcf-it-expl"):
        if name in summary:
            e = summary[name]
            loss = (1 - e["ndcg@10"]["mean"] / b) * 100 if b else float("nan")
            cov = e["coverage@10"]["mean"] > base["coverage@10"]["mean"]
            gin = e["gini@10"]["mean"] < base["gini@10"]["mean"]
            ok = cov and gin and loss <= 2
            lines.append(
                f"{name}: coverage@10 {e['coverage@10']['mean']:.4f} vs {base['coverage@10']['mean']:.4f}, "
                f"gini@10 {e['gini@10']['mean']:.4f} vs {base['gini@10']['mean']:.4f}, NDCG@10 change {-loss:+.1f}% — "
                f"goal (coverage up, Gini down, ≤ 2% NDCG loss): {'met' if ok else 'not met'}"
            )
    return lines


def paired_goals(summary: dict[str, Any], bar: Bar = REAL_BAR) -> list[str]:
    """TagCF-ut against SASRec (at ``bar``, per user) and against the tag profile of the same run (above it),
    read from the per-user comparisons."""
    lines: list[str] = []
    for name in ("tagcf-ut-util", "tagcf-ut-expl"):
        paired = summary.get(name, {}).get("paired", {})
        if "sasrec" in paired:
            c = paired["sasrec"]
            ok = c["rel"] is not None and c["rel"] >= bar.gain and c["p_users"] is not None and c["p_users"] < bar.p
            lines.append(f"{name} vs SASRec per user: {_rel(c)} — {bar.text()}: {'met' if ok else 'not met'}")
        if "tag-profile" in paired:
            c = paired["tag-profile"]
            ok = c["diff"] > 0 and c["p_users"] is not None and c["p_users"] < 0.05
            lines.append(
                f"{name} vs tag-profile per user: {_rel(c)} — above it (p < 0.05): {'met' if ok else 'not met'}"
            )
    return lines


def _rel(c: dict[str, Any]) -> str:
    if c["rel"] is None:
        return f"Δ NDCG@10 {c['diff']:+.4f}"
    return f"{c['rel'] * 100:+.1f} % [{c['rel_ci'][0] * 100:+.1f}, {c['rel_ci'][1] * 100:+.1f}], p = {_p(c['p_users'])}"


def markdown(title: str, summary: dict[str, Any], ev: Evaluation, context: dict[str, Any], bar: Bar = REAL_BAR) -> str:
    """The report: metrics table, p-values, goals, timings, β choices and the settings used."""
    out = [f"# {title}", ""]
    out += [f"- {k}: {v}" for k, v in context.items()]
    out += ["", f"Mean ± sample std over seeds {ev.seeds}; p = paired t-test against SASRec over seeds.", ""]
    out += ["| model | " + " | ".join(SHOWN) + " | p NDCG@10 |", "|---" * (len(SHOWN) + 2) + "|"]
    for name, entry in summary.items():
        cells = " | ".join(_cell(entry[m]) for m in SHOWN)
        out.append(f"| {name} | {cells} | {_p(entry['p_vs_sasrec']['ndcg@10'])} |")
    out += paired_lines(summary)
    out += ["", "## Goals", ""] + [f"- {line}" for line in goals(summary, bar) + paired_goals(summary, bar)]
    out += [
        "",
        "## Training and evaluation time",
        "",
        "Seconds are wall-clock means over seeds; CPU s is the process CPU time of the training and its tests "
        "(what a quiet machine's wall time would be with one thread).",
        "",
        "| training | epochs (best) | train s/epoch | validation s/epoch | total s | test evaluation s | CPU s |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, runs in ev.timings.items():
        ep = ", ".join(f"{r['epochs']} ({r['best_epoch']})" for r in runs)
        mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0] if k not in ("epochs", "best_epoch")}
        out.append(
            f"| {key} | {ep} | {mean['train_s_per_epoch']:.2f} | {mean['valid_s_per_epoch']:.2f} | "
            f"{mean['train_s']:.1f} | {mean['test_eval_s']:.2f} | {mean.get('cpu_s', float('nan')):.1f} |"
        )
    if ev.betas:
        out += [
            "",
            "## β chosen on validation",
            "",
            "Tag weight: β × the tag part's spread over a user's candidates / the raw score's spread (test, mean "
            "over users); near 0 the term cannot change a ranking.",
            "",
            "| seed | training | β0 | β1 | tag weight T(0) | tag weight T(1) |",
            "|---|---|---|---|---|---|",
        ]
        out += [
            f"| {b['seed']} | {b['model']} | {b['beta0']} | {b['beta1']} | {_weight(b, 'tag0')} | "
            f"{_weight(b, 'tag1')} |"
            for b in ev.betas
        ]
    return "\n".join(out) + "\n"


def _weight(choice: dict[str, object], term: str) -> str:
    weight = choice.get("tag_weight")
    value = weight.get(term) if isinstance(weight, dict) else None
    return "–" if value is None else f"{value:.2g}"


def plot_betas(ev: Evaluation, path: Path) -> bool:
    """Validation NDCG@10 and coverage@10 over the β0 and β1 grids (first seed of each training)."""
    if not ev.betas:
        return False
    import matplotlib  # lazy: start-up time (matplotlib takes a third of a second to import)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    seen: set[str] = set()
    for b in ev.betas:
        if b["model"] in seen:
            continue
        seen.add(b["model"])
        for ax, key, grid in ((axes[0], "beta0", beta_line(b, "beta0")), (axes[1], "beta1", beta_line(b, "beta1"))):
            if len(grid) < 2:
                continue
            xs = [r[key] for r in grid]
            ax.plot(xs, [r["ndcg@10"] for r in grid], marker="o", label=f"{b['model']} NDCG@10")
            ax.plot(xs, [r["coverage@10"] for r in grid], marker="x", linestyle="--", label=f"{b['model']} coverage@10")
            ax.set_xscale("symlog", linthresh=0.25)
            ax.set_xlabel(f"β{key[-1]}" + (" (β1 = 0)" if key == "beta0" else " (β0 = chosen)"))
    axes[0].set_ylabel("validation")
    axes[0].legend(fontsize=7)
    fig.suptitle("TagCF inference weights (Eq. 9) on validation")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def beta_line(choice: dict[str, Any], key: str) -> list[dict[str, float]]:
    """One line of a choice's validation sweep: over β0 at β1 = 0 (``beta0``), or over β1 at the chosen β0."""
    if key == "beta0":
        return [r for r in choice["sweep"] if r["beta1"] == 0.0]
    return [r for r in choice["sweep"] if r["beta0"] == choice["beta0"]]


def paired_lines(summary: dict[str, Any]) -> list[str]:
    """The per-user comparisons of `recsys.stats.paired_users` (NDCG@10, against the run's `--paired` models)."""
    rows = [(name, base, c) for name, entry in summary.items() for base, c in entry.get("paired", {}).items()]
    if not rows:
        return []
    out = [
        "",
        "## Paired per-user tests (NDCG@10)",
        "",
        "Each user's NDCG@10 averaged over seeds; Δ and the relative change with 95 % bootstrap intervals over "
        "users; p = Wilcoxon signed-rank over users (pooled, and per seed).",
        "",
        "| model | vs | users | Δ NDCG@10 [95 % CI] | relative [95 % CI] | p (users) | p per seed |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, base, c in rows:
        rel = (
            "–"
            if c["rel"] is None
            else f"{c['rel'] * 100:+.1f} % [{c['rel_ci'][0] * 100:+.1f}, {c['rel_ci'][1] * 100:+.1f}]"
        )
        per_seed = ", ".join(_p(p) for p in c["p_users_per_seed"])
        out.append(
            f"| {name} | {base} | {c['users']} | {c['diff']:+.4f} [{c['diff_ci'][0]:+.4f}, {c['diff_ci'][1]:+.4f}] "
            f"| {rel} | {_p(c['p_users'])} | {per_seed} |"
        )
    return out


def plot_lambda(rows: list[dict[str, float]], path: Path) -> None:
    """Test NDCG@10 (util) over λ."""
    import matplotlib  # lazy: start-up time

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([r["lambda"] for r in rows], [r["ndcg@10"] for r in rows], marker="o")
    ax.set_xlabel("λ (Eq. 7)")
    ax.set_ylabel("test NDCG@10 (TagCF-ut util)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(
    path: Path,
    summary: dict[str, Any],
    ev: Evaluation,
    context: dict[str, Any],
    *,
    wall_s: float,
    cpu_s: float,
    provenance: dict[str, Any],
    lambda_sweep: tuple[str, list[dict[str, float]]] | None = None,
    bar: Bar = REAL_BAR,
) -> None:
    """Writes the Markdown report at ``path`` with its plots beside it (``.betas.png``, ``.lambda.png``) and
    the per-seed timings and β choices as ``.runs.json``; both carry ``provenance`` (a
    `rolegraph.provenance.Provenance` as a dict). ``lambda_sweep`` is (model name, rows); ``bar`` the goal
    against SASRec (`bar_for` the dataset)."""
    context = dict(context)
    png = path.with_suffix(".betas.png")
    if plot_betas(ev, png):
        context["β sweeps"] = f"![β sweeps]({png.name})"
    if lambda_sweep is not None:
        name, rows = lambda_sweep
        lam_png = path.with_suffix(".lambda.png")
        plot_lambda(rows, lam_png)
        shown = "; ".join(
            f"λ={r['lambda']}: NDCG@10 {r['ndcg@10']:.4f}, coverage@10 {r['coverage@10']:.4f}" for r in rows
        )
        context[f"λ sweep ({name}, seed 0, test)"] = f"{shown} ![λ sweep]({lam_png.name})"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(with_line(markdown("Recommender evaluation", summary, ev, context, bar), provenance))
    runs = {"timings": ev.timings, "betas": ev.betas, "wall_s": wall_s, "cpu_s": cpu_s, "provenance": provenance}
    path.with_suffix(".runs.json").write_text(json.dumps(runs, indent=1) + "\n")
