"""The Python 3.11 environment RecBole 1.2.1 runs in, built once and cached outside the clone.

RecBole pins ``ray<=2.6.3`` (no wheel for Python 3.12) and needs old numpy/scipy/pandas, so it cannot
share the project environment. The folder is ``$ROLEGRAPH_CACHE/peers-py311-<hash>`` (default cache
``~/.cache/rolegraph``); the hash covers the pins below and the interpreter version, so changing
either builds anew. The machine's pip configuration (its index, wheel folder and constraint file)
applies unchanged.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Why each pin (checked on the development machines; docs/recommender.md, "Peers"): scipy<1.12 because LightGCN calls
# dok_matrix._update; pandas<3 because RecBole relies on chained assignment; ray==2.6.3 because RecBole
# pins ray<=2.6.3 and recbole.quick_start imports it.
REQUIREMENTS = (
    "torch==2.13.0",
    "numpy<2",
    "scipy<1.12",
    "pandas<3",
    "ray==2.6.3",
    "colorlog==4.7.2",
    "colorama==0.4.4",
    "tqdm",
    "scikit-learn",
    "pyyaml",
    "tensorboard",
    "tabulate",
    "plotly",
    "texttable",
    "psutil",
)
RECBOLE = "recbole==1.2.1"  # installed with --no-deps: its metadata also asks for thop, which it never imports
# ray 2.6.3 imports pkg_resources, which newer setuptools dropped, while torch 2.13's metadata asks for
# setuptools>=77 (used only to build C++ extensions). One resolve cannot satisfy both, so this is
# installed last, on its own; pip then notes torch's unmet wish and carries on.
SETUPTOOLS = "setuptools<70"
PYTHON_VERSION = (3, 11)


class EnvBuildError(Exception):
    """The environment cannot be built; the message says what to check."""


def find_python() -> str:
    """A Python 3.11 interpreter: ``$ROLEGRAPH_PEERS_PYTHON``, then ``python3.11``, then ``python3``."""
    for candidate in (os.environ.get("ROLEGRAPH_PEERS_PYTHON"), "python3.11", "python3"):
        path = candidate and shutil.which(candidate)
        if not path:
            continue
        probe = subprocess.run(
            [path, "-c", "import sys; print(*sys.version_info[:3], sep='.')"], capture_output=True, text=True
        )
        if probe.returncode == 0 and tuple(int(p) for p in probe.stdout.split(".")[:2]) == PYTHON_VERSION:
            return path
    raise EnvBuildError(
        "RecBole 1.2.1 needs Python 3.11 (its ray pin has no 3.12 wheel) and none was found as "
        "$ROLEGRAPH_PEERS_PYTHON, python3.11 or python3 — install it (e.g. `pyenv install 3.11`) or set "
        "ROLEGRAPH_PEERS_PYTHON"
    )


def _version(python: str) -> str:
    return subprocess.run(
        [python, "-c", "import sys; print(*sys.version_info[:3], sep='.')"], capture_output=True, text=True, check=True
    ).stdout.strip()


def cache_dir() -> Path:
    """``$ROLEGRAPH_CACHE``, by default ``~/.cache/rolegraph`` (as the Makefile has it)."""
    return Path(os.environ.get("ROLEGRAPH_CACHE", Path.home() / ".cache" / "rolegraph"))


def env_dir(python: str) -> Path:
    """Where the environment for these pins and this interpreter lives."""
    cache = cache_dir()
    text = "\n".join((*REQUIREMENTS, RECBOLE, SETUPTOOLS, _version(python)))
    return cache / f"peers-py311-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _pip(venv: Path, args: list[str], log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ pip {' '.join(args)}\n")
        out.flush()
        done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", *args], stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        tail = "\n".join(log.read_text().splitlines()[-15:])
        raise EnvBuildError(
            f"could not build the RecBole environment in {venv}: `pip {' '.join(args)}` exited with "
            f"{done.returncode}. Check that the package index (pip config list) can serve these pins; the "
            f"whole log is {log}. Its last lines:\n{tail}"
        )


def _smoke(venv: Path, log: Path) -> None:
    """Imports what the worker uses, so a broken environment fails here and is never marked complete."""
    code = "import recbole.quick_start, recbole.model.general_recommender, recbole.model.sequential_recommender"
    done = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        with log.open("a") as out:
            out.write(done.stderr)
        tail = "\n".join(done.stderr.splitlines()[-8:])
        raise EnvBuildError(f"the RecBole environment in {venv} was installed but does not import:\n{tail}")


def ensure_env() -> Path:
    """The environment's interpreter, building the environment first if needed (minutes, once).

    Raises `EnvBuildError` with pip's last lines when it cannot be built.
    """
    python = find_python()
    venv = env_dir(python)
    venv.parent.mkdir(parents=True, exist_ok=True)
    with (venv.parent / ".peers.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second run meanwhile waits, then reuses the result
        if not (venv / ".complete").is_file():
            log = venv.with_suffix(".log")
            log.write_text("")
            print(f"peers: building the RecBole environment in {venv} (first time only; log {log})", file=sys.stderr)
            shutil.rmtree(venv, ignore_errors=True)
            made = subprocess.run([python, "-m", "venv", str(venv)], capture_output=True, text=True)
            if made.returncode != 0:
                raise EnvBuildError(f"`{python} -m venv {venv}` failed: {made.stderr.strip()}")
            _pip(venv, ["install", "--progress-bar", "off", *REQUIREMENTS], log)
            _pip(venv, ["install", "--progress-bar", "off", "--no-deps", RECBOLE], log)
            _pip(venv, ["install", "--progress-bar", "off", SETUPTOOLS], log)
            _smoke(venv, log)
            (venv / ".complete").touch()
    return venv / "bin" / "python"


def ensure_env_or_exit() -> Path:
    """`ensure_env` for scripts: on failure, the message on stderr and exit status 2."""
    try:
        return ensure_env()
    except EnvBuildError as e:
        print(f"peers: {e}", file=sys.stderr)
        raise SystemExit(2) from e


if __name__ == "__main__":
    print(ensure_env_or_exit())
