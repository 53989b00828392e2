"""Whether the terminal gets colour, and the `rich` console that prints with it.

One rule for every command (SPEC 8, no-color.org): `--color` or `--no-color` decide (click
keeps the choice in `ctx.color`); else `NO_COLOR` set to anything but empty means none;
else colour only when the stream is a terminal. `rich` is imported only here, and only when
a command prints through it: `--help` and `-q` runs never load it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])


def colour_wanted(stream: TextIO, choice: bool | None = None) -> bool:
    """Whether to colour what goes to `stream`; `choice` is `--color/--no-color`, if given.

    Without a choice here, the current command's (`ctx.color`) is used.
    """
    if choice is None:
        ctx = click.get_current_context(silent=True)
        choice = ctx.color if ctx is not None else None
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR", ""):
        return False
    return _isatty(stream)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or file-like stream
        return False


def console(stream: TextIO, colour: bool | None = None) -> Console:
    """A rich console on `stream`: colour as `colour_wanted` says (or as `colour` forces).

    Off a terminal it never wraps (cron mail and CI logs keep one line per line); on one it
    wraps at the terminal's width.
    """
    from rich.console import Console

    coloured = colour_wanted(stream) if colour is None else colour
    terminal = _isatty(stream)
    return Console(
        file=stream,
        # A terminal says how many colours it has (TERM, COLORTERM); a file or a pipe forced
        # with --color gets the 16 every terminal shows.
        color_system=("auto" if terminal else "standard") if coloured else None,
        force_terminal=coloured or terminal,
        no_color=not coloured,
        soft_wrap=not terminal,
        highlight=False,
        markup=False,
        emoji=False,
    )


def _set_colour(ctx: click.Context, _param: click.Parameter, value: bool | None) -> None:
    if value is not None:
        ctx.color = value


def color_option(fn: F) -> F:
    """`--color/--no-color`: force colour on (even into a file or a pipe) or off."""
    return click.option(
        "--color/--no-color",
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_set_colour,
        help="Colour the output, or not (default: on a terminal, unless NO_COLOR is set).",
    )(fn)
