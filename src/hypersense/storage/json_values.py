"""JSON encoding of attribute values, identical for every backend."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "loads", "normalize"]


def dumps(value: Any, *, what: str) -> str:
    """Serialise ``value``; a clear TypeError names ``what`` if it cannot be."""
    try:
        return json.dumps(value, allow_nan=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{what} must be JSON-serialisable (got {type(value).__name__}): {exc}"
        ) from exc


def loads(text: str | None) -> Any:
    """Inverse of :func:`dumps`; None stays None."""
    return None if text is None else json.loads(text)


def normalize(value: Any, *, what: str) -> Any:
    """The value as it would come back from any backend (tuples become lists...)."""
    return json.loads(dumps(value, what=what))
