"""Distilled tag and logic models (paper App. B.4–B.5): numpy in, numpy out, torch inside.

- `train_tagger` → `Tagger`: P_θ(t|i) over item-text embeddings, trained on the LLM-tagged items;
  predicts tags (with p) for items the LLM did not see.
- `train_logic` → `LogicScorer`: P_φ(dst|src) over tag embeddings, trained on the LLM's logic edges
  (one model for U2I, one for I2U); scores any sources against any targets, new tags included.
- `top_b`: the b best targets per source, the edges of the cover-set graphs G^{U2I*} / G^{I2U*}.
- `save` / `load`: plain-data files readable with ``torch.load(…, weights_only=True)``.

Training runs on CUDA when present, else CPU, and is deterministic for a given seed on a given device.
Bad inputs raise `rolegraph.errors.InvalidInput` before training starts; a bad model file raises
`BadModelFile` (an InvalidInput); a loss that turns NaN raises `TrainingDiverged` (a RolegraphError).
"""

from rolegraph.reasoning.distill.fit import FitReport, TrainingDiverged
from rolegraph.reasoning.distill.logic import LogicConfig, LogicScorer, train_logic
from rolegraph.reasoning.distill.persist import BadModelFile, load, save
from rolegraph.reasoning.distill.tagger import Tagger, TaggerConfig, train_tagger
from rolegraph.reasoning.distill.topk import top_b

__all__ = [
    "BadModelFile",
    "FitReport",
    "LogicConfig",
    "LogicScorer",
    "Tagger",
    "TaggerConfig",
    "TrainingDiverged",
    "load",
    "save",
    "top_b",
    "train_logic",
    "train_tagger",
]
