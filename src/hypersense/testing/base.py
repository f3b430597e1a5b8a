"""Named conformance checks, and running a whole suite of them.

A *check* is a function ``check(factory, **options)`` that builds what it needs
with ``factory`` (e.g. ``lambda seed: MySampler(seed=seed)``), exercises it and
raises :class:`AssertionError` saying what went wrong. A check that does not
apply to an implementation (a sampler that declares it does not support
multi-objective studies) raises :class:`CheckSkipped`, a
:class:`unittest.SkipTest`, so pytest and unittest both report it as skipped
with its reason, never as passed.

Each kind's suite (:mod:`.samplers`, :mod:`.pruners`, :mod:`.importance`)
exposes its checks as a tuple of :class:`Check` objects, for a test framework
to parametrise over, and one ``check_<kind>(factory)`` that runs them all.
Nothing here imports pytest or hypothesis.
"""

from __future__ import annotations

import re
import unittest
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["Check", "CheckReport", "CheckSkipped", "expect", "raises", "run_checks"]

F = TypeVar("F")


class CheckSkipped(unittest.SkipTest):
    """A check does not apply to this implementation; the message says why."""


class Check(Generic[F]):
    """One named conformance check of the implementations a factory builds.

    Calling it runs the check: ``check(factory, **options)``. Its ``str`` is its
    name, so it reads well as a pytest id.

    Args:
        function: The check; its name is the check's name, its docstring's
            first line what it asserts.
    """

    def __init__(self, function: Callable[..., None]) -> None:
        self.function = function
        self.name: str = function.__name__
        self.description: str = (function.__doc__ or "").strip().split("\n", 1)[0]

    def __call__(self, factory: F, **options: Any) -> None:
        self.function(factory, **options)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"Check({self.name})"


@dataclass(frozen=True)
class CheckReport:
    """What a suite run found when no check failed.

    Attributes:
        passed: Names of the checks that passed.
        skipped: Name of each skipped check to its reason.
    """

    passed: tuple[str, ...]
    skipped: Mapping[str, str]


def run_checks(
    checks: Iterable[Check[F]], factory: F, *, subject: str, **options: Any
) -> CheckReport:
    """Run every check on ``factory``; raise one AssertionError naming every
    failed check and its message.

    Args:
        checks: The suite.
        factory: What each check builds its subjects with.
        subject: The implementation, for the message (e.g. ``"MySampler"``).
        options: Passed to every check.
    """
    passed: list[str] = []
    skipped: dict[str, str] = {}
    failures: list[tuple[str, BaseException]] = []
    for check in checks:
        try:
            check(factory, **options)
        except unittest.SkipTest as exc:
            skipped[check.name] = str(exc)
        except Exception as exc:  # noqa: BLE001 - every failure is reported together below
            failures.append((check.name, exc))
        else:
            passed.append(check.name)
    if failures:
        lines = [f"{subject} failed {len(failures)} conformance check(s):"]
        lines += [f"  {name}: {type(exc).__name__}: {exc}" for name, exc in failures]
        raise AssertionError("\n".join(lines)) from failures[0][1]
    return CheckReport(tuple(passed), skipped)


def expect(condition: bool, message: str) -> None:
    """Raise AssertionError(``message``) unless ``condition`` holds (unlike ``assert``,
    also under ``python -O``)."""
    if not condition:
        raise AssertionError(message)


@contextmanager
def raises(
    kind: type[BaseException] | tuple[type[BaseException], ...], match: str = ""
) -> Iterator[None]:
    """Expect the block to raise ``kind`` with a message matching the regex ``match``."""
    try:
        yield
    except kind as exc:
        if match and not re.search(match, str(exc)):
            raise AssertionError(f"{type(exc).__name__}({exc!s}) does not match {match!r}") from exc
        return
    names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
    raise AssertionError(f"expected {names}{f' matching {match!r}' if match else ''}; none raised")


def subject_name(built: object) -> str:
    """The class name of what a factory built, for messages."""
    return type(built).__name__
