"""The RecBole side of bench/peers.py; runs inside the Python 3.11 environment of bench/peer_env.py.

    python peers_worker.py split --data-path DIR --dataset NAME --out FILE.json
    python peers_worker.py train --data-path DIR --dataset NAME --model SASRec --seed S --epochs E \
        --stopping-step K --out DIR [--time-limit S] [--resume CKPT | --checkpoint CKPT]

RecBole reads ``DIR/NAME/NAME.inter``. ``split`` writes RecBole's validation and test item per user;
``train`` trains one model with RecBole's own trainer (early stopping on validation NDCG@10), then
writes the full score matrix of the best checkpoint for every test user (``scores.npy``, float32
[users × items]) and ``result.json`` (ids, RecBole's own test metrics, timings). Ranking and metrics
are left to the caller, so RecBole's models are measured with exactly our evaluation code.

Every epoch's wall time and validation NDCG@10 go to ``DIR/progress.json`` as they happen, so a run cut
short can be scored (``--checkpoint``) or continued from its best checkpoint (``--resume``: RecBole's
own ``resume_checkpoint`` restores the model, the optimizer and the epoch; the epochs after that best
checkpoint are trained again).

Imports only RecBole, torch and numpy: it runs under another interpreter than the project.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # the wall time of a run counts the imports of torch and RecBole too

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")  # RecBole reloads its checkpoint with torch.load

import numpy as np  # noqa: E402
import torch  # noqa: E402
from recbole.config import Config  # noqa: E402
from recbole.data import create_dataset, data_preparation  # noqa: E402
from recbole.utils import ModelType, get_model, get_trainer, init_logger, init_seed  # noqa: E402

# RecBole's own NDCG/MRR/Hit only, for the cross-check: its ItemCoverage/GiniIndex crash in full ranking.
RECBOLE_METRICS = ["NDCG", "MRR", "Hit"]


def base_config(args: argparse.Namespace) -> dict[str, Any]:
    """The settings every run shares: our split (leave-one-out by time, full ranking), CPU, no clutter."""
    return {
        "data_path": args.data_path,
        "USER_ID_FIELD": "user_id",
        "ITEM_ID_FIELD": "item_id",
        "TIME_FIELD": "timestamp",
        "load_col": {"inter": ["user_id", "item_id", "timestamp"]},
        "eval_args": {"split": {"LS": "valid_and_test"}, "order": "TO", "mode": "full", "group_by": "user"},
        "metrics": RECBOLE_METRICS,
        "topk": [10, 20],
        "valid_metric": "NDCG@10",
        "use_gpu": False,
        "device": "cpu",
        "show_progress": False,
        "state": "WARNING",
    }


def split(args: argparse.Namespace) -> None:
    config = Config(model="BPR", dataset=args.dataset, config_dict=base_config(args))
    dataset = create_dataset(config)
    _, valid, test = dataset.build()
    out: dict[str, dict[str, str]] = {}
    for name, part in (("valid", valid), ("test", test)):
        users = dataset.id2token(dataset.uid_field, part.inter_feat[dataset.uid_field].numpy())
        items = dataset.id2token(dataset.iid_field, part.inter_feat[dataset.iid_field].numpy())
        out[name] = dict(zip(users.tolist(), items.tolist(), strict=True))
    Path(args.out).write_text(json.dumps(out))


def _model_config(args: argparse.Namespace) -> dict[str, Any]:
    config = base_config(args) | {
        "seed": args.seed,
        "reproducibility": True,
        "epochs": args.epochs,
        "stopping_step": args.stopping_step,
        "checkpoint_dir": str(Path(args.out) / "saved"),
    }
    if args.model == "SASRec":
        config["train_neg_sample_args"] = None  # its default CE loss ranks against every item
    return config


class TimeUp(Exception):
    """The run's wall-clock limit passed; the best checkpoint so far stands."""


