"""`rolegraph` — build, grow, query and serve the role/topic logic graph.

Every command reads its settings from ROLEGRAPH_* environment variables (docs/operations.md); errors a
user can fix are one line on stderr with a non-zero exit code (1: bad input, 2: anything else rolegraph
raised on purpose). Ctrl-C (130) and SIGTERM (143) unwind the command like an error does, so the servers it
started (the embedded graph, the embedded LLM) are stopped before it exits.

Start-up: building the parser imports only the command modules, which import nothing heavy at module
level; each command imports the library it runs when it runs, so `rolegraph --help` answers at once.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from rolegraph import __version__
from rolegraph.cli import cypher, data, explore, grow, llm, neo4j, recsys, serve
from rolegraph.cli.options import check_output
from rolegraph.cli.ui import fail
from rolegraph.errors import InvalidInput, RolegraphError

#: the command groups in the order `rolegraph --help` lists them
GROUPS = (data, llm, grow, explore, recsys, serve, cypher, neo4j)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="rolegraph",
        description="Knowledge graph of user roles, item topics and the logic between them.",
        epilog="Graph location: ROLEGRAPH_GRAPH_URI (default falkordb-lite://data/graph.db, embedded). "
        "All settings: docs/operations.md.",
    )
    parser.add_argument("--version", action="version", version=f"rolegraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be, so it takes Ctrl-C's way out (every ``with`` closes)."""


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM as `_Terminated` while a command runs. With the default handler the process ended at once and
    the servers it had started outlived it (`rolegraph backfill` left the embedded FalkorDB server and the
    llama.cpp server running). Left alone outside the main thread, or where a handler is set already."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) not in (
        signal.SIG_DFL,
        None,
    ):
        yield
        return

    def _terminate(signum: int, frame: FrameType | None) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    with _sigterm_interrupts():
        return _run(func, args)


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Runs one command, its errors turned into exit codes."""
    try:
        if isinstance(getattr(args, "json", None), Path):  # a summary file: writable, before any work is done
            check_output(args.json)
        return func(args)
    except InvalidInput as e:
        return fail(str(e), 1)
    except RolegraphError as e:
        return fail(str(e), 2)
    except BrokenPipeError:
        # the reader of the output went away (`rolegraph cypher run … | head`): stop quietly, as a C tool
        # killed by SIGPIPE would (128 + 13); stdout goes to devnull so that exiting does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as e:
        if e.filename is None:
            raise  # not about a path the user gave: a bug, shown with its traceback
        return fail(f"{e.filename}: {e.strerror}", 2)
    except ValueError as e:
        from rolegraph.settings import settings_problem  # here, not at start-up: it imports pydantic

        problem = settings_problem(e)
        if problem is None:
            raise  # not a setting the user gave: a bug, shown with its traceback
        return fail(problem, 2)
    except _Terminated:
        return fail("stopped (SIGTERM) — rerun the same command to resume (writes are idempotent)", 143)
    except KeyboardInterrupt:
        return fail("interrupted — rerun the same command to resume (writes are idempotent)", 130)


if __name__ == "__main__":
    sys.exit(main())
