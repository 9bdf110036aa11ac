"""TagCF-ut's two opt-in switches on synthetic world v2 with oracle tags: do scale-matched tag heads and a
history-trained P(t|u) make the tag term of Eq. 9 carry something?

    python bench/recsys_tagheads.py [--users 1000 --items 2000 --seeds 2 --epochs 20 --patience 3 --max-len 30]

One `rolegraph evaluate`-style run (`evaluate_seed` per seed, seeds side by side with ``--jobs``, β chosen
once from every seed's validation by `finalize`) of SASRec, oracle-roles and TagCF-ut util with the paper's
recipe, ``tag_heads=cosine``, ``user_tag_target=history``, both, and both scored with the graph's P(t|i)
(``item_tag_probs=graph``, the same training). Each TagCF row also runs at β0 = β1 = 0 (its own training,
no tag term), so "vs β = 0" is what the tag term adds, paired per user; "vs SASRec" likewise
(`stats.paired_users`: bootstrap 95 % interval over users, Wilcoxon p). After each training the model is
looked into (`evaluate_seed(on_trained=…)`): the learned P(t|i) on an item's own role tags against the
other role tags (means and the AUC over every (item, tag) pair), and the test users' P(t|u): is its top
tag one of the user's planted roles, what share of the planted roles its top 5 holds — beside the same
for the history's role tags simply counted. Writes bench/results/recsys_tagheads.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from docs_synth import ceiling_text, recipe_texts, tagheads_table
from recsys_ablation import HEADS
from reporting import RESULTS, stamp, write
from scipy import stats
from synth_common import add_world_options, model_config, oracle_world, world_config

from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, Stage, eval_inputs, history, trim
from rolegraph.recsys.evaluate import BETA0_GRID, Evaluation, Sweep, evaluate_seed, finalize, summarize
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.metrics import all_metrics
from rolegraph.recsys.models.base import Recommender
from rolegraph.recsys.models.registry import ModelSpec, parse_model
from rolegraph.recsys.models.tagcf import TagCF
from rolegraph.recsys.models.tagprofile import profile_roles, tag_matrix
from rolegraph.recsys.ranking import Parts, collect_parts, rank_top
from rolegraph.recsys.stats import paired_users
from rolegraph.recsys.train import set_threads
from rolegraph.recsys.workers import merge

#: (row, the settings it changes); the last row is scored from the one before's training
ROWS: list[tuple[str, dict[str, Any]]] = [
    ("recipe (dot heads)", {}),
    ("`tag_heads=cosine`", {"tag_heads": "cosine"}),
    ("`user_tag_target=history`", {"user_tag_target": "history"}),
    ("both", HEADS),
    ("both, `item_tag_probs=graph`", {**HEADS, "item_tag_probs": "graph"}),
]
FLAT = " · β = 0"  # suffix of a row's spec without the tag term
TOP = 5


def specs(world: Path) -> list[ModelSpec]:
    """SASRec, oracle-roles, then each row with and without its tag term (the pair shares a training)."""
    out = [parse_model("sasrec"), replace(parse_model("oracle-roles"), world=str(world))]
    for name, overrides in ROWS:
        frozen = tuple(sorted(overrides.items()))
        out.append(replace(parse_model("tagcf-ut-util"), name=name, overrides=frozen))
        out.append(replace(parse_model("tagcf-ut-util-no-tli"), name=name + FLAT, overrides=frozen))
    return out


@torch.no_grad()
def look_inside(model: TagCF, data: RecData, roles: dict[str, set[str]]) -> dict[str, float]:
    """What a trained TagCF's two factors learned: the learned P(t|i) on own vs other role tags (means, AUC,
    and the item–tag cross-entropy, ln 2 when it knows nothing), the test users' P(t|u) against planted
    roles and its peak beside the uniform level, and the sizes of the vectors the tag heads multiply."""
    model.eval()
    own = torch.zeros(data.n_items + 1, data.n_tags + 1, dtype=torch.bool)
    own.scatter_(1, data.item_tags, True)
    own = own[1:, 1:]
    carried = own.any(dim=0)  # role tags some item carries (the others have no P(t|i) to speak of)
    probs = torch.sigmoid(model.item_tag_logits())[1:, 1:]
    pos, neg = probs[own].numpy(), probs[~own & carried[None, :]].numpy()
    auc = stats.mannwhitneyu(pos, neg).statistic / (pos.size * neg.size)
    users = data.split.eval_users()
    user_probs, phis = [], []
    for start in range(0, users.size, 256):
        (seqs,) = trim(eval_inputs(data, users[start : start + 256], "test", model.cfg.max_len))
        phi, p_tu = model.user_tag_probs(seqs)
        user_probs.append(p_tu[:, 1:])
        phis.append(phi)
    p_tu = torch.cat(user_probs)
    tops = torch.topk(p_tu, TOP, dim=1).indices.numpy()
    planted = [roles[data.user_ids[u]] for u in users]
    tiny = 1e-12
    return {
        "p_ti_own": float(pos.mean()),
        "p_ti_other": float(neg.mean()),
        "p_ti_auc": float(auc),
        "item_tag_bce": float(-(np.log(pos + tiny).mean() + np.log(1 - neg + tiny).mean()) / 2),
        "p_tu_peak": float(p_tu.max(dim=1).values.mean()),
        "p_tu_uniform": 1.0 / float((p_tu > 0).sum(dim=1).float().mean()),
        "phi_norm": float(torch.cat(phis).norm(dim=1).mean()),
        "item_norm": float(model.items.weight[1:].norm(dim=1).mean()),
        "tag_norm": float(model.tags.weight[1:][carried].norm(dim=1).mean()),
        **role_hits([[data.tag_keys[t] for t in top] for top in tops], planted),
    }


def role_profiles(data: RecData, stage: Stage, weights: dict[str, dict[str, float]]) -> dict[str, torch.Tensor]:
    """Each evaluated user's role mix [U, n_tags + 1] two ways: ``planted`` (the world's π_u) and ``counted``
    (the role tags of the items read before the ``stage`` target, counted and normalised)."""
    users = data.split.eval_users()
    index = {key: t + 1 for t, key in enumerate(data.tag_keys)}
    planted = torch.zeros(users.size, data.n_tags + 1)
    for row, u in enumerate(users):
        for key, w in weights[data.user_ids[u]].items():
            planted[row, index[key]] = w
    tags = tag_matrix(data.item_tags, data.n_tags)
    counted = torch.stack([tags[torch.from_numpy(history(data, int(u), stage)).long()].sum(dim=0) for u in users])
    return {"planted": planted, "counted": counted / counted.sum(dim=1, keepdim=True).clamp_min(1.0)}


def eq9_ceiling(model: Recommender, data: RecData, weights: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    """Eq. 9's tag term at its best on this world: SASRec's scores plus β·Σ_t π_u(t)·1[t ∈ T_i], with the
    planted π_u or the counted history profile and each item's true role tags (P(t|i) = 1 on them), at
    every β0 of `BETA0_GRID`: validation and test NDCG@10, and the test ranks (for the pairing over seeds)."""
    tags = tag_matrix(data.item_tags, data.n_tags)
    out: dict[str, dict[str, Any]] = {}
    stages: tuple[Stage, Stage] = ("valid", "test")
    parts = {stage: collect_parts(model, data, stage, torch.device("cpu")) for stage in stages}
    mixes = {stage: role_profiles(data, stage, weights) for stage in stages}
    for kind in ("planted", "counted"):
        seen: dict[str, Any] = {"beta0": list(BETA0_GRID)}
        for stage in stages:
            raw = parts[stage]
            with_term = Parts(raw.raw, mixes[stage][kind] @ tags.t(), torch.zeros_like(raw.raw), raw.targets)
            ranked = [rank_top(with_term, data.n_items, b) for b in BETA0_GRID]
            seen[f"{stage}_ndcg@10"] = [all_metrics(r, top, data.n_items)["ndcg@10"] for r, top in ranked]
            if stage == "test":
                seen["test_ranks"] = [r.astype(np.int32) for r, _ in ranked]
        out[kind] = seen
    return out


def role_hits(ranked: list[list[str]], planted: list[set[str]]) -> dict[str, float]:
    """Share of users whose first tag is a planted role, and mean share of planted roles in the top 5."""
    return {
        "top_role_right": float(np.mean([bool(r) and r[0] in p for r, p in zip(ranked, planted, strict=True)])),
        "top5_recall": float(np.mean([len(set(r[:TOP]) & p) / len(p) for r, p in zip(ranked, planted, strict=True)])),
    }


def counted_profile(data: RecData, roles: dict[str, set[str]]) -> dict[str, float]:
    """`role_hits` of the role tags counted over each test user's history (no training)."""
    users = data.split.eval_users()
    tops = profile_roles([history(data, int(u), "test") for u in users], data.item_tags, data.n_tags, TOP)
    return role_hits([[data.tag_keys[t - 1] for t in top] for top in tops], [roles[data.user_ids[u]] for u in users])


