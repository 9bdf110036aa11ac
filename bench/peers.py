"""Peers: RecBole 1.2.1's SASRec, BPR and LightGCN on our split, measured with our metrics.

    python bench/peers.py [--models sasrec,bpr,lightgcn] [--seeds 1] [--data data/ml-100k]
                          [--budget MODEL=EPOCHS:PATIENCE]… [--json PATH] [--ours PATH]
                          [--report bench/results/peers.md] [--time-limit S] [--reuse] [--salvage | --resume]
    python bench/peers.py --check        # only: does RecBole's split give our test item for every user?

RecBole runs in its own Python 3.11 environment (bench/peer_env.py builds it once, outside the clone)
through bench/peers_worker.py. RecBole trains with its own trainer and early stopping on validation
NDCG@10; the worker hands back the best checkpoint's scores for every test user, and this script ranks
and scores them with bench/ranking.py — our protocol, so the rows are comparable with
`rolegraph evaluate`. ``--json`` has that command's layout (model → metric → {mean, std, values});
``--ours`` takes such a file and puts our models beside the peers in the report.

RecBole reads timestamps as float32 (64-second steps at 1998 epoch times), so distinct times can tie
and then fall back to file order. It is therefore given a copy of the ratings whose timestamp column is
each row's position in our stable time order, which makes its split ours by construction; every run
checks that RecBole's test items are ours and stops if they are not.

Exit status 2 with pip's last lines when the environment cannot be built; ``--check`` exits 1 when
RecBole's split differs from ours. Scratch files (RecBole's copies, checkpoints, scores) go to
``$ROLEGRAPH_CACHE/peers-work``; ``--reuse`` picks up runs finished there with the same budget, and
``--salvage`` also scores the best checkpoint of a run there that was stopped before it finished, and
``--resume`` instead continues such a run from that checkpoint (SASRec takes minutes an epoch here, so
a long run can be spread over several sittings).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import peer_env
import peers_report
from ranking import Split, leave_one_out, ranking_metrics, summarize, time_order
from reporting import RESULTS, stamp, write

HERE = Path(__file__).resolve().parent
WORKER = HERE / "peers_worker.py"
MODELS = {"sasrec": "SASRec", "bpr": "BPR", "lightgcn": "LightGCN"}
# Epoch cap and early-stopping patience per model: RecBole's defaults (300 epochs, patience 10) except
# where BUDGET_WHY gives the reason; every report names each departure with its reason.
BUDGET = {"sasrec": (30, 3), "bpr": (300, 10), "lightgcn": (300, 10)}
BUDGET_WHY = {
    "sasrec": "RecBole's SASRec trains one example per prefix, about 3 minutes an epoch on 2 cores: its defaults "
    "would take most of a day, so the default run is capped (`--budget sasrec=300:10` runs the defaults)",
}


@dataclass(frozen=True)
class Ratings:
    """An atomic ``.inter`` file read as parallel columns, in file order."""

    path: Path
    users: list[str]
    items: list[str]
    timestamps: list[float]


def read_inter(data: Path) -> Ratings:
    """``DIR/<name>.inter`` (RecBole atomic file with user_id, item_id and timestamp columns)."""
    files = sorted(data.glob("*.inter"))
    if len(files) != 1:
        raise SystemExit(f"peers: expected one .inter file in {data}, found {len(files)}")
    with files[0].open(newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        header = [h.split(":")[0] for h in next(rows)]
        try:
            u, i, t = (header.index(name) for name in ("user_id", "item_id", "timestamp"))
        except ValueError:
            raise SystemExit(f"peers: {files[0]} needs user_id, item_id and timestamp columns, has {header}") from None
        users, items, stamps = [], [], []
        for line, row in enumerate(rows, start=2):
            try:
                stamps.append(float(row[t]))
            except (IndexError, ValueError):
                raise SystemExit(f"peers: {files[0]}:{line}: bad row {row!r}") from None
            users.append(row[u])
            items.append(row[i])
    return Ratings(files[0], users, items, stamps)


def recbole_copies(ratings: Ratings, work: Path) -> dict[str, tuple[Path, str]]:
    """Datasets for RecBole under ``work``: ``file`` links the ratings as they are, ``ordered`` replaces
    each timestamp by its row's position in our time order. Returns name → (data_path, dataset)."""
    stem = ratings.path.stem
    out = {}
    for kind in ("file", "ordered"):
        name = f"{stem}-{kind}"
        folder = work / name
        folder.mkdir(parents=True, exist_ok=True)
        target, fresh = folder / f"{name}.inter", folder / f".{name}.inter.{os.getpid()}"
        if kind == "file":
            fresh.symlink_to(ratings.path.resolve())
        else:
            position = np.empty(len(ratings.timestamps), dtype=np.int64)
            position[time_order(ratings.timestamps)] = np.arange(len(position))
            with fresh.open("w") as f:
                f.write("user_id:token\titem_id:token\ttimestamp:float\n")
                f.writelines(f"{u}\t{i}\t{p}\n" for u, i, p in zip(ratings.users, ratings.items, position, strict=True))
        fresh.replace(target)  # atomic: a run reading the file meanwhile sees the old or the new one whole
        out[kind] = (work, name)
    return out


