"""Lazy import of optional dependencies, with an error that names the package and extra.

:func:`import_optional` imports a module where it is used; :func:`require_optional`
checks that modules are installed without importing them, so a command can
fail at once, before any work, rather than after minutes of it.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from hypersense.errors import MissingDependencyError

__all__ = ["import_optional", "missing_dependency", "pip_package", "require_optional"]

# Top-level modules whose pip package has another name.
_PACKAGES = {
    "sklearn": "scikit-learn",
    "yaml": "PyYAML",
    "psycopg2": "psycopg2-binary",
}


def pip_package(module: str) -> str:
    """The pip package that installs ``module`` (``"SALib.sample.morris"`` -> ``"SALib"``)."""
    top = module.split(".")[0]
    return _PACKAGES.get(top, top)


def missing_dependency(module: str, *, extra: str, purpose: str) -> MissingDependencyError:
    """The error for a missing ``module``: what needs it, its pip package, the extra.

    Args:
        module: Dotted module name, e.g. ``"plotly.io"``.
        extra: The hypersense extra that installs it, e.g. ``"plot"``.
        purpose: What needs it, as a singular subject, e.g. ``"the HTML report"``.
    """
    package = pip_package(module)
    return MissingDependencyError(
        f"{purpose} needs the package '{package}', which is not installed; "
        f'install it with: pip install "hypersense[{extra}]"'
    )


def import_optional(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependencyError` naming its package and extra.

    Args:
        module: Dotted module name, e.g. ``"torch"``.
        extra: The hypersense extra that installs it, e.g. ``"torch"``.
        purpose: What needs it, as a singular subject, e.g. ``"hypersense.torch"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise missing_dependency(module, extra=extra, purpose=purpose) from exc


def _is_installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require_optional(*modules: str, extra: str, purpose: str) -> None:
    """Raise :class:`MissingDependencyError` for the first of ``modules`` not
    installed; nothing is imported (a cheap check before long work).

    Args:
        modules: Top-level module names, e.g. ``"plotly"``, ``"kaleido"``.
        extra: The hypersense extra that installs them.
        purpose: What needs them, as a singular subject.
    """
    for module in modules:
        if not _is_installed(module):
            raise missing_dependency(module, extra=extra, purpose=purpose)
