"""FalkorDB backend: the embedded server of `falkordblite` or an external server over ``redis://``."""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import redis
from falkordb import Edge, FalkorDB, Node
from falkordb import Path as GraphPath
from falkordb.graph import Graph
from falkordb.helpers import stringify_param_value

from rolegraph.errors import ConfigError, GraphUnavailable, InvalidInput, QueryError, SchemaError
from rolegraph.graph.backend import QueryTimeout, Row, remaining_ms
from rolegraph.graph.queries import Statement

_CONSTRAINT_WAIT_S = 30.0
_LOAD_WAIT_S = 600.0  # a large graph takes a while to load from disk
_SOCKET_TIMEOUT_S = 5.0  # how long a connection waits for an answer once the server is up (redis-py's default)
_STOP_WAIT_S = 30.0
_COMPACT_MIN_BYTES = 4_000_000
_WATCH_S = 0.2  # how often the supervisor looks at the embedded server's process
_RDB_MAGIC = b"REDIS"  # how a Redis snapshot file begins

log = logging.getLogger("rolegraph.graph.falkor")


class FalkorBackend:
    """Runs named statements on one FalkorDB graph."""

    kind = "falkordb"

    def __init__(self, db: Any, graph: Graph, uri: str, closer: Callable[[], None]):
        self._db = db
        self._graph = graph
        self.uri = uri
        self._closer = closer
        #: the supervisor of the embedded server this backend started (None: not supervised)
        self.supervisor: Supervisor | None = None

    def run(self, stmt: Statement, params: Mapping[str, Any], *, write: bool) -> list[Row]:
        self._refuse_while_down()
        return self._send(stmt, self._command(stmt, params, write))

    def _refuse_while_down(self) -> None:
        """Fails at once while the supervisor restarts the embedded server (no call waits for it)."""
        if self.supervisor is not None and not self.supervisor.up:
            raise GraphUnavailable(f"the embedded FalkorDB at {self.uri} is down and being restarted")

    def _swap(self, db: Any) -> None:
        """Talks to a restarted server from now on."""
        self._db, self._graph = db, db.select_graph(self._graph.name)

    def run_batches(self, stmt: Statement, batches: Iterable[Mapping[str, Any]], *, write: bool) -> Iterator[list[Row]]:
        self._refuse_while_down()
        # Pipelined: this thread builds and encodes the next batch while a worker thread waits for the
        # server to apply the current one (the server is another process, so both cores work). Batches are
        # still sent one after the other, each in its own statement.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="falkordb-batches") as worker:
            pending: Future[list[Row]] | None = None
            for params in batches:
                command = self._command(stmt, params, write)
                if pending is not None:
                    yield pending.result()
                pending = worker.submit(self._send, stmt, command)
            if pending is not None:
                yield pending.result()

    def _command(self, stmt: Statement, params: Mapping[str, Any], write: bool) -> list[Any]:
        # Parameters travel in FalkorDB's "CYPHER name=value" header, encoded as the client library's
        # stringify_param_value does (`encode_param`); names are the statement's declared identifiers.
        header = "".join(f"{name}={encode_param(value)} " for name, value in params.items())
        command: list[Any] = [
            "GRAPH.QUERY" if write else "GRAPH.RO_QUERY",
            self._graph.name,
            f"CYPHER {header}{stmt.text}" if header else stmt.text,
            "--compact",
        ]
        timeout_ms = remaining_ms(stmt.name)
        if timeout_ms is not None:
            # FalkorDB aborts a query that runs past this many milliseconds (reads; writes run to the end)
            command += ["timeout", timeout_ms]
        return command

    def _send(self, stmt: Statement, command: list[Any]) -> list[Row]:
        with self._translated(stmt):
            response = self._graph.execute_command(*command)
        return _rows(stmt, response)

    def read_graph(self, stmt: Statement, params: Mapping[str, Any]) -> list[Row]:
        # The client's generic parser (it looks up label and property names) reads graph elements.
        self._refuse_while_down()
        with self._translated(stmt):
            result = self._graph.ro_query(stmt.text, dict(params), timeout=remaining_ms(stmt.name))
        names = [column[1] for column in result.header]
        return [dict(zip(names, map(_plain, row), strict=True)) for row in result.result_set]

    @contextmanager
    def _translated(self, stmt: Statement) -> Iterator[None]:
        """Translates the client's errors of one statement into rolegraph's."""
        try:
            yield
        except redis.exceptions.ConnectionError as e:
            raise GraphUnavailable(f"lost the FalkorDB connection at {self.uri}: {e}") from e
        except redis.exceptions.TimeoutError as e:
            raise QueryError(f"statement '{stmt.name}' timed out at {self.uri}: {e}") from e
        except redis.exceptions.ResponseError as e:
            raise _query_error(stmt, e) from e
        except UnicodeEncodeError as e:  # text the validation of its caller let through; nothing was sent
            raise InvalidInput(f"statement '{stmt.name}': a parameter is not valid Unicode text ({e.reason})") from e

    def ensure_unique(self, label: str, properties: tuple[str, ...]) -> None:
        if (label, properties) in self.unique_constraints():
            return
        try:
            self._graph.create_node_unique_constraint(label, *properties)
        except redis.exceptions.ResponseError as e:
            if "already exists" not in str(e).lower():
                raise SchemaError(f"cannot create unique constraint on :{label}{properties}: {e}") from e
        deadline = time.monotonic() + _CONSTRAINT_WAIT_S
        while (label, properties) not in self.unique_constraints():
            if time.monotonic() > deadline:
                raise SchemaError(f"unique constraint on :{label}{properties} did not become operational")
            time.sleep(0.05)

    def unique_constraints(self) -> set[tuple[str, tuple[str, ...]]]:
        # After a restart FalkorDB rebuilds its constraints in the background; wait for those still being
        # built rather than report them missing. A FAILED one stays missing.
        deadline = time.monotonic() + _CONSTRAINT_WAIT_S
        while True:
            try:
                found = self._graph.list_constraints()
            except redis.exceptions.ResponseError:
                return set()  # the graph does not exist yet
            unique = [c for c in found if c["type"] == "UNIQUE" and c["entitytype"] == "NODE"]
            if all(c["status"] in ("OPERATIONAL", "FAILED") for c in unique) or time.monotonic() > deadline:
                return {(str(c["label"]), tuple(c["properties"])) for c in unique if c["status"] == "OPERATIONAL"}
            time.sleep(0.05)

    @property
    def server_pid(self) -> int | None:
        """The process id of the embedded server this backend started, None for an external server."""
        pid = getattr(self._db, "client", None) and getattr(self._db.client, "pid", None)
        return pid if isinstance(pid, int) else None

    def close(self) -> None:
        self._closer()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def encode_param(value: Any) -> str:
    """A parameter value as Cypher text for the CYPHER header, exactly as the client's
    `stringify_param_value` writes it, but several times faster on the long lists of strings and floats
    that batched writes send (no per-element type dispatch when a list is all strings or all floats)."""
    kind = type(value)
    if kind is str:
        return _quote(value)
    if kind is float or kind is int:
        return str(value)
    if kind is list or kind is tuple:
        if all(type(v) is str for v in value):
            return "[" + ",".join(map(_quote, value)) + "]"
        if all(type(v) is float for v in value):
            return "[" + ",".join(map(str, value)) + "]"
        return "[" + ",".join(map(encode_param, value)) + "]"
    if kind is dict and all(type(k) is str and k and "`" not in k for k in value):
        return "{" + ",".join(f"`{k}`:{encode_param(v)}" for k, v in value.items()) + "}"
    return str(stringify_param_value(value))  # None, bools, bytes, numpy scalars, odd keys: the client's rules