def _worker(python: Path, args: list[str], log: Path) -> None:
    env = os.environ | {"TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"}
    with log.open("w") as out:
        done = subprocess.run([str(python), str(WORKER), *args], stdout=out, stderr=subprocess.STDOUT, env=env)
    if done.returncode != 0:
        tail = "\n".join(log.read_text().splitlines()[-20:])
        raise SystemExit(f"peers: RecBole failed ({' '.join(args[:1])}, exit {done.returncode}); log {log}:\n{tail}")


def tie_sensitivity(ratings: Ratings, split: Split) -> dict[str, int]:
    """Users whose test / validation item changes when equal timestamps are ordered by item id instead
    of by file position (how `rolegraph export` lists them): how much the file order matters here."""
    order = sorted(range(len(ratings.items)), key=lambda r: (ratings.timestamps[r], ratings.items[r]))
    alt = leave_one_out(
        [ratings.users[r] for r in order], [ratings.items[r] for r in order], [ratings.timestamps[r] for r in order]
    )
    return {
        "test": sum(alt.test.get(u) != item for u, item in split.test.items()),
        "valid": sum(alt.valid.get(u) != item for u, item in split.valid.items()),
    }


def check_split(python: Path, ratings: Ratings, split: Split, work: Path) -> dict[str, Any]:
    """RecBole's validation and test item per user against ours, for the file as it is and the ordered copy."""
    result: dict[str, Any] = {"users": len(split.test), "ties_by_item_id": tie_sensitivity(ratings, split)}
    for kind, (data_path, dataset) in recbole_copies(ratings, work).items():
        out = work / f"split-{kind}.json"
        _worker(
            python,
            ["split", "--data-path", str(data_path), "--dataset", dataset, "--out", str(out)],
            out.with_suffix(".log"),
        )
        theirs = json.loads(out.read_text())
        result[kind] = {
            part: sum(theirs[part].get(u) != item for u, item in ours.items())
            for part, ours in (("test", split.test), ("valid", split.valid))
        }
        # users RecBole tests but we keep for training (exactly two interactions); scored by neither
        result[kind]["recbole_only_test_users"] = len(set(theirs["test"]) - set(split.test))
    return result


@dataclass(frozen=True)
class RunOptions:
    """How runs are made: wall-clock limit per run, and what to do with runs found in the scratch folder."""

    time_limit: float | None = None
    reuse: bool = False
    salvage: bool = False
    resume: bool = False


def _unfinished(out: Path) -> bool:
    """Whether the run in ``out`` stopped before early stopping or its epoch cap ended it."""
    result = out / "result.json"
    return not result.is_file() or "limit" in json.loads(result.read_text()).get("stopped", "")


