"""A scripted OpenAI-compatible HTTP server for tests and benchmarks (a real server on loopback).

It serves ``/v1/models``, ``/v1/completions`` and ``/v1/chat/completions``; a ``responder`` decides each
reply from the endpoint and the request body: a text answer, or a fault — an HTTP status with headers,
a delay, a connection reset. Every request is recorded. The replies follow the OpenAI wire format
(choices, usage), so the real client code paths run unchanged.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the server does: answer ``text`` (status 200), or a fault."""

    text: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # raw body for error statuses
    delay_s: float = 0.0
    reset: bool = False
    after: Callable[[], None] | None = None  # runs once the reply has been sent


Responder = Callable[[str, dict[str, Any]], Reply]


def prompt_of(endpoint: str, body: dict[str, Any]) -> str:
    """The text a request asks about: the prompt, or the user messages."""
    if endpoint == "completions":
        p = body.get("prompt", "")
        return p[0] if isinstance(p, list) else str(p)
    return "\n".join(str(m["content"]) for m in body.get("messages", []) if m.get("role") == "user")


def subject_of(endpoint: str, body: dict[str, Any]) -> str:
    """The last fenced subject (<<<…>>>) of a request — the item text or tag name asked about."""
    text = prompt_of(endpoint, body)
    start = text.rfind("<<<")
    end = text.find(">>>", start)
    return text[start + 3 : end] if start >= 0 and end > start else ""


class ScriptedServer:
    """Runs in a thread; use as a context manager. ``base_url`` ends in /v1."""

    def __init__(self, responder: Responder, model: str = "scripted"):
        self.responder = responder
        self.model = model
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    self._json(200, {"object": "list", "data": [{"id": outer.model, "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                endpoint = self.path.rstrip("/").removeprefix("/v1/")  # completions, chat/completions
                with outer._lock:
                    outer.requests.append((endpoint, body))
                reply = outer.responder(endpoint, body)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.reset:
                    # RST instead of FIN: the client sees "connection reset by peer"
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                if reply.status != 200:
                    raw = reply.body if reply.body is not None else json.dumps({"error": {"message": "scripted"}})
                    self._send(reply.status, raw.encode(), reply.headers)
                    return
                usage = {"prompt_tokens": 10, "completion_tokens": max(1, len(reply.text) // 4)}
                usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
                if endpoint == "completions":
                    choice: dict[str, Any] = {"index": 0, "text": reply.text, "finish_reason": "stop", "logprobs": None}
                    obj = "text_completion"
                else:
                    choice = {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply.text},
                        "finish_reason": "stop",
                    }
                    obj = "chat.completion"
                self._json(
                    200,
                    {
                        "id": "scripted-1",
                        "object": obj,
                        "created": int(time.time()),
                        "model": outer.model,
                        "choices": [choice],
                        "usage": usage,
                    },
                )
                if reply.after is not None:
                    reply.after()

            def _json(self, status: int, data: object) -> None:
                self._send(status, json.dumps(data).encode(), {})

            def _send(self, status: int, raw: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(raw)))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout) before the reply

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # a short poll: `shutdown` waits for the serving loop's next look at its flag, once per server
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def calls(self, endpoint: str | None = None) -> int:
        with self._lock:
            return sum(1 for e, _ in self.requests if endpoint is None or e == endpoint)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