def _query_error(stmt: Statement, error: Exception) -> QueryError:
    """QueryTimeout when FalkorDB cancelled the statement at its deadline, QueryError otherwise."""
    if "timed out" in str(error).lower():
        return QueryTimeout(f"statement '{stmt.name}' was cancelled by the database at its deadline")
    return QueryError(f"statement '{stmt.name}' failed: {error}")


_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _MAP = 1, 2, 3, 4, 5, 6, 10


def _rows(stmt: Statement, response: list[Any]) -> list[Row]:
    """Rows of a compact FalkorDB reply. Our statements return scalars, lists and maps only, which this
    reads directly (about three times faster than the client's generic parser on exploration reads)."""
    for part in (response[0], response[-1]):
        if isinstance(part, redis.exceptions.ResponseError):
            raise _query_error(stmt, part)
    if len(response) < 3:
        return []  # statistics only: a write without RETURN
    names = [column[1] for column in response[0]]
    return [dict(zip(names, map(_value, row), strict=True)) for row in response[1]]


def _value(cell: list[Any]) -> Any:
    kind, value = cell
    if kind in (_STRING, _INTEGER):
        return value
    if kind == _DOUBLE:
        return float(value)
    if kind == _NULL:
        return None
    if kind == _BOOLEAN:
        return value == "true"
    if kind == _ARRAY:
        # strings and doubles inline: an exploration hop reads lists of hundreds of them
        return [v if k == _STRING else float(v) if k == _DOUBLE else _value([k, v]) for k, v in value]
    if kind == _MAP:
        return {value[i]: _value(value[i + 1]) for i in range(0, len(value), 2)}
    raise QueryError(f"result value of type {kind} is not supported: return scalars, lists or maps")