def run_one(
    python: Path,
    model: str,
    seed: int,
    dataset: tuple[Path, str],
    budget: tuple[int, int],
    work: Path,
    opts: RunOptions,
) -> Path:
    """Trains one model for one seed in the worker; its folder holds scores.npy and result.json."""
    out = work / "runs" / dataset[1] / f"{model}-{seed}-{budget[0]}-{budget[1]}"  # a run per ratings file
    checkpoints = sorted((out / "saved").glob("*.pth"))
    resume = opts.resume and checkpoints and _unfinished(out)
    if opts.reuse and (out / "result.json").is_file() and not resume:
        print(f"peers:   reusing {out}", file=sys.stderr)
        return out
    epochs, patience = budget
    args = ["train", "--data-path", str(dataset[0]), "--dataset", dataset[1], "--out", str(out)]
    args += ["--model", MODELS[model], "--seed", str(seed), "--epochs", str(epochs), "--stopping-step", str(patience)]
    if resume:
        print(f"peers:   continuing the unfinished run in {out} from its best checkpoint", file=sys.stderr)
        args += ["--resume", str(checkpoints[-1])]
    if opts.salvage and checkpoints:
        print(f"peers:   scoring the best checkpoint of the unfinished run in {out}", file=sys.stderr)
        args += ["--checkpoint", str(checkpoints[-1])]
        _worker(python, args, out / "salvage.log")
        return out
    if opts.time_limit:
        args += ["--time-limit", str(opts.time_limit)]
    out.mkdir(parents=True, exist_ok=True)
    _worker(python, args, out / ("resume.log" if resume else "worker.log"))
    return out


def score_run(out: Path, ratings: Ratings, split: Split) -> tuple[dict[str, float], dict[str, Any]]:
    """Our metrics from a worker's scores; stops if RecBole's users or test items are not ours."""
    result = json.loads((out / "result.json").read_text())
    scores = np.load(out / "scores.npy")
    users, items = result["users"], result["items"]
    theirs = dict(zip(users, result["test_items"], strict=True))
    if missing := set(split.test) - set(theirs):
        raise SystemExit(f"peers: RecBole did not rank {len(missing)} of our test users (e.g. {sorted(missing)[:5]})")
    if wrong := [u for u, item in split.test.items() if theirs[u] != item]:
        raise SystemExit(f"peers: RecBole's test item differs from ours for {len(wrong)} users (e.g. {wrong[:5]})")
    column = {item: c for c, item in enumerate(items)}
    if set(column) != set(ratings.items):
        raise SystemExit("peers: RecBole's item set differs from the ratings file's")
    rows = [r for r, u in enumerate(users) if u in split.test]  # RecBole also tests users with 2 interactions
    exclude = np.zeros((len(rows), len(items)), dtype=bool)
    for row, r in enumerate(rows):
        exclude[row, [column[i] for i in split.history[users[r]]]] = True
    targets = np.array([column[split.test[users[r]]] for r in rows])
    return ranking_metrics(scores[rows], exclude, targets), result


def departures(budget: dict[str, tuple[int, int]], models: list[str], given: set[str]) -> dict[str, Any]:
    """Model → the budget settings that differ from RecBole's defaults ({used, recbole_default}) and why;
    ``given`` are the models whose budget came from ``--budget``."""
    out: dict[str, Any] = {}
    for model in models:
        used = dict(zip(("epochs", "stopping_step"), budget[model], strict=True))
        changed = {k: {"used": v, "recbole_default": peers_report.RECBOLE_DEFAULTS[k]} for k, v in used.items()}
        changed = {k: v for k, v in changed.items() if v["used"] != v["recbole_default"]}
        if changed:
            why = "set with --budget on the command line" if model in given else BUDGET_WHY[model]
            out[model] = {"settings": changed, "reason": why}
    return out


