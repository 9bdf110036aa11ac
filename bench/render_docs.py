"""The result figures of the docs, made from the reports in bench/results/.

    python bench/render_docs.py          # rewrite the marked places in README.md, bench/README.md, docs/*.md
    python bench/render_docs.py --check  # list the places that differ from their reports; exit 1 if any

A place is marked in the Markdown by HTML comments, which do not show when it is rendered::

    <!-- fig:NAME -->1,981 req/s<!-- /fig -->    a figure inside a sentence
    <!-- table:NAME -->                          a whole table: the lines up to the closing comment
    <!-- /table -->

NAME is a key of `FIGURES` or `TABLES`, each a function of the reports. tests/docs/test_figures.py fails
when a marked place differs from what its report gives, so a figure in the docs is its report's figure;
after a benchmark run, run this and commit the docs with the reports.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any

from reporting import RESULTS, paired_text
from tiers import STEPS

ROOT = RESULTS.parents[1]
PAGES = ("README.md", "bench/README.md", "docs/*.md")
PLACE = re.compile(r"(?<!`)<!-- (fig|table):([\w.-]+) -->(.*?)<!-- /\1 -->", re.S)  # not in `code`
COLD = "/explore user, graph=cover (read model, every answer computed)"
CACHED = "/explore user, graph=cover (read model, answer cache on)"
EXPLAIN = "/explain user, item, graph=cover (read model, no answer cache)"
RECOMMEND = "/recommend user (score table, no answer cache)"
SINGLE = "/explain one pair at a time (1 connection)"
BARE = "bare FastAPI JSON"
RECBOLE_PATIENCE = 10  # RecBole's stopping_step default
MODELS = {
    "sasrec": "SASRec",
    "tagcf-ut-util": "TagCF-ut util",
    "tagcf-ut-expl": "TagCF-ut expl",
    "tagcf-ut-util-no-ta": "TagCF-ut without TA",
    "bpr": "BPR-MF",
    "lightgcn": "LightGCN",
    "tag-profile": "tag profile",
}


@cache
def report(name: str) -> dict[str, Any]:
    """bench/results/<name>.json."""
    data: dict[str, Any] = json.loads((RESULTS / f"{name}.json").read_text())
    return data


def verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def clock(seconds: float) -> str:
    minutes, s = divmod(round(seconds), 60)
    return f"{minutes} min {s} s" if minutes else f"{s} s"


def stat(metric: dict[str, Any], digits: int = 4) -> str:
    """``mean ± std`` over seeds (the mean alone for one seed)."""
    if len(metric["values"]) < 2:
        return f"{metric['mean']:.{digits}f}"
    return f"{metric['mean']:.{digits}f} ± {metric['std']:.{digits}f}"


def change(new: float, base: float) -> str:
    return f"{(new / base - 1) * 100:+.1f} %".replace("-", "−")


# ---- figures, one function of the reports each ------------------------------------------------------


def _graph_store(r: dict[str, Any]) -> tuple[str, str]:
    """One engine's figures (older reports) or each engine's, FalkorDB's goals beside Neo4j's."""
    per_engine = r.get("results") or {"falkordb": r}
    goals = {"falkordb": (60_000, 5, 20), "neo4j": (20_000, 15, 60)}
    results, targets = [], []
    for engine, x in per_engine.items():
        e, (ingest, p50, p99) = x["explore_ms"], goals[engine]
        name = "" if len(per_engine) == 1 else f"{engine}: "
        results.append(
            f"{name}ingest {x['ingest_edges_per_s']:,} edges/s, rerun {x['rerun_edges_per_s']:,} edges/s; "
            f"10-seed two-hop exploration p50 {e['p50']:.1f} ms, p99 {e['p99']:.1f} ms"
        )
        targets.append(
            f"{name}ingest ≥ {ingest // 1000}k edges/s — {verdict(x['ingest_edges_per_s'] >= ingest)}; "
            f"p50 ≤ {p50} ms — {verdict(e['p50'] <= p50)}; p99 ≤ {p99} ms — {verdict(e['p99'] <= p99)}"
        )
    return "; ".join(results), "; ".join(targets)


def _api_load(r: dict[str, Any]) -> tuple[str, str]:
    runs = r["runs"]
    cold, cached, bare = runs[COLD], runs[CACHED], runs[BARE]
    result = (
        f"/explore every answer computed: {cold['req_per_s']:,.0f} req/s, p99 {cold['p99_ms']:.1f} ms; "
        f"/explain {runs[EXPLAIN]['req_per_s']:,.0f} req/s, p99 {runs[EXPLAIN]['p99_ms']:.1f} ms; "
        f"/recommend {runs[RECOMMEND]['req_per_s']:,.0f} req/s, p99 {runs[RECOMMEND]['p99_ms']:.1f} ms; "
        f"one /explain pair p50 {runs[SINGLE]['p50_ms']:.1f} ms; /explore from the answer cache "
        f"{cached['req_per_s']:,.0f} req/s; bare FastAPI {bare['req_per_s']:,.0f} req/s"
    )
    met = r["goals_met"]
    target = (
        f"/explore ≥ 1,000 req/s, p99 ≤ 50 ms — {verdict(met[COLD])}; /explain and /recommend ≥ 500 req/s, "
        f"p99 ≤ 50 ms — {verdict(met[EXPLAIN])}, {verdict(met[RECOMMEND])}; one pair ≤ 10 ms — {verdict(met[SINGLE])}"
    )
    return result, target


def _analyst_queries(r: dict[str, Any]) -> tuple[str, str]:
    runs = [q for q in r["runs"] if not q["extra"]]  # the extras are other views of a query already run
    with_rows = sum(1 for q in runs if not q["error"] and q["rows"])
    result = f"{with_rows} of {len(runs)} runs return rows (each query, `kind` both ways)"
    return result, f"rows for each — {verdict(with_rows == len(runs))}"


def _cli_latency(r: dict[str, Any]) -> tuple[str, str]:
    rows = r["rows"]
    helps = [v["median_s"] for k, v in rows.items() if k.endswith("--help")]
    result = (
        f"every `--help` {min(helps):.2f}–{max(helps):.2f} s (median), "
        f"`stats` {rows['stats (cold)']['median_s']:.1f} s cold and "
        f"{rows['stats (shared)']['median_s']:.1f} s shared, "
        f"`cypher run` {rows['cypher run (cold)']['median_s']:.1f} s cold"
    )
    return result, "; ".join(f"{goal} — {verdict(met)}" for goal, met in r["goals"].items())


def _synth(r: dict[str, Any]) -> tuple[str, str]:
    return f"{r['wall_s']:.1f} s, {r['peak_rss_mb']:,} MB peak", "fits one machine"


def _cover(r: dict[str, Any]) -> tuple[str, str]:
    first, nxt = r["days"][0], r["days"][1]
    return f"{first['wall_s']:.1f} s from empty, {nxt['wall_s']:.1f} s the next day", "seconds"


MERGE_PRECISION = 0.95  # the canonicalizer's goals on the labelled pairs
MERGE_RECALL = 0.8


def _merges_met(x: dict[str, Any]) -> bool:
    return bool(x["precision"] >= MERGE_PRECISION and x["recall"] >= MERGE_RECALL)


def _canonical(r: dict[str, Any]) -> tuple[str, str]:
    """Merge precision/recall on the labelled pairs."""
    p = r["pairs"]
    result = (
        f"labelled pairs ({p['pairs']}): precision {p['precision']:.3f}, recall {p['recall']:.3f} at threshold "
        f"{r['threshold']}"
    )
    return result, f"precision ≥ 0.95, recall ≥ 0.8 — {verdict(_merges_met(p))}"


def _canonical_generated(r: dict[str, Any]) -> tuple[str, str]:
    """Merge precision/recall on the generated names; speed against cosine alone."""
    g = r["generated"]
    w = g["words"]
    result = (
        f"{g['names']:,} generated names: precision {w['precision']:.3f}, recall {w['recall']:.3f} at threshold "
        f"{r['threshold']} (cosine alone {g['cosine']['precision']:.3f} / {g['cosine']['recall']:.3f}); "
        f"{g['slowdown']:.2f}× the cosine method's time"
    )
    target = (
        f"precision ≥ 0.95, recall ≥ 0.8 — {verdict(_merges_met(w))}; time ≤ 1.5× — {verdict(g['slowdown'] <= 1.5)}"
    )
    return result, target


def _suite(r: dict[str, Any]) -> tuple[str, str]:
    """`make test` as CI runs it: pytest's counts, pytest's time and the whole run's."""
    counts = ", ".join(f"{n:,} {what}" for what, n in r["counts"].items())
    result = f"{r['outcome']}: {counts}; pytest {r['pytest_s'] / 60:.1f} min, the whole run {r['wall_s'] / 60:.1f} min"
    return result, f"≤ {r['goal_s'] // 60} min — {verdict(r['goal_met'])}"