def _plain(value: Any) -> Any:
    """A client result value as plain data (see `Backend.read_graph`)."""
    if isinstance(value, Node):
        return {"id": value.id, "labels": sorted(value.labels or []), "properties": dict(value.properties)}
    if isinstance(value, Edge):
        ends = [n.id if isinstance(n, Node) else n for n in (value.src_node, value.dest_node)]
        return {
            "id": value.id,
            "type": value.relation,
            "start": ends[0],
            "end": ends[1],
            "properties": dict(value.properties),
        }
    if isinstance(value, GraphPath):
        return {"nodes": [_plain(n) for n in value.nodes()], "relationships": [_plain(e) for e in value.edges()]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _wait_until_loaded(client: redis.Redis, seconds: float) -> None:
    """Pings until the server has finished loading its data files (it answers LOADING meanwhile)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            client.ping()
            return
        except redis.exceptions.BusyLoadingError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _set_timeout(client: redis.Redis, seconds: float) -> None:
    """Connections made from now on wait at most ``seconds`` for an answer; the open ones are closed."""
    pool = client.connection_pool
    pool.connection_kwargs["socket_timeout"] = seconds
    pool.disconnect()


def open_embedded(
    path: str,
    graph_name: str,
    uri: str,
    *,
    supervise: bool = True,
    create: bool = True,
    load_wait_s: float = _LOAD_WAIT_S,
) -> FalkorBackend:
    """Starts (or joins) the embedded FalkorDB server that keeps its data in ``path``.

    The append-only file sits beside the data file (``<path>.aof/``), so writes survive a killed process.
    With ``supervise`` a `Supervisor` thread restarts the server on the same files when it dies. Until
    the server has loaded its data, each of its answers is waited for up to ``load_wait_s`` seconds.
    Raises ConfigError when ``path`` holds something else than a graph, and without ``create`` SchemaError
    when it holds nothing (`check_graph_files`); nothing is written then.
    """
    file = Path(path).expanduser().resolve()
    check_graph_files(file, create=create)
    db = _start_embedded(file, uri, load_wait_s)
    supervisor: Supervisor | None = None
    try:
        backend = FalkorBackend(db, db.select_graph(graph_name), uri, lambda: None)
        if supervise:
            supervisor = backend.supervisor = Supervisor(backend, lambda: _start_embedded(file, uri, load_wait_s))
            supervisor.start()
    except BaseException:  # Ctrl-C or SIGTERM before the caller holds the backend: nobody else would close it
        if supervisor is not None:
            supervisor.stop()
        _stop_embedded(db)
        raise

    def close() -> None:
        if backend.supervisor is not None:
            backend.supervisor.stop()  # first, or it would restart the server being stopped
        _stop_embedded(backend._db)

    backend._closer = close
    return backend


def check_graph_files(file: Path, *, create: bool) -> None:
    """Refuses a path that is not an embedded graph's (a folder, or a file that is not a Redis snapshot,
    with no ``<file>.aof/`` beside it): the server would take it as its data file. Without ``create`` it
    refuses a path that holds nothing too, so a mistyped path is not made into a new, empty graph."""
    if file.with_name(f"{file.name}.aof").is_dir():
        return  # the append-only log: the graph's durable copy
    if file.is_dir() or (file.exists() and not _is_snapshot(file)):
        raise ConfigError(f"{file} is not a rolegraph graph — check ROLEGRAPH_GRAPH_URI")
    if not create and not file.exists():
        raise SchemaError(f"no graph at {file} — run `rolegraph init` (or check ROLEGRAPH_GRAPH_URI)")


def _is_snapshot(file: Path) -> bool:
    """True when ``file`` starts as a Redis snapshot (RDB) does."""
    try:
        with open(file, "rb") as f:
            return f.read(len(_RDB_MAGIC)) == _RDB_MAGIC
    except OSError:
        return False


def _start_embedded(file: Path, uri: str, load_wait_s: float) -> Any:
    """The redislite client of the server on ``file``: started, or joined when one runs on it already. A
    lock file beside it makes processes start one server at a time (the others then join it)."""
    from redislite.falkordb_client import FalkorDB as EmbeddedFalkorDB  # lazy: start-up time

    db = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with open(file.with_name(f"{file.name}.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            # While it replays its append-only log the server answers nothing between batches of
            # commands (a minute or more apart for a large graph, longer than the client's retries of a
            # timed-out read add up to), so connections wait as long as a load may take until it is up,
            # and the usual timeout after that.
            with _interrupts_deferred():
                db = EmbeddedFalkorDB(
                    str(file),
                    serverconfig={"appendonly": "yes", "appendfsync": "everysec", "appenddirname": f"{file.name}.aof"},
                    socket_timeout=load_wait_s,
                )
        _wait_until_loaded(db.client, load_wait_s)
        _set_timeout(db.client, _SOCKET_TIMEOUT_S)
        # The append-only file is the durable copy; periodic RDB snapshots would only fork the server
        # (a latency spike on reads, and a core taken on this 2-core class of machine) to write it twice.
        db.client.config_set("save", "")
    except (OSError, redis.exceptions.RedisError, Exception) as e:  # redislite raises bare Exceptions
        raise GraphUnavailable(
            f"cannot start embedded FalkorDB for {uri}: {e} — check that the folder {file.parent} is writable"
        ) from e
    except BaseException:  # Ctrl-C or SIGTERM while the server loads: stop what was started, then go on
        if db is not None:
            with contextlib.suppress(Exception):
                _stop_embedded(db)
        raise
    return db


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM held back until this ends, then handled as they would have been: redislite's client
    caught half-made by one (it has started its server but holds no connection pool yet) cannot stop that
    server, which then outlived the process. Python-level handlers, not a signal mask, which the server
    would inherit (and then ignore the SIGTERM that stops it); signals are the main thread's, so elsewhere
    nothing is held."""
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.getsignal(sig) for sig in held}
    if threading.current_thread() is not threading.main_thread() or None in previous.values():
        yield
        return
    caught: list[int] = []
    for sig in held:
        signal.signal(sig, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if caught:
            handler = previous[signal.Signals(caught[0])]
            if callable(handler):
                handler(caught[0], None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(caught[0])


@dataclass(frozen=True)
class SupervisorState:
    """What /health and /metrics show of the embedded server."""

    up: bool
    restarts: int
    down_since: float | None  # time.time() when the server was found dead, while it is down
    last_error: str | None


class Supervisor:
    """Watches the embedded server this process opened (every ``watch_s`` seconds) and, when its process
    has died, restarts it on the same files (the append-only log holds every acknowledged write). While
    it is down `up` is False and the backend refuses calls at once.

    A process that exits without closing its store must not restart the server: redislite stops it from
    an exit hook, registered when its client starts the server, and the daemon thread would start it again
    (a server left running on the files, with no process of ours to stop it). So `stop` is an exit hook too,
    registered after every start of the server: exit hooks run last registered first, so it runs before the
    hook of the client that started the current server."""

    def __init__(self, backend: FalkorBackend, start: Callable[[], Any], watch_s: float = _WATCH_S):
        self.backend = backend
        self._start = start
        self._watch_s = watch_s
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="falkordb-supervisor", daemon=True)
        self.up = True
        self.restarts = 0
        self._down_since: float | None = None
        self._error: str | None = None

    def start(self) -> None:
        """Starts watching (until `stop`, at the latest when the interpreter exits)."""
        self._stop_at_exit()
        self._thread.start()

    def stop(self) -> None:
        """Stops watching (before the server is stopped on purpose, or by redislite at exit)."""
        self._stopped.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()
        atexit.unregister(self.stop)

    def _stop_at_exit(self) -> None:
        """Makes `stop` the exit hook that runs before any registered so far (redislite's among them)."""
        atexit.unregister(self.stop)
        atexit.register(self.stop)

    def state(self) -> SupervisorState:
        """The current state."""
        return SupervisorState(self.up, self.restarts, self._down_since, self._error)

    def _watch(self) -> None:
        last = self.backend.server_pid
        while not self._stopped.wait(self._watch_s):
            pid = self.backend.server_pid or last
            if pid is not None and _alive(pid):
                last = pid
                continue
            self.up = False
            self._down_since = self._down_since or time.time()
            log.error("the embedded FalkorDB (pid %s) died; restarting it on the same files", pid)
            self._restart(pid)

    def _restart(self, pid: int | None) -> None:
        old = self.backend._db
        if pid is not None:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)  # reap it when it was this process's child
        # the dead server's client must not clean up after it (it would find the new server's settings)
        old.client.pidfile = None
        old.client.connection_pool.disconnect()
        try:
            self.backend._swap(self._start())
        except GraphUnavailable as e:
            self._error = str(e)
            log.error("restart failed: %s (next try in %.1f s)", e, self._watch_s)
            return
        self._stop_at_exit()  # the new server's client registered its exit hook just now
        self.restarts += 1
        self._down_since, self._error = None, None
        self.up = True
        log.warning("the embedded FalkorDB is back (restart %d)", self.restarts)


