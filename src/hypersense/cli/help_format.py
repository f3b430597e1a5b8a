"""Tidier ``--help`` pages than typer's defaults.

Typer (0.29, with its bundled click) shows a type for flags (``--fresh <bool>``)
that take no value, and wraps a required argument in braces in the usage line
(``hypersense run [OPTIONS] {CONFIG.yaml}``). :class:`HelpfulGroup`, the
application's group class, removes both: flags show no type, and arguments
appear in the usage line as their names (``[NAME]`` when optional).
"""

from __future__ import annotations

from typing import Any

import typer.core

__all__ = ["HelpfulGroup"]


def _without_flag_type(param: Any) -> None:
    """Show no type for a flag: it takes no value."""
    if getattr(param, "is_flag", False) and getattr(param, "metavar", None) is None:
        param.metavar = ""


def _usage_name(param: Any) -> str:
    name = str(param.metavar or (param.name or "").upper())
    if getattr(param, "nargs", 1) != 1:
        name += "..."
    return name if param.required else f"[{name}]"


class _TidyCommand(typer.core.TyperCommand):
    """A command whose help shows no type for flags and no braces in its usage."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            _without_flag_type(option)
        return option

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if getattr(param, "param_type_name", "") == "argument":
                pieces.append(_usage_name(param))
        return pieces


class HelpfulGroup(typer.core.TyperGroup):
    """The ``hypersense`` group: its commands' help pages show no type for flags
    and no braces around arguments (see the module's docstring)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for param in self.params:
            _without_flag_type(param)
        for command in self.commands.values():
            if type(command) is typer.core.TyperCommand:
                command.__class__ = _TidyCommand  # same state, tidier help
            for param in command.params:
                _without_flag_type(param)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            _without_flag_type(option)
        return option
