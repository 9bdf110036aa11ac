"""The embedded llama.cpp server on the packaged Gemma 3 270M, for real, on a loopback port."""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path

import pytest

from rolegraph.cli.main import main
from rolegraph.errors import LLMUnavailable
from rolegraph.ports import free_port
from rolegraph.reasoning.llm.server import EmbeddedServer, _answers
from rolegraph.settings import LLMSettings

MODEL = Path(__file__).resolve().parents[3] / "data" / "models" / "gemma-3-270m-q4_k_m.gguf"


def test_the_server_generates_on_every_core_unless_told_fewer() -> None:
    def threads(settings: LLMSettings) -> str:
        cmd = EmbeddedServer(settings).command()
        return cmd[cmd.index("--n_threads") + 1]

    assert threads(LLMSettings()) == str(os.cpu_count())
    assert threads(LLMSettings(llm_threads=1)) == "1"


def test_serves_completions_under_its_alias_and_stops(tmp_path: Path) -> None:
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing — run `make setup`")
    settings = LLMSettings(llm_model_path=str(MODEL), llm_port=free_port(), llm_threads=2)
    with EmbeddedServer(settings, log_path=tmp_path / "llama.log") as server:
        assert server.models() == ["gemma3-270m"]
        body = {
            "model": "gemma3-270m",
            "prompt": "Item: Toy Story (1995). Audiences: Parents; Animation fans\nItem: Alien (1979). Audiences:",
            "max_tokens": 24,
            "temperature": 0,
            "stop": ["\n"],
        }
        request = urllib.request.Request(
            f"{server.base_url}/completions", json.dumps(body).encode(), {"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        assert answer["choices"][0]["text"].strip()
        assert answer["usage"]["completion_tokens"] > 0
        url = server.base_url
    assert not _answers(url)


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    settings = LLMSettings(llm_model_path=str(tmp_path / "none.gguf"), llm_port=free_port())
    with pytest.raises(LLMUnavailable, match="make setup"), EmbeddedServer(settings):
        pass


def test_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    settings = LLMSettings(llm_model_path=str(MODEL), llm_port=free_port(), llm_threads=2)
    with EmbeddedServer(settings), pytest.raises(LLMUnavailable, match="already answers"):
        EmbeddedServer(settings).start()


def test_llm_check_gets_a_completion_from_the_packaged_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llm", "check", "--port", str(free_port())]) == 0
    out = capsys.readouterr().out
    assert "the embedded LLM (gemma3-270m) answered" in out and " 0 tokens" not in out


class _DiesOnFirstCompletion(EmbeddedServer):
    """A server process that lists its model, then exits with a segmentation fault's code on the first
    completion — what a llama.cpp build for another CPU did."""

    def command(self) -> list[str]:
        script = (
            "import http.server, json, os, sys\n"
            "class H(http.server.BaseHTTPRequestHandler):\n"
            "    def log_message(self, *a): pass\n"
            "    def do_GET(self):\n"
            "        body = json.dumps({'data': [{'id': sys.argv[2]}]}).encode()\n"
            "        self.send_response(200); self.send_header('content-length', str(len(body))); self.end_headers()\n"
            "        self.wfile.write(body)\n"
            "    def do_POST(self): os._exit(139)\n"
            "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()\n"
        )
        return [sys.executable, "-c", script, str(self.settings.llm_port), self.settings.llm_model]


def test_a_server_that_dies_on_its_first_completion_is_named_with_its_exit_code(tmp_path: Path) -> None:
    settings = LLMSettings(llm_model_path=str(MODEL), llm_port=free_port(), llm_timeout_s=10)
    died = r"died on its first completion \(exit code 139\).*make setup"
    with _DiesOnFirstCompletion(settings) as server, pytest.raises(LLMUnavailable, match=died):
        server.complete("The film is about", max_tokens=4)
