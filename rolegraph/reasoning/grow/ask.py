"""One question to the LLM and what became of it: a usable answer, or a reason to set it aside.

Bad answers get one bounded repair turn (json strategy: the failed answer and the validation error are
shown back); still bad → quarantined with the reason. Transient failures (the server unreachable after
every retry) are `failed`: nothing is cached, and a later run asks again. No exception escapes.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegraph.reasoning.answers import BadAnswer, Parsed, parse_answer
from rolegraph.reasoning.llm.client import LLMClient, RejectedRequest, Request, TransientLLMError
from rolegraph.reasoning.prompts import Template, template
from rolegraph.reasoning.safety import looks_like_injection
from rolegraph.reasoning.tasks import Task


@dataclass(frozen=True)
class Outcome:
    """``status`` is done (``parsed`` set), quarantined or failed (``reason`` set)."""

    status: str
    parsed: Parsed | None = None
    reason: str = ""
    flagged: bool = False


def build_request(
    client: LLMClient, task: Task, subject: str, hint: str | None = None, tpl: Template | None = None
) -> Request:
    """The request of one task about one subject (with its hint line, for templates that take one), from
    the task's template or from ``tpl`` (a variant of it, `Template.without`)."""
    tpl = tpl or template(task)
    if client.strategy == "completion":
        return Request(prompt_version=tpl.version, prompt=tpl.completion_prompt(subject, hint), sampling=tpl.sampling)
    return Request(
        prompt_version=tpl.version,
        messages=tpl.chat_messages(subject, hint),
        schema=tpl.schema(),
        schema_name=task.value,
    )


def ask(client: LLMClient, task: Task, subject: str, hint: str | None = None, tpl: Template | None = None) -> Outcome:
    """Asks one task about one subject (item text, tag name, pair or category sample); never raises."""
    flagged = looks_like_injection(subject)
    request = build_request(client, task, subject, hint, tpl)
    try:
        text = client.ask(request)
        try:
            parsed = parse_answer(task, text, strategy=client.strategy)
        except BadAnswer as bad:
            if client.strategy != "json":
                return Outcome("quarantined", reason=bad.reason, flagged=flagged)
            repair = Request(
                prompt_version=request.prompt_version,
                messages=(
                    *request.messages,
                    ("assistant", text[:2000]),
                    ("user", f"That answer is invalid ({bad.reason}). Answer again with JSON matching the schema."),
                ),
                schema=request.schema,
                schema_name=request.schema_name,
            )
            try:
                parsed = parse_answer(task, client.ask(repair), strategy="json")
            except BadAnswer as again:
                return Outcome("quarantined", reason=f"{bad.reason}; after repair: {again.reason}", flagged=flagged)
    except TransientLLMError as e:
        return Outcome("failed", reason=str(e)[:500], flagged=flagged)
    except RejectedRequest as e:
        return Outcome("quarantined", reason=str(e)[:500], flagged=flagged)
    names = parsed.tags or tuple(t.name for t in parsed.targets)
    flagged = flagged or any(looks_like_injection(n) for n in names)
    return Outcome("done", parsed=parsed, flagged=flagged)