def run_seed(
    g: GraphData, world: Path, seed: int, cfg: ModelConfig, threads: int
) -> tuple[Evaluation, dict[str, dict[str, Any]]]:
    """One seed's trainings and tests, a look inside each TagCF training (keyed by training key), and Eq. 9's
    ceiling on SASRec's scores (``eq9 ceiling``)."""
    set_threads(threads)
    rows = [json.loads(line) for line in (world / "truth" / "users.jsonl").read_text().splitlines()]
    roles = {r["id"]: set(r["roles"]) for r in rows}
    weights = {r["id"]: dict(zip(r["roles"], r["weights"], strict=True)) for r in rows}
    looks: dict[str, dict[str, Any]] = {}

    def look(key: str, _seed: int, model: Recommender, data: RecData) -> None:
        if isinstance(model, TagCF):
            looks[key] = look_inside(model, data, roles)
            return
        if "counted profile" not in looks:
            looks["counted profile"] = counted_profile(data, roles)
        if key == "sasrec":
            looks["eq9 ceiling"] = eq9_ceiling(model, data, weights)

    ev = Evaluation(seeds=[seed])
    started = time.monotonic()
    evaluate_seed(g, specs(world), seed, cfg, ev, "cpu", on_trained=look)
    print(f"seed {seed} done in {time.monotonic() - started:.0f} s", flush=True)
    return ev, looks


