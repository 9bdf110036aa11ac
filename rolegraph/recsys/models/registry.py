"""Model names of the command line and the JSON report, and how to build each model.

Names: ``sasrec``, ``bpr``, ``lightgcn``, ``tagcf-{ut,it}-{util,expl}`` with optional ablation suffixes
``-no-te`` (no tag encoder), ``-no-ta`` (no tag learning augmentation), ``-no-tli`` (no tag-logic
inference: β0 = β1 = 0). Variants that differ only in inference share one trained model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rolegraph.errors import InvalidInput
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, TagKindName
from rolegraph.recsys.models.base import Recommender
from rolegraph.recsys.models.bpr import BPRMF
from rolegraph.recsys.models.lightgcn import LightGCN
from rolegraph.recsys.models.sasrec import SASRec
from rolegraph.recsys.models.tagcf import TagCF

_TAGCF = re.compile(r"^tagcf-(ut|it)-(util|expl)((?:-no-(?:te|ta|tli))*)$")
BASELINES = ("sasrec", "bpr", "lightgcn")
DEFAULT_MODELS = ("sasrec", "tagcf-ut-util", "tagcf-ut-expl", "bpr", "lightgcn")


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model name."""

    name: str
    kind: Literal["sasrec", "bpr", "lightgcn", "tagcf"]
    tag_kind: TagKindName = "user"
    mode: Literal["util", "expl", "none"] = "none"
    use_te: bool = True
    use_ta: bool = True
    use_tli: bool = True

    @property
    def train_key(self) -> str:
        """Specs with the same key share one trained model (they differ only in inference)."""
        if self.kind != "tagcf":
            return self.kind
        return (
            f"tagcf-{'ut' if self.tag_kind == 'user' else 'it'}"
            + ("" if self.use_te else "-no-te")
            + ("" if self.use_ta else "-no-ta")
        )

    def config(self, base: ModelConfig) -> ModelConfig:
        """The training settings of this spec."""
        return base.with_overrides(use_te=self.use_te, use_ta=self.use_ta) if self.kind == "tagcf" else base


def parse_model(name: str) -> ModelSpec:
    """Parses one model name; InvalidInput names the accepted forms."""
    name = name.strip().lower()
    if name in BASELINES:
        return ModelSpec(name, name)  # type: ignore[arg-type]
    m = _TAGCF.match(name)
    if not m:
        raise InvalidInput(
            f"unknown model {name!r}: use sasrec, bpr, lightgcn or tagcf-(ut|it)-(util|expl)[-no-te][-no-ta][-no-tli]"
        )
    suffixes = set(m.group(3).split("-no-")[1:])
    return ModelSpec(
        name,
        "tagcf",
        "user" if m.group(1) == "ut" else "item",
        m.group(2),  # type: ignore[arg-type]
        use_te="te" not in suffixes,
        use_ta="ta" not in suffixes,
        use_tli="tli" not in suffixes,
    )


def build_model(spec: ModelSpec, data: RecData, cfg: ModelConfig) -> Recommender:
    """A freshly initialized model for ``data`` (call `torch.manual_seed` first for reproducibility)."""
    cfg = spec.config(cfg)
    if spec.kind == "sasrec":
        return SASRec(data.n_users, data.n_items, cfg)
    if spec.kind == "bpr":
        return BPRMF(data.n_users, data.n_items, cfg)
    if spec.kind == "lightgcn":
        return LightGCN(data.n_users, data.n_items, cfg)
    return TagCF(data.n_users, data.n_items, cfg, data)
