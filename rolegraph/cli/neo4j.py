"""`rolegraph neo4j start | stop | status`: the local Neo4j Community server that `make setup` fetched."""

from __future__ import annotations

import argparse
from pathlib import Path

from rolegraph.cli.ui import Subparsers, console

#: exit code of `status` when no server runs (as `systemctl status` and LSB init scripts do)
NOT_RUNNING = 3


def register(sub: Subparsers) -> None:
    """Adds `neo4j start`, `neo4j stop` and `neo4j status`."""
    p = sub.add_parser("neo4j", help="the local Neo4j 5 server (from the jars `make setup` fetched)")
    action = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    start = action.add_parser(
        "start",
        help="start it in the background and print its bolt:// URI on the last line",
        description="Runs Neo4j Community (Bolt on 127.0.0.1:PORT, authentication off, HTTP off) detached, "
        "with its data under --data, and returns once the driver connects. Use the printed URI as "
        "ROLEGRAPH_GRAPH_URI, then `rolegraph init`. Nothing is downloaded: `make setup` fetched the jars "
        "into $ROLEGRAPH_CACHE/neo4j-<version>.",
    )
    _data_arg(start)
    start.add_argument("--port", type=int, default=7687, help="Bolt port on 127.0.0.1 (default 7687)")
    start.add_argument("--heap-mib", type=int, default=512, help="JVM heap (default 512)")
    start.add_argument("--pagecache-mib", type=int, default=256, help="Neo4j page cache (default 256)")
    start.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for it to answer (default 180)")
    start.set_defaults(func=neo4j_start)
    stop = action.add_parser("stop", help="stop it cleanly (SIGTERM) and wait until it has exited")
    _data_arg(stop)
    stop.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for it to exit (default 120)")
    stop.set_defaults(func=neo4j_stop)
    status = action.add_parser("status", help=f"whether it runs (exit code 0) or not ({NOT_RUNNING}), and its URI")
    _data_arg(status)
    status.set_defaults(func=neo4j_status)


def _data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, default=Path("data/neo4j"), help="the server's folder (default data/neo4j)"
    )


def neo4j_start(args: argparse.Namespace) -> int:
    """`rolegraph neo4j start`: prints the URI last; an already running server is reported, not restarted."""
    from rolegraph.cli.options import check_port
    from rolegraph.graph.neo4j_server import NEO4J_VERSION, ServerConfig, start, status

    check_port(args.port)
    running = status(args.data).state
    if running is None:
        console.print(f"starting Neo4j {NEO4J_VERSION} with its data in {args.data} (takes 10–30 s)")
        config = ServerConfig(
            data_dir=args.data,
            port=args.port,
            heap_mib=args.heap_mib,
            pagecache_mib=args.pagecache_mib,
            start_timeout_s=args.timeout,
        )
        running = start(config)
        console.print(f"Neo4j runs (pid {running.pid}); stop it with `rolegraph neo4j stop`")
    else:
        console.print(f"Neo4j already runs for {args.data} (pid {running.pid})")
    print(running.uri)
    return 0


def neo4j_stop(args: argparse.Namespace) -> int:
    """`rolegraph neo4j stop`."""
    from rolegraph.graph.neo4j_server import stop

    stopped = stop(args.data, args.timeout)
    console.print("no Neo4j server was running" if stopped is None else f"Neo4j stopped (pid {stopped.pid})")
    return 0


def neo4j_status(args: argparse.Namespace) -> int:
    """`rolegraph neo4j status`: 0 and the URI when it runs, NOT_RUNNING otherwise."""
    from rolegraph.graph.neo4j_server import status

    found = status(args.data)
    if found.state is None:
        print(f"not running (no server for {args.data})")
        return NOT_RUNNING
    answer = "answers Bolt" if found.answering else "does not answer Bolt yet"
    print(f"running: pid {found.state.pid}, Neo4j {found.state.version}, {answer}")
    print(found.state.uri)
    return 0
