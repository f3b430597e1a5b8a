"""Reading YAML with the line of every field, for error messages.

Three departures from PyYAML's YAML 1.1 defaults, to spare users surprises:
``1e-3`` and ``1.0e3`` are floats (YAML 1.1 reads them as strings, a classic
trap for learning rates); a key given twice in one mapping is an error
instead of the last one silently winning; and aliases are bounded: a document
whose aliases would expand to more than :data:`MAX_EXPANDED_NODES` values (the
"billion laughs" shape: a few hundred bytes that expand to gigabytes), or that
refers to itself, is refused before anything is built from it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from hypersense.config.source import ConfigSource, FieldPath, format_field
from hypersense.errors import ConfigError

__all__ = ["MAX_EXPANDED_NODES", "read_yaml"]

#: How many values a config may hold once its aliases are expanded. A real
#: study config has tens to hundreds; everything built from a config (line
#: map, validation) walks the expanded tree, so this bounds their cost.
MAX_EXPANDED_NODES = 100_000


class _ConfigLoader(yaml.SafeLoader):
    """SafeLoader that also reads exponent-only floats such as ``1e-3``."""


# A mantissa with or without a decimal point, then a mandatory exponent whose
# sign is optional: exactly the floats YAML 1.1's resolver misses.
_EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")
_ConfigLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", _EXPONENT_FLOAT, list("-+0123456789.")
)


def _check_expansion(root: yaml.Node, where: str) -> None:
    """Refuse a document whose aliases expand too far or refer to themselves.

    Aliases share one node object, so the expanded size is computed over the
    node graph with memoisation: linear in the file, whatever it expands to.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in on_path:
            raise ConfigError(
                f"{where}, line {node.start_mark.line + 1}: a YAML alias refers to a value "
                "that contains it (a recursive structure)"
            )
        on_path.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            children: list[yaml.Node] = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        for child in children:
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                raise ConfigError(
                    f"{where}: its YAML aliases expand to more than {MAX_EXPANDED_NODES:,} "
                    f"values (line {node.start_mark.line + 1}); a study config never needs "
                    "that many — write the values out or use fewer nested aliases"
                )
        on_path.discard(key)
        sizes[key] = total
        return total

    size(root)


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
        if node is not None:
            _check_expansion(node, where)
        data = None if node is None else loader.construct_document(node)
    except RecursionError:
        raise ConfigError(f"{where}: its YAML is nested too deeply to be a study config") from None
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
