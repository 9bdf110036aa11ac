"""The docs' figures of the recommender's reports: the evaluations, the controls and the ablation, the
tag heads, the role identification and the GPU run (bench/render_docs.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from docs_common import METRIC_COLUMNS, MODELS, cell, change, clock, mean, pct, relative, report, span, stat, verdict
from reporting import paired_text
from tiers import STEPS


def _recsys(name: str) -> Callable[[dict[str, Any]], tuple[str, str]]:
    def row(r: dict[str, Any]) -> tuple[str, str]:
        runs = report(f"{name}.runs")
        models = [m for m in MODELS if m in r]
        ndcg = ", ".join(f"{MODELS[m]} {stat(r[m]['ndcg@10'])}" for m in models)
        cpu = f", {runs['cpu_s']:,.0f} CPU s" if runs.get("cpu_s") is not None else ""
        result = f"NDCG@10 {ndcg}; {clock(runs['wall_s'])} wall{cpu}"
        target = ""
        if "sasrec" in r and "tagcf-ut-util" in r:
            gain = r["tagcf-ut-util"]["ndcg@10"]["mean"] / r["sasrec"]["ndcg@10"]["mean"] - 1
            p = r["tagcf-ut-util"]["p_vs_sasrec"]["ndcg@10"]
            goal = 0.10 if "synth" in name else 0.05
            shown = change(r["tagcf-ut-util"]["ndcg@10"]["mean"], r["sasrec"]["ndcg@10"]["mean"])
            target = (
                f"TagCF-ut ≥ SASRec + {goal:.0%}: {shown}"
                + (f", p {p:.2g}" if p is not None else "")
                + f" — {verdict(gain >= goal and (p is None or p < 0.05))}"
            )
        return result, target

    return row


GPU_MODELS = ("sasrec", "tagcf-ut-util", "tagcf-ut-expl", "bpr", "lightgcn")


def _gpu_side(model: str, dev: str, key: str, digits: int) -> str:
    side = report("recsys_gpu")["summary"][model]["seed0"].get(dev) or {}
    return f"{side[key]:,.{digits}f}" if side.get(key) is not None else "–"


def _gpu_ndcg() -> str:
    """Seed 0's test NDCG@10 on CUDA vs the CPU, per model."""
    return ", ".join(
        f"{MODELS[m]} {_gpu_side(m, 'cuda', 'ndcg@10', 4)} vs {_gpu_side(m, 'cpu', 'ndcg@10', 4)}"
        for m in GPU_MODELS
        if m in report("recsys_gpu")["summary"]
    )


def _gpu_time() -> str:
    """Seed 0's seconds of training and test ranking on CUDA vs the CPU, and the CPU's over CUDA's, per
    training (TagCF-ut util; expl by the time per epoch where the budget stopped its CPU training)."""
    s = report("recsys_gpu")["summary"]
    parts = []
    for m in ("sasrec", "tagcf-ut-util", "bpr", "lightgcn"):
        ratio = s[m].get("cpu_over_cuda_time")
        shown = f" ({ratio:.1f}×)" if ratio is not None else ""
        parts.append(
            f"{MODELS[m]} {_gpu_side(m, 'cuda', 'wall_s', 1)} s vs {_gpu_side(m, 'cpu', 'wall_s', 1)} s{shown}"
        )
    expl = s["tagcf-ut-expl"].get("cpu_over_cuda_epoch")
    if expl is not None and "cpu_over_cuda_time" not in s["tagcf-ut-expl"]:
        parts.append(f"TagCF-ut expl {expl:.1f}× per epoch")
    return ", ".join(parts)


def _gpu_seeds() -> str:
    """The CUDA seeds' test NDCG@10, mean ± std, per model."""
    s = report("recsys_gpu")["summary"]
    return ", ".join(
        f"{MODELS[m]} {stat(s[m]['cuda_seeds']['ndcg@10'])}" for m in GPU_MODELS if "cuda_seeds" in s.get(m, {})
    )


