"""What MovieLens's tags are worth to TagCF-ut, the tag profile and the tag mixture: the graph's tags against
two controls in one run — MovieLens genres as the tags, and the graph's tag lists shuffled over the items.

    python bench/recsys_controls.py [--export data/recsys/export] [--seeds 2] [--jobs 2]
    python bench/recsys_controls.py --graph-uri falkordb-lite://data/graph.db --graph full [--seeds 2]

Reads the export of the demo graph (`rolegraph train` / `evaluate` write it; `recsys.export.load_export`, no
graph database needed), or with --graph-uri exports the graph's cover (G*, distilled) or full (G, the LLM's
tags) view afresh into a temporary folder; and MovieLens's genres (data/ml-100k, `graph.loaders.movielens`).
Three versions of the same interactions (`recsys.controls`): ``graph`` (as exported), ``genres`` (each
item's genres, both its roles and topics, no logic between them) and ``shuffled`` (every item carries
another item's tag lists, one permutation per seed). On each: TagCF-ut util (also with the tag mixture as
its T(0) term, ``-mix``), the tag profile and the tag mixture over roles and over topics (`models.mixture`);
SASRec once (it reads no tags). `evaluate_seed` per
(version, seed), side by side with ``--jobs`` (one process and torch thread each); TagCF's β chosen once
per version from every seed's validation (`finalize`). Paired per user (`stats.paired_users`: bootstrap
95 % interval, Wilcoxon p): each model against SASRec and against the same model on the graph's tags.
Writes bench/results/recsys_controls.{json,md}.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from reporting import RESULTS, paired_text, stamp, write

from rolegraph.graph.connect import open_store
from rolegraph.graph.loaders.movielens import read_movielens
from rolegraph.graph.model import Source
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.controls import shuffled, with_tags
from rolegraph.recsys.evaluate import Evaluation, evaluate_seed, finalize, summarize
from rolegraph.recsys.export import export, load_export
from rolegraph.recsys.export.read import GraphData
from rolegraph.recsys.models.registry import parse_model
from rolegraph.recsys.stats import paired_users
from rolegraph.recsys.train import set_threads
from rolegraph.recsys.workers import merge
from rolegraph.settings import GraphSettings

VERSIONS = ("graph", "genres", "shuffled")
# the models that read the tags; tagcf-ut-util-mix shares tagcf-ut-util's training
TAGGED = ("tagcf-ut-util", "tagcf-ut-util-mix", "tag-profile", "tag-mixture", "tag-mixture-it")


def version(g: GraphData, name: str, seed: int, genres: dict[str, list[str]]) -> GraphData:
    """The graph's data with the tags of control ``name``."""
    if name == "genres":
        return with_tags(g, genres, "genres")
    if name == "shuffled":
        return shuffled(g, seed)
    return g