def _budget(parser: argparse.ArgumentParser, given: list[str]) -> dict[str, tuple[int, int]]:
    budget = dict(BUDGET)
    for text in given:
        model, _, rest = text.partition("=")
        epochs, _, patience = rest.partition(":")
        if model not in MODELS or not epochs.isdigit() or not patience.isdigit() or int(epochs) < 1:
            parser.error(f"--budget {text!r}: expected MODEL=EPOCHS:PATIENCE with MODEL one of {','.join(MODELS)}")
        budget[model] = (int(epochs), int(patience))
    return budget


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="sasrec,bpr,lightgcn", help="comma-separated: " + ",".join(MODELS))
    parser.add_argument("--seeds", type=int, default=1, help="seeds 2020, 2021, … (RecBole's default first)")
    parser.add_argument("--data", type=Path, default=Path("data/ml-100k"), help="folder with one .inter file")
    parser.add_argument(
        "--budget",
        action="append",
        default=[],
        metavar="MODEL=EPOCHS:PATIENCE",
        help="epoch cap and early-stopping patience of one model (repeatable); defaults: "
        + ", ".join(f"{m}={e}:{p}" for m, (e, p) in BUDGET.items()),
    )
    parser.add_argument("--time-limit", type=float, help="seconds of training per run; no epoch starts after it")
    parser.add_argument("--reuse", action="store_true", help="reuse finished runs found in the scratch folder")
    parser.add_argument(
        "--salvage", action="store_true", help="score the best checkpoint of runs in the scratch folder cut short"
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue runs in the scratch folder cut short from their best checkpoint"
    )
    parser.add_argument("--json", type=Path, help="metrics in `rolegraph evaluate --json` layout")
    parser.add_argument("--ours", type=Path, help="a `rolegraph evaluate --json` file to show beside the peers")
    parser.add_argument("--report", type=Path, default=RESULTS / "peers.md", help="Markdown report (JSON beside it)")
    parser.add_argument("--work", type=Path, help="scratch folder (default $ROLEGRAPH_CACHE/peers-work)")
    parser.add_argument("--check", action="store_true", help="only compare RecBole's split with ours, then exit")
    args = parser.parse_args()
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    if unknown := set(models) - set(MODELS):
        parser.error(f"unknown models {sorted(unknown)}; choose from {','.join(MODELS)}")
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    if args.salvage and args.resume:
        parser.error("--salvage scores an unfinished run as it stands, --resume continues it: choose one")
    budget = _budget(parser, args.budget)
    ours = peers_report.read_ours(args.ours) if args.ours else {}
    work = args.work or peer_env.cache_dir() / "peers-work"
    work.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    ratings = read_inter(args.data)
    split = leave_one_out(ratings.users, ratings.items, ratings.timestamps)
    python = peer_env.ensure_env_or_exit()
    check = check_split(python, ratings, split, work)
    same = check["ordered"]["test"] == check["ordered"]["valid"] == 0
    print(
        f"peers: split check on {ratings.path} ({check['users']} users): RecBole's test / validation item differs "
        f"from ours for {check['file']['test']} / {check['file']['valid']} users on the file as it is (float32 "
        f"timestamps), {check['ordered']['test']} / {check['ordered']['valid']} on the time-ordered copy it trains "
        f"on — {'the splits match' if same else 'THE SPLITS DIFFER'}. Ordering equal timestamps by item id instead "
        f"of file position would change the test item of {check['ties_by_item_id']['test']} users",
        file=sys.stderr,
    )
    if args.check:
        sys.exit(0 if same else 1)
    if check["ordered"]["test"]:
        raise SystemExit(f"peers: RecBole's split differs from ours even on the ordered copy: {check}")

    dataset = recbole_copies(ratings, work)["ordered"]
    runs: dict[str, list[dict[str, Any]]] = {}
    for model in models:
        epochs, patience = budget[model]
        for seed in range(2020, 2020 + args.seeds):
            print(f"peers: {MODELS[model]} seed {seed} (≤ {epochs} epochs, patience {patience})", file=sys.stderr)
            opts = RunOptions(args.time_limit, args.reuse or args.salvage or args.resume, args.salvage, args.resume)
            out = run_one(python, model, seed, dataset, budget[model], work, opts)
            metrics, result = score_run(out, ratings, split)
            runs.setdefault(model, []).append(result | {"metrics": metrics})
            print(f"peers:   {json.dumps({k: round(v, 4) for k, v in metrics.items()})}", file=sys.stderr)

    table = {
        f"recbole-{m}": {k: summarize([r["metrics"][k] for r in rs]) for k in rs[0]["metrics"]}
        for m, rs in runs.items()
    }
    given = {text.partition("=")[0] for text in args.budget}
    report = stamp(args.report.stem, seeds=list(range(2020, 2020 + args.seeds))) | {
        "command": " ".join(["python bench/peers.py", *sys.argv[1:]]),
        "config": {"models": models, "seeds": args.seeds, "data": str(args.data), "budget": budget}
        | {"time_limit_s": args.time_limit}
        | {"ours": str(args.ours) if args.ours else None},
        "split_check": check,
        "peers": table,
        "ours": ours,
        "runs": {m: [peers_report.run_summary(r) for r in rs] for m, rs in runs.items()},
        "departures": departures(budget, models, given),
        "wall_s": round(time.perf_counter() - started, 1),
    }
    write(args.report.parent, report, peers_report.markdown(report))
    if args.json:  # the layout of `rolegraph evaluate --json`, with the same provenance as the report
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(table | {"provenance": report["provenance"]}, indent=2) + "\n")


if __name__ == "__main__":
    main()
