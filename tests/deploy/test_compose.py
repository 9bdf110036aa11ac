"""docker-compose.yml, .env.example and the Dockerfile: the structure every run checks by parsing, and
`docker-compose config` where the binary exists (no Docker engine is needed for it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from rolegraph.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def test_services_profiles_and_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"neo4j", "api", "worker", "vllm", "llm-cpu", "rolegraph"} <= set(services)
    profiles = {name: s.get("profiles", []) for name, s in services.items()}
    assert profiles["vllm"] == ["gpu"] and profiles["llm-cpu"] == ["cpu"]
    assert profiles["neo4j"] == profiles["api"] == profiles["worker"] == []  # always up
    for name in ("neo4j", "api", "worker", "vllm", "llm-cpu"):
        check = services[name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL") and check["interval"], name


def test_neo4j_is_5_community_with_apoc_and_a_volume(compose: dict[str, Any]) -> None:
    neo4j = compose["services"]["neo4j"]
    assert re.search(r"neo4j:5[.\w-]*community", neo4j["image"])
    assert "apoc" in neo4j["environment"]["NEO4J_PLUGINS"]
    assert any(v.endswith(":/data") and v.split(":")[0] in compose["volumes"] for v in neo4j["volumes"])


def test_vllm_serves_qwen_with_structured_outputs_on_a_gpu(compose: dict[str, Any]) -> None:
    vllm = compose["services"]["vllm"]
    command = vllm["command"]
    assert "Qwen/Qwen2.5-7B-Instruct" in command[command.index("--model") + 1]
    assert command[command.index("--structured-outputs-config.backend") + 1] == "xgrammar"
    assert vllm["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
    assert vllm["environment"]["HF_HUB_OFFLINE"].endswith(":-1}")  # no download at run time by default


def test_services_using_the_image_build_it(compose: dict[str, Any]) -> None:
    for name in ("api", "worker", "llm-cpu", "rolegraph"):
        service = compose["services"][name]
        assert service["build"] == "." and service["image"] == "rolegraph:latest", name
        env = service.get("environment", {})
        if name != "llm-cpu":
            assert env["ROLEGRAPH_GRAPH_URI"] == "bolt://neo4j:7687"


def test_rolegraph_commands_parse(compose: dict[str, Any]) -> None:
    """The `rolegraph …` commands the services run are real sub-commands with valid arguments."""
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    services = compose["services"]
    commands = [services[n]["command"] for n in ("api", "llm-cpu", "rolegraph")]
    commands.append(["grow", "--day", "2026-01-01"])  # what scripts/worker-daily.sh runs
    unknown = [c[0] for c in commands if c[0] not in sub.choices]  # type: ignore[attr-defined]
    assert not unknown, f"docker-compose.yml runs sub-commands rolegraph does not have: {unknown}"
    for command in commands:
        build_parser().parse_args(command)


def test_env_example_sets_every_variable_compose_reads(compose: dict[str, Any]) -> None:
    text = COMPOSE.read_text()
    used = set(re.findall(r"(?<!\$)\$\{(\w+)", text))  # $${…} is the container shell's
    defined = {line.split("=", 1)[0] for line in ENV_EXAMPLE.read_text().splitlines() if re.match(r"^\w+=", line)}
    assert used <= defined, f"add to .env.example: {sorted(used - defined)}"
    required = set(re.findall(r"\$\{(\w+):\?", text))
    assert required == {"NEO4J_PASSWORD", "API_KEYS"}  # no default secret; the API needs keys off loopback


def test_dockerfile_builds_everything_it_needs_at_build_time() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "rolegraph llm assemble" in text and "fetch-movielens.sh" in text
    assert re.search(r'ENTRYPOINT \["rolegraph"\]', text)
    for script in ("worker-daily.sh", "worker-health.sh"):
        path = ROOT / "scripts" / script
        assert path.stat().st_mode & 0o111, f"{script} must be executable"


def _compose() -> str:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is missing — `make setup` installs it (Debian's docker-compose)")
    return binary


def _compose_config(*args: str) -> subprocess.CompletedProcess[str]:
    binary = _compose()
    return subprocess.run(
        [binary, "--env-file", str(ENV_EXAMPLE), "-f", str(COMPOSE), *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip


def test_docker_compose_config_accepts_the_file() -> None:
    result = _compose_config("--profile", "gpu", "--profile", "cpu", "--profile", "jobs", "config", "-q")
    assert result.returncode == 0, result.stderr
    profiles = _compose_config("config", "--profiles")
    assert set(profiles.stdout.split()) == {"gpu", "cpu", "jobs"}


def test_docker_compose_config_needs_the_password(tmp_path: Path) -> None:
    env = tmp_path / "empty.env"
    env.write_text("")
    binary = _compose()
    result = subprocess.run(
        [binary, "--env-file", str(env), "-f", str(COMPOSE), "config", "-q"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin"},
    )  # fmt: skip
    assert result.returncode != 0 and "set NEO4J_PASSWORD in .env" in result.stderr


def test_the_image_compiles_llama_cpp_with_the_environment_s_flags() -> None:
    # one CPU baseline for both builds (a native one died on a CPU with AMX): the two places must agree
    setup = re.search(r'^llama_cmake="([^"]+)"', (ROOT / "scripts" / "setup-venv.sh").read_text(), re.M)
    image = re.search(r'^ARG LLAMA_CMAKE="([^"]+)"', (ROOT / "Dockerfile").read_text(), re.M)
    assert setup and image and setup[1] == image[1]
    assert "-DGGML_NATIVE=OFF" in setup[1]
