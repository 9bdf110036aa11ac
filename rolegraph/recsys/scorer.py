"""The seam between the trained recommender and its users (the API): what a loaded model answers.

`rolegraph.recsys.serving.load_scorer` loads the current model (``ROLEGRAPH_RECSYS_DIR/current/``) as a
`Scorer`; the API depends on this protocol only, so tests can serve a stand-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Mode = Literal["util", "expl"]


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

    @property
    def tabled(self) -> bool:
        """True when calls answer from memory (cheap enough for the service's event loop), False when
        each runs a forward pass (the service then calls it in a worker thread)."""
        ...

    def knows_user(self, user_id: str) -> bool: ...

    def knows_item(self, item_id: str) -> bool: ...

    def recommend(self, user_id: str, k: int, mode: Mode = "util") -> list[Recommendation]:
        """Top-k items the user has not interacted with, best first."""
        ...

    def score_parts(self, user_id: str, item_id: str, mode: Mode = "util") -> ScoreParts: ...