def ceiling_rows(looks: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per role mix of `eq9_ceiling`: β0 chosen once from every seed's validation NDCG@10 (ties: the
    smaller), validation and test NDCG@10 at β0 = 0 (SASRec) and at the choice per seed, and the test paired
    per user against SASRec. Takes the test ranks out of ``looks`` (they are not for the JSON)."""
    out = {}
    for kind in ("planted", "counted"):
        seen = [x["eq9 ceiling"][kind] for x in looks]
        ranks = [s.pop("test_ranks") for s in seen]
        valid = np.mean([s["valid_ndcg@10"] for s in seen], axis=0)
        best = max(range(len(BETA0_GRID)), key=lambda k: (valid[k], -BETA0_GRID[k]))
        out[kind] = {
            "beta0": BETA0_GRID[best],
            "valid_ndcg@10": [[s["valid_ndcg@10"][0], s["valid_ndcg@10"][best]] for s in seen],
            "test_ndcg@10": [[s["test_ndcg@10"][0], s["test_ndcg@10"][best]] for s in seen],
            "valid_rel": float(valid[best] / valid[0] - 1),
            "vs_sasrec": paired_users([r[best] for r in ranks], [r[0] for r in ranks]),
        }
    return out


def sweep_summary(sweep: Sweep) -> dict[str, Any]:
    """One seed's sweep of a row: validation and test NDCG@10 at each β0, and each score part's spread."""
    return {
        "beta0": [b0 for b0, _ in sweep.grid],
        "valid_ndcg@10": [row["ndcg@10"] for row in sweep.valid],
        "test_ndcg@10": [row["ndcg@10"] for row in sweep.test],
        "spread": sweep.spread,
    }


def table_rows(
    ev: Evaluation, looks: list[dict[str, dict[str, Any]]], world: Path, sweeps: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """One row per TagCF variant, then SASRec and oracle-roles: the report's table as data."""
    summary = summarize(ev)
    by_spec = {s.name: s for s in specs(world)}
    out = []
    for name, overrides in ROWS:
        key = by_spec[name].train_key
        betas = [b for b in ev.betas if b["model"] == name]
        seen = {m: float(np.mean([x[key][m] for x in looks])) for m in looks[0][key]}
        out.append(
            {
                "row": name,
                "overrides": overrides,
                "training": key,
                **seen,
                "ndcg@10": summary[name]["ndcg@10"]["values"],
                "beta0": betas[0]["beta0"],
                "tag_weight": float(np.mean([b["tag_weight"]["tag0"] or 0.0 for b in betas])),
                "vs_flat": paired_users(ev.ranks[name], ev.ranks[name + FLAT]),
                "vs_sasrec": summary[name]["paired"]["sasrec"],
                "sweeps": sweeps[name],
            }
        )
    for name in ("sasrec", "oracle-roles"):
        vs = summary[name]["paired"].get("sasrec")
        out.append({"row": name, "ndcg@10": summary[name]["ndcg@10"]["values"], "vs_sasrec": vs})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_world_options(parser, seeds=2)
    parser.add_argument("--jobs", type=int, default=2, help="seeds side by side, one process and torch thread each")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    cfg = model_config(args)
    seeds = list(range(args.seeds))
    report = stamp("recsys_tagheads", seeds=seeds)
    with oracle_world(world_config(args)) as made:
        world, counts, g = made.folder, made.counts, made.graph
        context = multiprocessing.get_context("spawn")  # no forked torch or database state in the workers
        with ProcessPoolExecutor(min(args.jobs, len(seeds)), mp_context=context) as pool:
            parts = list(pool.map(run_seed, *zip(*[(g, world, s, cfg, 1) for s in seeds], strict=True)))
        ev = merge([ev for ev, _ in parts])
        sweeps = {name: [sweep_summary(x) for x in runs] for name, runs in ev.sweeps.items() if FLAT not in name}
        finalize(ev)
        looks = [x for _, x in parts]
        ceiling = ceiling_rows(looks)
        report |= {
            "world": counts,
            "seeds_done": len(seeds),
            "settings": cfg.to_dict(),
            "rows": table_rows(ev, looks, world, sweeps),
            "counted_profile": {
                m: float(np.mean([x["counted profile"][m] for x in looks])) for m in ("top_role_right", "top5_recall")
            },
            "eq9_ceiling": ceiling,
            "looks": looks,
            "timings": ev.timings,
            "betas": [{k: v for k, v in b.items() if k != "sweep"} for b in ev.betas],
        }
    write(args.out, report, markdown(report))


