"""`rolegraph export`, `rolegraph train`, `rolegraph evaluate` and `rolegraph load-truth`."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.model import Source
from recsys.config import ModelConfig
from rolegraph.errors import InvalidInput

if TYPE_CHECKING:
    from recsys.evaluate import Evaluation
    from recsys.export.read import GraphData
    from recsys.models.registry import ModelSpec

GRAPHS = {"cover": Source.DISTILLED, "full": Source.LLM}


def _config(args: argparse.Namespace) -> ModelConfig:
    """ModelConfig from --epochs / --patience / --hidden and repeated --set NAME=VALUE."""
    cfg = ModelConfig()
    changes: dict[str, Any] = {}
    for name in ("epochs", "patience", "hidden"):
        if getattr(args, name, None) is not None:
            changes[name] = getattr(args, name)
    for item in args.set or []:
        key, sep, raw = item.partition("=")
        if not sep:
            raise InvalidInput(f"--set expects NAME=VALUE, got {item!r}")
        current = getattr(cfg, key.strip(), None)
        if current is None:
            raise InvalidInput(f"unknown model setting {key!r}; see recsys/config.py")
        try:
            value: Any = (raw.lower() in ("1", "true", "yes")) if isinstance(current, bool) else type(current)(raw)
        except ValueError as e:
            raise InvalidInput(f"--set {key}: {e}") from e
        changes[key.strip()] = value
    return cfg.with_overrides(**changes)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--graph", choices=sorted(GRAPHS), default="cover", help="cover = G* (distilled), full = G (llm)")
    p.add_argument("--epochs", type=int, default=None, help="maximum epochs (default 100; early stopping ends sooner)")
    p.add_argument("--patience", type=int, default=None, help="epochs without better validation NDCG@10 (default 5)")
    p.add_argument("--hidden", type=int, default=None, help="embedding width (default 64)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="any ModelConfig field, e.g. --set lam=0.2")
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu or cuda")
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="CPU threads for torch (default 1: on a shared 2-core machine, 2 OpenMP threads contending with "
        "other processes ran 8x slower than 1)",
    )


def set_threads(n: int) -> None:
    """Limits torch's intra-op threads."""
    import torch

    if n < 1:
        raise InvalidInput(f"--threads must be at least 1, got {n}")
    torch.set_num_threads(n)


def register(sub: Any) -> None:
    """Adds the recommender commands to the `rolegraph` parser."""
    p = sub.add_parser("export", help="export one graph view for the recommender (PyG, RecBole, u2i/i2u, manifest)")
    p.add_argument("--out", type=Path, required=True, help="export folder; its id maps are continued if present")
    p.add_argument("--graph", choices=sorted(GRAPHS), default="cover", help="cover = G* (distilled), full = G (llm)")
    p.add_argument("--previous", type=Path, default=None, help="continue the id maps of this earlier export")
    p.set_defaults(func=export_cmd)

    p = sub.add_parser("evaluate", help="train and test recommenders over seeds; JSON and Markdown report")
    p.add_argument("--dataset", default="movielens", help="movielens (the configured graph) or synth:DIR")
    p.add_argument("--models", default="sasrec,tagcf-ut-util,tagcf-ut-expl,bpr,lightgcn", help="comma-separated")
    p.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1")
    p.add_argument("--json", type=Path, default=None, metavar="PATH", help="model → metric → {mean, std, values}")
    p.add_argument("--report", type=Path, default=None, metavar="PATH", help="Markdown report (+ β sweep PNG beside)")
    p.add_argument("--export-dir", type=Path, default=None, help="where the evaluated export is written")
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
    _common(p)
    p.set_defaults(func=evaluate_cmd)

    p = sub.add_parser("load-truth", help="write a synthetic world's planted tags and logic into the graph")
    p.add_argument("dir", type=Path, help="a `rolegraph synth` output folder (with truth/)")
    p.add_argument("--graph", choices=[*sorted(GRAPHS), "both"], default="both", help="which view(s) to write")
    p.set_defaults(func=load_truth_cmd)

    from recsys.train_cli import register_train

    register_train(sub, _common)


@contextmanager
def _progress(description: str, total: int) -> Iterator[Callable[[int], None]]:
    from rolegraph.cli.ui import progress_bar

    with progress_bar(description, total) as tick:
        yield tick


def export_cmd(args: argparse.Namespace) -> int:
    """`rolegraph export`."""
    from graph.connect import open_store
    from recsys.export import export
    from rolegraph.cli.ui import table

    started = time.monotonic()
    with open_store() as store:
        _, meta = export(store, args.out, GRAPHS[args.graph], args.previous)
    table(
        f"export of {args.graph} graph to {args.out} ({time.monotonic() - started:.1f} s)",
        ("what", "count"),
        sorted(meta["counts"].items()),
    )
    return 0


