"""Input checks run before any training or scoring: shapes, finiteness, ranges. All raise InvalidInput."""

from __future__ import annotations

from typing import Any

import numpy as np

from rolegraph.errors import InvalidInput


def matrix(name: str, a: Any, cols: int | None = None, min_rows: int = 1) -> np.ndarray:
    """``a`` as a finite float32 [rows, cols] array (cols fixed when given)."""
    if not isinstance(a, np.ndarray):
        raise InvalidInput(f"{name} must be a numpy array, got {type(a).__name__}")
    if a.ndim != 2:
        raise InvalidInput(f"{name} must be 2-D (rows × dimensions), got shape {a.shape}")
    if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
        raise InvalidInput(f"{name} must hold real numbers, got dtype {a.dtype}")
    if a.shape[0] < min_rows:
        raise InvalidInput(f"{name} needs at least {min_rows} row(s), got {a.shape[0]}")
    if a.shape[1] < 1:
        raise InvalidInput(f"{name} has no columns")
    if cols is not None and a.shape[1] != cols:
        raise InvalidInput(f"{name} has {a.shape[1]} columns, the model expects {cols}")
    out = np.ascontiguousarray(a, dtype=np.float32)
    if not np.isfinite(out).all():
        raise InvalidInput(f"{name} holds NaN or infinite values (or values beyond float32)")
    return out


def unit_interval(name: str, values: np.ndarray) -> None:
    """Refuses values that are NaN or outside [0, 1]."""
    if values.size and not (np.isfinite(values).all() and values.min() >= 0.0 and values.max() <= 1.0):
        bad = values[~(np.isfinite(values) & (values >= 0.0) & (values <= 1.0))]
        raise InvalidInput(f"{name} must lie in [0, 1]; found {bad[:5].tolist()}")


def positive_int(name: str, value: Any) -> int:
    """``value`` as an int ≥ 1."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise InvalidInput(f"{name} must be a positive integer, got {value!r}")
    return int(value)
