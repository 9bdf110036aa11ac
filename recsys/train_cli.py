"""`rolegraph train` (kept apart from recsys/cli.py to keep both small)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def register_train(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Adds `rolegraph train`."""
    p = sub.add_parser("train", help="train a recommender, store it as the current one, write users' roles back")
    p.add_argument("--model", default="tagcf-ut-util", help="tagcf-(ut|it)-(util|expl)[…], sasrec, bpr or lightgcn")
    p.add_argument("--dataset", default="movielens", help="movielens (the configured graph) only, for now")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-write-back", action="store_true", help="do not write HAS_ROLE edges")
    common(p)
    p.set_defaults(func=train_cmd)


def train_cmd(args: argparse.Namespace) -> int:
    """`rolegraph train`."""
    from recsys.pipeline import train_and_store

    return train_and_store(args)
