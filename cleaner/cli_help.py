"""How ``cleaner … --help`` reads: plain text, as ruff's and pre-commit's help read.

The commands run with typer's plain help (``rich_markup_mode=None``): no boxes that cut long option
names at 80 columns, no value placeholder after a flag, paragraphs wrapped to the terminal, and ``\\b``
blocks (exit codes, review keys) kept line by line. What typer's plain help still gets wrong is how it
names arguments (``{paths}...`` in the usage line, ``paths... <list[str]>`` in the list): this command
class names them as click and ruff do, ``PATHS...`` when required, ``[PATH]`` when optional.
"""

from __future__ import annotations

from typing import Any

import typer.core


def argument_name(param: Any) -> str:
    """An argument as the usage line shows it: upper case, ``...`` when it takes several values, in
    brackets when it may be left out."""
    name = (param.metavar or param.name or "").upper()
    if param.nargs != 1:
        name += "..."
    return name if param.required else f"[{name}]"


class Command(typer.core.TyperCommand):
    """A typer command whose help names its arguments as click and ruff do (see the module)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(argument_name(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((argument_name(param), record[1]))
            else:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)
