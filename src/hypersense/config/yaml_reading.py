"""Reading YAML with the line of every field, for error messages.

Two departures from PyYAML's YAML 1.1 defaults, both to spare users surprises:
``1e-3`` and ``1.0e3`` are floats (YAML 1.1 reads them as strings, a classic
trap for learning rates), and a key given twice in one mapping is an error
instead of the last one silently winning.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from hypersense.config.source import ConfigSource, FieldPath, format_field
from hypersense.errors import ConfigError

__all__ = ["read_yaml"]


class _ConfigLoader(yaml.SafeLoader):
    """SafeLoader that also reads exponent-only floats such as ``1e-3``."""


# A mantissa with or without a decimal point, then a mandatory exponent whose
# sign is optional: exactly the floats YAML 1.1's resolver misses.
_EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")
_ConfigLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", _EXPONENT_FLOAT, list("-+0123456789.")
)


def _collect_lines(
    node: yaml.Node, value: Any, path: FieldPath, lines: dict[FieldPath, int], where: str
) -> None:
    """Record the line of every key and list item under ``node`` (whose constructed
    value is ``value``); raise on a key given twice."""
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + 1
                if key_node.value in seen:
                    raise ConfigError(
                        f"{where}, line {line}: field "
                        f"'{format_field((*path, key_node.value))}' is given twice "
                        f"(first on line {seen[key_node.value]})"
                    )
                seen[key_node.value] = line
        if len(node.value) != len(value):
            return  # merge keys (<<) reshape the mapping; keep the lines found so far
        for (key_node, value_node), (key, child) in zip(node.value, value.items(), strict=True):
            child_path = (*path, key)
            lines[child_path] = key_node.start_mark.line + 1
            _collect_lines(value_node, child, child_path, lines, where)
    elif isinstance(node, yaml.SequenceNode) and isinstance(value, list):
        for i, (item_node, child) in enumerate(zip(node.value, value, strict=False)):
            lines[(*path, i)] = item_node.start_mark.line + 1
            _collect_lines(item_node, child, (*path, i), lines, where)


def read_yaml(path: str | Path) -> ConfigSource:
    """Read a YAML file into a :class:`ConfigSource` (data plus field lines).

    Raises ConfigError naming the file for a missing or unreadable file and
    for YAML syntax errors (with their line).
    """
    file = Path(path)
    where = f"config file '{file}'"
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{where} not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{where} is a directory, not a YAML file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where} cannot be read: {exc}") from None
    loader = _ConfigLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}{line}: invalid YAML: {problem}") from None
    finally:
        loader.dispose()
    lines: dict[FieldPath, int] = {}
    if node is not None:
        _collect_lines(node, data, (), lines, where)
    return ConfigSource(path=file, data=data, lines=lines)
