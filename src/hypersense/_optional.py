"""Lazy import of optional dependencies, with an error that names the extra."""

from __future__ import annotations

import importlib
from types import ModuleType

from hypersense.errors import MissingDependencyError

__all__ = ["import_optional"]


def import_optional(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependencyError` naming ``extra``.

    Args:
        module: Dotted module name, e.g. ``"torch"``.
        extra: The hypersense extra that installs it, e.g. ``"torch"``.
        purpose: What needed it, for the message, e.g. ``"the PyTorch helpers"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{purpose} need the optional package {module!r}, which is not installed; "
            f'install it with: pip install "hypersense[{extra}]"'
        ) from exc
