"""`ModelConfig`: every numeric setting is checked for its range (and floats for finiteness) when a config is
made, so a bad value is refused before anything is read, exported or trained."""

from __future__ import annotations

from typing import Any, get_type_hints

import pytest

from rolegraph.errors import InvalidInput
from rolegraph.recsys import config
from rolegraph.recsys.config import ModelConfig

NAN, INF = float("nan"), float("inf")


def test_every_numeric_setting_has_a_range() -> None:
    numeric = {name for name, hint in get_type_hints(ModelConfig).items() if hint in (int, float)}
    assert numeric == set(config._AT_LEAST) | set(config._ABOVE)
    assert set(config._BELOW) <= numeric


@pytest.mark.parametrize(
    "settings",
    [
        {},
        # the values the benches and tests use on purpose, at the edges of the ranges
        {"epochs": 1, "min_epochs": 10},  # min_epochs beyond epochs: no early stop
        {"epochs": 1, "min_epochs": 0, "patience": 1},
        {"dropout": 0.0, "lam": 0, "stride": 0, "delta": 0.0, "beta0": 0.0, "beta1": 0.0, "expl_beta1": 0.0},
        {"weight_decay": 0.0, "pair_weight_decay": 0.0, "lambda_reg": 0.0, "gcn_layers": 0},
        {"dropout": 0.5, "lam": 5.0, "lr": 1e-9, "pair_lr": 10.0},
        {"hidden": 8, "layers": 1, "heads": 1, "max_len": 1, "batch_size": 1, "pair_batch_size": 1, "k": 1},
        {"hidden": 10, "heads": 5, "top_b": 1, "max_tags": 1, "it_neg_samples": 1},
    ],
)
def test_values_in_range_are_kept(settings: dict[str, Any]) -> None:
    cfg = ModelConfig(**settings)
    assert all(getattr(cfg, k) == v for k, v in settings.items())


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"epochs": 0}, "epochs must be at least 1, got 0"),
        ({"epochs": -1}, "epochs must be at least 1, got -1"),
        ({"patience": 0}, "patience must be at least 1, got 0"),
        ({"min_epochs": -1}, "min_epochs must be 0 or more, got -1"),
        ({"hidden": -4}, "hidden must be at least 1, got -4"),
        ({"hidden": 0}, "hidden must be at least 1, got 0"),
        ({"heads": 0}, "heads must be at least 1, got 0"),
        ({"hidden": 10, "heads": 4}, "hidden (10) must be a multiple of heads (4)"),
        ({"layers": 0}, "layers must be at least 1, got 0"),
        ({"gcn_layers": -1}, "gcn_layers must be 0 or more, got -1"),
        ({"max_len": 0}, "max_len must be at least 1, got 0"),
        ({"stride": -1}, "stride must be 0 or more (0: max_len, windows apart), got -1"),
        ({"batch_size": 0}, "batch_size must be at least 1, got 0"),
        ({"pair_batch_size": -5}, "pair_batch_size must be at least 1, got -5"),
        ({"lr": NAN}, "lr must be a finite number, got nan"),
        ({"lr": INF}, "lr must be a finite number, got inf"),
        ({"lr": 0.0}, "lr must be above 0, got 0.0"),
        ({"pair_lr": -1e-3}, "pair_lr must be above 0, got -0.001"),
        ({"weight_decay": -1e-5}, "weight_decay must be 0 or more, got -1e-05"),
        ({"pair_weight_decay": NAN}, "pair_weight_decay must be a finite number, got nan"),
        ({"dropout": 1.0}, "dropout must be 0 or more and below 1, got 1.0"),
        ({"dropout": -0.1}, "dropout must be 0 or more and below 1, got -0.1"),
        ({"lam": -0.1}, "lam must be 0 or more, got -0.1"),
        ({"lam": -INF}, "lam must be a finite number, got -inf"),
        ({"k": 0}, "k must be at least 1, got 0"),
        ({"top_b": 0}, "top_b must be at least 1, got 0"),
        ({"delta": NAN}, "delta must be a finite number, got nan"),
        ({"max_tags": 0}, "max_tags must be at least 1, got 0"),
        ({"beta0": -1.0}, "beta0 must be 0 or more, got -1.0"),
        ({"beta1": INF}, "beta1 must be a finite number, got inf"),
        ({"expl_beta1": -4.0}, "expl_beta1 must be 0 or more, got -4.0"),
        ({"it_neg_samples": 0}, "it_neg_samples must be at least 1, got 0"),
        ({"lambda_reg": -1e-4}, "lambda_reg must be 0 or more, got -0.0001"),
        ({"epochs": 2.5}, "epochs must be a whole number, got 2.5"),
        ({"hidden": True}, "hidden must be a whole number, got True"),
        ({"lr": "0.1"}, "lr must be a number, got '0.1'"),
        ({"loss": "mse"}, "loss must be one of ['ce', 'bce'], got 'mse'"),
    ],
)
def test_values_out_of_range_are_refused(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput) as e:
        ModelConfig(**settings)
    assert str(e.value) == message
    with pytest.raises(InvalidInput):  # a copy is checked as a new config is
        ModelConfig().with_overrides(**settings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("epochs=0", "epochs must be at least 1, got 0"),
        ("lr=nan", "lr must be a finite number, got nan"),
        ("lr=inf", "lr must be a finite number, got inf"),
        ("weight_decay=-inf", "weight_decay must be a finite number, got -inf"),
        ("dropout=1", "dropout must be 0 or more and below 1, got 1.0"),
        ("epochs=1.5", "model setting epochs: invalid literal for int() with base 10: '1.5'"),
    ],
)
def test_text_overrides_are_checked_like_the_fields(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as e:
        ModelConfig().with_text_overrides([text])
    assert str(e.value) == message