def exported(uri: str, view: str) -> GraphData:
    """The graph at ``uri`` exported (``view``: cover or full) to a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp, open_store(GraphSettings(graph_uri=uri)) as store:
        g, _ = export(store, Path(tmp), Source.view(view))
    return g


def run(g: GraphData, name: str, seed: int, cfg: ModelConfig, genres: dict[str, list[str]]) -> Evaluation:
    """One (version, seed): its models trained and tested on one torch thread."""
    set_threads(1)
    models = [*TAGGED, "sasrec"] if name == "graph" else list(TAGGED)
    ev = Evaluation(seeds=[seed])
    started = time.monotonic()
    evaluate_seed(version(g, name, seed, genres), [parse_model(m) for m in models], seed, cfg, ev, "cpu")
    print(f"{name} seed {seed}: {time.monotonic() - started:.0f} s", flush=True)
    return ev


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", type=Path, default=Path("data/recsys/export"))
    ap.add_argument("--graph-uri", help="export this graph afresh instead of reading --export")
    ap.add_argument("--graph", choices=("cover", "full"), default="cover", help="the view exported from --graph-uri")
    ap.add_argument("--movielens", type=Path, default=Path("data/ml-100k"), help="the RecBole ml-100k folder")
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=2, help="(version, seed) pairs side by side")
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    g = exported(args.graph_uri, args.graph) if args.graph_uri else load_export(args.export)
    genres = {it.id: [str(x) for x in it.attrs.get("genres", [])] for it in read_movielens(args.movielens).items}  # type: ignore[union-attr]
    cfg = ModelConfig(epochs=args.epochs)
    seeds = list(range(args.seeds))
    tasks = [(name, s) for s in seeds for name in VERSIONS]
    context = multiprocessing.get_context("spawn")  # no forked torch state in the workers
    with ProcessPoolExecutor(args.jobs, mp_context=context) as pool:
        done = list(pool.map(run, *zip(*[(g, n, s, cfg, genres) for n, s in tasks], strict=True)))
    evs: dict[str, Evaluation] = {}
    for name in VERSIONS:
        evs[name] = merge([ev for (n, _), ev in zip(tasks, done, strict=True) if n == name])
        finalize(evs[name])
    report = stamp("recsys_controls", seeds=seeds) | {
        "export": {
            "folder": None if args.graph_uri else str(args.export),
            "graph_uri": args.graph_uri,
            "view": args.graph if args.graph_uri else None,
            "runs": g.runs,
            "counts": _counts(g),
        },
        "settings": cfg.to_dict(),
        "rows": rows(evs),
        "betas": {n: [{k: v for k, v in b.items() if k != "sweep"} for b in ev.betas] for n, ev in evs.items()},
        "timings": {n: ev.timings for n, ev in evs.items()},
    }
    write(args.out, report, markdown(report))


def _source(e: dict[str, Any]) -> str:
    return f"The {e['view']} view of {e['graph_uri']}" if e.get("graph_uri") else f"Export {e['folder']}"


def _counts(g: GraphData) -> dict[str, int]:
    return {"items": g.size("item"), "role_tags": g.size("user_tag"), "item_role_edges": len(g.has_user_tag)}


def rows(evs: dict[str, Evaluation]) -> list[dict[str, Any]]:
    """SASRec, then each tag-reading model on each version: metrics over seeds, paired comparisons."""
    sasrec = evs["graph"].ranks["sasrec"]
    base = summarize(evs["graph"])["sasrec"]
    out = [{"version": "–", "model": "sasrec", **_metrics(base)}]
    for name, ev in evs.items():
        summary = summarize(ev)
        for model in TAGGED:
            row = {"version": name, "model": model, **_metrics(summary[model])}
            row["vs_sasrec"] = paired_users(ev.ranks[model], sasrec)
            if name != "graph":
                row["vs_graph_tags"] = paired_users(ev.ranks[model], evs["graph"].ranks[model])
            betas = [b for b in ev.betas if b["model"] == model]
            row["beta0"] = betas[0]["beta0"] if betas else None
            out.append(row)
    return out


def _metrics(entry: dict[str, Any]) -> dict[str, Any]:
    return {m: entry[m] for m in ("ndcg@10", "coverage@10", "gini@10")}


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Tag controls on MovieLens: the graph's tags, genres, shuffled ({report['date']})",
        "",
        f"Command: `{report['provenance']['command']}`. {_source(report['export'])} {report['export']['counts']} (runs "
        f"{', '.join(report['export']['runs'])}); seeds {report['provenance']['seeds']}; TagCF's β chosen once per "
        "version from every seed's validation. Paired columns: relative NDCG@10 change, 95 % bootstrap interval "
        "over users, Wilcoxon p over users (each user's NDCG@10 averaged over seeds).",
        "",
        "| tags | model | NDCG@10 | coverage@10 | Gini@10 | β0 | vs SASRec | vs the same model on the graph's tags |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in report["rows"]:
        n, c, gi = r["ndcg@10"], r["coverage@10"], r["gini@10"]
        beta = "–" if r.get("beta0") is None else f"{r['beta0']:g}"
        lines.append(
            f"| {r['version']} | {r['model']} | {n['mean']:.4f} ± {n['std']:.4f} | {c['mean']:.3f} | {gi['mean']:.3f} "
            f"| {beta} | {paired_text(r.get('vs_sasrec'))} | {paired_text(r.get('vs_graph_tags'))} |"
        )
    lines += [
        "",
        "graph: the demo graph's tags (LLM-tagged items and the distilled tags of the rest); genres: each item's "
        "MovieLens genres as its roles and topics, no logic; shuffled: every item carries another item's tag "
        "lists (one permutation per seed).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
