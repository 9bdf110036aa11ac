"""The embedded llama.cpp server on the packaged Gemma 3 270M, for real, on a loopback port."""

from __future__ import annotations

import json
import socket
import urllib.request
from pathlib import Path

import pytest

from rolegraph.errors import LLMUnavailable
from rolegraph.reasoning.llm.server import EmbeddedServer, _answers
from rolegraph.settings import LLMSettings

MODEL = Path(__file__).resolve().parents[3] / "data" / "models" / "gemma-3-270m-q4_k_m.gguf"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serves_completions_under_its_alias_and_stops(tmp_path: Path) -> None:
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing — run `make setup`")
    settings = LLMSettings(llm_model_path=str(MODEL), llm_port=_free_port(), llm_threads=2)
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
    settings = LLMSettings(llm_model_path=str(tmp_path / "none.gguf"), llm_port=_free_port())
    with pytest.raises(LLMUnavailable, match="make setup"), EmbeddedServer(settings):
        pass


def test_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    settings = LLMSettings(llm_model_path=str(MODEL), llm_port=_free_port(), llm_threads=2)
    with EmbeddedServer(settings), pytest.raises(LLMUnavailable, match="already answers"):
        EmbeddedServer(settings).start()
