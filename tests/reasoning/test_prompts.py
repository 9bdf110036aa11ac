"""The prompt templates' variants: a template less one worked example (the re-ask of an echoed answer, the
retry of an unusable one) renders without it, under a version of its own, and every task's prompts carry a
version into a run's provenance string."""

from __future__ import annotations

import pytest

from rolegraph.reasoning.prompts import template, versions
from rolegraph.reasoning.tasks import Task


@pytest.mark.parametrize("task", [Task.ITEM_ROLES, Task.ITEM_TOPICS])
def test_a_template_less_an_example_renders_without_it_under_its_own_version(task: Task) -> None:
    tpl = template(task)
    assert tpl.titles == ("Apollo 13 (1995)", "Babe (1995)")
    less = tpl.without("Babe (1995)")
    assert less.version == f"{tpl.version}~1" and less.titles == ("Apollo 13 (1995)",)
    prompt = less.completion_prompt("Heat (1995). Genres: Action, Crime, Thriller.")
    assert "Babe (1995)" not in prompt and "Apollo 13 (1995)" in prompt
    assert prompt.startswith(tpl.instruction)  # the same instruction
    messages = less.chat_messages("Heat (1995). Genres: Action, Crime, Thriller.")
    assert len(messages) == len(tpl.chat_messages("Heat (1995). Genres: Action, Crime, Thriller.")) - 2
    assert tpl.without("Apollo 13 (1995)").version == f"{tpl.version}~0"


def test_a_title_no_example_has_leaves_the_template_as_it_is() -> None:
    tpl = template(Task.ITEM_ROLES)
    assert tpl.without("Heat (1995)") is tpl


def test_a_variant_is_found_again_by_its_version_and_only_for_this_prompt() -> None:
    tpl = template(Task.ITEM_ROLES)
    less = tpl.without("Babe (1995)")
    assert tpl.variant(less.version) == less
    assert tpl.variant(f"{tpl.version}~0") == tpl.without("Apollo 13 (1995)")
    others = ["0000000~1", f"{tpl.version}~2", f"{tpl.version}~x", tpl.version]  # another prompt, no such example
    assert [tpl.variant(v) for v in others] == [None] * len(others)


def test_the_versions_string_names_every_task_once() -> None:
    parts = versions().split(",")
    assert [p.split(":")[0] for p in parts] == [t.value for t in Task]
    assert all(p.split(":")[1] == template(Task(p.split(":")[0])).version for p in parts)
