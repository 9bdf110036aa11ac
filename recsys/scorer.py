"""The seam between the trained recommender and its users (the API, `rolegraph train`).

A trained model lives in ``ROLEGRAPH_RECSYS_DIR/current/`` (a link to the latest run's folder) with a
``manifest.json`` naming its ``format``. `load_scorer` reads the manifest and hands the folder to the
loader registered for that format; the API calls it once at start-up and keeps the result.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from pydantic_settings import BaseSettings, SettingsConfigDict

from rolegraph.errors import ModelNotTrained

Mode = Literal["util", "expl"]


class RecsysSettings(BaseSettings):
    """Where trained recommenders are stored."""

    model_config = SettingsConfigDict(env_prefix="ROLEGRAPH_", env_file=".env", extra="ignore", frozen=True)

    recsys_dir: str = "data/recsys"


@dataclass(frozen=True)
class ScoreParts:
    """score = raw + tag0 + tag1 (paper Eq. 8–9); tag0 = β0·ŷ_tag0, tag1 = β1·ŷ_tag1 already weighted."""

    raw: float
    tag0: float
    tag1: float
    beta0: float
    beta1: float

    @property
    def total(self) -> float:
        return self.raw + self.tag0 + self.tag1


@dataclass(frozen=True)
class Recommendation:
    item_id: str
    score: float
    parts: ScoreParts


class Scorer(Protocol):
    """A trained recommender loaded for serving. Unknown users or items raise `InvalidInput`."""

    @property
    def name(self) -> str: ...

    @property
    def run_id(self) -> str: ...

    def knows_user(self, user_id: str) -> bool: ...

    def knows_item(self, item_id: str) -> bool: ...

    def recommend(self, user_id: str, k: int, mode: Mode = "util") -> list[Recommendation]:
        """Top-k items the user has not interacted with, best first."""
        ...

    def score_parts(self, user_id: str, item_id: str, mode: Mode = "util") -> ScoreParts: ...


Loader = Callable[[Path], Scorer]
_LOADERS: dict[str, Loader] = {}


def register_loader(fmt: str, loader: Loader) -> None:
    """Makes ``load_scorer`` hand folders whose manifest says ``format: fmt`` to ``loader``."""
    _LOADERS[fmt] = loader


def load_scorer(settings: RecsysSettings | None = None) -> Scorer:
    """The current trained recommender; `ModelNotTrained` when there is none (or its format is unknown)."""
    folder = Path((settings or RecsysSettings()).recsys_dir) / "current"
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        raise ModelNotTrained(f"no trained recommender in {folder} — run `rolegraph train` first")
    try:
        fmt = str(json.loads(manifest.read_text())["format"])
    except (ValueError, KeyError, TypeError) as e:
        raise ModelNotTrained(f"{manifest} is not a recommender manifest ({e})") from e
    try:
        loader = _LOADERS[fmt]
    except KeyError:
        raise ModelNotTrained(f"{manifest}: unknown model format {fmt!r}") from None
    return loader(folder)


def _load_trained(folder: Path) -> Scorer:
    from recsys.serving import load_trained  # torch loads only when a model is actually served

    return load_trained(folder)


register_loader("rolegraph-recsys/1", _load_trained)
