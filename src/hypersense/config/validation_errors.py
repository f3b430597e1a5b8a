"""Turning pydantic's validation errors into messages that name file, line and
field, say what was expected and show what was found."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from hypersense.config.source import ConfigSource, FieldPath, child, short_repr
from hypersense.errors import ConfigError

__all__ = ["config_error_from_validation"]

# What a value of each failed type should have been.
_EXPECTED_TYPE = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string",
    "dict_type": "a mapping of names to values",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "list_type": "a list",
    "none_required": "nothing (null)",
}

_BOUND_WORDS = {
    "greater_than": ">",
    "greater_than_equal": ">=",
    "less_than": "<",
    "less_than_equal": "<=",
}


def _data_path(data: Any, loc: Sequence[str | int]) -> FieldPath:
    """The field path of a pydantic ``loc``, dropping union tags and the like.

    pydantic inserts the tag of a union member (``'float'``, ``'fixed'``) into
    ``loc``; such entries are not keys of the data and are skipped. A last key
    that a mapping lacks (a missing field) is kept.
    """
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        found, value = child(node, part)
        if found:
            path.append(part)
            node = value
        elif i == len(loc) - 1 and isinstance(node, Mapping) and isinstance(part, str):
            path.append(part)
    return tuple(path)


def _allowed_fields(model: type[BaseModel], source: ConfigSource, path: FieldPath) -> list[str]:
    """Field names allowed in the mapping that holds ``path``'s last key."""
    parent = path[:-1]
    if parent and parent[0] == "space":
        kind = source.raw((*parent, "type"))
        return {
            "float": ["type", "low", "high", "log", "step"],
            "int": ["type", "low", "high", "log", "step"],
            "categorical": ["type", "choices"],
        }.get(kind if isinstance(kind, str) else "", [])
    if len(parent) == 1 and parent[0] in ("sampler", "pruner"):
        return ["name", "options"]
    if not parent:
        return list(model.model_fields)
    return []


def _problem(
    error: ErrorDetails, model: type[BaseModel], source: ConfigSource, path: FieldPath
) -> tuple[FieldPath, str]:
    """The field to blame and a sentence saying what was expected and found."""
    kind = error["type"]
    found = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, source, path)
        hint = ""
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1) if path else []
        if close:
            hint = f" (did you mean '{close[0]}'?)"
        listing = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        return path, f"unknown field{hint}{listing}"
    if kind == "missing":
        return path, "this field is required but missing"
    if kind == "param_spec":
        if isinstance(found, Mapping) and "type" in found:
            return (*path, "type"), f"{error['msg']} (got {short_repr(found['type'])})"
        if isinstance(found, Mapping):
            return path, (
                "expected a `type` field: 'float', 'int' or 'categorical' "
                f"(got {short_repr(found)})"
            )
        return path, f"{error['msg']} (got {short_repr(found)})"
    if kind in _EXPECTED_TYPE:
        return path, f"expected {_EXPECTED_TYPE[kind]} (got {short_repr(found)})"
    if kind in _BOUND_WORDS:
        bound = next(iter(ctx.values()), "?")
        return path, f"expected a number {_BOUND_WORDS[kind]} {bound} (got {short_repr(found)})"
    if kind == "too_short":
        return (
            path,
            f"expected at least {ctx.get('min_length', 1)} item(s) (got {short_repr(found)})",
        )
    if kind == "literal_error":
        return path, f"expected {ctx.get('expected', '?')} (got {short_repr(found)})"
    if kind == "value_error":
        text = str(ctx.get("error", error["msg"]))
        return path, text if "(got " in text else f"{text} (got {short_repr(found)})"
    return path, f"{error['msg'][:1].lower()}{error['msg'][1:]} (got {short_repr(found)})"


def config_error_from_validation(
    exc: ValidationError, model: type[BaseModel], source: ConfigSource
) -> ConfigError:
    """One ConfigError for all of ``exc``'s errors, one line per field, in the
    order of the file (the first line names the first problem)."""
    found: list[tuple[int, int, str]] = []
    seen: set[FieldPath] = set()
    for i, error in enumerate(exc.errors(include_url=False)):
        path = _data_path(source.data, error["loc"])
        blamed, problem = _problem(error, model, source, path)
        if blamed in seen:  # union members repeat one problem; keep the first
            continue
        seen.add(blamed)
        line = source.line_of(blamed)
        found.append((line if line is not None else 0, i, str(source.error(blamed, problem))))
    return ConfigError("\n".join(message for _, _, message in sorted(found)))