def _grow_recovery(r: dict[str, Any]) -> tuple[str, str]:
    runs = r["runs"]
    noise = " / ".join(f"{x['noise']:g}" for x in runs)
    recall = {
        kind: " / ".join(
            f"{x[kind]['recall']:.2f}"
            + (f" → {x[kind]['calibrated_recall']:.2f}" if "calibrated_recall" in x[kind] else "")
            for x in runs
        )
        for kind in ("U2I", "I2U")
    }
    calibrated = any("calibrated_recall" in x["U2I"] for x in runs)
    how = "raw → calibrated " if calibrated else ""
    result = "; ".join(f"{kind} recall {how}{text}" for kind, text in recall.items())
    clean = min(x[kind]["recall"] for x in runs if x["noise"] == 0 for kind in ("U2I", "I2U"))
    goal = f"≥ 0.90 at noise 0 — {verdict(clean >= 0.9)}"
    noisy = [x[kind]["calibrated_recall"] for x in runs if x["noise"] == 0.3 for kind in ("U2I", "I2U")]
    if calibrated and noisy:
        goal += f"; calibrated ≥ 0.90 at noise 0.3 — {verdict(min(noisy) >= 0.9)}"
    return f"{result} at noise {noise}", goal


def _grow_gate(r: dict[str, Any]) -> tuple[str, str]:
    runs = r["runs"]
    result = "; ".join(
        f"noise {x['noise']:g}: precision {x['precision']:.2f}"
        + (
            f" ({x['precision_errors']:.2f} counting the {x['swapped_quarantined']:.0%} of swapped tags it also "
            "quarantined as right)"
            if x.get("swapped")
            else ""
        )
        + f", recall {x['recall']:.2f}, {x['genuine_kept']:.1%} of genuine tags kept"
        for x in runs
    )
    met = {
        x["noise"]: x["precision"] >= 0.9 and x["recall"] >= 0.8 and x["genuine_kept"] >= 0.95
        for x in runs
        if "precision_errors" in x
    }
    goal = "; ".join(f"noise {n:g} {verdict(ok)}" for n, ok in met.items())
    return f"junk quarantined — {result}", f"precision ≥ 0.9, recall ≥ 0.8, genuine kept ≥ 95 %: {goal}" if met else ""


