"""TagCF's recipe, one change per row, on synthetic world v2 with oracle tags — plus the world's ceilings.

    python bench/recsys_ablation.py [--users 3000 --items 5000 --seeds 5 --epochs 40]

One evaluation (the same split, seeds 0..N-1) of SASRec, the tag-profile baseline, both oracles of the
world (`recsys.models.oracle`), TagCF-ut with the paper's recipe (util and expl) and one row per recipe
change turned back or opt-in switch turned on (`ModelConfig`; rows that change only inference share the recipe's
training). Writes bench/results/recsys_ablation.{json,md} (the table, each row paired per user against
the recipe and SASRec) and bench/results/recsys_synth_oracle.{json,md} (the `rolegraph evaluate` report
of the same run); with ``--rows A,B --name NAME`` only those rows (and the recipe and baselines) into
NAME.{json,md}, e.g. the λ rows into ``recsys_lambda``. After every seed the reports are rewritten with the
seeds done so far, so a run cut short still leaves labelled numbers.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from reporting import RESULTS, paired_text, stamp, write
from synth_common import add_world_options, model_config, oracle_world, world_config

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.evaluate import Evaluation, evaluate_seed, finalize, summarize
from rolegraph.recsys.models.registry import ModelSpec, parse_model
from rolegraph.recsys.report import SYNTH_BAR, write_report
from rolegraph.recsys.stats import paired_users
from rolegraph.recsys.train import set_threads

RECIPE = "tagcf-ut-util"
OLD = {
    "balanced_tags": False,
    "it_negatives": "item",
    "cover_only": False,
    "user_probs": "sigmoid",
    "t1_weights": False,
    "beta_choice": "seed",
}
HEADS = {"tag_heads": "cosine", "user_tag_target": "history"}
#: (row name, base model, overrides, what the row turns back)
ROWS: list[tuple[str, str, dict[str, Any], str]] = [
    (RECIPE, RECIPE, {}, "the paper's recipe (every fix on)"),
    ("tagcf-ut-util-no-tli", "tagcf-ut-util-no-tli", {}, "recipe, β0 = β1 = 0 (no tag-logic inference)"),
    ("− cover set", RECIPE, {"cover_only": False}, "T(0)/T(1) over the whole vocabulary"),
    ("− softmax P(t|u)", RECIPE, {"user_probs": "sigmoid"}, "P(t|u) = σ(φ_u·e_t)"),
    ("− β per run", RECIPE, {"beta_choice": "seed"}, "β chosen per seed"),
    ("logit tag score", RECIPE, {"tag_score": "logit"}, "the reference's logit-scale tag term"),
    ("tagcf-ut-expl", "tagcf-ut-expl", {}, "expl: own training, β1 > 0"),
    ("expl − w_t", "tagcf-ut-expl", {"t1_weights": False}, "T(1) term weighted by P(t|u), not w_t"),
    ("old recipe", RECIPE, OLD, "every fix turned back"),
    ("− balanced tags", RECIPE, {"balanced_tags": False}, "negatives get only their own tags"),
    ("− Eq. 6 negatives", RECIPE, {"it_negatives": "item"}, "L_it negatives from the negative item's tags"),
    ("+ cosine tag heads", RECIPE, {"tag_heads": "cosine"}, "tag scores as learned-scale cosines (opt-in)"),
    ("+ cosine, history P(t|u)", RECIPE, HEADS, "cosine heads, L_ut towards the history's tags (opt-in)"),
    (
        "+ cosine, history, graph P(t|i)",
        RECIPE,
        {**HEADS, "item_tag_probs": "graph"},
        "same training, P(t|i) from the graph",
    ),
    ("λ 1", RECIPE, {"lam": 1.0}, "the tag losses weighted λ = 1 in Eq. 7 (recipe: 0.1)"),
    ("λ 5", RECIPE, {"lam": 5.0}, "the tag losses weighted λ = 5 in Eq. 7 (recipe: 0.1)"),
    ("− tag encoder", "tagcf-ut-util-no-te", {}, "the tag sequence not merged into φ (tags only in the losses)"),
]
BASELINES = ("sasrec", "tag-profile", "oracle-roles", "oracle-behaviour")


def specs(world: Path, only: set[str] | None = None) -> list[ModelSpec]:
    """The run's models: baselines and oracles, then one spec per ablation row (those named in ``only``,
    the recipe always)."""
    out = [parse_model(n) for n in BASELINES]
    out = [replace(s, world=str(world)) if s.kind == "oracle" else s for s in out]
    for name, base, overrides, _ in ROWS:
        if only is not None and name not in only | {RECIPE}:
            continue
        out.append(replace(parse_model(base), name=name, overrides=tuple(sorted(overrides.items()))))
    return out


def ablation(ev: Evaluation, summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per model: NDCG@10, coverage@10, Gini@10 and the per-user comparison with the recipe."""
    rows = []
    what = {name: text for name, _, _, text in ROWS}
    for name, entry in summary.items():
        row: dict[str, Any] = {
            "model": name,
            "change": what.get(name, "baseline" if not name.startswith("oracle") else "ceiling"),
        }
        row |= {m: entry[m]["mean"] for m in ("ndcg@10", "coverage@10", "gini@10")}
        row["ndcg@10_std"] = entry["ndcg@10"]["std"]
        has_recipe = RECIPE in ev.ranks and name != RECIPE
        row["vs_recipe"] = paired_users(ev.ranks[name], ev.ranks[RECIPE]) if has_recipe else None
        row["vs_sasrec"] = entry.get("paired", {}).get("sasrec")
        rows.append(row)
    return rows


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# TagCF recipe ablation on synthetic world v2 ({report['date']})",
        "",
        f"Command: `{report['command']}`. World: {report['world']}. Seeds {report['seeds']} "
        f"({report['seeds_done']} done); settings {report['settings']}.",
        "",
        "Mean over seeds; relative NDCG@10 change with a 95 % bootstrap interval over users and the Wilcoxon p "
        "over users (each user's NDCG@10 averaged over seeds).",
        "",
        "| row | what it changes | NDCG@10 | coverage@10 | Gini@10 | vs recipe | vs SASRec |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report["rows"]:
        lines.append(
            f"| {r['model']} | {r['change']} | {r['ndcg@10']:.4f} ± {r['ndcg@10_std']:.4f} | {r['coverage@10']:.3f} "
            f"| {r['gini@10']:.3f} | {paired_text(r['vs_recipe'])} | {paired_text(r['vs_sasrec'])} |"
        )
    lines += ["", f"Wall time {report['wall_s']:.0f} s on a shared 2-core machine."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_world_options(parser, users=3000, items=5000, epochs=40, max_len=50)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--rows", default=None, help="only these rows (comma-separated names; the recipe and baselines always)"
    )
    parser.add_argument(
        "--name",
        default="recsys_ablation",
        help="the report's name (another than the default writes no evaluate report)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    only = {r.strip() for r in args.rows.split(",") if r.strip()} if args.rows else None
    if only is not None and only - {name for name, _, _, _ in ROWS}:
        parser.error(f"unknown rows: {sorted(only - {name for name, _, _, _ in ROWS})}")
    set_threads(args.threads)
    cfg = model_config(args)
    command = (
        f"python bench/recsys_ablation.py --users {args.users} --items {args.items} --interactions-per-user "
        f"{args.interactions_per_user} --seeds {args.seeds} --epochs {args.epochs} --patience {args.patience} "
        f"--min-epochs {args.min_epochs} --max-len {args.max_len}"
        + (f" --rows '{args.rows}' --name {args.name}" if args.rows else "")
    )
    started = time.monotonic()
    with oracle_world(world_config(args)) as world:
        g, counts = world.graph, world.counts
        models = specs(world.folder, only)
        ev = Evaluation(seeds=[])
        groups: dict[str, list[ModelSpec]] = {}
        for spec in models:
            groups.setdefault(spec.train_key, []).append(spec)
        for seed in range(args.seeds):
            for k, group in enumerate(groups.values()):
                evaluate_seed(g, group, seed, cfg, ev)
                whole = k == len(groups) - 1
                done = snapshot(ev, list(range(seed + 1)))
                report = stamp(args.name if whole else f"{args.name}_partial", seeds=done.seeds) | {
                    "command": command,
                    "world": counts,
                    "seeds": args.seeds,
                    "seeds_done": len(done.seeds) if whole else f"{seed} (+ part of seed {seed})",
                    "settings": cfg.to_dict(),
                    "wall_s": time.monotonic() - started,
                    "rows": ablation(done, summarize(done)),
                    "timings": done.timings,
                    "betas": [{k: v for k, v in b.items() if k != "sweep"} for b in done.betas],
                }
                write(args.out, report, markdown(report))
                if whole and args.name == "recsys_ablation":
                    synth_report(args.out, done, command, counts, cfg, args.seeds, report["wall_s"])
                print(f"seed {seed}, training {k + 1}/{len(groups)} done after {report['wall_s']:.0f} s", flush=True)


def snapshot(ev: Evaluation, seeds: list[int]) -> Evaluation:
    """A finalized copy of ``ev`` holding the models that have every one of ``seeds``."""
    done = copy.deepcopy(ev)
    done.seeds = seeds
    for name in list(done.ranks):
        if len(done.ranks[name]) != len(seeds):
            del done.ranks[name], done.metrics[name]
    for name in list(done.sweeps):
        if len(done.sweeps[name]) != len(seeds):
            del done.sweeps[name]
    finalize(done)
    return done


def synth_report(
    out: Path, ev: Evaluation, command: str, counts: dict[str, int], cfg: ModelConfig, seeds: int, wall: float
) -> None:
    """The `rolegraph evaluate` report of the same run: recsys_synth_oracle.{md,json}."""
    summary = summarize(ev)
    context = {
        "command": command + " (the same run as recsys_ablation)",
        "dataset": f"synthetic world v2 {counts}, oracle tags (load-truth), cover view",
        "seeds done": f"{len(ev.seeds)} of {seeds}",
        "settings": json.dumps(cfg.to_dict()),
    }
    report = stamp("recsys_synth_oracle", seeds=ev.seeds) | summary
    report["provenance"]["wall_s"] = round(wall, 1)
    write_report(
        out / "recsys_synth_oracle.md",
        summary,
        ev,
        context,
        wall_s=wall,
        cpu_s=0.0,
        provenance=report["provenance"],
        bar=SYNTH_BAR,
    )
    (out / "recsys_synth_oracle.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
