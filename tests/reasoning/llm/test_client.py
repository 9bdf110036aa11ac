"""The LLM client over real HTTP against the scripted OpenAI-compatible server."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from rolegraph.reasoning.llm.cache import ResponseCache
from rolegraph.reasoning.llm.client import LLMClient, RejectedRequest, Request, RetryPolicy, Strategy, TransientLLMError
from tests.support.openai_server import Reply, ScriptedServer


def client(server: ScriptedServer, tmp_path: Path, strategy: Strategy = "json", **kw: Any) -> LLMClient:
    return LLMClient(
        base_url=server.base_url,
        model="scripted",
        api_key="k",
        strategy=strategy,
        cache=ResponseCache(tmp_path / "cache.sqlite"),
        timeout_s=kw.pop("timeout_s", 2.0),
        retry=kw.pop("retry", RetryPolicy(attempts=3, base_s=0.01)),
        **kw,
    )


REQ = Request(prompt_version="v1", prompt="Input: x\nPeople:", messages=(("user", "x"),), schema={"type": "object"})


class FakeTime:
    """The client's clock and sleep: the clock moves only when the test (or its scripted server) says so,
    and a sleep records how long the client wanted to wait, without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


def test_completion_strategy_sends_a_few_shot_prompt_with_stop_and_counts_tokens(tmp_path: Path) -> None:
    with ScriptedServer(lambda e, b: Reply(" a; b")) as server:
        c = client(server, tmp_path, "completion")
        assert c.ask(REQ) == " a; b"
        endpoint, body = server.requests[0]
        assert endpoint == "completions" and body["stop"] == ["\n"] and body["temperature"] == 0
        assert body["repeat_penalty"] == 1.3 and body["prompt"] in (REQ.prompt, [REQ.prompt])
        assert c.usage.calls == 1 and c.usage.prompt_tokens == 10 and c.usage.completion_tokens >= 1


def test_json_strategy_asks_for_the_schema_and_the_cache_answers_reruns(tmp_path: Path) -> None:
    with ScriptedServer(lambda e, b: Reply('{"tags": ["a"]}')) as server:
        c = client(server, tmp_path)
        assert c.ask(REQ) == '{"tags": ["a"]}'
        endpoint, body = server.requests[0]
        assert endpoint == "chat/completions"
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["schema"] == {"type": "object"}
        c.close()
        again = client(server, tmp_path)  # a new process would see the same file
        assert again.ask(REQ) == '{"tags": ["a"]}'
        assert server.calls() == 1 and again.usage.cache_hits == 1 and again.usage.calls == 0


@pytest.mark.parametrize(("retry_after", "wait"), [("7", 7.0), ("600", 60.0)])  # at most max_retry_after_s
def test_429_waits_for_retry_after_then_succeeds(tmp_path: Path, retry_after: str, wait: float) -> None:
    replies = iter([Reply(status=429, headers={"Retry-After": retry_after}), Reply('{"tags": ["a"]}')])
    t = FakeTime()
    with ScriptedServer(lambda e, b: next(replies)) as server:
        c = client(server, tmp_path, clock=t.clock, sleep=t.sleep)
        assert c.ask(REQ) == '{"tags": ["a"]}'
        assert t.waits == [wait]  # the server's word, not the policy's backoff (at most 0.01 s here)
        assert c.usage.retries == 1 and c.usage.calls == 2


def test_a_permanent_refusal_is_not_retried(tmp_path: Path) -> None:
    with ScriptedServer(lambda e, b: Reply(status=400)) as server:
        c = client(server, tmp_path)
        with pytest.raises(RejectedRequest, match="HTTP 400"):
            c.ask(REQ)
        assert server.calls() == 1


@pytest.mark.parametrize("reply", [Reply(status=500), Reply(status=503), Reply(reset=True), Reply(delay_s=1.0)])
def test_transient_failures_are_retried_then_reported_and_never_cached(tmp_path: Path, reply: Reply) -> None:
    with ScriptedServer(lambda e, b: reply) as server:
        c = client(server, tmp_path, timeout_s=0.3)
        with pytest.raises(TransientLLMError, match="after 3 attempts"):
            c.ask(REQ)
        assert server.calls() == 3 and c.usage.failures == 1 and len(c.cache) == 0


def test_first_call_hook_runs_once_and_only_on_a_cache_miss(tmp_path: Path) -> None:
    started: list[int] = []
    with ScriptedServer(lambda e, b: Reply('{"tags": ["a"]}')) as server:
        c = client(server, tmp_path, on_first_call=lambda: started.append(1))
        list(c.map(c.ask, [REQ, REQ, REQ]))
        assert started == [1]
        cached = client(server, tmp_path, on_first_call=lambda: started.append(2))
        cached.ask(REQ)
        assert started == [1]


def test_each_attempt_keeps_its_own_seconds(tmp_path: Path) -> None:
    replies = iter([Reply(status=500), *[Reply('{"tags": ["a"]}')] * 4])
    t = FakeTime()

    def reply(endpoint: str, body: dict[str, Any]) -> Reply:
        r = next(replies)
        if r.status == 200:
            t.advance(0.25)  # each answer takes 0.25 s of the client's clock (exact in binary) while it is asked
        return r

    with ScriptedServer(reply) as server:
        c = client(server, tmp_path, concurrency=2, clock=t.clock, sleep=t.sleep)
        asks = [Request(prompt_version="v1", messages=(("user", f"q{n}"),)) for n in range(4)]
        list(c.map(c.ask, asks))
        assert c.usage.calls == 5 and len(c.usage.call_seconds) == 5  # the 500 was an attempt too
        assert all(s >= 0.25 for s in sorted(c.usage.call_seconds)[1:])  # each call waited for its own reply
        assert sum(c.usage.call_seconds) == pytest.approx(c.usage.seconds)