def _demo(r: dict[str, Any]) -> tuple[str, str]:
    steps = ", ".join(f"{name} {clock(sec)}" for name, sec in r["steps_s"].items())
    g, test = r["grow"]["timings_s"], r["train"]["test"]
    return (
        f"{clock(r['wall_s'])} to a serving API ({steps}; tagging {clock(g['tag (LLM)'])}, logic "
        f"{clock(g['logic (LLM)'])}); test NDCG@10 {test['ndcg@10']:.4f}",
        "",
    )


DEMO_STEPS = {
    "init": "`rolegraph init`: the graph schema",
    "load": "`rolegraph load movielens`: 1,682 items, 943 users, 100,000 ratings",
    "grow": "`rolegraph grow`: one daily run on the embedded Gemma 3 270M (started and stopped by the run)",
    "train": "`rolegraph train`: TagCF-ut on G*, every user's roles T(0)/T(1) written back",
    "serve": "`rolegraph serve`, then `/explore`, `/recommend` and `/explain` for user 1 with their output",
}


def demo_table() -> str:
    """The demo's steps with their times, and what the growth run and the training did."""
    r = report("demo")
    g, c, test = r["grow"]["timings_s"], r["grow"]["counts"], r["train"]["test"]
    rest = g["total"] - g["tag (LLM)"] - g["logic (LLM)"]
    grow = (
        f"{c['items_done']} items, {r['config']['tags']} + {r['config']['tags']} frontier tags: tagging "
        f"{clock(g['tag (LLM)'])}, logic {clock(g['logic (LLM)'])}, the rest {clock(rest)}; "
        f"{c['item_tags_new']} new item tags, {c['u2i_edges']} U2I and {c['i2u_edges']} I2U edges, "
        f"{c['llm_calls']} LLM calls"
    )
    train = (
        f"at most {r['config']['epochs']} epochs; test NDCG@10 {test['ndcg@10']:.4f}; "
        f"{r['graph']['relationships'].get('HAS_ROLE', 0):,} HAS_ROLE edges"
    )
    notes = {"grow": grow, "train": train}
    lines = ["| step | what | time |", "|---|---|---:|"]
    for name, sec in r["steps_s"].items():
        what = DEMO_STEPS[name] + (f" — {notes[name]}" if name in notes else "")
        lines.append(f"| {name} | {what} | {clock(sec)} |")
    lines.append(f"| **all** | to a serving API that answered the three calls | **{clock(r['wall_s'])}** |")
    return "\n".join(lines)


def _handbook_gemma(r: dict[str, Any]) -> tuple[str, str]:
    runs = "; ".join(
        f"{name}: {x['tags_per_item']:.1f} tags/item, {x['passed']:.0%} pass the gate" for name, x in r["runs"].items()
    )
    p = r.get("projection")
    eta = f"; the catalogue of {p['catalogue']:,} items in {p['hours']:.0f} h" if p else ""
    return runs + eta, ""


def _reask_gemma(r: dict[str, Any]) -> tuple[str, str]:
    n = r["result"]
    done = n["reask_outcomes"].get("done", 0)
    result = (
        f"{n['echoed']} of {n['answers']} answers echoed a worked example; re-asked without it, {done} answered and "
        f"{n['echoed_again']} echoed again; {n['reask_tags_kept']:.1f} tags kept per re-asked answer; items with a "
        f"kept role {n['items_with_roles']} of {n['items']} ({n['items_with_roles_without_reask']} without the re-ask)"
    )
    return result, ""


def _llm_throughput(r: dict[str, Any]) -> tuple[str, str]:
    n = r["result"]
    if "call_latency_s" in n:
        lat = n["call_latency_s"]
        calls = (
            f"latency per call p50 {lat['p50']:.2f} s, p95 {lat['p95']:.2f} s; {n['calls_per_s']:.2f} calls/s "
            f"with {n['concurrency']} in flight"
        )
    else:  # made before the client timed its calls: wall time over calls is not a call's latency
        calls = f"{n['llm_calls']} calls (latency per call not recorded)"
    result = (
        f"{n['items_per_min']:.1f} items/min tagging, {n['logic_sources_per_min']:.0f} tags/min logic; {calls}; "
        f"{n['output_tokens_per_s']:.1f} output tokens/s; {n['wall_s']:.0f} s wall"
    )
    return result, ""


def _distill(r: dict[str, Any]) -> tuple[str, str]:
    one = {x["model"]: x for x in r["runs"] if x["threads"] == 1}
    t, g = one["tagger"], one["logic"]
    result = (
        f"P_θ {t['train_s']:.0f} s training ({t['s_per_epoch']:.1f} s/epoch), {t['predict_s']:.1f} s to predict "
        f"100k items; P_φ {g['train_s']:.0f} s training, {g['score_s']:.1f} s to score 2k × 2k (one thread)"
    )
    return result, ""


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
    return "NDCG@10 " + "; ".join(parts), target


