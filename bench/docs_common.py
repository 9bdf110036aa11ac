"""What the docs' figure modules share: reading a report, and the ways a figure is written (bench/render_docs.py)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from reporting import RESULTS

COLD = "/explore user, graph=cover (read model, every answer computed)"
CACHED = "/explore user, graph=cover (read model, answer cache on)"
EXPLAIN = "/explain user, item, graph=cover (read model, no answer cache)"
RECOMMEND = "/recommend user (score table, no answer cache)"
SINGLE = "/explain one pair at a time (1 connection)"
BARE = "bare FastAPI JSON"
MODELS = {
    "sasrec": "SASRec",
    "tagcf-ut-util": "TagCF-ut util",
    "tagcf-ut-expl": "TagCF-ut expl",
    "tagcf-ut-util-no-ta": "TagCF-ut without TA",
    "tagcf-ut-util-no-te": "TagCF-ut without its tag encoder",
    "bpr": "BPR-MF",
    "lightgcn": "LightGCN",
    "tag-profile": "tag profile",
    "sasrec-mix": "SASRec + the tag mixture over roles",
    "sasrec-mix-it": "SASRec + the tag mixture over topics",
}


@cache
def report(name: str) -> dict[str, Any]:
    """bench/results/<name>.json."""
    data: dict[str, Any] = json.loads((RESULTS / f"{name}.json").read_text())
    return data


def verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def load(name: str) -> str:
    """``load average 0.6 at the start, 3.9 at the end`` (1-minute) of a report, as its provenance recorded it."""
    at = report(name)["provenance"]["load"]
    return f"load average {at['start'][0]:.1f} at the start, {at['end'][0]:.1f} at the end"


def clock(seconds: float) -> str:
    """``3 min 5 s`` (``42 s`` under a minute): a duration, rounded to the second (also bench/tiers.py's lines)."""
    minutes, s = divmod(round(seconds), 60)
    return f"{minutes} min {s} s" if minutes else f"{s} s"


def stat(metric: dict[str, Any], digits: int = 4) -> str:
    """``mean ± std`` over seeds (the mean alone for one seed)."""
    if len(metric["values"]) < 2:
        return f"{metric['mean']:.{digits}f}"
    return f"{metric['mean']:.{digits}f} ± {metric['std']:.{digits}f}"


def change(new: float, base: float) -> str:
    return f"{(new / base - 1) * 100:+.1f} %".replace("-", "−")


def cell(text: str) -> str:
    """``text`` in a Markdown table cell (its pipes escaped)."""
    return text.replace("|", "\\|")


def pct(x: float) -> str:
    return f"{x * 100:+.1f}".replace("-", "−")


def relative(vs: dict[str, Any]) -> str:
    """A paired comparison's relative difference with its 95 % CI: ``+2.4 % [−2.3, +6.9]``."""
    return f"{pct(vs['rel'])} % [{pct(vs['rel_ci'][0])}, {pct(vs['rel_ci'][1])}]"


METRIC_COLUMNS = ("ndcg@10", "coverage@10", "gini@10")


def mean(runs: list[dict[str, Any]], key: str) -> float:
    """One field's mean over the runs (seeds) of a training."""
    return sum(x[key] for x in runs) / len(runs)


def span(values: Any) -> str:
    v = sorted(values)
    return f"{v[0]}–{v[-1]}" if v[0] != v[-1] else str(v[0])
