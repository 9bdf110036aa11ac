"""A local Neo4j Community server for development and tests, run from the jars that `make setup` fetched.

`scripts/fetch-neo4j.sh` copies the jars of ``org.neo4j:neo4j`` (version `NEO4J_VERSION`) from Maven Central into
``$ROLEGRAPH_CACHE/neo4j-<version>/lib`` and compiles ``tools/neo4j/Launcher.java`` into ``…/launcher``.
`start` runs that launcher as a detached JVM (Bolt on a loopback port, authentication off, HTTP off, small
heap and page cache) with its data under one folder, records its process id and port in
``<folder>/server.json`` and returns once the Python driver can connect; `stop` sends SIGTERM (the launcher's
shutdown hook closes the database cleanly) and waits for the process to end. Nothing is downloaded here.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError

from rolegraph.errors import GraphUnavailable
from rolegraph.ports import free_port

#: the Neo4j release the launcher runs (also pinned in tools/neo4j/pom.xml and docker-compose.yml)
NEO4J_VERSION = "5.26.31"
#: the launcher's main class (tools/neo4j/Launcher.java, default package)
LAUNCHER_CLASS = "Launcher"
STATE_FILE = "server.json"
#: the JVM's own output; Neo4j's logs go to <folder>/logs/
OUTPUT_FILE = "neo4j.out"


@dataclass(frozen=True)
class ServerConfig:
    """How to run the local server. Sizes in MiB; the defaults fit a 2-core machine shared with others."""

    data_dir: Path = Path("data/neo4j")
    port: int = 7687
    #: more servers in the same JVM, one per port, each with its own database (data under
    #: ``<data_dir>/instances/<n>``): Community holds one user database per server, and tests want several
    extra_ports: tuple[int, ...] = ()
    heap_mib: int = 512
    pagecache_mib: int = 256
    start_timeout_s: float = 180.0
    #: stop the server when this process ends (tests); None leaves it running on its own (the command line)
    exit_with_pid: int | None = None
    #: where `make setup` put the jars; None: `default_install_dir()`
    install_dir: Path | None = None


@dataclass(frozen=True)
class ServerState:
    """A started server, as recorded in ``<data_dir>/server.json``."""

    pid: int
    port: int
    version: str
    extra_ports: tuple[int, ...] = ()

    @property
    def uri(self) -> str:
        """The Bolt URI to give ``ROLEGRAPH_GRAPH_URI``."""
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def uris(self) -> tuple[str, ...]:
        """The URI of every server of the process: `uri` first, then one per extra port."""
        return (self.uri, *(f"bolt://127.0.0.1:{p}" for p in self.extra_ports))


@dataclass(frozen=True)
class ServerStatus:
    """What `status` found: the recorded server if its process is alive, and whether it answers Bolt."""

    state: ServerState | None
    answering: bool


def default_install_dir() -> Path:
    """``$ROLEGRAPH_CACHE/neo4j-<version>`` (the cache defaults to ``~/.cache/rolegraph``, as in the Makefile)."""
    cache = os.environ.get("ROLEGRAPH_CACHE") or str(Path.home() / ".cache" / "rolegraph")
    return Path(cache).expanduser() / f"neo4j-{NEO4J_VERSION}"


def classpath(install_dir: Path) -> str:
    """The JVM class path of the fetched jars and the compiled launcher.

    Raises GraphUnavailable naming the missing part and the fix (``make setup``).
    """
    lib, launcher = install_dir / "lib", install_dir / "launcher"
    if not (lib / ".complete").is_file():
        raise GraphUnavailable(
            f"Neo4j {NEO4J_VERSION} is not fetched (no jars in {lib}) — run `make setup` "
            f"(it fetches org.neo4j:neo4j:{NEO4J_VERSION} from Maven Central)"
        )
    if not (launcher / f"{LAUNCHER_CLASS}.class").is_file():
        raise GraphUnavailable(f"the Neo4j launcher is not compiled in {launcher} — run `make setup`")
    return f"{lib}/*{os.pathsep}{launcher}"


def find_java() -> str:
    """The ``java`` of ``$JAVA_HOME`` or of PATH; raises GraphUnavailable when there is none."""
    home = os.environ.get("JAVA_HOME")
    candidate = Path(home) / "bin" / "java" if home else None
    if candidate is not None and candidate.is_file():
        return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise GraphUnavailable(
            f"no `java` on PATH — Neo4j {NEO4J_VERSION} needs Java 17 or 21 "
            "(e.g. apt-get install openjdk-17-jdk-headless, or set JAVA_HOME)"
        )
    return found


def port_is_free(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:``port`` (a bind succeeds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # as the server's own socket does: connections of a stopped server left in TIME_WAIT do not count
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextlib.contextmanager
def serving(
    data_dir: Path,
    databases: int = 1,
    heap_mib: int = ServerConfig.heap_mib,
    pagecache_mib: int = ServerConfig.pagecache_mib,
) -> Iterator[ServerState]:
    """Runs a server with its data under ``data_dir`` on free loopback ports for as long as the block runs
    (``databases`` servers in one JVM, one database each: ``state.uris``); yields the started state.

    The JVM is tied to this process (`ServerConfig.exit_with_pid`), so a caller killed before the block ends
    leaves none behind; at the end it is stopped, and killed if it has not ended within two minutes.
    """
    config = ServerConfig(
        data_dir=data_dir,
        port=free_port(),
        extra_ports=tuple(free_port() for _ in range(databases - 1)),
        heap_mib=heap_mib,
        pagecache_mib=pagecache_mib,
        exit_with_pid=os.getpid(),
    )
    state = start(config)
    try:
        yield state
    finally:
        stop(data_dir, timeout_s=120.0, kill=True)


def status(data_dir: Path) -> ServerStatus:
    """The server recorded for ``data_dir``, if its process still runs, and whether it answers Bolt."""
    state = _read_state(data_dir)
    if state is None or not _alive(state.pid):
        return ServerStatus(None, False)
    return ServerStatus(state, _answers(state.uri, timeout_s=5.0))


def start(config: ServerConfig) -> ServerState:
    """Starts the server detached and returns once the driver connects.

    Raises GraphUnavailable when Java or the jars are missing, a server already runs for the folder, the
    port is taken, the JVM exits during start-up, or it does not answer within ``start_timeout_s``.
    """
    data_dir = config.data_dir.resolve()
    cp = classpath(config.install_dir or default_install_dir())
    java = find_java()
    running = status(data_dir).state
    if running is not None:
        raise GraphUnavailable(
            f"a Neo4j server already runs for {data_dir} (pid {running.pid}, {running.uri}) — "
            "`rolegraph neo4j stop` it first"
        )
    for port in (config.port, *config.extra_ports):
        if not port_is_free(port):
            raise GraphUnavailable(f"port {port} on 127.0.0.1 is taken — stop what listens there or pick --port")
    data_dir.mkdir(parents=True, exist_ok=True)
    process = _spawn(java, cp, data_dir, config)
    state = ServerState(process.pid, config.port, NEO4J_VERSION, tuple(config.extra_ports))
    _write_state(data_dir, state)
    try:
        _wait_until_answering(process, state, data_dir, config.start_timeout_s)
    except BaseException:
        _terminate(process)
        (data_dir / STATE_FILE).unlink(missing_ok=True)
        raise
    return state


def stop(data_dir: Path, timeout_s: float = 120.0, *, kill: bool = False) -> ServerState | None:
    """Stops the server recorded for ``data_dir`` with SIGTERM and waits until its process has ended.

    Returns the stopped server, or None when none was running. After ``timeout_s`` it sends SIGKILL when
    ``kill`` is set (Neo4j recovers the store on the next start), else raises GraphUnavailable.
    """
    data_dir = data_dir.resolve()
    state = _read_state(data_dir)
    if state is None or not _alive(state.pid):
        (data_dir / STATE_FILE).unlink(missing_ok=True)
        return None
    os.kill(state.pid, signal.SIGTERM)
    if not _wait_for_exit(state.pid, timeout_s):
        if not kill:
            raise GraphUnavailable(
                f"Neo4j (pid {state.pid}) did not stop within {timeout_s:.0f} s — wait and retry, or "
                f"`kill -9 {state.pid}` (the next start recovers the store)"
            )
        os.kill(state.pid, signal.SIGKILL)
        _wait_for_exit(state.pid, 30.0)
    (data_dir / STATE_FILE).unlink(missing_ok=True)
    return state


def _spawn(java: str, cp: str, data_dir: Path, config: ServerConfig) -> subprocess.Popen[bytes]:
    command = [
        java,
        f"-Xmx{config.heap_mib}m",
        "-cp",
        cp,
        LAUNCHER_CLASS,
        "--home",
        str(data_dir),
        "--port",
        ",".join(map(str, (config.port, *config.extra_ports))),
        "--pagecache-mib",
        str(config.pagecache_mib),
    ]
    if config.exit_with_pid is not None:
        command += ["--exit-with", str(config.exit_with_pid)]
    with (data_dir / OUTPUT_FILE).open("ab") as out:
        # its own session: Ctrl-C in the terminal that started it does not reach the server
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)


def _wait_until_answering(
    process: subprocess.Popen[bytes], state: ServerState, data_dir: Path, timeout_s: float
) -> None:
    until = time.monotonic() + timeout_s
    while time.monotonic() < until:
        code = process.poll()
        if code is not None:
            raise GraphUnavailable(
                f"Neo4j exited during start-up (code {code}): {_last_line(data_dir / OUTPUT_FILE)} — "
                f"see {data_dir / OUTPUT_FILE} and {data_dir / 'logs' / 'debug.log'}"
            )
        if all(_answers(uri, timeout_s=2.0) for uri in state.uris):
            return
        time.sleep(0.5)
    raise GraphUnavailable(
        f"Neo4j did not answer at {state.uri} within {timeout_s:.0f} s — see {data_dir / 'logs' / 'debug.log'}"
    )


def _answers(uri: str, timeout_s: float) -> bool:
    driver = GraphDatabase.driver(uri, auth=None, connection_timeout=timeout_s)
    try:
        driver.verify_connectivity()
    except (DriverError, Neo4jError, OSError):
        return False
    finally:
        driver.close()
    return True


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a running (not zombie) process of our launcher."""
    with contextlib.suppress(ChildProcessError):  # not our child
        os.waitpid(pid, os.WNOHANG)  # reaps it when this process started it and it has ended
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # a recycled pid belongs to some other program; "Z" is a process that has ended but is not yet reaped
    return LAUNCHER_CLASS.encode() in cmdline.split(b"\0") and stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_for_exit(pid: int, timeout_s: float) -> bool:
    until = time.monotonic() + timeout_s
    while _alive(pid):
        if time.monotonic() >= until:
            return False
        time.sleep(0.2)
    return True


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _read_state(data_dir: Path) -> ServerState | None:
    try:
        raw = json.loads((data_dir / STATE_FILE).read_text())
        extra = tuple(int(p) for p in raw.get("extra_ports", ()))
        return ServerState(int(raw["pid"]), int(raw["port"]), str(raw["version"]), extra)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write_state(data_dir: Path, state: ServerState) -> None:
    tmp = data_dir / f"{STATE_FILE}.tmp"
    tmp.write_text(json.dumps(asdict(state)) + "\n")
    tmp.replace(data_dir / STATE_FILE)


def _last_line(path: Path) -> str:
    try:
        lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "no output"
    return lines[-1] if lines else "no output"