def _engine_parity(r: dict[str, Any]) -> tuple[str, str]:
    parts, same = [], True
    for g in r["graphs"]:
        ran = [q for q in g["queries"] if not q["result"].startswith("not run")]
        equal = sum(1 for q in ran if q["result"] == "equal")
        content = g["content_hash"]["equal"] or g.get("content_equal_as_plain_data", False)
        same = same and equal == len(ran) and g["same_counts"] and content
        hashes = (
            "content hash equal"
            if g["content_hash"]["equal"]
            else "content equal as plain data (training run ids masked, floats to 9 places), hash differs"
            if content
            else "content differs"
        )
        parts.append(f"{g['graph']}: {equal}/{len(ran)} query runs equal, {hashes}")
    return "; ".join(parts), f"same rows and content on both engines — {verdict(same)}"


def _paper_scale(r: dict[str, Any]) -> tuple[str, str]:
    rm, batch = r["read_model"], r["batch_explore"]
    wb = r.get("write_back") or {}
    written = (
        f"; its write-back {wb['first']['edges_per_s']:,} T1 edges/s on {wb['users']:,} users "
        f"(all users ≈ {r['write_back_extrapolated_s']:,} s, extrapolated)"
        if wb
        else ""
    )
    from_store = r.get("read_model_from_store")
    memory = (
        f"read model loaded from the store in {from_store['load_s']:,.0f} s, {from_store['resident_mib']:,.0f} MiB"
        if from_store
        else f"read model {rm['resident_mib']:,.0f} MiB"
    )
    loaded = r["load_rates"].get("interactions") if r["load_complete"] else None
    service = (r.get("service") or {}).get("runs", {}).get(COLD)
    result = (
        f"{memory} resident; "
        f"batch exploration of every user (compute) {batch['wall_s']:,.0f} s wall "
        f"({batch['cpu_s']:,.0f} CPU s){written}; "
        + (
            f"{loaded['rows']:,} interactions loaded at {loaded['rows_per_s']:,} rows/s"
            if loaded
            else "interactions loaded: no (extrapolated)"
        )
        + (
            f"; /explore over HTTP {service['req_per_s']:,.0f} req/s, p50 {service['p50_ms']} ms, "
            f"p99 {service['p99_ms']} ms"
            if service
            else ""
        )
    )
    target = (
        f"read model ≤ 4 GB — {verdict(r['goal_met_read_model_memory'])}; "
        f"batch ≤ 30 s — {verdict(r['goal_met_batch_explore'])} for the compute"
        + (", not with reading and writing back" if wb else "")
    )
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
            text += f" (tag term {_relative(row['vs_flat'])}, p {row['vs_flat']['p_users']:.2g})"
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


def _backfill(r: dict[str, Any]) -> tuple[str, str]:
    """The catalogue backfill: how many items the LLM tagged, tags per item, the gate, the time."""
    g, gate = r["graph"], r["gate"]
    days = [d for d in r["days"] if d["status"] in ("done", "earlier")]
    hours = sum(d["total_s"] for d in days) / 3600
    share = gate["passed"] if gate["passed"] is not None else g.get("gate_passed")
    passed = "–" if share is None else f"{share:.0%}"
    result = (
        f"{g['llm_tagged']:,} of {g['items']:,} items LLM-tagged ({g['interactions_on_llm_tagged']:.1%} of the "
        f"interactions), {g['roles_per_item']:.1f} roles + {g['topics_per_item']:.1f} topics each; gate passed "
        f"{passed}" + (f"; {len(days)} day(s) logged, {hours:.1f} h" if days else "")
    )
    return result, f"every item LLM-tagged — {verdict(g['llm_tagged'] == g['items'])}"


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
ROWS: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    "graph_store": _graph_store,
    "synth": _synth,
    "cover": _cover,
    "canonical": _canonical,
    "canonical_generated": _canonical_generated,
    "distill": _distill,
    "grow_recovery": _grow_recovery,
    "grow_gate": _grow_gate,
    "demo": _demo,
    "handbook_gemma": _handbook_gemma,
    "reask_gemma": _reask_gemma,
    "llm_throughput": _llm_throughput,
    "api_load": _api_load,
    "cli_latency": _cli_latency,
    "analyst_queries": _analyst_queries,
    "recsys_roles_synth": _roles,
    "recsys_roles_movielens": _roles,
    "engine_parity": _engine_parity,
    "paper_scale": _paper_scale,
    "recsys_synth_oracle": _ablation,
    "recsys_lambda": _lambda,
    "recsys_tagheads": _tagheads,
    "peers": _peers,
    "peers_export": _peers,
    "peers_sasrec": _peers,
    "suite": _suite,
    "recsys_gpu": _recsys_gpu,
    "recsys_controls": _controls,
    "backfill": _backfill,
    "recsys_mixture": _mixture,
} | {s.name: _recsys(s.name) for s in STEPS if s.name.startswith("recsys_") and s.name not in NOT_EVALUATE}


def made(name: str) -> str:
    """When and from which commit a report was made."""
    prov = report(name)["provenance"]
    date = prov["date"][:10] if prov["date"] else "date unknown"
    commit = f"`{prov['commit'][:7]}`" + (" (dirty)" if prov["dirty"] else "") if prov["commit"] else "commit unknown"
    return f"{date}, {commit}"


