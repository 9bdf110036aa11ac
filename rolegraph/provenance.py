"""How a result was made: commit, command line, machine, library versions, seeds, wall time and date.

Every report in bench/results/ (the benchmarks' through bench/reporting.py, `rolegraph evaluate`'s
through recsys/report.py) carries a `Provenance` as its ``provenance`` object, and its Markdown says the
same in one line (`Provenance.line`). A field that cannot be known is None and shown as "unknown"; it is
never guessed.

``load`` is the machine's load average (1, 5 and 15 minutes) when the run began (when this module was first
imported: a benchmark's and the command line's process start, as ``wall_s`` counts from it) and when its
report was written: a time measured while other work ran says so. Reports made before it was recorded have null.

``dirty`` is whether the work tree differed from ``commit`` outside bench/results/ when the report was
made: the reports a benchmark run writes are not a change to the code that made them. On a machine without
the git program (the GPU machine) the commit is read from the ``.git`` folder and ``dirty`` is unknown.

``machine.gpu`` is the CUDA device torch sees (its name, "N × name" for several) when the process has loaded
torch, else null: a report whose process never loaded torch used no GPU. Reports made before it was
recorded lack the field.
"""

from __future__ import annotations

import os
import platform
import re
import shlex
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

from rolegraph.settings import LLMSettings

ROOT = Path(__file__).resolve().parents[1]
#: distributions whose versions decide the numbers (engines, numerics, the LLM server)
DISTRIBUTIONS = ("torch", "numpy", "falkordblite", "falkordb", "neo4j", "llama-cpp-python", "rolegraph")
#: the reports themselves, excluded from the dirty check
REPORTS = "bench/results"


@dataclass(frozen=True)
class Machine:
    """Where a result was measured."""

    cores: int | None
    cpu_model: str | None
    memory_gib: float | None
    python: str | None
    platform: str | None
    gpu: str | None = None  # the CUDA device(s) torch sees; None: none, or torch not loaded (module docstring)


@dataclass(frozen=True)
class Provenance:
    """How one report was made; None means unknown (see ``note``)."""

    commit: str | None
    dirty: bool | None
    command: str | None
    date: str | None
    wall_s: float | None
    seeds: list[int] | None
    machine: Machine
    versions: dict[str, str | None] = field(default_factory=dict)
    note: str | None = None
    load: dict[str, list[float] | None] | None = None  # {"start": [1, 5, 15 min], "end": [...]}

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (the ``provenance`` object of a report)."""
        return asdict(self)

    def finished(self, wall_s: float) -> Provenance:
        """The same provenance with the wall time and the load average at the end known."""
        return replace(self, wall_s=round(wall_s, 1), load=ended(self.load))

    def line(self) -> str:
        """One Markdown line saying the same as the JSON."""
        return line(self.as_dict())


def collect(
    seeds: list[int] | None,
    *,
    command: str | None = None,
    wall_s: float | None = None,
    note: str | None = None,
) -> Provenance:
    """The provenance of a result this process is making now: ``command`` defaults to this process's
    command line, ``wall_s`` (when not given yet, see `Provenance.finished`) to None."""
    commit, dirty = git_state(ROOT)
    return Provenance(
        commit=commit,
        dirty=dirty,
        command=command or command_line(sys.argv),
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        wall_s=None if wall_s is None else round(wall_s, 1),
        seeds=None if seeds is None else [int(s) for s in seeds],
        machine=machine(),
        versions=versions(),
        note=note,
        load={"start": LOAD_AT_START, "end": None},
    )


def load_average() -> list[float] | None:
    """The machine's load average over 1, 5 and 15 minutes (None where the system does not say)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# Taken once, at import: a report stamped at the end of its run (as several benchmarks do) still gives the
# load its run began under rather than a second reading of the end.
LOAD_AT_START = load_average()


def ended(load: dict[str, list[float] | None] | None) -> dict[str, list[float] | None]:
    """``load`` with its end reading taken now."""
    return {"start": None if load is None else load.get("start"), "end": load_average()}


def process_wall_s() -> float:
    """Seconds since this process started (interpreter start-up and imports included)."""
    return time.time() - psutil.Process().create_time()


def git_state(root: Path) -> tuple[str | None, bool | None]:
    """(commit, dirty) of the git work tree at ``root``; (None, None) when ``root`` is not the top of one
    (an installed wheel) or git is missing."""
    try:
        top = _git(root, "rev-parse", "--show-toplevel")
        if Path(top).resolve() != root.resolve():
            return None, None
        commit = _git(root, "rev-parse", "HEAD")
        changes = _git(root, "status", "--porcelain", "--", ".", f":(exclude){REPORTS}")
    except FileNotFoundError:  # no git program: the commit from the files, whether the tree changed unknown
        return _head_from_files(root), None
    except (OSError, subprocess.CalledProcessError):
        return None, None
    return commit, bool(changes)