def _recsys_gpu(r: dict[str, Any]) -> tuple[str, str]:
    c, s = r["config"], r["summary"]
    seeds = len(s["sasrec"]["cuda_seeds"]["ndcg@10"]["values"]) if "cuda_seeds" in s.get("sasrec", {}) else 0
    result = (
        f"{c['gpu']} vs {c['cpu_threads']} CPU threads, seed 0: NDCG@10 {_gpu_ndcg()}; seconds {_gpu_time()}; "
        f"CUDA over {seeds} seeds {_gpu_seeds()}"
    )
    near = [
        abs(e["seed0"]["cuda"]["ndcg@10"] - e["seed0"]["cpu"]["ndcg@10"]) <= 2 * e["cuda_seeds"]["ndcg@10"]["std"]
        for e in s.values()
        if "ndcg@10" in e["seed0"].get("cpu", {}) and "ndcg@10" in e["seed0"].get("cuda", {}) and "cuda_seeds" in e
    ]
    target = f"CUDA's seed-0 NDCG@10 within 2 seed std of the CPU's ({sum(near)}/{len(near)}) — {verdict(all(near))}"
    return result, target


def _roles(r: dict[str, Any]) -> tuple[str, str]:
    result = f"top-{r['top']} hit rate {r['model_hit_rate']:.3f}"
    if "newest_hit_rate" in r:
        result += f" ({r['newest_hit_rate']:.3f} from the newest position alone)"
    for lam, rate in r.get("lambda_hit_rate", {}).items():
        result += f", {rate:.3f} with λ {lam}"
    result += f" vs popularity {r['baseline_hit_rate']:.3f}"
    if "profile_hit_rate" in r:
        result += f" vs interaction-weighted tag profile {r['profile_hit_rate']:.3f}"
    if "mixture_hit_rate" in r:
        result += f" vs tag mixture {r['mixture_hit_rate']:.3f}"
    goal = 2 * r["baseline_hit_rate"]
    reach = "" if goal <= 1 else " (unreachable: popularity above 0.5)"
    return result, f"≥ 2× popularity — {verdict(r['model_hit_rate'] >= goal)}{reach}"


def _ablation(r: dict[str, Any]) -> tuple[str, str]:
    """The synthetic v2 run: one row per model or recipe change, paired per user against SASRec."""
    rows = {x["model"]: x for x in r["rows"]}
    shown = ("sasrec", "tagcf-ut-util", "tag-profile", "oracle-roles", "oracle-behaviour")
    names = MODELS | {
        "tag-profile": "tag-profile",
        "oracle-roles": "oracle-roles",
        "oracle-behaviour": "oracle-behaviour",
    }
    result = "NDCG@10 " + ", ".join(f"{names[m]} {rows[m]['ndcg@10']:.4f}" for m in shown if m in rows)
    result += f"; {r['seeds_done']} seed(s)"
    tag = rows["tagcf-ut-util"]["vs_sasrec"]
    met = tag["rel"] >= 0.10 and tag["p_users"] < 0.01
    target = f"TagCF-ut ≥ SASRec + 10 % per user: {tag['rel']:+.1%}, p {tag['p_users']:.2g} — {verdict(met)}"
    return result, target


def _lambda(r: dict[str, Any]) -> tuple[str, str]:
    """The λ rows: NDCG@10 and coverage@10 of each λ beside the recipe's and SASRec's, paired per user."""
    rows = {x["model"]: x for x in r["rows"]}
    recipe = rows["tagcf-ut-util"]
    parts = [
        f"SASRec {rows['sasrec']['ndcg@10']:.4f}",
        f"recipe (λ 0.1) {recipe['ndcg@10']:.4f}, coverage@10 {recipe['coverage@10']:.3f}",
    ]
    for name in ("λ 1", "λ 5"):
        x = rows[name]
        parts.append(
            f"{name} {x['ndcg@10']:.4f} ({paired_text(x['vs_recipe'])} against the recipe), "
            f"coverage@10 {x['coverage@10']:.3f}"
        )
    return "NDCG@10 " + "; ".join(parts) + f"; {r['seeds_done']} seeds", ""


