"""The peers report: our models and RecBole's side by side in one Markdown table, plus how each ran."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# RecBole 1.2.1's defaults for the budget settings this script may change (its overall.yaml)
RECBOLE_DEFAULTS = {"epochs": 300, "stopping_step": 10}
METRICS = ("ndcg@10", "ndcg@20", "mrr@10", "mrr@20", "coverage@10", "coverage@20", "gini@10", "gini@20")
LOGICREC = (
    "The paper's reference code (a RecBole model `LogicRec`) is public in github.com/Code2Q/TagCF "
    "(`recbole/model/sequential_recommender/logicrec.py`, a fork of RecBole) and was found through the public "
    "code index, but it is not part of this repository or its environment, and it reads `u2i.pt`, `i2u.pt` and "
    "per-item tag lists that only our graph export (issue #4, item 1) will produce. It was not run here."
)


def read_ours(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Model → metric → {mean, std, values} from a `rolegraph evaluate --json` file (other keys skipped)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise SystemExit(f"peers: cannot read --ours {path}: {e}") from e
    if not isinstance(data, dict):
        raise SystemExit(f"peers: --ours {path} is not a model → metric → {{mean, std, values}} mapping")
    return {
        model: {m: v for m, v in metrics.items() if isinstance(v, dict) and "mean" in v}
        for model, metrics in data.items()
        if isinstance(metrics, dict) and any(isinstance(v, dict) and "mean" in v for v in metrics.values())
    }


def run_summary(result: dict[str, Any]) -> dict[str, Any]:
    """What the report keeps of one worker run: budget, epochs, timings, both sets of metrics."""
    epochs = result["epoch_s"]
    return {
        "seed": result["seed"],
        "config": result["config"],
        "epochs_run": result["epochs_run"],
        "stopped": result.get("stopped", "early stopping or epoch cap"),
        "best_epoch": result["best_epoch"],
        "epoch_s_mean": round(sum(epochs) / len(epochs), 2) if epochs else None,
        "train_s": round(result["train_s"], 1),
        "test_s": round(result["test_s"], 1),
        "wall_s": round(result["wall_s"], 1),
        "threads": result["threads"],
        "metrics": {k: round(v, 5) for k, v in result["metrics"].items()},
        "recbole_reported": {k: round(v, 5) for k, v in result["recbole_test"].items()},
    }


def _cell(summary: dict[str, Any] | None) -> str:
    if not summary:
        return "–"
    if len(summary.get("values", [])) > 1:
        return f"{summary['mean']:.4f} ± {summary['std']:.4f}"
    return f"{summary['mean']:.4f}"


def _rows(table: dict[str, dict[str, Any]], wall: dict[str, str]) -> list[str]:
    return [
        f"| {model} | " + " | ".join(_cell(metrics.get(m)) for m in METRICS) + f" | {wall.get(model, '–')} |"
        for model, metrics in table.items()
    ]


def departure(model: str, config: dict[str, Any], report: dict[str, Any]) -> str:
    """The budget settings of a run that differ from RecBole's defaults, and why ("none" when none)."""
    changed = [f"{k} {config.get(k)} (default {d})" for k, d in RECBOLE_DEFAULTS.items() if config.get(k) != d]
    if not changed:
        return "none"
    named = report.get("departures", {}).get(model)
    why = named["reason"] if named else "reason not recorded (the report predates it)"
    return f"{', '.join(changed)}: {why}"