def quick_tier() -> str:
    """How the quick tier's reports were last made: from one commit or several, their wall times summed and
    the load averages they record (``make bench`` runs them one after another)."""
    provs = [report(name)["provenance"] for step in STEPS if step.tier == "quick" for name in step.reports]
    commits = sorted({f"`{p['commit'][:7]}`" + (" (dirty)" if p["dirty"] else "") for p in provs if p["commit"]})
    loads = [x for p in provs if p.get("load") for x in (p["load"]["start"][0], p["load"]["end"][0])]
    total = sum(p["wall_s"] or 0.0 for p in provs)
    dates = sorted(p["date"][:16].replace("T", " ") for p in provs if p["date"])
    last = dates[-1][11:] if dates[-1][:10] == dates[0][:10] else dates[-1]
    return (
        f"{len(provs)} reports from {' and '.join(commits) if len(commits) < 3 else f'{len(commits)} commits'}, "
        f"made {dates[0]}–{last} UTC, {clock(total)} of wall time summed"
        + (f", load average {min(loads):.1f}–{max(loads):.1f}" if loads else "")
    )


def results_table() -> str:
    """Every report: what it measures, its figures, its target, when it was made."""
    lines = ["| report | what | result | target | made |", "|---|---|---|---|---|"]
    for step in STEPS:
        if not (RESULTS / f"{step.name}.json").exists():  # a new step before its first run
            lines.append(f"| `{step.name}` | {step.what} | not run yet | – | – |")
            continue
        result, target = ROWS[step.name](report(step.name))
        link = f"[`{step.name}`](../bench/results/{step.name}.md)"
        lines.append(f"| {link} | {step.what} | {result} | {target or '–'} | {made(step.name)} |")
    return "\n".join(lines)


def tiers_table() -> str:
    """Every step of bench/tiers.py: its reports, tier, typical time, what it measures and its command."""
    lines = ["| report | tier | typical time | what it measures | needs | command |", "|---|---|---|---|---|---|"]
    for step in STEPS:
        links = ", ".join(f"[`{r}`](results/{_markdown(r)})" for r in step.reports)
        lines.append(
            f"| {links} | {step.tier} | {step.typical} | {step.what} | {step.needs or '–'} | `{step.command()}` |"
        )
    return "\n".join(lines)


def _markdown(name: str) -> str:
    md = RESULTS / f"{name}.md"
    return md.name if md.exists() else f"{name}.json"


API_RUNS = {
    CACHED: "/explore `graph=cover`, read model, answer cache (the default)",
    COLD: "/explore `graph=cover`, read model, every answer computed (`ROLEGRAPH_API_EXPLORE_CACHE_SIZE=0`)",
    EXPLAIN: "/explain, read model, no answer cache",
    RECOMMEND: "/recommend, score table, no answer cache",
    SINGLE: "/explain of one pair at a time (1 connection)",
}


def api_table() -> str:
    """Every run of the api_load report beside the bare FastAPI app."""
    runs = report("api_load")["runs"]
    bare = runs[BARE]
    head = f"ratio to bare FastAPI ({bare['req_per_s']:,.0f} req/s, p99 {bare['p99_ms']:.1f} ms)"
    lines = [f"| run | req/s | p50 ms | p99 ms | {head} |", "|---|---:|---:|---:|---:|"]
    for key, run in runs.items():
        if key != BARE:
            lines.append(
                f"| {API_RUNS.get(key, key)} | {run['req_per_s']:,.0f} | {run['p50_ms']:,.1f} | {run['p99_ms']:,.1f} "
                f"| {run['ratio_to_bare']:.3f} |"
            )
    return "\n".join(lines)


def _api_goal() -> str:
    r = report("api_load")
    cold, met = r["runs"][COLD], r["goals_met"]
    return (
        f"{verdict(met[COLD])} for /explore ({cold['req_per_s']:,.0f} req/s, p99 {cold['p99_ms']:.1f} ms); "
        f"/explain {verdict(met[EXPLAIN])}, /recommend {verdict(met[RECOMMEND])}, one pair {verdict(met[SINGLE])}"
    )


def _per_request(path: str) -> str:
    parts = report("api_load")["per_request_ms"][path]
    shown = "; ".join(f"{k} {v:.2f}" for k, v in parts.items() if k != "total")
    return f"{parts['total']:.2f} ms ({shown})"


def _cell(text: str) -> str:
    """``text`` in a Markdown table cell (its pipes escaped)."""
    return text.replace("|", "\\|")


def _pct(x: float) -> str:
    return f"{x * 100:+.1f}".replace("-", "−")


def _relative(vs: dict[str, Any]) -> str:
    """A paired comparison's relative difference with its 95 % CI: ``+2.4 % [−2.3, +6.9]``."""
    return f"{_pct(vs['rel'])} % [{_pct(vs['rel_ci'][0])}, {_pct(vs['rel_ci'][1])}]"


