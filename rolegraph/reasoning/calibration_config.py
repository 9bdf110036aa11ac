"""The knobs of behaviour calibration (`reasoning.calibrate` holds the estimator and its description).

Apart from the estimator so that what reads the knobs (the daily run's configuration, which the command
line builds) does not load the estimator's numerics (scipy) at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegraph.errors import InvalidInput


@dataclass(frozen=True)
class CalibrationConfig:
    """The knobs of behaviour calibration (the estimator is described in `reasoning.calibrate`)."""

    prior_strength: float = 5.0  # pseudo co-consumptions behind the prior lift of 1
    min_mass: float = 20.0  # consumptions of a source before behaviour may contradict its edges
    contradict_lift: float = 0.5
    candidate_lift: float = 2.0
    candidate_support: int = 5
    candidates_per_source: int = 5  # checks queued per source and day (the fan-out the LLM is asked for)
    min_settled: int = 30  # pairs of each settled class before behaviour's likelihood ratio is learnt
    recheck_below: float = 0.8  # a checked pair whose posterior lies between these is checked again …
    recheck_above: float = 0.2  # … once, in the other direction's wording

    def __post_init__(self) -> None:
        if self.prior_strength <= 0 or self.min_mass < 0 or self.candidate_support < 1:
            raise InvalidInput("prior_strength must be positive, min_mass ≥ 0 and candidate_support ≥ 1")
        if self.candidates_per_source < 0 or self.contradict_lift < 0 or self.candidate_lift < 0:
            raise InvalidInput("candidates_per_source, contradict_lift and candidate_lift must be ≥ 0")
        if not 0 <= self.recheck_above <= self.recheck_below <= 1:
            raise InvalidInput("recheck_above and recheck_below must satisfy 0 ≤ recheck_above ≤ recheck_below ≤ 1")
