"""The knobs of one daily run, checked when built (light to import: the command line shows the
defaults in its help)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rolegraph.errors import InvalidInput
from rolegraph.graph.validate import check_day


@dataclass(frozen=True)
class CalibrationConfig:
    """The knobs of behaviour calibration (the estimator is described in `reasoning.calibrate`)."""

    prior_strength: float = 5.0  # pseudo co-consumptions behind the prior lift of 1
    min_mass: float = 20.0  # consumptions of a source before behaviour may contradict its edges
    contradict_lift: float = 0.5
    candidate_lift: float = 2.0
    candidate_support: int = 5
    candidates_per_source: int = 3

    def __post_init__(self) -> None:
        if self.prior_strength <= 0 or self.min_mass < 0 or self.candidate_support < 1:
            raise InvalidInput("prior_strength must be positive, min_mass ≥ 0 and candidate_support ≥ 1")
        if self.candidates_per_source < 0 or self.contradict_lift < 0 or self.candidate_lift < 0:
            raise InvalidInput("candidates_per_source, contradict_lift and candidate_lift must be ≥ 0")


@dataclass(frozen=True)
class GrowConfig:
    """The knobs of one daily run (defaults from the design and the paper)."""

    day: str
    max_items: int = 50
    max_tags: int = 50
    chunk: int = 16
    threshold: float = 0.92
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
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)

    def __post_init__(self) -> None:
        check_day(self.day)
        if self.max_items < 0 or self.max_tags < 0:
            raise InvalidInput("max_items and max_tags must be at least 0")
        if min(self.chunk, self.top_b, self.window, self.distill_top_k) < 1:
            raise InvalidInput("chunk, top_b, window and distill_top_k must be at least 1")
        if not 0 <= self.distill_min_p <= 1:
            raise InvalidInput("distill_min_p must be in [0, 1]")
        if not 0 < self.threshold <= 1 or not 0 < self.tau <= 1:
            raise InvalidInput("threshold and tau must be in (0, 1]")

    @property
    def run_id(self) -> str:
        return f"grow-{self.day}"