def load_truth_cmd(args: argparse.Namespace) -> int:
    """`rolegraph load-truth DIR`."""
    from graph.connect import open_store
    from graph.loaders.synth_truth import load_truth
    from rolegraph.cli.ui import table

    sources = tuple(Source) if args.graph == "both" else (GRAPHS[args.graph],)
    with open_store() as store:
        written = load_truth(store, args.dir, sources)
    table(f"planted truth of {args.dir}", ("what", "rows"), sorted(written.items()))
    return 0


def evaluate_cmd(args: argparse.Namespace) -> int:
    """`rolegraph evaluate`."""
    from recsys.evaluate import summarize, sweep_lambda
    from recsys.export import export
    from recsys.models.registry import parse_model
    from recsys.report import markdown, plot_betas, plot_lambda
    from recsys.scorer import RecsysSettings
    from recsys.sources import dataset_store
    from recsys.train import pick_device
    from recsys.workers import default_jobs
    from rolegraph.cli.main import dump_json
    from rolegraph.cli.ui import console

    specs = [parse_model(n) for n in args.models.split(",") if n.strip()]
    if not specs or args.seeds < 1:
        raise InvalidInput("give at least one model and one seed")
    if args.jobs is not None and args.jobs < 1:
        raise InvalidInput(f"--jobs must be at least 1, got {args.jobs}")
    cfg = _config(args)
    set_threads(args.threads)
    device = str(pick_device(args.device))  # a bad name fails here, not in every worker
    slug = args.dataset.replace(":", "-").replace("/", "_").strip("_")
    out_dir = args.export_dir or Path(RecsysSettings().recsys_dir) / "exports" / f"{slug}-{args.graph}"
    started = time.monotonic()
    with dataset_store(args.dataset, _progress) as store:
        g, meta = export(store, out_dir, GRAPHS[args.graph])
    console.print(f"exported {meta['counts']} to {out_dir} in {time.monotonic() - started:.1f} s")
    jobs = args.jobs or default_jobs(args.seeds, args.threads, device)  # resolved: auto → cuda gets 1 job
    started, cpu_started = time.monotonic(), _cpu_seconds()
    ev = _train_seeds(g, specs, cfg, args, jobs)
    wall, cpu = time.monotonic() - started, _cpu_seconds() - cpu_started
    summary = summarize(ev)
    dump_json(summary, args.json)
    if args.report is not None:
        png = args.report.with_suffix(".betas.png")
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
        if plot_betas(ev, png):
            context["β sweeps"] = f"![β sweeps]({png.name})"
        tagcf = [s for s in specs if s.kind == "tagcf"]
        if args.sweep_lambda and tagcf:
            lambdas = [float(x) for x in args.sweep_lambda.split(",") if x.strip()]
            rows = sweep_lambda(g, tagcf[0], lambdas, cfg, args.device)
            plot_lambda(rows, args.report.with_suffix(".lambda.png"))
            context[f"λ sweep ({tagcf[0].name}, seed 0, test)"] = (
                "; ".join(
                    f"λ={r['lambda']}: NDCG@10 {r['ndcg@10']:.4f}, coverage@10 {r['coverage@10']:.4f}" for r in rows
                )
                + f" ![λ sweep]({args.report.with_suffix('.lambda.png').name})"
            )
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(markdown("Recommender evaluation", summary, ev, context))
        args.report.with_suffix(".runs.json").write_text(
            json.dumps({"timings": ev.timings, "betas": ev.betas, "wall_s": wall, "cpu_s": cpu}, indent=1) + "\n"
        )
    return 0


def _train_seeds(
    g: GraphData, specs: list[ModelSpec], cfg: ModelConfig, args: argparse.Namespace, jobs: int
) -> Evaluation:
    """Every seed's trainings and tests, ``jobs`` seeds at a time, with a status line per running seed."""
    from recsys.evaluate import Evaluation, evaluate_seed, train_keys
    from recsys.progress import EvalProgress, SeedSchedule, clock
    from recsys.workers import run_parallel
    from rolegraph.cli.ui import console

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

    def seed_done(seed: int) -> None:
        latest.pop(seed, None)
        schedule.finish(seed)
        console.print(
            f"seed {seed + 1}/{len(seeds)} done ({clock(time.monotonic() - started)} so far; {schedule.line()})"
        )
        show()

    with status:
        if jobs > 1:
            return run_parallel(
                g,
                specs,
                seeds,
                cfg,
                device=args.device,
                threads=args.threads,
                jobs=jobs,
                on_line=on_line,
                seed_started=schedule.start,
                seed_done=seed_done,
            )
        ev = Evaluation(seeds=seeds)
        tracker = EvalProgress(train_keys(specs), seeds, cfg.min_epochs, cfg.patience, cfg.epochs)

        def hooks(key: str, seed: int) -> Callable[[int, float, float], None]:
            tracker.start(key, seed)
            return lambda epoch, loss, valid: on_line(seed, tracker.epoch(epoch, loss, valid))

        for seed in seeds:
            schedule.start(seed)
            evaluate_seed(g, specs, seed, cfg, ev, args.device, hooks)
            tracker.finish()
            seed_done(seed)
        return ev


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
    parts += [f"--set {item}" for item in args.set or []]
    return " ".join(parts)