def _tagheads(r: dict[str, Any]) -> tuple[str, str]:
    """The tag-heads run: each row's mean NDCG@10 and what its tag term adds over β = 0, per user."""
    parts = []
    for row in r["rows"]:
        text = f"{MODELS.get(row['row'], row['row'])} {sum(row['ndcg@10']) / len(row['ndcg@10']):.4f}"
        if row.get("beta0"):
            text += f" (tag term {relative(row['vs_flat'])}, p {row['vs_flat']['p_users']:.2g})"
        parts.append(text)
    return f"NDCG@10 over {r['seeds_done']} seeds: " + "; ".join(parts), ""


def _mixture(r: dict[str, Any]) -> tuple[str, str]:
    """The positive control: NDCG@10 of each model, the mixture's gain over SASRec per user."""
    rows = {x["model"]: x for x in r["rows"]}
    result = "NDCG@10 " + ", ".join(f"{m} {x['ndcg@10']['mean']:.4f}" for m, x in rows.items())
    model = "tagcf-ut-util-mix" if "tagcf-ut-util-mix" in rows else "tag-mixture-it"
    vs = rows[model]["vs_sasrec"]
    met = vs["rel"] >= 0.10 and vs["p_users"] < 0.01
    return result, f"{model} ≥ SASRec + 10 % per user: {vs['rel']:+.1%}, p {vs['p_users']:.2g} — {verdict(met)}"


def _controls(r: dict[str, Any]) -> tuple[str, str]:
    """The tag controls: TagCF-ut on each version of the tags, against SASRec and the tag profile."""
    rows = {(x["version"], x["model"]): x for x in r["rows"]}
    parts = [f"SASRec {rows[('–', 'sasrec')]['ndcg@10']['mean']:.4f}"]
    for v in ("graph", "genres", "shuffled"):
        tag, prof, mix = (rows[(v, m)] for m in ("tagcf-ut-util", "tag-profile", "tag-mixture"))
        parts.append(
            f"{v}: TagCF-ut {tag['ndcg@10']['mean']:.4f}, tag profile {prof['ndcg@10']['mean']:.4f}, "
            f"tag mixture {mix['ndcg@10']['mean']:.4f}"
        )
    result = "NDCG@10 " + "; ".join(parts) + f"; {len(r['provenance']['seeds'])} seeds"
    g = rows[("graph", "tagcf-ut-util")]
    beaten = [v for v in ("genres", "shuffled") if rows[(v, "tagcf-ut-util")]["ndcg@10"]["mean"] > g["ndcg@10"]["mean"]]
    target = "TagCF-ut on the graph's tags above both controls — " + verdict(not beaten)
    if beaten:
        target += f" (loses to {', '.join(beaten)})"
    return result, target


# recsys_* reports without `rolegraph evaluate`'s per-model NDCG@10, and those that evaluate does not write
NO_NDCG = (
    "recsys_roles_synth",
    "recsys_roles_movielens",
    "recsys_tagheads",
    "recsys_gpu",
    "recsys_controls",
    "recsys_mixture",
    "recsys_lambda",
)


NOT_EVALUATE = (*NO_NDCG, "recsys_synth_oracle")


