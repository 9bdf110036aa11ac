"""Parity of the two engines: every analyst query on the same graphs, rows compared, and the content hash
after the same growth day.

Two graphs are written to an embedded FalkorDB and to a local Neo4j server in the same way:

- the analysts' fixture world (tests/graph/analyst_world.py, hand-made with known answers);
- a grown graph: a synthetic world's items after one day of `rolegraph grow` (tagging, canonicalization,
  logic on the frontier, cover sets) answered by the oracle LLM server (tests/support/oracle.py), the same
  day run on each engine.

Each library query runs with the values `bench/analyst_queries.py` samples from the graph (on FalkorDB, so
both engines get the same values). Rows are compared as plain data, leaving out the engines' own node and
relationship ids: in order where the query has ORDER BY, as multisets otherwise (rows equal as multisets but
not in order are reported separately: ties of the ORDER BY key may come in any order). Then the content
hash (`GraphStore.content_hash`) of each graph on both engines.

    python bench/engine_parity.py [--items 120] [--neo4j-uri bolt://127.0.0.1:7687]

Without --neo4j-uri a server is started from the `make neo4j` install in a temporary folder and stopped
after. Writes bench/results/engine_parity.json and bench/results/engine_parity.md.

With --demo a third graph is compared, read only: the demo graph that `make demo` grew on the embedded
FalkorDB (data/graph.db) against the one `DEMO_GRAPH=neo4j make demo` grew on the local Neo4j server
(data/neo4j; started for the comparison when it is not running, and stopped after). Both demos read the
same LLM response cache (data/llm-cache.sqlite), so the second one's Gemma answers are the first one's; what
differs then comes from the engines (or from training, which each demo runs anew).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from analyst_queries import cases as cases_of
from grow_common import oracle_settings, scratch_store
from reporting import RESULTS, stamp, write

from rolegraph.graph import analyst
from rolegraph.graph.connect import open_store
from rolegraph.graph.loaders.files import read_items
from rolegraph.graph.neo4j_backend import open_neo4j
from rolegraph.graph.neo4j_server import serving, status
from rolegraph.graph.reads import _RUN_IDENTITY
from rolegraph.graph.schema import init_schema
from rolegraph.graph.statements import Stmt
from rolegraph.graph.store import GraphStore
from rolegraph.graph.synth import SynthConfig, generate
from rolegraph.progress import no_progress
from rolegraph.reasoning.embed import MiniLMEmbedder, load_minilm
from rolegraph.reasoning.grow.config import GrowConfig
from rolegraph.reasoning.grow.wiring import open_run
from rolegraph.settings import GraphSettings
from tests.graph import analyst_world
from tests.support.openai_server import ScriptedServer
from tests.support.oracle import Oracle

DAY = "2026-01-01"
#: engine-internal identities in `Backend.read_graph` values: never equal across engines
_INTERNAL = ("id", "start", "end")
#: the start time in a training run's id (``train-20261204T152030956067Z-tagcf-ut-util``)
_TRAIN_RUN = re.compile(r"train-\d{8}T\d+Z-")


def plain(value: Any, drop: tuple[str, ...] = _INTERNAL) -> Any:
    """A query value as comparable data: no internal ids (map keys in ``drop``), floats rounded to 9 places,
    maps sorted, training run ids masked (they carry the time their training started, so two trainings never
    share one)."""
    if isinstance(value, str):
        return _TRAIN_RUN.sub("train-…-", value)
    if isinstance(value, dict):
        return {k: plain(v, drop) for k, v in sorted(value.items()) if k not in drop}
    if isinstance(value, list):
        return [plain(v, drop) for v in value]
    if isinstance(value, float):
        return round(value, 9)
    return value


def compare(stmt_text: str, a: list[dict[str, Any]], b: list[dict[str, Any]]) -> str:
    """'equal', 'equal rows, other order among ties', or what differs."""
    ka = [json.dumps(plain(r), sort_keys=True, default=str) for r in a]
    kb = [json.dumps(plain(r), sort_keys=True, default=str) for r in b]
    ordered = "ORDER BY" in " ".join(stmt_text.upper().split())
    if ka == kb or (not ordered and Counter(ka) == Counter(kb)):
        return "equal"
    if Counter(ka) == Counter(kb):
        return "equal rows, other order among ties"
    only_a, only_b = Counter(ka) - Counter(kb), Counter(kb) - Counter(ka)
    return f"differ: {sum(only_a.values())} rows only on FalkorDB, {sum(only_b.values())} only on Neo4j"


def runs(store: GraphStore) -> list[tuple[str, dict[str, str] | None]]:
    """(query, --param values) for every library query as `bench/analyst_queries.py` samples them, or
    (query, None) for a query whose required values this graph cannot give (e.g. no users' roles)."""
    library = analyst.library()
    out: list[tuple[str, dict[str, str] | None]] = []
    for name in sorted(library):
        one = {name: library[name]}
        try:
            found = cases_of(store, one)
        except SystemExit:
            out.append((name, None))
            continue
        out += [(n, given) for n, given, _ in found]
    return out


def parity(falkordb: GraphStore, neo4j: GraphStore) -> list[dict[str, Any]]:
    """Every library query (parameters sampled on FalkorDB) on both stores, rows compared."""
    library = analyst.library()
    out: list[dict[str, Any]] = []
    for name, given in runs(falkordb):
        if given is None:
            out.append({"query": name, "params": {}, "rows": ["-", "-"], "result": "not run: no sample value here"})
            continue
        q = library[name]
        params = analyst.bind(q, given)
        rows = [analyst.run(s.backend, q.statement, params) for s in (falkordb, neo4j)]
        out.append(
            {
                "query": name,
                "params": given,
                "rows": [len(r) for r in rows],
                "result": compare(q.statement.text, rows[0], rows[1]),
            }
        )
    return out


def grow_day(store: GraphStore, world: Path, embedder: MiniLMEmbedder, folder: Path, items: int) -> None:
    """One growth day on ``store`` against the oracle (one request at a time: the same order on both)."""
    store.upsert_items(read_items(world / "items.jsonl").items)
    with ScriptedServer(Oracle(world, 0.0, 0)) as server:
        settings = oracle_settings(server.base_url, folder, concurrency=1)
        config = GrowConfig(day=DAY, max_items=items, max_tags=10_000, chunk=32, distill=False)
        with open_run(store, config, no_progress, settings, embedder, distill=False) as run:
            run()


@contextmanager
def neo4j_store(uri: str | None, folder: Path) -> Iterator[GraphStore]:
    """A store on the given server's database, or on a server started in ``folder``; wiped, with schema."""
    with ExitStack() as stack:
        if uri is None:
            uri = stack.enter_context(serving(folder)).uri
        store = stack.enter_context(GraphStore(open_neo4j(uri, "neo4j", "", "neo4j", 10.0)))
        store.clear()
        init_schema(store.backend)
        yield store


@contextmanager
def demo_stores(folder: Path = Path("data")) -> Iterator[tuple[GraphStore, GraphStore]]:
    """The two demo graphs, FalkorDB's and Neo4j's, as their demos left them (nothing is written). The local
    server of ``data/neo4j`` is started for the comparison when it is not running, and stopped after."""
    embedded, server_dir = folder / "graph.db", folder / "neo4j"
    if not embedded.with_name(f"{embedded.name}.aof").exists() or not server_dir.is_dir():
        raise SystemExit(
            f"engine_parity --demo: needs {embedded} (`make demo`) and the local Neo4j server's {server_dir} with "
            "the same demo (`DEMO_GRAPH=neo4j DEMO_SERVE=0 make demo`; `make bench-full` runs both)"
        )
    with ExitStack() as stack:
        server = status(server_dir).state or stack.enter_context(serving(server_dir))
        falkor = stack.enter_context(open_store(GraphSettings(graph_uri=f"falkordb-lite://{embedded}")))
        neo = stack.enter_context(open_store(GraphSettings(graph_uri=server.uri)))
        yield falkor, neo


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=120, help="items of the synthetic world tagged by the grow day")
    ap.add_argument("--neo4j-uri", default=None, help="a running Neo4j (its database is wiped); default: start one")
    ap.add_argument(
        "--demo",
        action="store_true",
        help="also compare the demo graphs of `make demo` (data/graph.db) and `DEMO_GRAPH=neo4j make demo` (the "
        "local server of data/neo4j, started for it when not running)",
    )
    ap.add_argument("--note", default="", help="a note on the machine (e.g. shared with other work)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    embedder = load_minilm()
    graphs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, neo4j_store(args.neo4j_uri, Path(tmp) / "neo4j-server") as neo:
        root = Path(tmp)
        for name in ("fixture", "grown", "falkordb", "neo4j"):
            (root / name).mkdir()
        with scratch_store(root / "fixture", "fixture") as falkor:
            for store in (falkor, neo):
                analyst_world.build(store)
            graphs.append(_graph("the analysts' fixture world", falkor, neo))
        neo.clear()
        world = root / "world"
        generate(SynthConfig(users=10, items=args.items, roles=20, topics=30, seed=0, fanout=4), world)
        with scratch_store(root / "grown", "grown") as falkor:
            for name, store in (("falkordb", falkor), ("neo4j", neo)):
                grow_day(store, world, embedder, root / name, args.items)
            graphs.append(_graph(f"a synthetic world of {args.items} items after one grow day ({DAY})", falkor, neo))
    if args.demo:
        with demo_stores() as (falkor, neo):
            graphs.append(_graph("the demo graph: MovieLens-100K after `make demo` on each engine", falkor, neo))
    seeds = [0]  # the synthetic world's and the oracle's
    report = stamp("engine_parity", seeds=seeds) | {
        "command": shlex.join(["python", "bench/engine_parity.py", *sys.argv[1:]]),
        "note": args.note,
        "graphs": graphs,
    }
    write(args.out, report, markdown(report))


def hashed_rows(store: GraphStore) -> dict[str, Counter[str]]:
    """The rows `GraphStore.content_hash` hashes, by kind (runs without their timings), as JSON lines."""
    out: dict[str, Counter[str]] = {}
    for kind, name, key in (
        ("item", Stmt.PAGE_ITEMS, "id"),
        ("user", Stmt.PAGE_USERS, "id"),
        ("tag", Stmt.PAGE_TAGS, "key"),
        ("run", Stmt.PAGE_RUNS, "id"),
    ):
        rows = [r for page in store.pages(name, key=key) for r in page]
        if kind == "run":
            rows = [{**r, "props": {k: v for k, v in r["props"].items() if k in _RUN_IDENTITY}} for r in rows]
        out[kind] = Counter(json.dumps(r, sort_keys=True, default=str) for r in rows)
    out["cover"] = Counter(json.dumps(r, sort_keys=True, default=str) for r in store.read(Stmt.COVER_SETS))
    out["snapshot"] = Counter(json.dumps(r, sort_keys=True, default=str) for r in store.read(Stmt.COVER_SNAPSHOTS))
    out["edge"] = Counter(json.dumps(r, sort_keys=True, default=str) for p in store.iter_edge_pages() for r in p)
    return out


def differences(falkor: GraphStore, neo: GraphStore) -> tuple[list[str], bool]:
    """Per kind of hashed row: how many rows only one engine has, with one example of each side, and how many
    still differ as `plain` data (floats to 9 places — FalkorDB replies with 15 significant digits — and
    training run ids masked); and whether none does."""
    a, b = hashed_rows(falkor), hashed_rows(neo)
    out, plain_equal = [], True
    for kind in a:
        only_a, only_b = a[kind] - b[kind], b[kind] - a[kind]
        if only_a or only_b:
            ex_a = next(iter(only_a), "")[:400]
            ex_b = next(iter(only_b), "")[:400]
            pa, pb = _as_plain(a[kind]), _as_plain(b[kind])
            plain_equal = plain_equal and pa == pb
            out.append(
                f"{kind}: {sum(only_a.values())} rows only on FalkorDB, {sum(only_b.values())} only on Neo4j; "
                f"as plain data (floats to 9 places, training run ids masked) {sum((pa - pb).values())} and "
                f"{sum((pb - pa).values())}; e.g. FalkorDB `{ex_a}` / Neo4j `{ex_b}`"
            )
    return out, plain_equal


def _as_plain(rows: Counter[str]) -> Counter[str]:
    """Hashed rows as `plain` data; their ``id`` keys are the graph's own keys, not the engine's, and stay."""
    out: Counter[str] = Counter()
    for row, n in rows.items():
        out[json.dumps(plain(json.loads(row), drop=()), sort_keys=True)] += n
    return out


def _graph(title: str, falkor: GraphStore, neo: GraphStore) -> dict[str, Any]:
    hashes = [falkor.content_hash(), neo.content_hash()]
    stats = [falkor.stats(), neo.stats()]
    found: list[str] = []
    plain_equal = True
    if hashes[0] != hashes[1]:
        found, plain_equal = differences(falkor, neo)
    return {
        "graph": title,
        "nodes": stats[0].nodes,
        "relationships": stats[0].relationships,
        "same_counts": stats[0] == stats[1],
        "content_hash": {"falkordb": hashes[0], "neo4j": hashes[1], "equal": hashes[0] == hashes[1]},
        "hash_differences": found,
        "content_equal_as_plain_data": plain_equal,
        "queries": parity(falkor, neo),
    }


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"# Engine parity: FalkorDB and Neo4j ({report['date']})",
        "",
        f"Machine: {m['cores']} cores, Python {m['python']}, {m['platform']}. {report['note']}",
        f"Command: `{report['command']}`. Every analyst query (values sampled from the graph as in"
        " analyst_queries.md) runs on both engines; rows are compared without the engines' internal ids,"
        " in order where the query has ORDER BY.",
        "",
    ]
    for g in report["graphs"]:
        h = g["content_hash"]
        equal = sum(1 for q in g["queries"] if q["result"] == "equal")
        lines += [
            f"## {g['graph']}",
            "",
            f"Nodes {g['nodes']}, relationships {g['relationships']}; counts "
            f"{'equal' if g['same_counts'] else 'DIFFER'} on both engines. Content hash "
            f"{'equal' if h['equal'] else 'DIFFERS'} (FalkorDB `{h['falkordb'][:16]}…`, Neo4j `{h['neo4j'][:16]}…`).",
            "",
            *(f"- hashed rows that differ: {d}" for d in g["hash_differences"]),
            *(
                [f"- as plain data the content is {'equal' if g['content_equal_as_plain_data'] else 'DIFFERENT'}"]
                if g["hash_differences"]
                else []
            ),
            "",
            f"**{equal} of {len(g['queries'])} query runs equal.**",
            "",
            "| query | parameters | rows FalkorDB / Neo4j | result |",
            "|---|---|---|---|",
        ]
        for q in g["queries"]:
            params = ", ".join(f"{k}={v}" for k, v in q["params"].items()) or "-"
            lines.append(f"| `{q['query']}` | {params} | {q['rows'][0]} / {q['rows'][1]} | {q['result']} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