def _instrument(trainer: Any, log: dict[str, list[float]], deadline: float, progress: Path) -> None:
    """Records the wall time of every training epoch and every validation score (also to ``progress``
    after each); raises `TimeUp` instead of starting an epoch past ``deadline`` (a perf_counter value)."""
    train_epoch, valid_epoch = trainer._train_epoch, trainer._valid_epoch

    def timed_train(*a: Any, **k: Any) -> Any:
        if time.perf_counter() > deadline:
            raise TimeUp
        started = time.perf_counter()
        loss = train_epoch(*a, **k)
        log["epoch_s"].append(time.perf_counter() - started)
        print(f"epoch {len(log['epoch_s'])}: {log['epoch_s'][-1]:.1f} s", flush=True)
        return loss

    def recorded_valid(*a: Any, **k: Any) -> Any:
        score, result = valid_epoch(*a, **k)
        log["valid_ndcg@10"].append(float(score))
        print(f"epoch {len(log['valid_ndcg@10'])}: validation NDCG@10 {float(score):.4f}", flush=True)
        tmp = progress.with_suffix(".tmp")
        tmp.write_text(json.dumps(log))
        tmp.replace(progress)
        return score, result

    trainer._train_epoch, trainer._valid_epoch = timed_train, recorded_valid


@torch.no_grad()
def _scores(model: Any, test_data: Any, sequential: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores of every item ([users × items], the padding column dropped), the user ids, the test items."""
    dataset = test_data._dataset
    model.eval()
    rows, users, tests = [], [], []
    for interaction, _, positive_u, positive_i in test_data:
        scores = model.full_sort_predict(interaction).view(-1, dataset.item_num)  # [B, 1 + items]
        rows.append(scores[:, 1:].float().numpy())
        users.append(interaction[dataset.uid_field].numpy())
        test = np.zeros(len(interaction), dtype=np.int64)
        test[positive_u.numpy()] = positive_i.numpy()  # one test item per user in leave-one-out
        tests.append(test)
    if not sequential and sum(map(len, users)) != dataset.user_num - 1:
        raise SystemExit("peers_worker: RecBole's test loader did not cover every user")
    return np.concatenate(rows), np.concatenate(users), np.concatenate(tests)


def train(args: argparse.Namespace) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(out)  # RecBole writes ./log and ./log_tensorboard
    started = time.perf_counter()
    config = Config(model=args.model, dataset=args.dataset, config_dict=_model_config(args))
    init_seed(config["seed"], config["reproducibility"])
    init_logger(config)
    dataset = create_dataset(config)
    train_data, valid_data, test_data = data_preparation(config, dataset)
    init_seed(config["seed"], config["reproducibility"])  # the model starts from the same state per seed
    model = get_model(config["model"])(config, train_data._dataset).to(config["device"])
    trainer = get_trainer(config["MODEL_TYPE"], config["model"])(config, model)
    log: dict[str, list[float]] = {"epoch_s": [], "valid_ndcg@10": []}
    resumed_from, carried_s = 0, 0.0
    if args.resume:  # continue a run cut short from its best checkpoint
        trainer.resume_checkpoint(args.resume)
        resumed_from = trainer.start_epoch
        earlier = _logged_epochs(out)
        log = {k: earlier[k][:resumed_from] for k in log}
        carried_s = sum(log["epoch_s"])
    prepared = time.perf_counter()
    _instrument(trainer, log, prepared + (args.time_limit or float("inf")), out / "progress.json")
    stopped = "early stopping or epoch cap"
    if args.checkpoint:  # a run cut short from outside: score the best checkpoint it saved
        log = _logged_epochs(out)
        stopped = "killed at the wall-clock limit; its best checkpoint scored"
    else:
        try:
            trainer.fit(train_data, valid_data, saved=True, show_progress=False)
        except TimeUp:
            stopped = f"wall-clock limit of {args.time_limit:.0f} s"
    fitted = time.perf_counter()
    recbole_test = trainer.evaluate(
        test_data, load_best_model=True, model_file=args.checkpoint or trainer.saved_model_file, show_progress=False
    )
    scores, users, tests = _scores(trainer.model, test_data, config["MODEL_TYPE"] == ModelType.SEQUENTIAL)
    done = time.perf_counter()
    np.save(out / "scores.npy", scores)
    result = {
        "model": args.model,
        "seed": args.seed,
        "users": dataset.id2token(dataset.uid_field, users).tolist(),
        "items": dataset.id2token(dataset.iid_field, np.arange(1, dataset.item_num)).tolist(),
        "test_items": dataset.id2token(dataset.iid_field, tests).tolist(),
        "recbole_test": {k.lower(): float(v) for k, v in recbole_test.items()},
        "valid_ndcg@10": log["valid_ndcg@10"],
        "epoch_s": log["epoch_s"],
        "epochs_run": len(log["epoch_s"]),
        "best_epoch": int(np.argmax(log["valid_ndcg@10"])) + 1 if log["valid_ndcg@10"] else 0,
        "stopped": stopped + (f" (resumed at epoch {resumed_from + 1})" if resumed_from else ""),
        "resumed_from_epoch": resumed_from,
        "prepare_s": prepared - started,
        "train_s": sum(log["epoch_s"]) if args.checkpoint else fitted - prepared + carried_s,
        "test_s": done - fitted,
        "wall_s": done - STARTED + (log["run_s"][0] if args.checkpoint else carried_s),
        "threads": torch.get_num_threads(),
        "config": {k: config[k] for k in ("epochs", "stopping_step", "train_batch_size", "learning_rate")}
        | {"model_params": {k: config[k] for k in _MODEL_PARAMS.get(args.model, ()) if k in config}},
    }
    (out / "result.json").write_text(json.dumps(result))


def _logged_epochs(out: Path) -> dict[str, list[float]]:
    """Epoch times and validation scores of an earlier run in ``out``: its ``progress.json``, or for runs
    without that file, read back from its TensorBoard log."""
    if (progress := out / "progress.json").is_file():
        log = json.loads(progress.read_text())
        return log | {"run_s": [sum(log["epoch_s"])]}
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    runs = sorted((out / "log_tensorboard").glob("*/"), key=lambda p: p.stat().st_mtime)  # the first is the run's
    if not runs:
        raise SystemExit(f"peers_worker: no TensorBoard log of an earlier run in {out}")
    events = EventAccumulator(str(runs[0]))
    events.Reload()
    loss = [e.wall_time for e in events.Scalars(next(t for t in events.Tags()["scalars"] if t.startswith("Loss")))]
    valid = events.Scalars("Vaild_score")  # sic, RecBole's tag
    # the event file is named events.out.tfevents.<unix time>.… after when the trainer made it, just before epoch 1
    begin = float(min(f.name.split(".")[3] for f in runs[0].glob("events.out.tfevents.*")))
    marks = [begin, *(v.wall_time for v in valid)]
    return {
        "epoch_s": [end - marks[i] for i, end in enumerate(loss) if i < len(marks)],
        "valid_ndcg@10": [float(v.value) for v in valid],
        "run_s": [max(loss[-1], valid[-1].wall_time if valid else 0.0) - begin],
    }


# The hyperparameters worth printing in the report for each model (all RecBole defaults).
_MODEL_PARAMS = {
    "SASRec": ("n_layers", "n_heads", "hidden_size", "inner_size", "loss_type", "MAX_ITEM_LIST_LENGTH"),
    "BPR": ("embedding_size",),
    "LightGCN": ("embedding_size", "n_layers", "reg_weight"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("split", "train"):
        p = sub.add_parser(name)
        p.add_argument("--data-path", required=True)
        p.add_argument("--dataset", required=True)
        p.add_argument("--out", required=True)
        if name == "train":
            p.add_argument("--model", required=True, choices=sorted(_MODEL_PARAMS))
            p.add_argument("--seed", type=int, required=True)
            p.add_argument("--epochs", type=int, required=True)
            p.add_argument("--stopping-step", type=int, required=True)
            p.add_argument("--time-limit", type=float, help="seconds of training; no epoch starts after it")
            how = p.add_mutually_exclusive_group()
            how.add_argument("--checkpoint", help="do not train: score this saved best checkpoint of a run in --out")
            how.add_argument("--resume", help="continue the run in --out from this saved best checkpoint")
    args = parser.parse_args()
    split(args) if args.command == "split" else train(args)


if __name__ == "__main__":
    main()
