"""The terminal the command line writes to: its width, whether to colour, the progress bar.

Standard output on a terminal is laid out at the terminal's width (``COLUMNS`` if set) and
coloured, unless ``NO_COLOR`` is set (to anything), ``TERM`` is ``dumb`` or ``--no-color`` is
given. Piped or redirected output is never coloured and is laid out at 80 columns, or at
``COLUMNS`` when that is set, so that the same input gives the same bytes wherever it runs.
The progress bar goes to standard error, and only when that is a terminal.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from engine.present.console import PLAIN, Term, Ticker, ticker

_KEY = "legal_status.no_color"


def _tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed stream
        return False


def _no_color() -> bool:
    ctx = click.get_current_context(silent=True)
    flagged = bool(ctx and ctx.find_root().meta.get(_KEY))
    return flagged or bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"


def _set_no_color(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_root().meta[_KEY] = True


def no_color_option() -> click.Option:
    """``--no-color``, taken by the group and by every command."""
    return click.Option(["--no-color"], is_flag=True, expose_value=False, is_eager=True,
                        callback=_set_no_color,
                        help="Never colour the output (also: the NO_COLOR variable).")


def term() -> Term:
    """How to lay out standard output: width and colour, as the module docstring says."""
    columns = os.environ.get("COLUMNS", "")
    if _tty(sys.stdout):
        width = shutil.get_terminal_size((PLAIN.width, 24)).columns
        return Term(width=width, color=not _no_color())
    return Term(width=int(columns) if columns.isdigit() and int(columns) > 0 else PLAIN.width)


@contextmanager
def progress(label: str, total: int | None = None, *, after: float = 2.0) -> Iterator[Ticker]:
    """A progress bar on standard error (a terminal only), once the work has lasted ``after``
    seconds; standard output written meanwhile is printed above it."""
    err = _tty(sys.stderr)
    with ticker(label, total, enabled=err, color=err and not _no_color(), after=after,
                redirect=err and _tty(sys.stdout)) as bar:
        yield bar
