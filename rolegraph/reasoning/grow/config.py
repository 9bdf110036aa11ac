"""The knobs of one daily run, checked when built (light to import: the command line shows the
defaults in its help)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rolegraph.errors import InvalidInput
from rolegraph.graph.validate import check_day
from rolegraph.reasoning.calibration_config import CalibrationConfig
from rolegraph.reasoning.sameness import DEFAULT_THRESHOLD


@dataclass(frozen=True)
class GrowConfig:
    """The knobs of one daily run (defaults from the design and the paper)."""

    day: str
    max_items: int = 50
    max_tags: int = 50
    max_checks: int = 500  # candidate pairs checked (and, apart, re-checked) per logic direction and day
    chunk: int = 16
    threshold: float = DEFAULT_THRESHOLD
    tau: float = 0.99
    window: int = 30
    top_b: int = 20
    distill: bool = True
    distill_top_k: int = 5
    distill_min_p: float = 0.2
    seed: int = 0
    models_dir: str = "data/runs"
    handbook: bool = False  # build per-category handbooks and show them in the tagging prompts
    popular_first: bool = False  # plan the most-interacted untagged items first (the backfill's order)
    reask: bool = True  # ask an answer that echoes a worked example once more without it (grow.reasking)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)

    def __post_init__(self) -> None:
        check_day(self.day)
        if min(self.max_items, self.max_tags, self.max_checks) < 0:
            raise InvalidInput("max_items, max_tags and max_checks must be at least 0")
        if min(self.chunk, self.top_b, self.window, self.distill_top_k) < 1:
            raise InvalidInput("chunk, top_b, window and distill_top_k must be at least 1")
        if not 0 <= self.distill_min_p <= 1:
            raise InvalidInput("distill_min_p must be in [0, 1]")
        if not 0 < self.threshold <= 1 or not 0 < self.tau <= 1:
            raise InvalidInput("threshold and tau must be in (0, 1]")

    @property
    def run_id(self) -> str:
        return f"grow-{self.day}"
