"""Model names of the command line and the JSON report, and how to build each model.

Names: ``sasrec``, ``bpr``, ``lightgcn``, ``tagcf-{ut,it}-{util,expl}`` with optional ablation suffixes
``-no-te`` (no tag encoder), ``-no-ta`` (no tag learning augmentation), ``-no-tli`` (no tag-logic
inference: β0 = β1 = 0), ``-mix`` (the tag mixture's log P(i|u) as the T(0) term, same training);
``tag-profile`` / ``tag-profile-it`` (tag overlap with the history, no training);
``tag-mixture`` / ``tag-mixture-it`` (next items through the history's mix of tags, `models.mixture`);
``oracle-roles`` / ``oracle-behaviour`` (a synthetic world's ceilings, `models.oracle`); ``sasrec-mix``,
``bpr-mix``, ``lightgcn-mix`` (``-mix-it`` over item tags): the baseline's training scored with the tag
mixture as a β0-weighted T(0) term like TagCF's ``-mix``, the control for it. Variants that
differ only in inference share one trained model; TagCF's expl trains its own (`ModelSpec.train_key`).
A spec may carry ``overrides`` of model settings (the ablation bench's rows): those of `INFERENCE_ONLY`
change only how a trained model scores, the others give the spec a training of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rolegraph.errors import InvalidInput
from rolegraph.graph.synth import read_world
from rolegraph.recsys.config import ModelConfig
from rolegraph.recsys.dataset import RecData, TagKindName
from rolegraph.recsys.models.base import Recommender
from rolegraph.recsys.models.bpr import BPRMF
from rolegraph.recsys.models.lightgcn import LightGCN
from rolegraph.recsys.models.mixture import TagMixture
from rolegraph.recsys.models.oracle import WorldOracle
from rolegraph.recsys.models.sasrec import SASRec
from rolegraph.recsys.models.tagcf import TagCF
from rolegraph.recsys.models.tagprofile import TagProfile

_TAGCF = re.compile(r"^tagcf-(ut|it)-(util|expl)((?:-no-(?:te|ta|tli))*)(-mix)?$")
BASELINES = ("sasrec", "bpr", "lightgcn")
_MIXED = re.compile(r"^(sasrec|bpr|lightgcn)-mix(-it)?$")
PROFILES = {"tag-profile": "user", "tag-profile-it": "item"}
MIXTURES = {"tag-mixture": "user", "tag-mixture-it": "item"}
ORACLES = ("oracle-roles", "oracle-behaviour")
DEFAULT_MODELS = ("sasrec", "tagcf-ut-util", "tagcf-ut-expl", "bpr", "lightgcn", "tag-profile")
#: settings that change how a trained TagCF scores, not how it trains
INFERENCE_ONLY = frozenset(
    {
        "beta0",
        "beta1",
        "cover_only",
        "user_probs",
        "t1_weights",
        "t1_items",
        "tag_score",
        "item_tag_probs",
        "beta_choice",
    }
)
Kind = Literal["sasrec", "bpr", "lightgcn", "tagcf", "tag-profile", "tag-mixture", "oracle"]


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model name."""

    name: str
    kind: Kind
    tag_kind: TagKindName = "user"
    mode: Literal["util", "expl", "none"] = "none"
    use_te: bool = True
    use_ta: bool = True
    use_tli: bool = True
    overrides: tuple[tuple[str, Any], ...] = ()  # (setting, value) pairs applied on top of the run's settings
    world: str | None = None  # oracles: the `rolegraph synth` folder whose truth they read

    @property
    def swept(self) -> bool:
        """Scored at a grid of β (TagCF, and a baseline with the tag mixture as its T(0) term)."""
        return self.kind == "tagcf" or self.mixed

    @property
    def mixed(self) -> bool:
        """The tag mixture is its T(0) term (``-mix``)."""
        return ("tag_score", "mixture") in self.overrides

    @property
    def train_key(self) -> str:
        """Specs with the same key share one trained model (they differ only in inference)."""
        if self.kind in ("tag-profile", "tag-mixture", "oracle"):
            return self.name
        if self.kind != "tagcf":
            return self.kind
        training = [f"{k}={v}" for k, v in self.overrides if k not in INFERENCE_ONLY]
        return (
            f"tagcf-{'ut' if self.tag_kind == 'user' else 'it'}"
            + ("" if self.use_te else "-no-te")
            + ("" if self.use_ta else "-no-ta")
            + ("-expl" if self.mode == "expl" and self.use_tli else "")
            + "".join(f"[{t}]" for t in training)
        )

    def config(self, base: ModelConfig) -> ModelConfig:
        """The settings of this spec: the run's, with the spec's ablation switches and overrides."""
        cfg = base.with_overrides(**dict(self.overrides))
        if self.kind != "tagcf":
            return cfg
        return cfg.with_overrides(use_te=self.use_te, use_ta=self.use_ta, expl=self.mode == "expl" and self.use_tli)


def parse_model(name: str) -> ModelSpec:
    """Parses one model name; InvalidInput names the accepted forms."""
    name = name.strip().lower()
    if name in BASELINES:
        return ModelSpec(name, name)  # type: ignore[arg-type]
    if name in PROFILES:
        return ModelSpec(name, "tag-profile", PROFILES[name])  # type: ignore[arg-type]
    if name in MIXTURES:
        return ModelSpec(name, "tag-mixture", MIXTURES[name])  # type: ignore[arg-type]
    if name in ORACLES:
        return ModelSpec(name, "oracle")
    mixed = _MIXED.match(name)
    if mixed:
        tag_kind = "item" if mixed.group(2) else "user"
        return ModelSpec(name, mixed.group(1), tag_kind, "util", overrides=(("tag_score", "mixture"),))  # type: ignore[arg-type]
    m = _TAGCF.match(name)
    if not m:
        raise InvalidInput(
            f"unknown model {name!r}: use sasrec, bpr, lightgcn, (sasrec|bpr|lightgcn)-mix[-it], tag-profile, "
            "tag-profile-it, tag-mixture, tag-mixture-it, oracle-roles, "
            "oracle-behaviour or tagcf-(ut|it)-(util|expl)[-no-te][-no-ta][-no-tli][-mix]"
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
        overrides=(("tag_score", "mixture"),) if m.group(4) else (),
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
    if spec.kind == "tag-profile":
        return TagProfile(data.n_users, data.n_items, cfg, data)
    if spec.kind == "tag-mixture":
        return TagMixture(data.n_users, data.n_items, cfg, data)
    if spec.kind == "oracle":
        if spec.world is None:
            raise InvalidInput(f"{spec.name} reads a synthetic world's truth: evaluate it on --dataset synth:DIR")
        world = read_world(Path(spec.world))
        return WorldOracle(data.n_users, data.n_items, cfg, data, world, knows_roles=spec.name == "oracle-roles")
    return TagCF(data.n_users, data.n_items, cfg, data)
