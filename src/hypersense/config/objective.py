"""Objectives named in a config: ``module:function``, optionally behind a declared space."""

from __future__ import annotations

import builtins
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypersense._optional import import_optional
from hypersense.space.search_space import SearchSpace
from hypersense.trial.trial import Trial

__all__ = [
    "ImportProblem",
    "SpaceObjective",
    "import_attribute",
    "resolve_exception_class",
    "send_module_by_value",
]


class ImportProblem(Exception):  # noqa: N818 - internal; becomes a ConfigError
    """Why a ``module:attribute`` could not be used; the message says what and why."""


def _add_search_dir(search_dir: Path | None) -> None:
    # The config's directory goes first on sys.path, as a script's directory
    # does, and stays there: the objective may import siblings when it runs.
    if search_dir is None:
        return
    entry = str(search_dir.resolve())
    if entry not in sys.path:
        sys.path.insert(0, entry)


def send_module_by_value(spec: str, *, search_dir: Path) -> None:
    """Pickle the module of objective ``spec`` by value if it lives in ``search_dir``.

    Dask workers run on other machines, where the config's directory is not on
    ``sys.path``: its objective module then travels with the objective. What
    the module imports must still be importable on the workers.
    """
    cloudpickle = import_optional("cloudpickle", extra="dask", purpose="the Dask executor")
    module = sys.modules.get(spec.partition(":")[0])
    file = getattr(module, "__file__", None)
    if module is not None and file and Path(file).resolve().parent == search_dir.resolve():
        cloudpickle.register_pickle_by_value(module)


def import_attribute(spec: str, *, search_dir: Path | None) -> Any:
    """Import ``module:attr.path`` with ``search_dir`` first on ``sys.path``.

    Raises:
        ImportProblem: The module cannot be imported (missing, or its code
            raised) or lacks the attribute.
    """
    module_name, _, attr_path = spec.partition(":")
    _add_search_dir(search_dir)
    where = f" (searched {str(search_dir)!r} and sys.path)" if search_dir is not None else ""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (
            module_name == exc.name or module_name.startswith(exc.name + ".")
        ):
            raise ImportProblem(f"module {module_name!r} was not found{where}") from exc
        raise ImportProblem(f"importing module {module_name!r} failed: {exc}") from exc
    except Exception as exc:  # any error in the user's module is reported, not raised
        raise ImportProblem(
            f"importing module {module_name!r} failed: {type(exc).__name__}: {exc}"
        ) from exc
    value: Any = module
    for part in attr_path.split("."):
        if not hasattr(value, part):
            raise ImportProblem(f"module {module_name!r} has no attribute {attr_path!r}")
        value = getattr(value, part)
    return value


def resolve_exception_class(name: str, *, search_dir: Path | None) -> type[Exception]:
    """The exception class named ``name``: a builtin (``ValueError``) or a dotted
    path (``package.module.Class``)."""
    if "." not in name:
        value = getattr(builtins, name, None)
        if value is None:
            raise ImportProblem(
                f"{name!r} is not a builtin exception; give a dotted path such as "
                "'package.module.MyError' for others"
            )
    else:
        module_name, _, attr = name.rpartition(".")
        value = import_attribute(f"{module_name}:{attr}", search_dir=search_dir)
    if not (isinstance(value, type) and issubclass(value, Exception)):
        raise ImportProblem(f"{name!r} is not an exception class")
    return value


class SpaceObjective:
    """Suggests the parameters of a declared space, then calls the user's function.

    The function reads the values from ``trial.params`` and may suggest more
    (define-by-run). Picklable when the function is (it is imported by name).

    Args:
        function: ``function(trial) -> value(s)``.
        space: Suggested in order before ``function`` runs.
    """

    def __init__(self, function: Callable[[Trial], Any], space: SearchSpace) -> None:
        self._function = function
        self._space = space

    def __call__(self, trial: Trial) -> Any:
        for name, distribution in self._space.items():
            trial.suggest(name, distribution)
        return self._function(trial)

    def __repr__(self) -> str:
        return f"SpaceObjective(function={self._function!r}, space={self._space!r})"
