"""`settings_problem`: a malformed setting as one line naming it, without repeating a secret's value."""

from __future__ import annotations

import json

import pytest

from rolegraph.api.settings import ApiSettings
from rolegraph.settings import GraphSettings, settings_problem


def _problem(build: type) -> str:
    with pytest.raises(ValueError) as caught:
        build()
    said = settings_problem(caught.value)
    assert said is not None
    return said


def test_a_malformed_value_is_named_with_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEGRAPH_BATCH_SIZE", "abc")
    said = _problem(GraphSettings)
    assert "ROLEGRAPH_BATCH_SIZE='abc'" in said and "valid integer" in said


def test_a_key_setting_is_named_without_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEGRAPH_API_KEYS", json.dumps([{"name": "x", "sha256": "secret-not-hex"}]))
    said = _problem(ApiSettings)
    assert "ROLEGRAPH_API_KEYS" in said and "(hidden)" in said and "secret-not-hex" not in said


def test_other_errors_are_not_settings_problems() -> None:
    assert settings_problem(ValueError("a bug")) is None
