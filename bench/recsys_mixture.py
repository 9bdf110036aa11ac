"""Can the graph's knowledge pay off at all? The tag mixture on synthetic world v2 with oracle tags, beside SASRec,
the tag profiles and the world's two oracles.

    python bench/recsys_mixture.py [--users 1000] [--items 2000] [--seeds 5]

One world (`rolegraph synth` v2, its tags and logic loaded as the truth), the same split and metrics as
`rolegraph evaluate`: SASRec and TagCF-ut / TagCF-it (trained; each also with the mixture as its T(0) term,
``-mix``, from the same training; SASRec's ``-mix`` rows are the control that tells what TagCF's own
training adds to the mixture, and each TagCF ``-mix`` row is paired with it), the tag mixture over roles
and over topics (`models.mixture`, nothing trained, settings picked on validation), the tag profiles, and
the oracles that know each user's roles or only the world. Paired per user against SASRec (bootstrap 95 %
interval, Wilcoxon p). The positive control TagCF should reach: what a model that reads the same tags and
logic directly gets. Writes bench/results/recsys_mixture.{json,md}.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

from reporting import RESULTS, paired_text, stamp, write
from synth_common import add_world_options, model_config, oracle_world, world_config

from rolegraph.recsys.evaluate import Evaluation, evaluate_seed, finalize, summarize
from rolegraph.recsys.models.registry import parse_model
from rolegraph.recsys.stats import paired_users
from rolegraph.recsys.train import set_threads

MODELS = (
    "sasrec",
    "sasrec-mix",
    "sasrec-mix-it",
    "tagcf-ut-util",
    "tagcf-ut-util-mix",
    "tagcf-ut-util-no-te-mix",
    "tagcf-it-util",
    "tagcf-it-util-mix",
    "tag-mixture",
    "tag-mixture-it",
    "tag-profile",
    "tag-profile-it",
    "oracle-behaviour",
    "oracle-roles",
)
#: each TagCF -mix row against the same mixture on SASRec's training: what TagCF's own training adds to it
MIX_CONTROLS = {
    "tagcf-ut-util-mix": "sasrec-mix",
    "tagcf-ut-util-no-te-mix": "sasrec-mix",
    "tagcf-it-util-mix": "sasrec-mix-it",
}
METRICS = ("ndcg@10", "mrr@10", "coverage@10", "gini@10")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_world_options(ap)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    set_threads(1)
    cfg = model_config(args)
    ev = Evaluation(seeds=list(range(args.seeds)))
    with oracle_world(world_config(args)) as world:
        specs = [parse_model(m) for m in MODELS]
        specs = [replace(s, world=str(world.folder)) if s.kind == "oracle" else s for s in specs]
        for seed in range(args.seeds):
            evaluate_seed(world.graph, specs, seed, cfg, ev, "cpu")
            print(f"seed {seed} done", flush=True)
    finalize(ev)
    summary = summarize(ev)
    rows = []
    for m in MODELS:
        row: dict[str, Any] = {"model": m, **{k: summary[m][k] for k in METRICS}}
        row["vs_sasrec"] = None if m == "sasrec" else paired_users(ev.ranks[m], ev.ranks["sasrec"])
        control = MIX_CONTROLS.get(m)
        row["vs_control"] = (
            None if control is None else {"model": control, **paired_users(ev.ranks[m], ev.ranks[control])}
        )
        rows.append(row)
    report = stamp("recsys_mixture", seeds=list(range(args.seeds))) | {
        "world": world.counts,
        "settings": cfg.to_dict(),
        "rows": rows,
        "choices": [{k: v for k, v in c.items() if k != "sweep"} for c in ev.choices],
        "betas": [{k: v for k, v in b.items() if k != "sweep"} for b in ev.betas],
    }
    write(args.out, report, markdown(report))


def markdown(r: dict[str, Any]) -> str:
    lines = [
        f"# The tag mixture on synthetic world v2 with oracle tags ({r['date']})",
        "",
        f"Command: `{r['provenance']['command']}`. World: {r['world']}. Seeds {r['provenance']['seeds']}. Mean over "
        "seeds; against SASRec: relative NDCG@10 change, 95 % bootstrap interval over users, Wilcoxon p over users "
        "(each user's NDCG@10 averaged over seeds).",
        "",
        "| model | NDCG@10 | MRR@10 | coverage@10 | Gini@10 | vs SASRec | vs the mixture on SASRec |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {x['model']} | {x['ndcg@10']['mean']:.4f} ± {x['ndcg@10']['std']:.4f} | {x['mrr@10']['mean']:.4f} "
            f"| {x['coverage@10']['mean']:.3f} | {x['gini@10']['mean']:.3f} | {paired_text(x['vs_sasrec'])} | "
            + (f"{x['vs_control']['model']}: {paired_text(x['vs_control'])}" if x.get("vs_control") else "–")
            + " |"
            for x in r["rows"]
        ),
        "",
        "β0 / β1 of TagCF and the -mix rows, chosen once from every seed's validation: "
        + "; ".join(sorted({f"{b['model']} {b['beta0']:g} / {b['beta1']:g}" for b in r["betas"]}))
        + ".",
        "",
        "Settings the untrained models picked on validation, per seed: "
        + "; ".join(f"{c['model']} (seed {c['seed']}): {_choice(c)}" for c in r["choices"])
        + ".",
        "",
    ]
    return "\n".join(lines)


def _choice(c: dict[str, Any]) -> str:
    return ", ".join(
        f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in c.items() if k not in ("seed", "model")
    )


if __name__ == "__main__":
    main()