def _stop_embedded(db: Any) -> None:
    """Stops the embedded server when this process is its last client; another process using the same
    file keeps it running.

    The server is stopped with ``SHUTDOWN NOSAVE``: the append-only file, flushed and synced by the
    shutdown itself, is the durable copy, so the RDB snapshot redislite would otherwise write of the whole
    graph on every stop (seconds on the demo graph) is not needed.
    """
    client = db.client
    client.connection_pool.disconnect()  # this process's pooled connections (threads open several)
    pid, pidfile = client.pid, client.pidfile
    try:
        if pid and _other_clients(client) == 0:
            _compact(client)
            os.kill(pid, signal.SIGTERM)  # a shutdown without the RDB save (none is configured)
            # The server removes its pid file once the append-only file is synced, then spends seconds
            # unloading the graph module: by then nothing is left to write, so it is killed.
            if _wait(lambda: not os.path.exists(pidfile), _STOP_WAIT_S):
                os.kill(pid, signal.SIGKILL)
            _wait(lambda: not _alive(pid), _STOP_WAIT_S)
    except (redis.exceptions.RedisError, ProcessLookupError):
        pass  # already gone, or not stopped here: redislite's own stop below tries again, the slow way
    db.close()  # redislite's bookkeeping (its temporary folder); stops the server if it still runs


