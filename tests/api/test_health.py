"""``GET /health`` when the LLM's settings are malformed: the graph's health still answers (LLM unreachable)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("variable", "value"),
    [("ROLEGRAPH_LLM_PORT", "abc"), ("ROLEGRAPH_LLM_PORT", "99999"), ("ROLEGRAPH_LLM_BASE_URL", "http://[::1")],
)
def test_a_malformed_llm_setting_reads_as_an_unreachable_llm(
    client: TestClient, engine: str, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    r = client.get("/health")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["graph"], body["llm"], body["status"]) == (True, False, "degraded")
