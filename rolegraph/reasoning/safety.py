"""Item text is untrusted: it is capped, stripped of our delimiters and fenced; instruction-like text is
flagged. Nothing the model answers can act outside the schema anyway — answers are parsed into tags and
weighted edges between tags, and nothing else is ever written — so a flag is for analysts, not a guard.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SUBJECT_CHARS = 600

_DELIMITERS = re.compile(r"<<<|>>>")
_INJECTION = re.compile(
    r"ignore\s+(all\s+|any\s+|the\s+|previous\s+|prior\s+|above\s+|your\s+)*(instructions|prompts?|rules)"
    r"|disregard\s+(the\s+|all\s+|previous\s+)*(instructions|above)"
    r"|system\s+prompt|you\s+are\s+now\b|new\s+instructions|link\s+everything"
    r"|\b(match|merge|create|delete|detach)\s*\(|\bcall\s+db\.|\bapoc\.",
    re.IGNORECASE,
)


def clean_subject(text: str) -> str:
    """One line of printable text without our delimiters, at most MAX_SUBJECT_CHARS characters."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = _DELIMITERS.sub(" ", text)
    text = " ".join(text.split())
    return text[:MAX_SUBJECT_CHARS]


def fence(text: str) -> str:
    """The cleaned subject between the delimiters the prompts declare as data."""
    return f"<<<{clean_subject(text)}>>>"


def looks_like_injection(text: str) -> bool:
    """True when text reads like instructions to the model (or Cypher) rather than item data."""
    return bool(_INJECTION.search(text))