def _head_from_files(root: Path) -> str | None:
    """The commit HEAD names in ``root``/.git (a loose or packed branch ref, or a detached HEAD); None when
    ``root`` holds no such folder or it names no commit."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head if re.fullmatch(r"[0-9a-f]{40}", head) else None
        ref = head.removeprefix("ref: ")
        loose = git / ref
        if loose.is_file():
            return loose.read_text().strip() or None
        for text in (git / "packed-refs").read_text().splitlines():
            sha, _, name = text.partition(" ")
            if name == ref:
                return sha
    except OSError:
        pass
    return None


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=30)
    return done.stdout.strip()


def command_line(argv: list[str]) -> str:
    """The command a person would type to run ``argv`` again from the repository root: ``python
    bench/x.py …`` for a script, ``rolegraph …`` for the console command."""
    if not argv:
        return "python"
    program = Path(argv[0])
    if program.name == "rolegraph":
        head = ["rolegraph"]
    elif program.name == "__main__.py":  # python -m PACKAGE
        head = ["python", "-m", program.parent.name]
    elif program.suffix == ".py":
        resolved = program.resolve()
        head = ["python", str(resolved.relative_to(ROOT) if resolved.is_relative_to(ROOT) else program)]
    elif program.name == "-c":  # the code itself is not in argv
        return " ".join(["python -c …", shlex.join(argv[1:])]).strip()
    else:
        head = [str(program)]
    return shlex.join([*head, *argv[1:]])


def machine() -> Machine:
    """Cores, CPU model, memory, Python and GPU of this machine."""
    pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    return Machine(
        cores=os.cpu_count(),
        cpu_model=_cpu_model(),
        memory_gib=round(pages * page_size / 2**30, 1) if pages > 0 and page_size > 0 else None,
        python=platform.python_version(),
        platform=platform.platform(),
        gpu=_gpu(),
    )


def _gpu() -> str | None:
    """The CUDA device(s) torch sees, when this process has loaded torch (never imported here for this)."""
    torch = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_available():
        return None
    names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return " + ".join(n if names.count(n) == 1 else f"{names.count(n)} × {n}" for n in dict.fromkeys(names))


def _cpu_model() -> str | None:
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                return text.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def versions() -> dict[str, str | None]:
    """Installed versions of `DISTRIBUTIONS` (None: not installed) and the embedded LLM's model file."""
    found: dict[str, str | None] = {}
    for name in DISTRIBUTIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    settings = LLMSettings()
    found["llm_model_file"] = Path(settings.llm_model_path).name if settings.llm_base_url is None else None
    found["llm_model"] = settings.llm_model
    return found


def line(prov: dict[str, Any]) -> str:
    """One Markdown line from a report's ``provenance`` object (old reports' unknown fields included)."""
    commit = prov.get("commit")
    dirty = prov.get("dirty")
    tree = "unknown" if commit is None else f"`{commit[:12]}`" + {True: " (dirty)", False: "", None: ""}[dirty]
    m = prov.get("machine") or {}
    where = ", ".join(
        str(x)
        for x in (
            f"{m['cores']} cores" if m.get("cores") else None,
            m.get("cpu_model"),
            f"{m['memory_gib']} GiB" if m.get("memory_gib") else None,
            f"GPU {m['gpu']}" if m.get("gpu") else None,
        )
        if x
    )
    libs = ", ".join(f"{k} {v}" for k, v in (prov.get("versions") or {}).items() if v is not None)
    seeds = prov.get("seeds")
    wall = prov.get("wall_s")
    parts = [
        f"commit {tree}",
        f"`{prov['command']}`" if prov.get("command") else "command unknown",
        prov.get("date") or "date unknown",
        "wall unknown" if wall is None else f"{wall:,.1f} s wall",
        "seeds unknown" if seeds is None else "no seeds" if not seeds else "seeds " + ", ".join(map(str, seeds)),
        where or "machine unknown",
        libs or "versions unknown",
    ]
    load = prov.get("load") or {}
    if load.get("start") or load.get("end"):
        shown = [f"{k} {'/'.join(f'{x:g}' for x in v)}" for k, v in load.items() if v]
        parts.append("load average (1/5/15 min) " + ", ".join(shown))
    note = f" Note: {prov['note']}" if prov.get("note") else ""
    return "*Provenance:* " + " · ".join(parts) + "." + note


def with_line(markdown: str, prov: dict[str, Any]) -> str:
    """``markdown`` with the provenance line after its title (or at the top when it has none)."""
    head, _, rest = markdown.partition("\n")
    if head.startswith("# "):
        return f"{head}\n\n{line(prov)}\n\n{rest.lstrip(chr(10))}"
    return f"{line(prov)}\n\n{markdown}"