METRIC_COLUMNS = ("ndcg@10", "coverage@10", "gini@10")


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
        vs = [f"{_relative(v)}, p {v['p_users']:.2g}" if v else "–" for v in versus]
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
        versus = f"{_relative(vs)}, p {vs['p_users']:.2g}" if vs else "–"
        lines.append(
            f"| {_cell(row['model'])} | {_cell(row['change'])} | {betas.get(row['model'], '–')} | {row['ndcg@10']:.4f} "
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
        versus = f"{_relative(vs)}, p {vs['p_users']:.2g}" if vs else "–"
        if "beta0" not in row:
            lines.append(f"| {MODELS.get(row['row'], row['row'])} | – | – | {ndcg} | – | – | – | {versus} |")
            continue
        graph = dict(row["overrides"]).get("item_tag_probs") == "graph"
        p_ti = "1 on own tags" if graph else f"{row['p_ti_own']:.2f} / {row['p_ti_other']:.2f} ({row['p_ti_auc']:.2f})"
        flat = row["vs_flat"]
        effect = "±0 (β0 = 0 chosen)" if row["beta0"] == 0 else f"{_relative(flat)}, p {flat['p_users']:.2g}"
        lines.append(
            f"| {_cell(row['row'])} | {p_ti} | {row['top_role_right'] * 100:.0f} % | {ndcg} | {row['beta0']:g} "
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
        return f"{_relative(row['vs_flat'])}, p {row['vs_flat']['p_users']:.2g}"

    texts = {
        "cosine_p_ti": f"own roles {cosine['p_ti_own']:.2f} against {cosine['p_ti_other']:.2f} for the others (AUC "
        f"{cosine['p_ti_auc']:.2f} vs {recipe['p_ti_auc']:.2f})",
        "cosine_top": f"{cosine['top_role_right'] * 100:.0f} % instead of {recipe['top_role_right'] * 100:.0f} %",
        "cosine_effect": effect(cosine),
        "history_top": f"{hits[0]:.0f}–{hits[1]:.0f} %",
        "history_top5": f"{history['top5_recall']:.2f} against {recipe['top5_recall']:.2f}",
        "history_weight": f"tag weight {history['tag_weight']:.3f}",
        "graph_effect": effect(graph),
        "below_sasrec": f"{_pct(below[-1])} % to {_pct(below[0])} %",
    }
    return texts[what]


def ceiling_text(c: dict[str, Any]) -> str:
    """``β0 = 2 from validation (validation +9.6 %), test +19.5 % [..] per user, p ..``: Eq. 9's ceiling with
    one role mix (an entry of a tag-heads report's ``eq9_ceiling``)."""
    vs = c["vs_sasrec"]
    return (
        f"β0 = {c['beta0']:g} from validation (validation {_pct(c['valid_rel'])} %), test {_relative(vs)} per user, "
        f"p {vs['p_users']:.2g}"
    )


def _versus_recipe(model: str) -> str:
    """``+2.4 % [−2.3, +6.9] against the recipe (p 0.19)`` for one row of the ablation."""
    vs = next(row for row in report("recsys_ablation")["rows"] if row["model"] == model)["vs_recipe"]
    return f"{_relative(vs)} against the recipe (p {vs['p_users']:.2g})"


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
        paired = f"{_relative(vs)}, p {vs['p_users']:.2g}" if vs else "–"
        epochs = f"{_span(x['epochs'] for x in t)} ({_span(x['best_epoch'] for x in t)})"
        per_epoch, cpu = _mean(t, "train_s_per_epoch"), _mean(t, "cpu_s")
        spread = " | ".join(f"{r[model][m]['mean']:.3f}" for m in ("coverage@10", "gini@10"))
        lines.append(f"| {label} | {epochs} | {per_epoch:.3g} | {cpu:,.0f} | {ndcg} | {paired} | {spread} |")
    return "\n".join(lines)


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
            epochs = f"{_span(x['epochs'] for x in t)} ({_span(x['best_epoch'] for x in t)})" if t else "–"
            lines.append(f"| ours {MODELS.get(model, model)} | {cells(r['ours'][model])} | {epochs} | ours |")
        runs = r["runs"][model]
        epochs = f"{_span(x['epochs_run'] for x in runs)} ({_span(x['best_epoch'] for x in runs)})"
        how = "; ".join(sorted({x["stopped"] for x in runs}))
        epochs_cap, patience = r["config"]["budget"][model]
        how += f" (≤ {epochs_cap} epochs, patience {patience}" + (
            f", not RecBole's default {RECBOLE_PATIENCE})" if patience != RECBOLE_PATIENCE else ")"
        )
        wall = _mean(runs, "wall_s")
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


def _mean(runs: list[dict[str, Any]], key: str) -> float:
    """One field's mean over the runs (seeds) of a training."""
    return sum(x[key] for x in runs) / len(runs)


def _epoch_s(name: str, model: str) -> str:
    """``6.6 s``: a training's train seconds an epoch in an evaluate report, mean over seeds."""
    return f"{_mean(report(f'{name}.runs')['timings'][model], 'train_s_per_epoch'):.1f} s"


def _cpu_per_seed(name: str, models: tuple[str, ...]) -> str:
    """``47 CPU s``: the CPU seconds of some trainings of an evaluate report together, mean over seeds."""
    timings = report(f"{name}.runs")["timings"]
    return f"{sum(_mean(timings[m], 'cpu_s') for m in models):,.0f} CPU s"


def _span(values: Any) -> str:
    v = sorted(values)
    return f"{v[0]}–{v[-1]}" if v[0] != v[-1] else str(v[0])


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
    return f"{_relative(vs)}, Wilcoxon p {vs['p_users']:.2g}"


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


def _row(name: str, part: int) -> Callable[[], str]:
    return lambda: ROWS[name](report(name))[part]


TABLES: dict[str, Callable[[], str]] = {
    "results": results_table,
    "tiers": tiers_table,
    "api_load": api_table,
    "recsys_ablation": ablation_table,
    "recsys_controls": controls_table,
    "demo": demo_table,
    "recsys_tagheads": lambda: tagheads_table(report("recsys_tagheads")),
    "recsys_movielens": lambda: training_table("recsys_movielens"),
    "peers": lambda: peers_table("peers"),
    "peers_export": lambda: peers_table("peers_export"),
}


def _mixture_row(model: str) -> str:
    """One model of the positive control: NDCG@10, and against SASRec per user."""
    row = next(x for x in report("recsys_mixture")["rows"] if x["model"] == model)
    text = f"{row['ndcg@10']['mean']:.4f}"
    vs = row["vs_sasrec"]
    return text if vs is None else f"{text} ({_relative(vs)} per user, p {vs['p_users']:.2g})"


def _sweep(method: str, part: int) -> dict[float, float]:
    """A method's precision (``part`` 0) or recall (1) on the labelled pairs by threshold (the canonical report)."""
    return {round(r["threshold"], 2): r[method][part] for r in report("canonical")["pairs"]["sweep"]}


def _canonical_sweep() -> str:
    """The words method's recall on the labelled pairs at the threshold's landmarks: where it levels off."""
    recall = _sweep("words", 1)
    knee = max(t for t, r in recall.items() if r == recall[min(recall)])  # the highest at the lowest's recall
    return f"{recall[0.9]:.3f} at 0.90, {recall[0.7]:.3f} at 0.70, until {knee:.2f} ({recall[knee]:.3f})"


def _cosine_alone(what: str) -> str:
    """MiniLM's cosine alone on the labelled pairs, as docs/growing quotes it: the synonyms it merges at the
    lowest threshold that reaches the precision goal, and its precision at 0.70."""
    precision, recall = _sweep("cosine", 0), _sweep("cosine", 1)
    strict = min(t for t, p in precision.items() if p >= MERGE_PRECISION)
    texts = {"strict": f"at {strict:.2f} it merges {recall[strict] * 100:.0f} %", "loose": f"{precision[0.7]:.2f}"}
    return texts[what]


def _backfill_day(day: int, what: str) -> str:
    """One day of the backfill report (0: the first), as docs/growing quotes it."""
    d = report("backfill")["days"][day]
    texts = {
        "items": f"{d['items']:,} items in {d['total_s']:,.0f} s",
        "tagging": f"{d['tag_s']:,.0f} s, about {d['items'] / d['tag_s'] * 60:.0f} items a minute",
        "logic": f"{d['logic_s']:,.0f} s",
        "calls": f"{d['total_s']:,.0f} s, {d['llm_calls']:,} LLM calls",
    }
    return texts[what]


def _handbook(what: str) -> str:
    """The handbook report's backfill day and its projection to the catalogue, as docs/growing quotes them."""
    r = report("handbook_gemma")
    run = r["runs"]["with handbook (backfill day)"]
    texts = {
        "calls": f"{run['calls']} LLM calls in {run['llm_s']:,.0f} s ({run['llm_s'] / run['calls']:.1f} s a call)",
        "catalogue": f"{r['projection']['catalogue']:,} items, about {run['new_tags_per_item']:.0f} new frontier "
        f"tags per item",
        "hours": f"{r['projection']['hours']:.0f} hours",
    }
    return texts[what]


def _occupation_cosines(role: str, occupations: tuple[str, ...]) -> str:
    """``0.79 and 0.53``: MiniLM's cosine of one role with some occupations (the MovieLens roles report)."""
    table = report("recsys_roles_movielens")["matching_table"]
    return " and ".join(f"{dict(table[o])[role]:.2f}" for o in occupations)


def _tag_term() -> str:
    """``+0.0 % (p 0.83)``: the ablation's recipe against the same training without tag-logic inference."""
    rows = {x["model"]: x for x in report("recsys_ablation")["rows"]}
    flat = rows["tagcf-ut-util-no-tli"]
    return f"{change(rows['tagcf-ut-util']['ndcg@10'], flat['ndcg@10'])} (p {flat['vs_recipe']['p_users']:.2g})"


def _grow_noisy() -> str:
    """``0.913 on seed 0``: calibrated U2I recall at noise 0.3 in the grow_recovery report."""
    r = report("grow_recovery")
    recall = next(x["U2I"]["calibrated_recall"] for x in r["runs"] if x["noise"] == 0.3)
    return f"{recall:.3f} on seed {r['config']['seed']}"


def _read_model(what: str) -> str:
    """What the API's read model held and cost in the api_load run, as docs/api quotes it."""
    m = report("api_load")["read_model"]
    s = m["sizes"]
    texts = {
        "sizes": f"{s['logic_edges']:,} logic edges, {s['item_roles']:,} item–role pairs, {s['users']:,} users "
        f"with {s['user_roles']:,} user–role pairs, {s['interactions']:,} interactions",
        "heap": f"{m['python_heap_mib']:.1f} MiB",
        "load": f"{m['load_s_in_benchmark']:.2f} s",
    }
    return texts[what]


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

FIGURES: dict[str, Callable[[], str]] = (
    {f"{name}.result": _row(name, 0) for name in ROWS}
    | {f"{name}.made": partial(made, name) for name in ROWS}
    | {
        **{f"{name}.time": partial(_evaluate_time, name) for name in ROWS if name.startswith("recsys_movielens")},
        **{
            f"{name}.ndcg.{model}": partial(_ndcg, name, model)
            for name in ROWS
            if name.startswith("recsys_") and name not in NO_NDCG
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
        **{f"peers.ndcg.{m}": partial(_peer_ndcg, "peers", m) for m in MODELS},
        "peers_sasrec.training": lambda: _peer_training(report("peers_sasrec")["runs"]["sasrec"][0]),
        "peers_sasrec.target": lambda: _peers(report("peers_sasrec"))[1],
        "peers_sasrec.ours": lambda: stat(report("peers_sasrec")["ours"]["sasrec"]["ndcg@10"]),
        "peers_sasrec.recbole": lambda: f"{report('peers_sasrec')['peers']['recbole-sasrec']['ndcg@10']['mean']:.4f}",
        "recsys_ablation.old_recipe": lambda: _versus_recipe("old recipe"),
        "suite.target": lambda: _suite(report("suite"))[1],
        "recsys_roles_movielens.target": lambda: _roles(report("recsys_roles_movielens"))[1],
        "recsys_tagheads.counted": lambda: (
            f"{report('recsys_tagheads')['counted_profile']['top_role_right'] * 100:.0f} %"
        ),
        **{f"recsys_tagheads.recipe.{w}": partial(_recipe, w) for w in RECIPE},
        **{f"recsys_tagheads.switches.{w}": partial(_switches, w) for w in SWITCH_FIGURES},
        "recsys_tagheads.oracle": lambda: f"{_relative(_tagheads_row('oracle-roles')['vs_sasrec'])} per user",
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
        "canonical.sweep": _canonical_sweep,
        **{
            f"recsys_mixture.{m}": partial(_mixture_row, m)
            for m in (
                "sasrec",
                "tagcf-ut-util",
                "tagcf-ut-util-mix",
                "tagcf-it-util",
                "tagcf-it-util-mix",
                "tag-mixture",
                "tag-mixture-it",
                "oracle-behaviour",
                "oracle-roles",
            )
        },
        "reask_gemma.pass": lambda: "{:.0%} of their tags pass the gate against {:.0%}".format(
            report("reask_gemma")["result"]["reask_pass"], report("reask_gemma")["result"]["first_pass"]
        ).replace("%", " %"),
        "bench.quick": quick_tier,
        "api_load.graph": lambda: str(report("api_load")["graph"]),
        "demo.load": lambda: "load average {:.1f} at the start, {:.1f} at the end".format(
            report("demo")["provenance"]["load"]["start"][0], report("demo")["provenance"]["load"]["end"][0]
        ),
        "api_load.goal": _api_goal,
        "api_load.read_model_ms": lambda: _per_request("read model"),
        "api_load.database_ms": lambda: _per_request("database"),
        **{f"api_load.read_model.{w}": partial(_read_model, w) for w in ("sizes", "heap", "load")},
        "llm_throughput.p50": lambda: f"{report('llm_throughput')['result']['call_latency_s']['p50']:.2f} s",
        **{f"handbook_gemma.{w}": partial(_handbook, w) for w in ("calls", "catalogue", "hours")},
        **{
            f"backfill.day{day + 1}.{w}": partial(_backfill_day, day, w)
            for day, w in ((0, "items"), (0, "tagging"), (0, "logic"), (1, "calls"))
        },
        "grow_recovery.noisy": _grow_noisy,
        **{f"canonical.cosine.{w}": partial(_cosine_alone, w) for w in ("strict", "loose")},
        "canonical.words_precision": lambda: f"{min(_sweep('words', 0).values()):.2f}",
        **{
            f"{name}.epoch.{model}": partial(_peer_epoch, name, model)
            for name, model in (
                ("peers", "sasrec"),
                ("peers", "bpr"),
                ("peers_export", "bpr"),
                ("peers_sasrec", "sasrec"),
            )
        },
        **{
            f"peers.recbole_reported.{m}": partial(_recbole_reported, "peers", m) for m in ("sasrec", "bpr", "lightgcn")
        },
        "peers_sasrec.ours.tagcf-ut-util": lambda: _ours_beside_sasrec("peers_sasrec", "tagcf-ut-util"),
        "peers_sasrec.best": lambda: f"epoch {report('peers_sasrec')['runs']['sasrec'][0]['best_epoch']}",
        "peers_sasrec.windows_apart": lambda: change(
            report("recsys_movielens_stride0")["sasrec"]["ndcg@10"]["mean"],
            report("peers_sasrec")["peers"]["recbole-sasrec"]["ndcg@10"]["mean"],
        ),
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
)


# ---- the pages ---------------------------------------------------------------------------------------


def pages() -> list[Path]:
    """The Markdown files that may hold marked places."""
    return sorted({p for pattern in PAGES for p in ROOT.glob(pattern)})


def render(text: str) -> str:
    """``text`` with every marked place made from the reports (KeyError: a place names no figure)."""

    def fill(m: re.Match[str]) -> str:
        kind, name, _ = m.groups()
        if kind == "fig":
            return f"<!-- fig:{name} -->{FIGURES[name]()}<!-- /fig -->"
        return f"<!-- table:{name} -->\n{TABLES[name]()}\n<!-- /table -->"

    return PLACE.sub(fill, text)


def places(text: str) -> list[tuple[str, str, str]]:
    """(kind, name, text) of every marked place in ``text``."""
    return [(m[1], m[2], m[3]) for m in PLACE.finditer(text)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only list the places that differ; exit 1 if any")
    args = parser.parse_args()
    stale = []
    for page in pages():
        text = page.read_text()
        new = render(text)
        if new != text:
            stale.append(page.relative_to(ROOT))
            if not args.check:
                page.write_text(new)
    verb = "differs from its reports" if args.check else "rewritten"
    for page in stale:
        print(f"render_docs: {page} {verb}", file=sys.stderr if args.check else sys.stdout)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