def controls_table() -> str:
    """The tag controls on MovieLens: one row per model and version of the tags, paired per user."""
    r = report("recsys_controls")
    lines = [
        "| tags | model | NDCG@10 | coverage@10 | Gini@10 | vs SASRec, per user "
        "| vs the same model on the graph's tags |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in r["rows"]:
        cells = [f"{row[m]['mean']:.4f}" if m == "ndcg@10" else f"{row[m]['mean']:.3f}" for m in METRIC_COLUMNS]
        versus = (row.get("vs_sasrec"), row.get("vs_graph_tags"))
        vs = [f"{relative(v)}, p {v['p_users']:.2g}" if v else "–" for v in versus]
        lines.append(f"| {row['version']} | {row['model']} | {' | '.join(cells)} | {' | '.join(vs)} |")
    return "\n".join(lines)


def ablation_table() -> str:
    """The synthetic v2 ablation, one row per model or recipe change (one seed or more), paired per user
    against SASRec, with the β each TagCF row chose; tag-profile-it from the evaluate report of the same world."""
    r = report("recsys_ablation")
    betas = {b["model"]: f"{b['beta0']:g} / {b['beta1']:g}" for b in r["betas"] if b["seed"] == 0}
    lines = [
        "| model | what it is | β0 / β1 chosen (seed 0) | NDCG@10 | coverage@10 | Gini@10 "
        "| vs SASRec, per user (95 % CI, Wilcoxon p) |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in r["rows"]:
        vs = row["vs_sasrec"]
        versus = f"{relative(vs)}, p {vs['p_users']:.2g}" if vs else "–"
        lines.append(
            f"| {cell(row['model'])} | {cell(row['change'])} | {betas.get(row['model'], '–')} | {row['ndcg@10']:.4f} "
            f"| {row['coverage@10']:.3f} | {row['gini@10']:.3f} | {versus} |"
        )
    it = report("recsys_synth_oracle")["tag-profile-it"]
    lines.append(
        f"| tag-profile-it | the topics' tag profile (separate evaluate, same world and split) | – "
        f"| {it['ndcg@10']:.4f} | {it['coverage@10']:.3f} | {it['gini@10']:.3f} | – |"
    )
    return "\n".join(lines)


def tagheads_table(r: dict[str, Any]) -> str:
    """The tag-heads run (`bench/recsys_tagheads.py`): per TagCF-ut row what its two factors learned, its
    NDCG@10 per seed, the β chosen, and the tag term's effect paired per user; SASRec and oracle-roles below."""
    seeds = "/".join(str(s) for s in r["provenance"]["seeds"])
    lines = [
        f"| TagCF-ut util, seeds {seeds} | P(t\\|i) own / other (AUC) | top role right | NDCG@10 | β0 | tag weight "
        "| vs β = 0 | vs SASRec |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in r["rows"]:
        ndcg = " / ".join(f"{v:.4f}" for v in row["ndcg@10"])
        vs = row["vs_sasrec"]
        versus = f"{relative(vs)}, p {vs['p_users']:.2g}" if vs else "–"
        if "beta0" not in row:
            lines.append(f"| {MODELS.get(row['row'], row['row'])} | – | – | {ndcg} | – | – | – | {versus} |")
            continue
        graph = dict(row["overrides"]).get("item_tag_probs") == "graph"
        p_ti = "1 on own tags" if graph else f"{row['p_ti_own']:.2f} / {row['p_ti_other']:.2f} ({row['p_ti_auc']:.2f})"
        flat = row["vs_flat"]
        effect = "±0 (β0 = 0 chosen)" if row["beta0"] == 0 else f"{relative(flat)}, p {flat['p_users']:.2g}"
        lines.append(
            f"| {cell(row['row'])} | {p_ti} | {row['top_role_right'] * 100:.0f} % | {ndcg} | {row['beta0']:g} "
            f"| {row['tag_weight']:.3f} | {effect} | {versus} |"
        )
    return "\n".join(lines)


def _tagheads_row(name: str) -> dict[str, Any]:
    return next(row for row in report("recsys_tagheads")["rows"] if row["row"] == name)


def _tagheads_sweep(name: str, seed: int, betas: tuple[float, ...]) -> str:
    """``0.1010 at β0 = 0, 0.0907 at 4, …``: one row's validation NDCG@10 at some β0 of one seed's sweep."""
    sweep = _tagheads_row(name)["sweeps"][seed]
    at = dict(zip(sweep["beta0"], sweep["valid_ndcg@10"], strict=True))
    return ", ".join(f"{at[b]:.4f} at {'β0 = ' if k == 0 else ''}{b:g}" for k, b in enumerate(betas))


def _mean_spread(row: dict[str, Any], part: str = "tag0") -> float:
    """A score part's spread over a user's candidates in one tag-heads row (standard deviation, test, mean
    over users and seeds)."""
    return sum(s["spread"][part] for s in row["sweeps"]) / len(row["sweeps"])


def _tagheads_spread(name: str) -> float:
    """The tag term's spread of one row of the committed tag-heads report."""
    return _mean_spread(_tagheads_row(name))


def recipe_texts(r: dict[str, Any]) -> dict[str, str]:
    """What the paper's recipe learned on world v2 in a tag-heads report (mean of its seeds), as the docs and
    the report's own Markdown quote it."""
    row = next(x for x in r["rows"] if x["row"] == "recipe (dot heads)")
    counted = r["counted_profile"]
    return {
        "p_ti": f"{row['p_ti_own']:.3f} on an item's own roles and {row['p_ti_other']:.3f} on the others "
        f"(AUC {row['p_ti_auc']:.2f})",
        "bce": f"{row['item_tag_bce']:.3f}",
        "norms": f"|φ_u| ≈ {row['phi_norm']:.0f}, |x_i| ≈ {row['item_norm']:.2f}, |e_t| ≈ {row['tag_norm']:.2f}",
        "spread": f"{_mean_spread(row):.4f} against the raw score's {_mean_spread(row, 'raw'):.2f}",
        "weight": f"β0 = {row['beta0']:g} gives a tag weight of {row['tag_weight']:.3f}",
        "p_tu": f"peaks at {row['p_tu_peak']:.3f} on average (uniform: {row['p_tu_uniform']:.3f}); the top role is "
        f"one of the user's planted roles for {row['top_role_right'] * 100:.0f} % of users "
        f"({row['top5_recall'] * 100:.0f} % of their roles in the top 5)",
        "counted": f"{counted['top_role_right'] * 100:.0f} % ({counted['top5_recall'] * 100:.0f} % in the top 5)",
    }


def _recipe(what: str) -> str:
    """One of `recipe_texts` of the committed tag-heads report."""
    return recipe_texts(report("recsys_tagheads"))[what]


def _ceiling(mix: str) -> str:
    """Eq. 9's ceiling with one role mix (``planted`` or ``counted``) of the committed tag-heads report."""
    return ceiling_text(report("recsys_tagheads")["eq9_ceiling"][mix])


def _switches(what: str) -> str:
    """What the two opt-in switches changed (`recsys_tagheads`), as "Fixing both factors" quotes it."""
    recipe, cosine = _tagheads_row("recipe (dot heads)"), _tagheads_row("`tag_heads=cosine`")
    history, graph = _tagheads_row("`user_tag_target=history`"), _tagheads_row("both, `item_tag_probs=graph`")
    both = _tagheads_row("both")
    switched = [cosine, history, both, graph]
    hits = sorted(row["top_role_right"] * 100 for row in (history, both))
    below = sorted(row["vs_sasrec"]["rel"] for row in switched)

    def effect(row: dict[str, Any]) -> str:
        return f"{relative(row['vs_flat'])}, p {row['vs_flat']['p_users']:.2g}"

    texts = {
        "cosine_p_ti": f"own roles {cosine['p_ti_own']:.2f} against {cosine['p_ti_other']:.2f} for the others (AUC "
        f"{cosine['p_ti_auc']:.2f} vs {recipe['p_ti_auc']:.2f})",
        "cosine_top": f"{cosine['top_role_right'] * 100:.0f} % instead of {recipe['top_role_right'] * 100:.0f} %",
        "cosine_effect": effect(cosine),
        "history_top": f"{hits[0]:.0f}–{hits[1]:.0f} %",
        "history_top5": f"{history['top5_recall']:.2f} against {recipe['top5_recall']:.2f}",
        "history_weight": f"tag weight {history['tag_weight']:.3f}",
        "graph_effect": effect(graph),
        "below_sasrec": f"{pct(below[-1])} % to {pct(below[0])} %",
    }
    return texts[what]


def ceiling_text(c: dict[str, Any]) -> str:
    """``β0 = 2 from validation (validation +9.6 %), test +19.5 % [..] per user, p ..``: Eq. 9's ceiling with
    one role mix (an entry of a tag-heads report's ``eq9_ceiling``)."""
    vs = c["vs_sasrec"]
    return (
        f"β0 = {c['beta0']:g} from validation (validation {pct(c['valid_rel'])} %), test {relative(vs)} per user, "
        f"p {vs['p_users']:.2g}"
    )


def _versus_recipe(model: str) -> str:
    """``+2.4 % [−2.3, +6.9] against the recipe (p 0.19)`` for one row of the ablation."""
    vs = next(row for row in report("recsys_ablation")["rows"] if row["model"] == model)["vs_recipe"]
    return f"{relative(vs)} against the recipe (p {vs['p_users']:.2g})"


def training_table(name: str) -> str:
    """Per training of a `rolegraph evaluate` report: epochs (best), train s/epoch, CPU s per seed, NDCG@10
    (with the seeds' t-test against SASRec), the per-user comparison with SASRec where the report has
    one, coverage@10 and Gini@10."""
    r, runs = report(name), report(f"{name}.runs")
    util = "TagCF-ut util" if "tagcf-ut-expl" in runs["timings"] else "TagCF-ut (util = expl)"
    trainings = {
        "sasrec": "SASRec",
        "tagcf-ut": util,
        "tagcf-ut-expl": "TagCF-ut expl",
        "bpr": "BPR-MF",
        "lightgcn": "LightGCN",
        "tag-profile": "tag profile (nothing trained)",
    }
    seeds = len(next(iter(runs["timings"].values())))
    lines = [
        f"| training | epochs (best), {seeds} seeds | train s/epoch | CPU s per seed | NDCG@10, {seeds} seeds "
        "| vs SASRec, per user | coverage@10 | Gini@10 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, label in trainings.items():
        if key not in runs["timings"]:
            continue
        t = runs["timings"][key]
        model = "tagcf-ut-util" if key == "tagcf-ut" else key
        ndcg = stat(r[model]["ndcg@10"])
        if model != "sasrec" and "sasrec" in r:
            p = r[model]["p_vs_sasrec"]["ndcg@10"]
            ndcg += f" ({change(r[model]['ndcg@10']['mean'], r['sasrec']['ndcg@10']['mean'])}, p {p:.2g})"
        vs = r[model].get("paired", {}).get("sasrec")
        paired = f"{relative(vs)}, p {vs['p_users']:.2g}" if vs else "–"
        epochs = f"{span(x['epochs'] for x in t)} ({span(x['best_epoch'] for x in t)})"
        per_epoch, cpu = mean(t, "train_s_per_epoch"), mean(t, "cpu_s")
        spread = " | ".join(f"{r[model][m]['mean']:.3f}" for m in ("coverage@10", "gini@10"))
        lines.append(f"| {label} | {epochs} | {per_epoch:.3g} | {cpu:,.0f} | {ndcg} | {paired} | {spread} |")
    return "\n".join(lines)


def _epoch_s(name: str, model: str) -> str:
    """``6.6 s``: a training's train seconds an epoch in an evaluate report, mean over seeds."""
    return f"{mean(report(f'{name}.runs')['timings'][model], 'train_s_per_epoch'):.1f} s"


def _cpu_per_seed(name: str, models: tuple[str, ...]) -> str:
    """``47 CPU s``: the CPU seconds of some trainings of an evaluate report together, mean over seeds."""
    timings = report(f"{name}.runs")["timings"]
    return f"{sum(mean(timings[m], 'cpu_s') for m in models):,.0f} CPU s"


def _evaluate_time(name: str) -> str:
    runs = report(f"{name}.runs")
    return f"{clock(runs['wall_s'])} of training and evaluation ({runs['wall_s']:,.0f} s), {runs['cpu_s']:,.0f} CPU s"


def _ndcg(name: str, model: str) -> str:
    r = report(name)
    text = stat(r[model]["ndcg@10"])
    if model != "sasrec" and "sasrec" in r and r[model]["p_vs_sasrec"]["ndcg@10"] is not None:
        change_ = change(r[model]["ndcg@10"]["mean"], r["sasrec"]["ndcg@10"]["mean"])
        text += f" ({change_}, p {r[model]['p_vs_sasrec']['ndcg@10']:.2g})"
    return text


def _paired(name: str, model: str) -> str:
    """``−2.8 % [−7.7, +2.4], Wilcoxon p 0.57``: a model against SASRec per user in an evaluate report."""
    vs = report(name)[model]["paired"]["sasrec"]
    return f"{relative(vs)}, Wilcoxon p {vs['p_users']:.2g}"


def _spread(name: str, model: str) -> str:
    """``coverage@10 0.527, Gini@10 0.787``: how widely a model of an evaluate report recommends."""
    r = report(name)[model]
    return f"coverage@10 {r['coverage@10']['mean']:.3f}, Gini@10 {r['gini@10']['mean']:.3f}"


def _betas(name: str, model: str) -> str:
    """``β0 = 0 in every seed`` (or ``β0 8, β1 4 in every seed``, or per seed): what validation chose for a
    TagCF model of an evaluate report (its ``.runs.json``)."""
    picked = [b for b in report(f"{name}.runs")["betas"] if b["model"] == model]
    text = {b["seed"]: f"β0 = {b['beta0']:g}" + (f", β1 = {b['beta1']:g}" if b["beta1"] else "") for b in picked}
    if len(set(text.values())) == 1:
        return f"{next(iter(text.values()))} in every seed"
    return "; ".join(f"{t} (seed {seed})" for seed, t in sorted(text.items()))


def _mixture_row(model: str) -> str:
    """One model of the positive control: NDCG@10, and against SASRec per user."""
    row = next(x for x in report("recsys_mixture")["rows"] if x["model"] == model)
    text = f"{row['ndcg@10']['mean']:.4f}"
    vs = row["vs_sasrec"]
    return text if vs is None else f"{text} ({relative(vs)} per user, p {vs['p_users']:.2g})"


def _occupation_cosines(role: str, occupations: tuple[str, ...]) -> str:
    """``0.79 and 0.53``: MiniLM's cosine of one role with some occupations (the MovieLens roles report)."""
    table = report("recsys_roles_movielens")["matching_table"]
    return " and ".join(f"{dict(table[o])[role]:.2f}" for o in occupations)


def _tag_term() -> str:
    """``+0.0 % (p 0.83)``: the ablation's recipe against the same training without tag-logic inference."""
    rows = {x["model"]: x for x in report("recsys_ablation")["rows"]}
    flat = rows["tagcf-ut-util-no-tli"]
    return f"{change(rows['tagcf-ut-util']['ndcg@10'], flat['ndcg@10'])} (p {flat['vs_recipe']['p_users']:.2g})"


RECIPE = ("p_ti", "bce", "norms", "spread", "weight", "p_tu", "counted")  # the keys of `recipe_texts`
SWITCH_FIGURES = (
    "cosine_p_ti",
    "cosine_top",
    "cosine_effect",
    "history_top",
    "history_top5",
    "history_weight",
    "graph_effect",
    "below_sasrec",
)


#: every recommender report of bench/tiers.py
RECSYS = tuple(s.name for s in STEPS if s.name.startswith("recsys_"))
ROWS: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    "recsys_roles_synth": _roles,
    "recsys_roles_movielens": _roles,
    "recsys_synth_oracle": _ablation,
    "recsys_lambda": _lambda,
    "recsys_tagheads": _tagheads,
    "recsys_gpu": _recsys_gpu,
    "recsys_controls": _controls,
    "recsys_mixture": _mixture,
} | {name: _recsys(name) for name in RECSYS if name not in NOT_EVALUATE}

TABLES: dict[str, Callable[[], str]] = {
    "recsys_ablation": ablation_table,
    "recsys_controls": controls_table,
    "recsys_tagheads": lambda: tagheads_table(report("recsys_tagheads")),
    "recsys_movielens": lambda: training_table("recsys_movielens"),
}

FIGURES: dict[str, Callable[[], str]] = {
    **{f"{name}.time": partial(_evaluate_time, name) for name in RECSYS if name.startswith("recsys_movielens")},
    **{
        f"{name}.ndcg.{model}": partial(_ndcg, name, model)
        for name in RECSYS
        if name not in NO_NDCG
        for model in MODELS
    },
    **{
        f"recsys_movielens.{what}.{model}": partial(f, "recsys_movielens", model)
        for what, f in (("paired", _paired), ("spread", _spread))
        for model in ("tagcf-ut-util", "tagcf-ut-expl")
    },
    "recsys_movielens.spread.sasrec": lambda: _spread("recsys_movielens", "sasrec"),
    **{
        f"recsys_movielens.betas.{m}": partial(_betas, "recsys_movielens", m)
        for m in ("tagcf-ut-util", "tagcf-ut-expl")
    },
    "recsys_ablation.old_recipe": lambda: _versus_recipe("old recipe"),
    "recsys_roles_movielens.target": lambda: _roles(report("recsys_roles_movielens"))[1],
    "recsys_tagheads.counted": lambda: f"{report('recsys_tagheads')['counted_profile']['top_role_right'] * 100:.0f} %",
    **{f"recsys_tagheads.recipe.{w}": partial(_recipe, w) for w in RECIPE},
    **{f"recsys_tagheads.switches.{w}": partial(_switches, w) for w in SWITCH_FIGURES},
    "recsys_tagheads.oracle": lambda: f"{relative(_tagheads_row('oracle-roles')['vs_sasrec'])} per user",
    **{f"recsys_tagheads.ceiling.{k}": partial(_ceiling, k) for k in ("planted", "counted")},
    "recsys_tagheads.cosine_sweep": lambda: _tagheads_sweep("`tag_heads=cosine`", 0, (0.0, 4.0, 16.0)),
    "recsys_tagheads.spread": lambda: (
        f"{_tagheads_spread('recipe (dot heads)'):.4f} → {_tagheads_spread('`tag_heads=cosine`'):.2f}"
    ),
    "recsys_gpu.gpu": lambda: f"{report('recsys_gpu')['config']['gpu']}",
    "recsys_gpu.cpu_threads": lambda: f"{report('recsys_gpu')['config']['cpu_threads']}",
    "recsys_gpu.ndcg": _gpu_ndcg,
    "recsys_gpu.time": _gpu_time,
    "recsys_gpu.seeds": _gpu_seeds,
    **{f"recsys_mixture.{x['model']}": partial(_mixture_row, x["model"]) for x in report("recsys_mixture")["rows"]},
    **{
        f"{name}.epoch.sasrec": partial(_epoch_s, name, "sasrec")
        for name in ("recsys_movielens_stride0", "recsys_movielens_sasrec_stride25")
    },
    **{
        f"{name}.cpu.bpr_lightgcn": partial(_cpu_per_seed, name, ("bpr", "lightgcn"))
        for name in ("recsys_movielens_seed0", "recsys_movielens_baselines")
    },
    "recsys_roles_movielens.teacher": lambda: _occupation_cosines("teacher", ("educator", "librarian")),
    "recsys_ablation.tag_term": _tag_term,
}
