"""What the benchmarks on synthetic world v2 share: the world's and the training's options, and the world made,
its planted tags and logic read back as the evaluated graph (recsys_mixture, recsys_ablation, recsys_tagheads,
recsys_synth_grown)."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rolegraph.graph.model import Source
from rolegraph.graph.synth import SynthConfig, generate
from rolegraph.progress import no_progress
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.export.read import GraphData, read_graph
from rolegraph.recsys.sources import dataset_store


def add_world_options(
    parser: argparse.ArgumentParser,
    *,
    users: int = 1000,
    items: int = 2000,
    seeds: int = 5,
    epochs: int = 20,
    max_len: int = 30,
) -> None:
    """--users, --items, --interactions-per-user (the world); --seeds, --epochs, --patience, --min-epochs,
    --max-len (the training), with the bench's own defaults where it has other ones."""
    parser.add_argument("--users", type=int, default=users)
    parser.add_argument("--items", type=int, default=items)
    parser.add_argument("--interactions-per-user", type=float, default=20.0)
    parser.add_argument("--seeds", type=int, default=seeds)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--min-epochs", type=int, default=5)
    parser.add_argument("--max-len", type=int, default=max_len, help="items of history the sequential models read")


def world_config(args: argparse.Namespace) -> SynthConfig:
    """The world of `add_world_options` (the generator's own seed)."""
    return SynthConfig(users=args.users, items=args.items, interactions_per_user=args.interactions_per_user)


def model_config(args: argparse.Namespace) -> ModelConfig:
    """The training of `add_world_options`; everything else at the recipe's defaults."""
    return ModelConfig(epochs=args.epochs, patience=args.patience, min_epochs=args.min_epochs, max_len=args.max_len)


@dataclass(frozen=True)
class OracleWorld:
    """A generated world: its folder (gone when the `oracle_world` block ends), its counts, and the graph whose
    tags and logic are the planted truth (the distilled view, as `rolegraph load-truth` writes it)."""

    folder: Path
    counts: dict[str, int]
    graph: GraphData


@contextmanager
def oracle_world(cfg: SynthConfig) -> Iterator[OracleWorld]:
    """Generates the world into a temporary folder and reads its truth through the synthetic dataset store."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "world"
        counts = generate(cfg, folder)
        with dataset_store(f"synth:{folder}", no_progress) as store:
            graph = read_graph(store, Source.DISTILLED)
        yield OracleWorld(folder, counts, graph)
