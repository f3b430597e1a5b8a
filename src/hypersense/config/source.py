"""Where a configuration came from, so that every error can name file, line and field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypersense.errors import ConfigError

__all__ = ["ConfigSource", "FieldPath", "child", "format_field", "short_repr"]

#: A field's position in the config: mapping keys and list indices, outermost first.
FieldPath = tuple[str | int, ...]

_REPR_MAX = 80


def child(node: Any, part: str | int) -> tuple[bool, Any]:
    """``(True, node[part])`` when ``node`` is a mapping with key ``part`` or a
    list with index ``part``; ``(False, None)`` otherwise."""
    if isinstance(node, Mapping):
        return (True, node[part]) if part in node else (False, None)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return True, node[part]
    return False, None


def format_field(path: Sequence[str | int]) -> str:
    """``("sampler", "options", "seed")`` -> ``sampler.options.seed``;
    list indices as ``catch[1]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def short_repr(value: Any) -> str:
    """``repr`` of a found value, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= _REPR_MAX else text[: _REPR_MAX - 3] + "..."


@dataclass(frozen=True)
class ConfigSource:
    """The file a config was read from, its raw data, and the line of each field.

    Attributes:
        path: The config file, or None for a config built in Python.
        data: The parsed YAML, before validation.
        lines: Field path to the 1-based line where the field is written.
        overrides: Top-level field to the command-line option that replaced
            its value (``{"n_trials": "--n-trials"}``); errors in such a field
            name the option, not the file.
    """

    path: Path | None = None
    data: Any = None
    lines: Mapping[FieldPath, int] = field(default_factory=dict)
    overrides: Mapping[str, str] = field(default_factory=dict)

    @property
    def directory(self) -> Path | None:
        """The directory of the config file (where ``objective`` modules are searched)."""
        return None if self.path is None else self.path.parent

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        parts = tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return None

    def where(self, path: Sequence[str | int] = ()) -> str:
        """``config file 'x.yaml', line 7`` (or less, when not known)."""
        if self.path is None:
            return "config"
        line = self.line_of(path)
        return f"config file '{self.path}'" + (f", line {line}" if line is not None else "")

    def raw(self, path: Sequence[str | int]) -> Any:
        """The raw value at ``path``, or None when absent."""
        node = self.data
        for part in path:
            found, node = child(node, part)
            if not found:
                return None
        return node

    def error(self, path: Sequence[str | int], problem: str) -> ConfigError:
        """A ConfigError naming file, line and field: ``<where>, field 'a.b': <problem>``
        (or the command-line option that overrode the field)."""
        option = self.overrides.get(str(path[0])) if path else None
        if option is not None:
            return ConfigError(f"option {option} (overriding `{path[0]}`): {problem}")
        name = format_field(path)
        if name:
            return ConfigError(f"{self.where(path)}, field '{name}': {problem}")
        return ConfigError(f"{self.where(path)}: {problem}")
