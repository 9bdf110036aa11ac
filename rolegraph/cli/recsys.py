"""`rolegraph export | train | evaluate`: the recommender over graph exports."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rolegraph.cli.ui import Subparsers, console, dump_json, table
from rolegraph.errors import InvalidInput

if TYPE_CHECKING:
    from rolegraph.recsys.config import ModelConfig
    from rolegraph.recsys.evaluate import Evaluation
    from rolegraph.recsys.export.read import GraphData
    from rolegraph.recsys.models.registry import ModelSpec

VIEWS = ("cover", "full")
_THREADS_HELP = (
    "CPU threads for torch (default 1: on a shared 2-core machine, 2 OpenMP threads contending with other "
    "processes ran 8x slower than 1)"
)


def _weights_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--weights",
        choices=("llm", "calibrated"),
        default="calibrated",
        help="logic weights: the LLM's, or behaviour-calibrated where calibration scored the edge (default)",
    )


def _training_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--graph", choices=VIEWS, default="cover", help="cover = G* (distilled), full = G (llm)")
    _weights_option(p)
    p.add_argument(
        "--epochs", type=int, default=None, help="maximum epochs, at least 1 (default 100; early stopping ends sooner)"
    )
    p.add_argument(
        "--patience", type=int, default=None, help="epochs without better validation NDCG@10, at least 1 (default 5)"
    )
    p.add_argument("--hidden", type=int, default=None, help="embedding width, a multiple of the heads (default 64)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any model setting of rolegraph/recsys/config.py, e.g. --set lam=0.2 (a value out of its range is "
        "refused before the graph is read)",
    )
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu or cuda")
    p.add_argument("--threads", type=int, default=1, help=_THREADS_HELP)


def register(sub: Subparsers) -> None:
    """Adds export, train and evaluate."""
    p = sub.add_parser("export", help="export one graph view for the recommender (PyG, RecBole, u2i/i2u, manifest)")
    p.add_argument("--out", type=Path, required=True, help="export folder; its id maps are continued if present")
    p.add_argument("--graph", choices=VIEWS, default="cover", help="cover = G* (distilled), full = G (llm)")
    p.add_argument(
        "--previous",
        type=Path,
        default=None,
        help="continue the id maps of this earlier export folder (it must exist and hold an export)",
    )
    _weights_option(p)
    p.set_defaults(func=export)

    p = sub.add_parser("train", help="train a recommender, store it as the current one, write users' roles back")
    p.add_argument("--model", default="tagcf-ut-util", help="tagcf-(ut|it)-(util|expl)[…], sasrec, bpr or lightgcn")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-write-back", action="store_true", help="do not write HAS_ROLE edges")
    _training_options(p)
    p.set_defaults(func=train)

    p = sub.add_parser("evaluate", help="train and test recommenders over seeds; JSON and Markdown report")
    p.add_argument("--dataset", default="movielens", help="movielens (the configured graph) or synth:DIR")
    p.add_argument(
        "--models",
        default="sasrec,tagcf-ut-util,tagcf-ut-expl,bpr,lightgcn,tag-profile",
        help="comma-separated; also tag-profile-it, tag-mixture, tag-mixture-it, tagcf-it-…, tagcf-…-mix, "
        "sasrec-mix[-it] (SASRec's training with the tag mixture as its β0-weighted T(0) term), and on synth:DIR "
        "oracle-roles, oracle-behaviour",
    )
    p.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1")
    p.add_argument(
        "--paired",
        default=None,
        metavar="M1,M2,…",
        help="models of --models every other model is tested against per user (NDCG@10, bootstrap and Wilcoxon "
        "over users; default: sasrec and tag-profile where evaluated)",
    )
    p.add_argument("--json", type=Path, default=None, metavar="PATH", help="model → metric → {mean, std, values}")
    p.add_argument("--report", type=Path, default=None, metavar="PATH", help="Markdown report (+ β sweep PNG beside)")
    p.add_argument(
        "--export-dir",
        type=Path,
        default=None,
        help="where the evaluated export is written, once every seed trained (default: "
        "$ROLEGRAPH_RECSYS_DIR/exports/<dataset>-<graph>; its id maps are continued)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="seeds trained at once, each in its own process with --threads torch threads (default: as many as "
        "the CPU cores hold, at most --seeds; 1 on CUDA). A seed's numbers do not depend on it",
    )
    p.add_argument(
        "--sweep-lambda",
        default=None,
        metavar="L1,L2,…",
        help="also train the first TagCF model with each λ (seed 0) and plot test NDCG@10 (<report>.lambda.png)",
    )
    _training_options(p)
    p.set_defaults(func=evaluate)


# Each command imports the library it runs inside its function: torch alone takes seconds to import.


def _model_config(args: argparse.Namespace) -> ModelConfig:
    from rolegraph.recsys.config import ModelConfig

    named = {k: getattr(args, k) for k in ("epochs", "patience", "hidden") if getattr(args, k) is not None}
    return ModelConfig().with_overrides(**named).with_text_overrides(args.set)


def export(args: argparse.Namespace) -> int:
    """`rolegraph export`."""
    from rolegraph.graph.connect import open_store
    from rolegraph.graph.model import Source, Weights
    from rolegraph.recsys.export import check_export
    from rolegraph.recsys.export import export as write_export

    if args.previous is not None:
        check_export(args.previous)  # before the graph is opened
    started = time.monotonic()
    with open_store() as store:
        _, meta = write_export(store, args.out, Source.view(args.graph), args.previous, Weights(args.weights))
    title = f"export of {args.graph} graph to {args.out} ({time.monotonic() - started:.1f} s)"
    table(title, ("what", "count"), sorted(meta["counts"].items()))
    return 0


def train(args: argparse.Namespace) -> int:
    """`rolegraph train`: export, train, store as current, write roles back."""
    from rolegraph.graph.connect import open_store
    from rolegraph.graph.model import Source, Weights
    from rolegraph.recsys.models.registry import parse_model
    from rolegraph.recsys.pipeline import run_training
    from rolegraph.recsys.train import set_threads
    from rolegraph.settings import RecsysSettings

    spec = parse_model(args.model)
    if spec.mixed and spec.kind != "tagcf":
        raise InvalidInput(
            f"{spec.name} is an evaluation control (the baseline scored with the tag mixture), not a servable "
            f"model: train {spec.kind} or a TagCF model"
        )
    cfg = _model_config(args)
    set_threads(args.threads)
    status = console.status("training")

    def hook(epoch: int, loss: float, valid: float) -> None:
        status.update(f"{spec.name}: epoch {epoch}, loss {loss:.4f}, validation NDCG@10 {valid:.4f}")

    started = time.monotonic()
    with open_store() as store, status:
        out = run_training(
            store,
            Path(RecsysSettings().recsys_dir),
            spec,
            cfg,
            args.seed,
            write_back=not args.no_write_back,
            device=args.device,
            source=Source.view(args.graph),
            weights=Weights(args.weights),
            hook=hook,
        )
    rows = [(k, _shown(v)) for k, v in out.items() if k != "test"]
    rows += [(f"test {k}", f"{v:.4f}") for k, v in out["test"].items()]
    table(f"rolegraph train ({time.monotonic() - started:.0f} s)", ("what", "value"), rows)
    if out.get("users") == 0 and not args.no_write_back:
        console.print("[yellow]no roles written: the graph view holds no role tags (run the growth pipeline)[/yellow]")
    return 0


def _shown(value: object) -> object:
    return value if isinstance(value, int | str) else f"{value:.4f}" if isinstance(value, float) else str(value)


def evaluate(args: argparse.Namespace) -> int:
    """`rolegraph evaluate`: check every setting, read the graph, train every seed, write the export, summarize,
    report. A run that fails before its seeds are trained leaves the previous export as it was."""
    from rolegraph.cli.options import check_output
    from rolegraph.cli.ui import progress_bar
    from rolegraph.graph.model import Source, Weights
    from rolegraph.provenance import collect, process_wall_s
    from rolegraph.recsys.evaluate import summarize, sweep_lambda
    from rolegraph.recsys.export import previous_maps, read_graph
    from rolegraph.recsys.export.files import counts, write_export
    from rolegraph.recsys.models.registry import parse_model
    from rolegraph.recsys.report import bar_for, write_report
    from rolegraph.recsys.sources import dataset_store
    from rolegraph.recsys.train import pick_device, set_threads
    from rolegraph.recsys.workers import default_jobs
    from rolegraph.settings import RecsysSettings

    specs = [_with_world(parse_model(n), args.dataset) for n in args.models.split(",") if n.strip()]
    if not specs or args.seeds < 1:
        raise InvalidInput("give at least one model and one seed")
    if args.jobs is not None and args.jobs < 1:
        raise InvalidInput(f"--jobs must be at least 1, got {args.jobs}")
    paired = _paired(args.paired, [s.name for s in specs])
    cfg = _model_config(args)
    for spec in specs:
        spec.config(cfg)  # each model's own settings (its ablation switches on top of the run's), checked now
    lambdas = _lambdas(args.sweep_lambda, cfg)
    if args.report is not None:
        check_output(args.report, "--report")
    set_threads(args.threads)
    device = str(pick_device(args.device))  # a bad name fails here, not in every worker
    made = collect(list(range(args.seeds)))  # the commit and tree as they are when training starts
    slug = args.dataset.replace(":", "-").replace("/", "_").strip("_")
    out_dir = args.export_dir or Path(RecsysSettings().recsys_dir) / "exports" / f"{slug}-{args.graph}"
    started = time.monotonic()
    with dataset_store(args.dataset, progress_bar) as store:  # id maps continue those of the last export
        g = read_graph(store, Source.view(args.graph), previous_maps(out_dir), Weights(args.weights))
    console.print(f"read {counts(g)} in {time.monotonic() - started:.1f} s")
    jobs = args.jobs or default_jobs(args.seeds, args.threads, device)  # resolved: auto → cuda gets 1 job
    started, cpu_started = time.monotonic(), _cpu_seconds()
    ev = _train_seeds(g, specs, cfg, args, jobs)
    wall, cpu = time.monotonic() - started, _cpu_seconds() - cpu_started
    summary = summarize(ev, paired)
    tagcf = [s for s in specs if s.kind == "tagcf"]
    sweep = None
    if args.report is not None and lambdas and tagcf:
        sweep = (tagcf[0].name, sweep_lambda(g, tagcf[0], lambdas, cfg, args.device))
    meta = write_export(g, out_dir)  # the export evaluated, written once its trainings succeeded
    console.print(f"exported the evaluated graph view to {out_dir}")
    # in the key order the JSON is written in, so the report's provenance line reads the same as the JSON's
    provenance = json.loads(json.dumps(made.finished(process_wall_s()).as_dict(), sort_keys=True))
    dump_json({**summary, "provenance": provenance}, args.json)
    if args.report is None:
        return 0
    context = {
        "command": _command(args),
        "dataset": f"{args.dataset} ({args.graph} graph view), export {meta['counts']}",
        "export runs": ", ".join(meta["runs"]) or "none",
        "wall time (training + evaluation, all seeds)": f"{wall:.0f} s",
        "CPU time (all processes and threads)": f"{cpu:.0f} s; {jobs} seed(s) at a time, {args.threads} torch "
        "thread(s) each",
        "device": device,
        "settings": json.dumps(cfg.to_dict()),
    }
    write_report(
        args.report,
        summary,
        ev,
        context,
        wall_s=wall,
        cpu_s=cpu,
        provenance=provenance,
        lambda_sweep=sweep,
        bar=bar_for(args.dataset),
    )
    return 0


def _lambdas(given: str | None, cfg: ModelConfig) -> list[float]:
    """The λ of ``--sweep-lambda`` (none without it), each checked as the model setting it becomes."""
    if given is None:
        return []
    lambdas = []
    for text in (x.strip() for x in given.split(",") if x.strip()):
        try:
            lambdas.append(cfg.with_overrides(lam=float(text)).lam)
        except ValueError:
            raise InvalidInput(f"--sweep-lambda: {text!r} is not a number") from None
        except InvalidInput as e:  # out of lam's range
            raise InvalidInput(f"--sweep-lambda: {e}") from None
    return lambdas


def _paired(given: str | None, models: list[str]) -> tuple[str, ...]:
    """The models every other one is tested against per user: ``given`` (each one of ``models``) or the default."""
    from rolegraph.recsys.evaluate import PAIRED_BASELINES

    if given is None:
        return PAIRED_BASELINES
    names = tuple(n.strip() for n in given.split(",") if n.strip())
    if missing := [n for n in names if n not in models]:
        raise InvalidInput(f"--paired {','.join(missing)}: not among --models ({','.join(models)})")
    return names


def _with_world(spec: ModelSpec, dataset: str) -> ModelSpec:
    """An oracle spec pointed at the synthetic world it reads; other specs unchanged."""
    from dataclasses import replace

    if spec.kind != "oracle":
        return spec
    if not dataset.startswith("synth:"):
        raise InvalidInput(f"{spec.name} reads a synthetic world's truth: evaluate it on --dataset synth:DIR")
    return replace(spec, world=dataset.removeprefix("synth:"))


def _train_seeds(
    g: GraphData, specs: list[ModelSpec], cfg: ModelConfig, args: argparse.Namespace, jobs: int
) -> Evaluation:
    """`rolegraph.recsys.workers.train_seeds` with a status line per running seed and the run's ETA."""
    from rolegraph.recsys.progress import SeedSchedule, clock
    from rolegraph.recsys.workers import SeedEvents, train_seeds

    seeds, started = list(range(args.seeds)), time.monotonic()
    status, latest = console.status("training"), dict[int, str]()
    schedule = SeedSchedule(len(seeds), jobs)

    def show() -> None:
        lines = [latest[s] for s in sorted(latest)]
        if jobs > 1:
            lines.insert(0, f"{schedule.line()} · {clock(time.monotonic() - started)} elapsed · {jobs} at a time")
        status.update("\n".join(lines))

    def on_line(seed: int, line: str) -> None:
        latest[seed] = line
        show()
        if not console.is_terminal:  # logs get a line per epoch instead of the spinner
            console.print(line, highlight=False, soft_wrap=True)

    def done(seed: int) -> None:
        latest.pop(seed, None)
        schedule.finish(seed)
        elapsed = clock(time.monotonic() - started)
        console.print(f"seed {seed + 1}/{len(seeds)} done ({elapsed} so far; {schedule.line()})")
        show()

    with status:
        events = SeedEvents(on_line=on_line, started=schedule.start, done=done)
        return train_seeds(g, specs, seeds, cfg, device=args.device, threads=args.threads, jobs=jobs, events=events)


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its ended child processes (the seed workers), all threads."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _command(args: argparse.Namespace) -> str:
    """The evaluate command line that reproduces this run (settings that differ from the defaults)."""
    parts = ["rolegraph evaluate", f"--dataset {args.dataset}", f"--models {args.models}", f"--seeds {args.seeds}"]
    parts += [f"--graph {args.graph}"] if args.graph != "cover" else []
    parts += [f"--{k} {getattr(args, k)}" for k in ("epochs", "patience", "hidden") if getattr(args, k) is not None]
    parts += [f"--paired {args.paired}"] if args.paired is not None else []
    parts += [f"--set {item}" for item in args.set]
    return " ".join(parts)
