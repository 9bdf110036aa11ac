"""One code path to the LLM: LangChain models over the OpenAI-compatible HTTP protocol.

Two strategies, both over the same protocol and both validated by the same pydantic models afterwards
(why two: docs/growing.md, "LLM endpoints"):

- ``json``: an instruct model with structured output (``response_format`` ``json_schema``) through
  LangChain's ``ChatOpenAI`` — vLLM in production, any instruct server.
- ``completion``: a base model (the embedded Gemma 3 270M) through the completions endpoint with a
  few-shot prompt that ends where the answer line starts, ``stop=["\\n"]`` — LangChain's ``OpenAI``.

The client adds what the daily run needs around each request: the response cache (a rerun costs
nothing), explicit timeouts, retries with exponential backoff and full jitter on 429 (honouring
Retry-After), 5xx, timeouts and broken connections only, and call/token counters. The concurrency cap
is the caller's thread pool (`LLMClient.map`).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
import openai
from langchain_core.language_models import BaseChatModel, BaseLLM

from rolegraph.errors import LLMUnavailable
from rolegraph.reasoning.llm.cache import CachedAnswer, ResponseCache, cache_key

Strategy = Literal["json", "completion"]


class TransientLLMError(LLMUnavailable):
    """The server did not answer usefully after every retry (429, 5xx, timeout, broken connection)."""


class RejectedRequest(LLMUnavailable):
    """The server refused the request for good (4xx other than 429): retrying cannot help."""


@dataclass(frozen=True)
class RetryPolicy:
    """Retries on transient failures: ``attempts`` in all, backoff ``base_s·2^k`` with full jitter."""

    attempts: int = 4
    base_s: float = 0.5
    max_s: float = 20.0
    max_retry_after_s: float = 60.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after_s)
        return rng.uniform(0.0, min(self.max_s, self.base_s * 2**attempt))


@dataclass
class Usage:
    """Counts of one run: calls made, cache hits, retries, tokens, and each call's own seconds
    (``call_seconds``, one entry per HTTP attempt: with several calls in flight, summed seconds over
    wall time is not a call's latency). Thread-safe."""

    calls: int = 0
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    call_seconds: list[float] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: float) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)
            if "seconds" in counts:
                self.call_seconds.append(counts["seconds"])

    def as_dict(self) -> dict[str, float]:
        return {
            "llm_calls": self.calls,
            "llm_cache_hits": self.cache_hits,
            "llm_retries": self.retries,
            "llm_failures": self.failures,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "llm_seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class Request:
    """One question: the prompt text for the completion strategy, messages for the json strategy."""

    prompt_version: str
    prompt: str = ""
    messages: tuple[tuple[str, str], ...] = ()
    schema: dict[str, Any] | None = None
    schema_name: str = "answer"
    sampling: tuple[tuple[str, float], ...] = ()  # completion only: sent over the client's defaults

    def payload(self, strategy: Strategy) -> str:
        if strategy == "completion":
            return self.prompt
        return repr((self.messages, self.schema))


def _retry_after(error: openai.APIStatusError) -> float | None:
    value = error.response.headers.get("retry-after")
    try:
        return None if value is None else float(value)
    except ValueError:
        return None  # an HTTP date: fall back to backoff


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in {"localhost", "127.0.0.1", "::1"}


class LLMClient:
    """Asks the LLM through LangChain, with cache, retries and counters.

    ``on_first_call`` runs once before the first request that misses the cache (the daily run uses it to
    start the embedded server only when a call is really needed). ``clock`` (seconds) times each attempt and
    ``sleep`` waits between attempts; tests pass their own so that no test waits on the real clock.
    """

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str,
        strategy: Strategy,
        cache: ResponseCache,
        timeout_s: float = 60.0,
        max_tokens: int = 160,
        concurrency: int = 2,
        retry: RetryPolicy | None = None,
        completion_extra: dict[str, Any] | None = None,
        on_first_call: Callable[[], None] | None = None,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url
        self.model = model
        self.strategy: Strategy = strategy
        self.cache = cache
        self.concurrency = max(1, concurrency)
        self.retry = retry or RetryPolicy()
        self.usage = Usage()
        self._rng = random.Random(seed)
        self._clock = clock
        self._sleep = sleep
        self._on_first_call = on_first_call
        self._started = threading.Lock()
        self._first_done = on_first_call is None
        http = httpx.Client(trust_env=not _is_loopback(base_url), timeout=timeout_s)
        common: dict[str, Any] = {
            "base_url": base_url,
            "api_key": api_key,
            "model": model,
            "temperature": 0.0,
            "max_tokens": max_tokens,
            "timeout": timeout_s,
            "max_retries": 0,  # retries are ours: only on 429/5xx/timeouts, with jitter and Retry-After
            "http_client": http,
        }
        self._chat: BaseChatModel | None = None
        self._completion: BaseLLM | None = None
        self._extra: dict[str, Any] = {}
        if strategy == "json":
            from langchain_openai import ChatOpenAI  # lazy: start-up time (langchain)

            self._chat = ChatOpenAI(**common)
        else:
            from langchain_openai import OpenAI

            self._extra = dict(completion_extra or {"repeat_penalty": 1.3})  # a template's sampling goes over it
            self._completion = OpenAI(**common, extra_body=self._extra)

    # ----------------------------------------------------------------- one request
    def ask(self, request: Request) -> str:
        """The raw answer text for a request: from the cache, or from the server (then cached).

        Raises `TransientLLMError` when every attempt failed transiently, `RejectedRequest` on a
        permanent refusal. Neither is cached, so a later run asks again.
        """
        key = cache_key(self.model, request.prompt_version, self.strategy, request.payload(self.strategy))
        hit = self.cache.get(key)
        if hit is not None:
            self.usage.add(cache_hits=1)
            return hit.text
        self._ensure_started()
        answer = self._call_with_retries(request)
        self.cache.put(key, self.model, request.prompt_version, answer)
        return answer.text

    def map[T](self, fn: Callable[[T], Any], items: Iterable[T]) -> Iterator[Any]:
        """``fn`` over ``items`` with at most ``concurrency`` requests in flight, results in input order."""
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="llm") as pool:
            yield from pool.map(fn, items)

    # ----------------------------------------------------------------- plumbing
    def _ensure_started(self) -> None:
        if self._first_done:
            return
        with self._started:
            if not self._first_done and self._on_first_call is not None:
                self._on_first_call()
            self._first_done = True

    def _call_with_retries(self, request: Request) -> CachedAnswer:
        last: Exception | None = None
        for attempt in range(self.retry.attempts):
            if attempt:
                self.usage.add(retries=1)
            started = self._clock()
            try:
                answer = self._call(request)
            except openai.RateLimitError as e:
                last, wait = e, self.retry.delay(attempt, _retry_after(e), self._rng)
            except openai.InternalServerError as e:  # every 5xx
                last, wait = e, self.retry.delay(attempt, _retry_after(e), self._rng)
            except (openai.APITimeoutError, openai.APIConnectionError) as e:  # timeout, reset, refused
                last, wait = e, self.retry.delay(attempt, None, self._rng)
            except openai.APIStatusError as e:
                self.usage.add(calls=1, failures=1, seconds=self._clock() - started)
                raise RejectedRequest(f"the LLM server refused the request: HTTP {e.status_code}") from e
            else:
                self.usage.add(
                    calls=1,
                    prompt_tokens=answer.prompt_tokens,
                    completion_tokens=answer.completion_tokens,
                    seconds=self._clock() - started,
                )
                return answer
            self.usage.add(calls=1, seconds=self._clock() - started)
            if attempt + 1 < self.retry.attempts:
                self._sleep(wait)
        self.usage.add(failures=1)
        raise TransientLLMError(
            f"no answer from {self.base_url} after {self.retry.attempts} attempts: {type(last).__name__}: {last}"
        ) from last

    def _call(self, request: Request) -> CachedAnswer:
        if self._completion is not None:
            body = {**self._extra, **dict(request.sampling)}
            extra: dict[str, Any] = {"extra_body": body} if request.sampling else {}
            result = self._completion.generate([request.prompt], stop=["\n"], **extra)
            text = result.generations[0][0].text
            usage = (result.llm_output or {}).get("token_usage", {})
            return CachedAnswer(text, int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0)))
        assert self._chat is not None
        kwargs: dict[str, Any] = {}
        if request.schema is not None:
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": request.schema_name, "schema": request.schema, "strict": True},
            }
        message = self._chat.invoke([{"role": r, "content": c} for r, c in request.messages], **kwargs)
        content = message.content if isinstance(message.content, str) else str(message.content)
        meta = getattr(message, "usage_metadata", None) or {}
        return CachedAnswer(content, int(meta.get("input_tokens", 0)), int(meta.get("output_tokens", 0)))

    def close(self) -> None:
        self.cache.close()
