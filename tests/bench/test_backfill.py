"""The backfill benchmark's bookkeeping: days logged one by one survive a later command that finds them done,
and kept answers that copy a worked example are found."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from backfill import _echoes, day_row, earlier, gate, keep_day_logs, with_logged
from tiers import BACKFILL_DAY, DEMO_DAY, STEPS

from rolegraph.reasoning.tasks import Task


def _day(day: str, status: str, planned: int, done: int, calls: int) -> dict[str, object]:
    counts = {"items_planned": planned, "items_done": done, "llm_calls": calls}
    return {"day": day, "status": status, "counts": counts, "timings_s": {"total": 60.0 * done}}


def test_a_day_run_by_an_earlier_command_is_reported_from_its_log(tmp_path: Path) -> None:
    summaries = tmp_path / "backfill-2026-12-06.json"
    summaries.write_text(json.dumps({"days": [_day("2026-12-06", "done", 600, 600, 1900)]}))
    keep_day_logs(summaries, tmp_path)
    # the next command rewrites the summaries: the first day found done, a second day run
    found = [_day("2026-12-06", "already done", 0, 0, 0), _day("2026-12-07", "done", 433, 433, 1400)]
    summaries.write_text(json.dumps({"days": found}))
    keep_day_logs(summaries, tmp_path)
    rows = [day_row(earlier(d, tmp_path)) for d in found]
    assert [(r["day"], r["status"], r["items"], r["llm_calls"]) for r in rows] == [
        ("2026-12-06", "earlier", 600, 1900),
        ("2026-12-07", "done", 433, 1400),
    ]
    assert sorted(p.name for p in tmp_path.glob("backfill-day-*")) == [
        "backfill-day-2026-12-06.json",
        "backfill-day-2026-12-07.json",
    ]
    lost = _day("2026-12-05", "already done", 0, 0, 0)  # no log: reported as such
    assert day_row(earlier(lost, tmp_path))["status"] == "already done"


def test_a_rerun_of_a_finished_backfill_reports_the_later_days_from_their_logs(tmp_path: Path) -> None:
    first, second = _day("2026-12-06", "done", 1679, 1679, 3745), _day("2026-12-07", "done", 3, 3, 508)
    first["counts"] |= {"gate_judged": 100, "gate_quarantined": 20}
    second["counts"] |= {"gate_judged": 10, "gate_quarantined": 5}
    summaries = tmp_path / "backfill-2026-12-06.json"
    summaries.write_text(json.dumps({"days": [first, second]}))
    keep_day_logs(summaries, tmp_path)
    (tmp_path / "backfill-day-2026-12-09.json").write_text(json.dumps(second | {"day": "2026-12-09"}))  # not asked
    # the rerun finds its first day done and, nothing left to plan, stops there
    found = [_day("2026-12-06", "already done", 0, 0, 0)]
    args = argparse.Namespace(day="2026-12-06", days=2, logs=tmp_path)
    days = [earlier(d, tmp_path) for d in with_logged(found, args)]
    assert [(d["day"], d["status"]) for d in days] == [("2026-12-06", "earlier"), ("2026-12-07", "earlier")]
    assert [day_row(d)["llm_calls"] for d in days] == [3745, 508]
    assert gate(days) == {"judged": 110, "quarantined": 25, "passed": 1 - 25 / 110}


def test_kept_roles_that_copy_the_prompts_worked_example_are_found() -> None:
    babe = ["young children", "parents of toddler", "farmer", "animal lover", "grandparent", "pet owner"]
    kept = {
        "1": {"roles": babe, "topics": ["farm life"]},  # a crime film that got the example's roles
        "2": {"roles": babe, "topics": []},  # Babe itself
        "3": {"roles": ["jazz fan", "musician", "farmer"], "topics": []},
    }
    texts = {"1": "Heat (1995). Genres: Crime.", "2": "Babe (1995). Genres: Children's.", "3": "Bird (1988)."}
    assert _echoes(kept, texts, "roles", Task.ITEM_ROLES) == {"1": "Babe (1995): 6 of 6 tags"}
    assert _echoes(kept, texts, "topics", Task.ITEM_TOPICS) == {}


def test_bench_full_backfills_from_the_day_after_its_demo_and_keeps_the_day_in_one_place() -> None:
    step = next(s for s in STEPS if s.name == "backfill")
    assert step.argv[step.argv.index("--day") + 1] == BACKFILL_DAY
    assert (date.fromisoformat(BACKFILL_DAY) - date.fromisoformat(DEMO_DAY)).days == 1
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "BENCH_DEMO_DAY = $(shell $(PY) bench/tiers.py demo-day)" in makefile
    assert DEMO_DAY not in makefile and BACKFILL_DAY not in makefile