def _protocol_note(report: dict[str, Any]) -> list[str]:
    check = report["split_check"]
    return [
        "## Protocol",
        "",
        "Leave-one-out by time per user (last interaction test, second-to-last validation, the rest training; "
        "equal timestamps keep file order), full ranking over all items minus the user's training and "
        "validation items, ties toward the lower item index. RecBole trains on that split with its own "
        "trainer (`eval_args = {split: {LS: valid_and_test}, order: TO, mode: full, group_by: user}`, early "
        "stopping on validation NDCG@10); the best checkpoint's scores for every test user are ranked and "
        "scored by `bench/ranking.py`, the same formulas as ours: NDCG@k and MRR@k with one relevant item, "
        "ItemCoverage@k = distinct recommended items / items, Gini@k = Σ(2i−n−1)·c_i / (n·Σc) over the "
        "ascending recommendation counts of all n items.",
        "",
        f"**Split check** ({check['users']} users): RecBole's split of the ratings file as it is gives a "
        f"different test item for {check['file']['test']} users and a different validation item for "
        f"{check['file']['valid']}: RecBole stores timestamps as float32 (64-second steps at these epoch "
        "times), so distinct times tie and fall back to file order, where ours keeps exact times. RecBole is "
        "therefore handed a copy whose timestamp is each row's position in our order; on it the test items "
        f"differ for {check['ordered']['test']} users and the validation items for {check['ordered']['valid']}. "
        "Every run checks again that RecBole's test items are ours.",
        "",
        f"**File order matters.** Many ratings share a second: ordering equal timestamps by item id instead of "
        f"by file position (as `rolegraph export` lists them) changes the test item of "
        f"{check['ties_by_item_id']['test']} users and the validation item of {check['ties_by_item_id']['valid']}. "
        "Peers and our models therefore compare only on the same `.inter` file: give this script the export's "
        "(`--data EXPORT/recbole/rolegraph`) when setting it beside `rolegraph evaluate`.",
        "",
        "**RecBole's own numbers** (`recbole_reported` in the JSON) are kept as a cross-check. For BPR and "
        "LightGCN they rank the same candidates as ours; for SASRec RecBole does not remove the user's "
        "history from the ranking in full-sort mode for sequential models, so its own SASRec numbers are "
        "not this protocol's and only the table above is.",
        "",
    ]


def markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: the side-by-side table, how each peer ran, the protocol and its check."""
    wall = {f"recbole-{m}": " / ".join(f"{r['wall_s']:,.0f} s" for r in runs) for m, runs in report["runs"].items()}
    head = "| model | " + " | ".join(METRICS) + " | wall (per seed) |"
    lines = [
        f"# Peers: RecBole 1.2.1 on our split ({report['date']})",
        "",
        f"Command: `{report['command']}` on {report['machine']['cores']} cores (CPU, shared with other work), "
        f"data `{report['config']['data']}`; this invocation {report['wall_s']:,.0f} s including the split check "
        "(runs it reused or salvaged keep their own wall times in the table).",
        "",
        head,
        "|" + "---|" * (len(METRICS) + 2),
        *_rows(report["ours"], {}),
        *_rows(report["peers"], wall),
        "",
        "Mean ± sample std over seeds where more than one; ours from `--ours` where given (none given: only the "
        "peers are shown)."
        if not report["ours"]
        else "Mean ± sample std over seeds where more than one; rows without the `recbole-` prefix are ours.",
        "",
        "## How each peer ran",
        "",
        "| model | seed | epochs run (cap, patience) | stopped by | best valid epoch | s/epoch | train | test | "
        "RecBole's own NDCG@10 / MRR@10 | departures from RecBole's defaults | other hyperparameters (RecBole "
        "defaults) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for model, runs in report["runs"].items():
        for r in runs:
            c = r["config"]
            own = r["recbole_reported"]
            lines.append(
                f"| recbole-{model} | {r['seed']} | {r['epochs_run']} ({c['epochs']}, {c['stopping_step']}) | "
                f"{r['stopped']} | {r['best_epoch']} | {r['epoch_s_mean']} | {r['train_s']:,.0f} s | "
                f"{r['test_s']:,.1f} s | "
                f"{own.get('ndcg@10', float('nan')):.4f} / {own.get('mrr@10', float('nan')):.4f} | "
                f"{departure(model, c, report)} | {', '.join(f'{k}={v}' for k, v in c['model_params'].items())}; "
                f"batch {c['train_batch_size']}, lr {c['learning_rate']} |"
            )
    cut = [f"recbole-{m}" for m, runs in report["runs"].items() if any("limit" in r["stopped"] for r in runs)]
    if cut:
        lines += [
            "",
            f"{', '.join(cut)} did not finish training (wall-clock limit on a shared machine): their rows come "
            "from the best checkpoint reached and understate what the model reaches when trained to convergence.",
        ]
    lines += ["", *_protocol_note(report), "## Reference TagCF code", "", LOGICREC, ""]
    return "\n".join(lines)
