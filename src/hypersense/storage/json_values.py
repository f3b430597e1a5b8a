"""JSON encoding of attribute values, identical for every backend."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from hypersense.trial.frozen_mapping import FrozenMapping

_SCALARS = frozenset({str, int, float, bool, type(None)})

__all__ = ["FrozenJSON", "dumps", "freeze_json", "loads", "normalize", "normalize_attrs"]


class FrozenJSON(FrozenMapping[str, Any]):
    """A deeply immutable JSON object (nested values are FrozenJSON or scalars).

    Storages keep it as is instead of copying it, which matters for values
    written with every trial, such as the environment manifest.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (freeze_json, (_thaw(self),))


def freeze_json(value: Mapping[str, Any]) -> FrozenJSON:
    """A deeply immutable copy of a JSON object whose values are objects or scalars."""
    out: dict[str, Any] = {}
    for k, v in value.items():
        if isinstance(v, Mapping):
            out[k] = freeze_json(v)
        elif type(v) in _SCALARS:
            out[k] = v
        else:
            raise TypeError(f"freeze_json takes objects and scalars only (got {type(v).__name__})")
    return FrozenJSON(out)


def _thaw(value: Any) -> Any:
    if isinstance(value, FrozenMapping):
        return {k: _thaw(v) for k, v in value.items()}
    return value


def _default(value: Any) -> Any:
    if isinstance(value, FrozenMapping):
        return value.to_dict()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(value: Any, *, what: str) -> str:
    """Serialise ``value``; a clear TypeError names ``what`` if it cannot be."""
    try:
        return json.dumps(value, allow_nan=True, separators=(",", ":"), default=_default)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{what} must be JSON-serialisable (got {type(value).__name__}): {exc}"
        ) from exc


def loads(text: str | None) -> Any:
    """Inverse of :func:`dumps`; None stays None."""
    return None if text is None else json.loads(text)


class _NotPlainError(Exception):
    pass


def _plain_copy(value: Any) -> Any:
    """A deep copy of plain JSON data (str keys, lists, scalars); _NotPlainError otherwise."""
    kind = type(value)
    if kind in _SCALARS or kind is FrozenJSON:  # immutable: sharing is safe
        return value
    if kind is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise _NotPlainError
            out[k] = _plain_copy(v)
        return out
    if kind is list or kind is tuple:
        return [_plain_copy(v) for v in value]
    raise _NotPlainError


def normalize(value: Any, *, what: str) -> Any:
    """The value as it would come back from any backend (tuples become lists, int keys
    become strings...), as a fresh copy the caller cannot change afterwards."""
    try:
        return _plain_copy(value)  # fast path for plain data
    except _NotPlainError:
        return json.loads(dumps(value, what=what))


def normalize_attrs(attrs: Mapping[str, Any] | None) -> dict[str, Any]:
    """:func:`normalize` applied to each value of an attribute mapping."""
    if not attrs:
        return {}
    return {k: normalize(v, what=f"attribute {k!r}") for k, v in attrs.items()}
