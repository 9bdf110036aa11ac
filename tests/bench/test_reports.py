"""Every report in bench/results/ says how it was made, and every one is made by a step of a tier.

The schema is `rolegraph.provenance.Provenance`'s; an unknown field is null and then the report's note
says why (reports made before provenance was recorded carry what they recorded themselves).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from reporting import RESULTS
from tiers import STEPS

from rolegraph.provenance import DISTRIBUTIONS, line

REPORTS = sorted(RESULTS.glob("*.json"))
FIELDS = {"commit", "dirty", "command", "date", "wall_s", "seeds", "machine", "versions", "note", "load"}
MACHINE = {"cores", "cpu_model", "memory_gib", "python", "platform", "gpu"}
BEFORE_GPU = MACHINE - {"gpu"}  # the machine of reports made before the GPU was recorded


def _provenance(path: Path) -> dict[str, Any]:
    report = json.loads(path.read_text())
    assert isinstance(report, dict), f"{path.name}: a report is a JSON object"
    assert isinstance(report.get("provenance"), dict), f"{path.name}: no provenance object"
    return report["provenance"]


def _markdown(path: Path) -> Path:
    """The Markdown beside a JSON report (``x.runs.json`` shares ``x.md``)."""
    return path.with_name(path.name.removesuffix(".json").removesuffix(".runs") + ".md")


def test_there_are_reports() -> None:
    assert len(REPORTS) > 20


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_each_report_has_the_provenance_schema(path: Path) -> None:
    prov = _provenance(path)
    assert set(prov) == FIELDS, f"{path.name}: provenance fields {sorted(prov)}"
    assert prov["commit"] is None or re.fullmatch(r"[0-9a-f]{40}", prov["commit"])
    assert prov["dirty"] is None or isinstance(prov["dirty"], bool)
    assert (prov["commit"] is None) <= (prov["dirty"] is None), "a dirty flag needs the commit it is against"
    assert prov["command"] is None or (isinstance(prov["command"], str) and prov["command"].strip())
    if prov["date"] is not None:
        assert datetime.fromisoformat(prov["date"]).tzinfo is not None, "dates are UTC with their offset"
    assert prov["wall_s"] is None or (isinstance(prov["wall_s"], int | float) and prov["wall_s"] >= 0)
    assert prov["seeds"] is None or all(isinstance(s, int) for s in prov["seeds"])
    assert isinstance(prov["machine"], dict) and set(prov["machine"]) in (MACHINE, BEFORE_GPU)
    assert prov["machine"].get("gpu") is None or isinstance(prov["machine"]["gpu"], str)
    assert isinstance(prov["versions"], dict)
    assert all(v is None or isinstance(v, str) for v in prov["versions"].values())
    assert prov["note"] is None or isinstance(prov["note"], str)
    load = prov["load"]  # null: made before the load average was recorded
    assert load is None or (set(load) == {"start", "end"} and all(v is None or len(v) == 3 for v in load.values()))


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_a_report_made_now_knows_everything_and_an_older_one_says_what_it_lacks(path: Path) -> None:
    prov = _provenance(path)
    unknown = [k for k in ("commit", "command", "date", "wall_s", "seeds") if prov[k] is None]
    unknown += [f"machine.{k}" for k, v in prov["machine"].items() if v is None and k != "gpu"]  # null gpu: none
    if prov["commit"] is not None:  # made through rolegraph.provenance.collect
        assert not unknown, f"{path.name}: made with provenance yet {unknown} unknown"
        assert set(DISTRIBUTIONS) <= set(prov["versions"]), f"{path.name}: library versions missing"
    else:
        assert prov["note"] and "unknown" in prov["note"], f"{path.name}: {unknown} unknown without a note"


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_the_markdown_says_the_same_in_one_line(path: Path) -> None:
    md = _markdown(path)
    if not md.exists():  # a second JSON of one invocation (peers' --json) shares the report's provenance
        peers = [s for s in STEPS if path.stem in s.reports]
        assert peers and (RESULTS / f"{peers[0].name}.json").exists(), f"{path.name}: no Markdown beside it"
        assert _provenance(path) == _provenance(RESULTS / f"{peers[0].name}.json")
        return
    assert line(_provenance(path)) in md.read_text().splitlines(), f"{md.name} lacks the provenance line"


def test_every_report_is_made_by_exactly_one_step_of_a_tier() -> None:
    made = [r for step in STEPS for r in step.reports]
    assert len(made) == len(set(made)), "a report named by two steps"
    assert sorted(made) == sorted(p.name.removesuffix(".json") for p in REPORTS)
