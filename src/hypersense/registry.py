"""Implementations by name: the samplers, pruners, executors and tasks a config
file or the command line can name, built-in or from another installed package.

Each kind has one :class:`Registry`. Built-in entries are ``module:Class``
strings, imported only when asked for, so a config that names ``random`` never
imports a model-based sampler's dependencies. Other packages add names without
touching hypersense by declaring entry points in the kind's group
(``hypersense.samplers``, ``hypersense.pruners``, ``hypersense.executors``,
``hypersense.tasks``), e.g. in their ``pyproject.toml``::

    [project.entry-points."hypersense.samplers"]
    my_sampler = "my_package.sampler:MySampler"

Names are case-insensitive. Built-in names win: a plugin entry point that
reuses one (``tpe``) is ignored with a logged warning, so what a config means
does not change when a package is installed. Two installed plugins that claim
the same name make that name an error naming both, as neither can be chosen on
principle. Installed plugins are read from the package metadata only when a
name is not built-in, or when every name is listed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from hypersense.errors import PluginError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = ["Registry", "entry_point_origin"]

_log = logging.getLogger(__name__)

T = TypeVar("T")


def _key(name: object) -> object:
    """The lookup key of ``name``: stripped and lower-case (other types stay unmatched)."""
    return name.strip().lower() if isinstance(name, str) else name


def entry_point_origin(entry: EntryPoint) -> str:
    """``entry point 'name = value' of distribution 'dist'`` for messages."""
    dist = getattr(entry, "dist", None)
    owner = f"distribution {dist.name!r}" if dist is not None else "an unknown distribution"
    return f"entry point '{entry.name} = {entry.value}' of {owner} (group {entry.group!r})"


class Registry(Generic[T]):
    """The implementations of one kind, by name.

    Args:
        kind: What an implementation is, for messages (``"sampler"``).
        base: The class every implementation subclasses (``Sampler``).
        builtins: Built-in name to ``"module:Class"``; names are lower-case.
        group: The entry-point group other packages register in.
    """

    def __init__(self, kind: str, base: type, builtins: Mapping[str, str], *, group: str) -> None:
        # `base: type`, not `type[T]`: mypy refuses abstract classes for `type[T]`.
        for name in builtins:
            if name != _key(name):
                raise ValueError(f"built-in {kind} names must be lower-case (got {name!r})")
        self.kind = kind
        self.base = base
        self.group = group
        self.builtins: Mapping[str, str] = MappingProxyType(dict(builtins))

    def plugins(self) -> dict[str, tuple[EntryPoint, ...]]:
        """Installed plugin entry points by lower-case name (built-in names left out).

        A name with more than one entry point is ambiguous; :meth:`get` refuses it.
        """
        # Imported here: package metadata is read only when a plugin is looked for.
        from importlib.metadata import entry_points

        found: dict[str, dict[str, EntryPoint]] = {}
        for entry in entry_points(group=self.group):
            key = _key(entry.name)
            assert isinstance(key, str)
            if key in self.builtins:
                _log.warning(
                    "ignoring %s: %r is a built-in %s name",
                    entry_point_origin(entry),
                    key,
                    self.kind,
                )
                continue
            # The same distribution seen twice on sys.path points at the same object.
            found.setdefault(key, {})[entry.value] = entry
        return {name: tuple(by_value.values()) for name, by_value in found.items()}

    def names(self) -> list[str]:
        """Every name, built-in and installed plugins, sorted."""
        return sorted({*self.builtins, *self.plugins()})

    def get(self, name: str) -> type[T]:
        """The class registered as ``name``.

        Raises:
            ValueError: ``name`` is unknown (the message lists the choices),
                claimed by two plugins, or a built-in missing from this version.
            PluginError: A plugin's entry point does not import, or does not
                load a subclass of the kind's base class; the message names
                the distribution and the entry point.
        """
        key = _key(name)
        if isinstance(key, str) and key in self.builtins:
            return self._builtin(name, self.builtins[key])
        plugins = self.plugins()
        if not isinstance(key, str) or key not in plugins:
            choices = sorted({*self.builtins, *plugins})
            raise ValueError(f"unknown {self.kind} {name!r}; choose one of {choices}")
        claims = plugins[key]
        if len(claims) > 1:
            owners = "; ".join(entry_point_origin(e) for e in claims)
            raise ValueError(f"{self.kind} name {name!r} is claimed by several plugins: {owners}")
        return self._plugin(claims[0])

    def create(self, name: str, options: Mapping[str, Any] | None = None, **fixed: Any) -> T:
        """An instance of the class registered as ``name``, built with keyword
        ``options`` (from a user) and ``fixed`` (from the caller).

        Raises:
            TypeError: The class rejects an option; the message names the
                implementation and the option.
        """
        cls = self.get(name)
        try:
            return cls(**fixed, **dict(options or {}))
        except TypeError as exc:
            raise TypeError(f"bad options for {self.kind} {name!r}: {exc}") from exc

    def _builtin(self, name: str, target: str) -> type[T]:
        module_name, _, class_name = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("hypersense"):
                raise ValueError(f"{self.kind} {name!r} is not available in this version") from exc
            raise
        return self._checked(getattr(module, class_name), target)

    def _plugin(self, entry: EntryPoint) -> type[T]:
        try:
            loaded = entry.load()
        except Exception as exc:  # a plugin's import may raise anything
            raise PluginError(
                f"{entry_point_origin(entry)} failed to load: {type(exc).__name__}: {exc}"
            ) from exc
        if not (isinstance(loaded, type) and issubclass(loaded, self.base)):
            raise PluginError(
                f"{entry_point_origin(entry)} loads {loaded!r}, "
                f"which is not a subclass of {self.base.__name__}"
            )
        return cast("type[T]", loaded)

    def _checked(self, loaded: object, target: str) -> type[T]:
        if not (isinstance(loaded, type) and issubclass(loaded, self.base)):
            raise TypeError(f"{target} is not a {self.base.__name__} subclass")
        return cast("type[T]", loaded)

    def __repr__(self) -> str:
        return (
            f"Registry(kind={self.kind!r}, base={self.base.__name__}, "
            f"builtins={sorted(self.builtins)!r}, group={self.group!r})"
        )
