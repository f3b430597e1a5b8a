"""The suggest calls of older Optuna releases, kept so existing objectives run unchanged.

Each is a thin alias of ``suggest_float`` that warns once per process with a
:class:`FutureWarning` naming the modern call, as Optuna itself did before
removing them.
"""

from __future__ import annotations

import warnings
from abc import abstractmethod

__all__ = ["OptunaAliases"]

#: The hypersense version from which the aliases warn.
DEPRECATED_SINCE = "0.1"

_warned: set[str] = set()


def _warn_once(old: str, new: str) -> None:
    if old in _warned:
        return
    _warned.add(old)
    warnings.warn(
        f"trial.{old}(...) is deprecated (since hypersense {DEPRECATED_SINCE}, as in Optuna "
        f"3.0); use trial.{new} instead",
        FutureWarning,
        stacklevel=3,
    )


class OptunaAliases:
    """``suggest_uniform``, ``suggest_loguniform`` and ``suggest_discrete_uniform``."""

    @abstractmethod
    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """The modern call every alias forwards to."""

    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        """Deprecated: ``suggest_float(name, low, high)``."""
        _warn_once("suggest_uniform", "suggest_float(name, low, high)")
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        """Deprecated: ``suggest_float(name, low, high, log=True)``."""
        _warn_once("suggest_loguniform", "suggest_float(name, low, high, log=True)")
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        """Deprecated: ``suggest_float(name, low, high, step=q)``."""
        _warn_once("suggest_discrete_uniform", "suggest_float(name, low, high, step=q)")
        return self.suggest_float(name, low, high, step=q)
