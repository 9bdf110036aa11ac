"""The command implementations: parse arguments into calls of `graph` functions and print results."""

from __future__ import annotations

import argparse
import signal
import time
from pathlib import Path

from graph.connect import open_backend, open_store
from graph.loaders.dataset import Dataset
from graph.loaders.files import read_interactions, read_items, read_users
from graph.loaders.movielens import read_movielens
from graph.loaders.write import write_dataset
from graph.schema import init_schema
from graph.synth import SynthConfig, generate
from reasoning.llm.server import EmbeddedServer
from rolegraph.cli.ui import console, progress_bar, table
from rolegraph.settings import DataSettings, GraphSettings, LLMSettings


def init(args: argparse.Namespace) -> int:
    """`rolegraph init`: constraints and indexes."""
    settings = GraphSettings()
    backend = open_backend(settings)
    try:
        init_schema(backend)
    finally:
        backend.close()
    console.print(f"schema ready at {settings.graph_uri}")
    return 0


def load(args: argparse.Namespace) -> int:
    """`rolegraph load SOURCE`: parse, then write what parsed cleanly; print a summary."""
    from rolegraph.cli.main import dump_json

    started = time.monotonic()
    data = _parse(args)
    with open_store() as store:
        summary = write_dataset(store, data, progress_bar, strict=args.strict)
    for row in summary.bad_rows[:20]:
        console.print(f"[yellow]skipped[/yellow] {row}", highlight=False)
    if len(summary.bad_rows) > 20:
        console.print(f"[yellow]… and {len(summary.bad_rows) - 20} more skipped rows[/yellow]")
    rows = [(kind, n) for kind, n in summary.written.items()] + [("skipped rows", len(summary.bad_rows))]
    table(f"load {args.what} ({time.monotonic() - started:.1f} s)", ("what", "rows"), rows)
    if args.json is not None:
        dump_json(
            {"written": summary.written, "skipped": [str(r) for r in summary.bad_rows]},
            args.json,
        )
    return 0


def _parse(args: argparse.Namespace) -> Dataset:
    if args.what == "movielens":
        folder = args.dir or Path(DataSettings().data_dir) / "ml-100k"
        return read_movielens(folder)
    reader = {"items": read_items, "users": read_users, "interactions": read_interactions}[args.what]
    return reader(args.path)


def stats(args: argparse.Namespace) -> int:
    """`rolegraph stats`: counts per label and per relationship type."""
    from rolegraph.cli.main import dump_json

    with open_store() as store:
        s = store.stats()
    if args.json:
        dump_json({"nodes": s.nodes, "relationships": s.relationships}, None)
        return 0
    table("nodes", ("label", "count"), sorted(s.nodes.items()))
    table("relationships", ("type", "count"), sorted(s.relationships.items()))
    return 0


def llm(args: argparse.Namespace) -> int:
    """`rolegraph llm serve`: the embedded LLM server in the foreground."""
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


def synth(args: argparse.Namespace) -> int:
    """`rolegraph synth`: write a synthetic world to a folder."""
    cfg = SynthConfig(
        users=args.users,
        items=args.items,
        roles=args.roles,
        topics=args.topics,
        seed=args.seed,
        fanout=args.fanout,
        interactions_per_user=args.interactions_per_user,
        noise=args.noise,
    )
    cfg.check()
    with progress_bar("users", cfg.users) as tick:
        counts = generate(cfg, args.out, tick)
    table(f"synthetic world in {args.out}", ("what", "count"), sorted(counts.items()))
    return 0
