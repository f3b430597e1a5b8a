"""A config resumed with another search space: said out loud, not done silently.

A study created from a config records the config's search space (system
attribute ``config_space``). Running a config whose space differs under the
same study name would mix trials from two spaces in one study, and the
analysis of such a study finds nothing; so the run is refused with the list
of changes, unless the caller accepts the change explicitly (``hypersense run
--allow-space-change``), in which case the new space is recorded.
"""

from __future__ import annotations

import json
from typing import Any

from hypersense.space.search_space import SearchSpace
from hypersense.study.study import Study

__all__ = ["CONFIG_SPACE_ATTR", "space_changes", "space_record"]

#: The study system attribute holding the space a config gave it.
CONFIG_SPACE_ATTR = "config_space"


def space_record(space: SearchSpace) -> dict[str, Any]:
    """The space as stored: parameter name to its distribution's JSON dict."""
    return {name: json.loads(json.dumps(d.to_dict())) for name, d in space.items()}


def _short(entry: Any) -> str:
    if not isinstance(entry, dict):
        return repr(entry)
    fields = ", ".join(f"{k}={v!r}" for k, v in entry.items() if k != "type")
    return f"{entry.get('type', '?')}({fields})"


def space_changes(stored: Any, current: dict[str, Any]) -> list[str]:
    """One line per difference between the stored space and the config's."""
    if not isinstance(stored, dict):
        return []
    lines = []
    for name in sorted(set(stored) | set(current)):
        if name not in current:
            lines.append(f"'{name}' was removed (was {_short(stored[name])})")
        elif name not in stored:
            lines.append(f"'{name}' is new: {_short(current[name])}")
        elif stored[name] != current[name]:
            lines.append(f"'{name}': {_short(stored[name])} -> {_short(current[name])}")
    return lines


def check_space(study: Study, space: SearchSpace | None, *, allow_change: bool) -> list[str]:
    """Compare ``space`` with the one ``study`` recorded; record it when new or allowed.

    Returns the changes that stop the run (empty when it may go on).
    """
    if space is None:
        return []
    current = space_record(space)
    stored = study.system_attrs.get(CONFIG_SPACE_ATTR)
    changes = space_changes(stored, current) if stored is not None else []
    if changes and not allow_change:
        return changes
    if stored != current:
        study.set_system_attr(CONFIG_SPACE_ATTR, current)
    return []