def _compact(client: Any) -> None:
    """Rewrites the append-only file when its log of commands has grown past its base and a few MB, as
    Redis's own automatic rewrite would, but at a stop rather than in the middle of writes: the next start
    then loads a snapshot instead of replaying every write (0.8 s for the demo graph's 20 MB of log)."""
    info = client.info("persistence")
    current, base = int(info.get("aof_current_size", 0)), int(info.get("aof_base_size", 0))
    if current < max(2 * base, _COMPACT_MIN_BYTES):
        return
    client.bgrewriteaof()
    _wait(lambda: not int(client.info("persistence").get("aof_rewrite_in_progress", 0)), _LOAD_WAIT_S)


def _other_clients(client: Any) -> int:
    """Connections to the server other than this one's (as redislite counts them: normal and unix-socket
    clients, without replicas and monitors)."""
    flags = [c.get("flags", "").upper() for c in client.client_list()]
    return sum(1 for f in flags if "U" in f or "N" in f) - 1


def _alive(pid: int) -> bool:
    """True while process ``pid`` runs (a zombie waiting to be reaped by init does not)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait(done: Callable[[], bool], seconds: float) -> bool:
    """Polls ``done`` every 10 ms until it is true (True) or ``seconds`` have passed (False)."""
    until = time.monotonic() + seconds
    while not done():
        if time.monotonic() > until:
            return False
        time.sleep(0.01)
    return True


def open_server(uri: str, graph_name: str, timeout_s: float) -> FalkorBackend:
    """Connects to an external FalkorDB server at a ``redis://`` URI."""
    try:
        client = redis.Redis.from_url(uri, socket_connect_timeout=timeout_s, decode_responses=True)
        client.ping()
        db = FalkorDB(connection_pool=client.connection_pool)
    except (redis.exceptions.RedisError, ValueError) as e:
        raise GraphUnavailable(
            f"cannot reach FalkorDB at {uri}: {e} — check host, port and that the server runs with the FalkorDB module"
        ) from e
    return FalkorBackend(db, db.select_graph(graph_name), uri, client.close)