def markdown(report: dict[str, Any]) -> str:
    counted = report["counted_profile"]
    return (
        "\n".join(
            [
                f"# TagCF-ut tag heads and history-trained P(t|u) on synthetic world v2 ({report['date']})",
                "",
                f"Command: `{report['provenance']['command']}`. World: {report['world']}; oracle tags. Seeds "
                f"{report['provenance']['seeds']}, β chosen once from every seed's validation; settings "
                f"{report['settings']}.",
                "",
                tagheads_table(report),
                "",
                "P(t|i): the learned σ of the item head on each item's own role tags against the other carried role "
                "tags (mean over seeds; AUC over every (item, tag) pair). Top role right: the top tag of the test "
                "users' P(t|u) is one of their planted roles; top-5 recall: the share of planted roles among its top "
                f"5. The history's role tags simply counted: top role right {counted['top_role_right'] * 100:.0f} %, "
                f"top-5 recall {counted['top5_recall']:.2f}. Paired columns: relative NDCG@10 change, 95 % bootstrap "
                "interval over users, Wilcoxon p over users (each user's NDCG@10 averaged over seeds). Each row's "
                "validation and test NDCG@10 at every β0, and the spread of its score parts, are in the JSON "
                "(`sweeps`).",
                "",
                f"Inside the recipe's training (mean of the seeds): {inside(report)}.",
                "",
                f"Eq. 9's tag term at its best, on SASRec's scores: {ceiling(report)}.",
            ]
        )
        + "\n"
    )


def inside(report: dict[str, Any]) -> str:
    """One line: what the recipe's two factors learned and the sizes of the vectors its tag heads multiply."""
    texts = recipe_texts(report)
    return (
        f"item–tag cross-entropy {texts['bce']} (ln 2 = 0.693: knowing nothing); P(t|u) {texts['p_tu']}; "
        f"counting the history finds the top role for {texts['counted']}; {texts['norms']}"
    )


def ceiling(report: dict[str, Any]) -> str:
    """One line: SASRec plus β·Σ_t π_u(t)·1[t ∈ T_i] with the planted and the counted role mix."""
    kinds = (("planted", "the planted role mix π_u"), ("counted", "the counted history profile"))
    parts = [f"with {what}, {ceiling_text(report['eq9_ceiling'][kind])}" for kind, what in kinds]
    return "; ".join(parts) + " (P(t|i) = 1 on each item's true role tags)"


if __name__ == "__main__":
    main()
