"""Checks on values before they reach the database: ids, tag keys, property names and values.

Everything the store writes passes through here first, so a bad value is rejected with a clear message
before any batch is sent. Ids are stored literally (quotes, backticks, braces and look-alike letters are
fine as data: they only ever travel as query parameters), but they must be non-empty, bounded, free of
control characters and without surrounding spaces.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from rolegraph.errors import InvalidInput
from rolegraph.graph.model import PropertyValue

MAX_ID_CHARS = 256
MAX_TAG_CHARS = 60
MAX_TEXT_CHARS = 100_000
MAX_LIST_ITEMS = 4096
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# Unicode categories Cc (C0, DEL, C1 controls) and Cs (lone surrogates), as one compiled class.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _has_control(value: str) -> bool:
    return _CONTROL.search(value) is not None


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_unicode(value: str, what: str) -> str:
    """``value`` when it can be written as UTF-8; InvalidInput on a lone surrogate, which is what Python
    makes of bytes that were not UTF-8 (``surrogateescape``: a file or argument decoded with the wrong codec)."""
    found = _SURROGATE.search(value)
    if found is not None:
        raise InvalidInput(
            f"{what} is not valid Unicode text: a lone surrogate {found.group()!r} at character {found.start()} "
            "(bytes that were not UTF-8?)"
        )
    return value


def check_id(value: object, what: str = "id") -> str:
    """Returns ``value`` as a valid id or raises InvalidInput saying what is wrong with it."""
    if value is None:
        raise InvalidInput(f"{what} is missing (null)")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidInput(f"{what} must be a string or integer, got {type(value).__name__}")
    try:
        text = str(value)
    except ValueError:  # an integer too long to print
        raise InvalidInput(f"{what} is too long") from None
    if not text.strip():
        raise InvalidInput(f"{what} is empty")
    if len(text) > MAX_ID_CHARS:
        raise InvalidInput(f"{what} is {len(text)} characters long (at most {MAX_ID_CHARS})")
    if _has_control(text):
        raise InvalidInput(f"{what} {text[:40]!r} contains control characters")
    if text != text.strip():
        # Almost always a data error; and FalkorDB 4.22's unique-constraint check crashes the server on
        # a string key with a leading or trailing ASCII space (tests/graph/test_store.py keeps watch).
        raise InvalidInput(f"{what} {text[:40]!r} has leading or trailing whitespace")
    return text


def check_tag_key(value: object) -> str:
    """A canonical tag key: a non-empty printable string of at most 60 characters."""
    key = check_id(value, "tag key")
    if len(key) > MAX_TAG_CHARS:
        raise InvalidInput(f"tag key {key[:40]!r}… is {len(key)} characters long (at most {MAX_TAG_CHARS})")
    return key


def check_day(value: object, what: str = "day") -> str:
    """A calendar day as YYYY-MM-DD."""
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise InvalidInput(f"{what} must be YYYY-MM-DD, got {value!r}")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{what} {value!r} is not a calendar day") from None
    return value


def check_text(value: object, what: str, limit: int = MAX_TEXT_CHARS) -> str:
    """A free-text field: a string (None becomes ""), at most ``limit`` characters, no NUL bytes, valid
    Unicode (no lone surrogates)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be a string, got {type(value).__name__}")
    if len(value) > limit:
        raise InvalidInput(f"{what} is {len(value)} characters long (at most {limit})")
    if "\x00" in value:
        raise InvalidInput(f"{what} contains a NUL character")
    return check_unicode(value, what)


def check_number(value: object, what: str) -> float:
    """A finite number (Python or numpy)."""
    # numpy's scalars register as numbers.Real, except its bool, which is refused like Python's
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput(f"{what} must be a finite number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:
        raise InvalidInput(f"{what} is too large") from None
    if not math.isfinite(number):
        raise InvalidInput(f"{what} must be a finite number, got {value!r}")
    return number


MAX_TIMESTAMP = 2**63 - 1


def check_timestamp(value: object, what: str = "ts") -> int:
    """Seconds since the epoch as a non-negative 64-bit integer (floats are truncated)."""
    try:
        ts = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput(f"{what} must be a number of seconds since the epoch, got {value!r}") from None
    if isinstance(value, bool) or not 0 <= ts <= MAX_TIMESTAMP:
        raise InvalidInput(f"{what} must be between 0 and 2^63-1, got {value!r}")
    return ts


def check_probability(value: object, what: str) -> float:
    """A number in [0, 1] (probabilities, weights, recall)."""
    if type(value) is float and 0.0 <= value <= 1.0:  # the common case, checked cheaply (NaN fails here)
        return value
    number = check_number(value, what)
    if not 0.0 <= number <= 1.0:
        raise InvalidInput(f"{what} must be between 0 and 1, got {value!r}")
    return number


def check_properties(attrs: Mapping[str, Any], reserved: frozenset[str] = frozenset()) -> dict[str, PropertyValue]:
    """Validates a map of extra properties: identifier names, scalar or list-of-scalar values."""
    out: dict[str, PropertyValue] = {}
    for name, value in attrs.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise InvalidInput(f"property name {name!r} must match {_NAME.pattern}")
        if name in reserved:
            raise InvalidInput(f"property name {name!r} is reserved")
        out[name] = _check_value(value, name)
    return out


def _check_value(value: object, name: str) -> PropertyValue:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise InvalidInput(f"property {name!r} does not fit in 64 bits")
        return value
    if isinstance(value, float):
        return check_number(value, f"property {name!r}")
    if isinstance(value, str):
        return check_text(value, f"property {name!r}")
    if isinstance(value, list | tuple):
        if len(value) > MAX_LIST_ITEMS:
            raise InvalidInput(f"property {name!r} has {len(value)} items (at most {MAX_LIST_ITEMS})")
        items = [_check_value(v, name) for v in value]
        if any(isinstance(v, list) or v is None for v in items):
            raise InvalidInput(f"property {name!r} must be a flat list of scalars")
        if len({type(v) for v in items}) > 1:
            raise InvalidInput(f"property {name!r} mixes value types")
        return items  # type: ignore[return-value]
    raise InvalidInput(f"property {name!r} has unsupported type {type(value).__name__}")
