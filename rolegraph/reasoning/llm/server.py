"""The embedded LLM: llama.cpp's OpenAI-compatible server (`llama-cpp-python[server]`) on the packaged
Gemma 3 270M GGUF, run as a child process on loopback.

`EmbeddedServer` is a context manager: it starts the server, waits until ``/v1/models`` answers, and
stops it on exit. Nothing is downloaded: the model file is assembled at set-up (`make model`).
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from rolegraph.errors import LLMUnavailable
from rolegraph.settings import LLMSettings


class EmbeddedServer:
    """A llama.cpp server process serving one GGUF under the model name ``settings.llm_model``."""

    def __init__(self, settings: LLMSettings, log_path: Path | None = None):
        self.settings = settings
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL, e.g. http://127.0.0.1:8765/v1."""
        return f"http://{self.settings.llm_host}:{self.settings.llm_port}/v1"

    def command(self) -> list[str]:
        """The server's command line."""
        s = self.settings
        cmd = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(Path(s.llm_model_path).resolve()),
            "--model_alias", s.llm_model,
            "--host", s.llm_host,
            "--port", str(s.llm_port),
            "--n_ctx", str(s.llm_context),
            "--verbose", "False",
        ]  # fmt: skip
        # llama-cpp-python generates on half the cores unless told; the server is a run's main work, so it
        # gets every core (ROLEGRAPH_LLM_THREADS sets fewer)
        cmd += ["--n_threads", str(s.llm_threads or os.cpu_count() or 1)]
        return cmd

    def start(self) -> None:
        """Starts the server and waits until it answers; raises LLMUnavailable with the reason otherwise."""
        model = Path(self.settings.llm_model_path)
        if not model.is_file():
            raise LLMUnavailable(f"no model file at {model} — run `make setup` (it assembles the GGUF)")
        if _answers(self.base_url):
            raise LLMUnavailable(f"something already answers at {self.base_url} — stop it or set ROLEGRAPH_LLM_PORT")
        if self.log_path is None:
            self._process = subprocess.Popen(
                self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
            )
        else:
            with open(self.log_path, "ab") as log:  # the child keeps its own descriptor
                self._process = subprocess.Popen(self.command(), stdout=log, stderr=log, start_new_session=True)
        try:
            self._wait_until_up(self._process)
        except BaseException:  # a timeout, or Ctrl-C / SIGTERM while starting: leave no server behind
            self.stop()
            raise

    def _wait_until_up(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self.settings.llm_start_timeout_s
        while not _answers(self.base_url):
            if process.poll() is not None:
                raise LLMUnavailable(f"the embedded LLM server exited with code {process.returncode} during start-up")
            if time.monotonic() > deadline:
                raise LLMUnavailable(
                    f"the embedded LLM server did not answer within {self.settings.llm_start_timeout_s:.0f} s"
                )
            time.sleep(0.2)

    def already_serving(self) -> bool:
        """True when a server at this address answers and lists this model (e.g. `rolegraph llm serve`)."""
        try:
            return _answers(self.base_url) and self.settings.llm_model in self.models()
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError, KeyError):
            return False

    def models(self) -> list[str]:
        """The model names the server lists."""
        with _LOCAL.open(f"{self.base_url}/models", timeout=5) as response:
            return [m["id"] for m in json.load(response)["data"]]

    def stop(self) -> None:
        """Stops the server (SIGTERM, then SIGKILL after 10 s). Safe to call twice."""
        if self._process is None:
            return
        process, self._process = self._process, None
        try:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
        finally:  # also on a timeout or a second Ctrl-C while waiting: never leave the server behind
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def complete(self, prompt: str, max_tokens: int) -> int:
        """Asks the server for one short completion; returns the tokens it generated. LLMUnavailable when
        it fails, naming the exit code when the request killed the server (a llama.cpp build that does not
        run on this CPU dies on its first completion, not at start-up)."""
        body = json.dumps({"model": self.settings.llm_model, "prompt": prompt, "max_tokens": max_tokens}).encode()
        request = urllib.request.Request(
            f"{self.base_url}/completions", data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with _LOCAL.open(request, timeout=self.settings.llm_timeout_s) as response:
                return int(json.load(response)["usage"]["completion_tokens"])
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError, KeyError) as e:
            code = self._exit_code(within_s=5.0)  # a dying server drops the connection before it is reaped
            if code is not None:
                raise LLMUnavailable(
                    f"the embedded LLM server died on its first completion (exit code {code}): its llama.cpp build "
                    f"does not run on this machine — remove {_environment()} and run `make setup`"
                ) from e
            raise LLMUnavailable(f"the LLM at {self.base_url} gave no completion: {e}") from e

    def _exit_code(self, within_s: float) -> int | None:
        """The exit code of the server process this object started, if it exits within ``within_s``."""
        if self._process is None:
            return None
        try:
            return self._process.wait(timeout=within_s)
        except subprocess.TimeoutExpired:
            return None

    def wait(self) -> int:
        """Blocks until the server exits; returns its exit code."""
        if self._process is None:
            return 0
        return self._process.wait()

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


# Loopback requests never go through an http(s)_proxy from the environment.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers(base_url: str) -> bool:
    try:
        with _LOCAL.open(f"{base_url}/models", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError):
        return False


def _environment() -> str:
    """The environment that holds llama.cpp (the cached heavy one, not the clone's light .venv)."""
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or spec.origin is None:
        return "the environment"
    return str(Path(spec.origin).resolve().parents[4])
