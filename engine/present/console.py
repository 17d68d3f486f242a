"""The terminal: tables that fit a width, colour, and a progress bar (the one module using rich).

Everything here is given its width and whether to colour; deciding them (a terminal or not,
``COLUMNS``, ``NO_COLOR``, ``--no-color``) is the command line's business. Without colour the
output is plain text, the same bytes for the same width. Colour marks structure and the answers
that are not firm (``indeterminate``, ``not_addressed``), never which reading is right: no
answer is painted as good or bad.
"""

from __future__ import annotations

import io
import textwrap
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

# rich is imported where it is used (about 0.03 s): plain output (piped, JSON Lines, no progress
# bar) never needs it, and the command line's first result should not wait for it.
if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

#: The narrowest width laid out for; below it lines are laid out at this width all the same.
MIN_WIDTH = 40
#: The style of each kind of text when colour is on.
STYLES = {"indeterminate": "yellow", "not_addressed": "dim", "note": "magenta", "head": "bold",
          "case": "bold cyan"}


@dataclass(frozen=True)
class Term:
    """How to lay out text: the width of a line, and whether to colour."""

    width: int = 80
    color: bool = False


PLAIN = Term()


def _console(term: Term, buffer: io.StringIO) -> Console:
    from rich.console import Console

    return Console(file=buffer, width=max(term.width, MIN_WIDTH), force_terminal=term.color,
                   color_system="standard" if term.color else None, no_color=not term.color,
                   highlight=False, markup=False, emoji=False, legacy_windows=False,
                   soft_wrap=False, force_jupyter=False)


def paint(text: str, style: str, term: Term) -> str:
    """``text`` in the style ``STYLES[style]`` when colouring, else as it is."""
    if not term.color or style not in STYLES:
        return text
    from rich.text import Text

    buffer = io.StringIO()
    _console(term, buffer).print(Text(text, style=STYLES[style]), end="")
    return buffer.getvalue()


def _natural(rows: Sequence[Sequence[str]], indent: int) -> int:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return indent + sum(widths) + 2 * (len(widths) - 1)


def _style(cell: str) -> str:
    return STYLES["note"] if cell.startswith("<-") else STYLES.get(cell, "")


def grid(rows: Sequence[Sequence[str]], term: Term, indent: int = 2) -> list[str]:
    """Rows of cells (the first the header) as aligned columns two blanks apart, no wider than
    ``term.width``: a cell too wide for its share is folded onto more lines of its own row,
    never into the next row."""
    if not term.color and _natural(rows, indent) <= term.width:
        # rich lays such a table out the same way (a test compares the two), five to ten
        # times slower than this, which a table of many thousand cases would feel.
        return plain_grid(rows, indent)
    return rich_grid(rows, term, indent)


def plain_grid(rows: Sequence[Sequence[str]], indent: int = 2) -> list[str]:
    """Rows of cells as aligned columns two blanks apart, at their natural width."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [(" " * indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))
             ).rstrip() for r in rows]


def rich_grid(rows: Sequence[Sequence[str]], term: Term, indent: int = 2) -> list[str]:
    """:func:`grid` laid out by rich, whatever the width: coloured, or folded to fit."""
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=True, pad_edge=False, padding=(0, 1), show_edge=False,
                  header_style=STYLES["head"] if term.color else "")
    for head in rows[0]:
        table.add_column(head, overflow="fold")
    for row in rows[1:]:
        table.add_row(*(Text(c, style=_style(c) if term.color else "") for c in row))
    buffer = io.StringIO()
    _console(term, buffer).print(Padding(table, (0, 0, 0, indent)))
    return [ln.rstrip() for ln in buffer.getvalue().splitlines()]


def matrix(ids: Sequence[str], questions: Sequence[str], answers: Sequence[Sequence[str]],
           notes: Sequence[str], term: Term) -> list[str]:
    """Answers (``answers[q][r]``) with readings across and questions down, ``<- note`` after a
    question's row where it has one; where that is wider than ``term.width``, stacked: readings
    down, questions across, a question with a note marked ``*`` and the notes said below."""
    wide = [["", *ids, ""], *([q, *row, f"<- {note}" if note else ""] for q, row, note in
                               zip(questions, answers, notes, strict=True))]
    if _natural(wide, 2) <= term.width:
        return grid(wide, term)
    heads = [q + (" *" if note else "") for q, note in zip(questions, notes, strict=True)]
    stacked = [["", *heads], *([r, *(answers[qi][ri] for qi in range(len(questions)))]
                               for ri, r in enumerate(ids))]
    said = [n for n in notes if n]
    if not said:
        return grid(stacked, term)
    legend = ("* " + said[0] if len(set(said)) == 1 else "* " + "; ".join(
        f"{q}: {n}" for q, n in zip(questions, notes, strict=True) if n))
    return grid(stacked, term) + [paint(ln, "note", term) for ln in textwrap.wrap(
        legend, term.width - 2, initial_indent="  ", subsequent_indent="    ")]


def fit(lines: Sequence[str], width: int) -> list[str]:
    """Each line no wider than ``width``: a longer one is wrapped under itself (under the text
    after a leading ``- `` or ``1. ``, else two columns in). A word longer than the space (a
    URL) is kept whole on a line of its own, so that it can still be copied."""
    out: list[str] = []
    for line in lines:
        if len(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        lead = len(line) - len(body)
        marker = body.split(" ", 1)[0] if body else ""
        bullet = marker == "-" or (marker[:-1].isdigit() and marker.endswith("."))
        hang = " " * (lead + (len(marker) + 1 if bullet else 2))
        out += textwrap.wrap(line, max(width, len(hang) + 20), subsequent_indent=hang,
                             break_long_words=False, break_on_hyphens=False,
                             drop_whitespace=True) or [line]
    return out


class Ticker:
    """A progress bar on standard error, shown once the work has lasted ``after`` seconds, and
    only if ``enabled`` (standard error is a terminal). While it shows, what the command writes
    to standard output is printed above it (``redirect``: both streams are the terminal)."""

    def __init__(self, label: str, total: int | None, *, enabled: bool, color: bool,
                 after: float, redirect: bool) -> None:
        self.label, self.total, self.enabled, self.after = label, total, enabled, after
        self.started = time.monotonic()
        self.done = 0
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._console_args = (color, redirect)

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        color, redirect = self._console_args
        console = Console(stderr=True, no_color=not color, highlight=False, markup=False)
        columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   MofNCompleteColumn() if self.total else TextColumn("{task.completed}"),
                   TimeElapsedColumn()]
        self._bar = Progress(*columns, console=console, transient=True,
                             redirect_stdout=redirect, redirect_stderr=redirect)
        self._task = self._bar.add_task(self.label, total=self.total, completed=self.done)
        self._bar.start()

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more done; show the bar if the work has lasted long enough."""
        self.done += n
        if self._bar is None and self.enabled and time.monotonic() - self.started >= self.after:
            self._start()
        elif self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=self.done)

    def close(self) -> None:
        """Remove the bar (it leaves nothing behind)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


@contextmanager
def ticker(label: str, total: int | None = None, *, enabled: bool, color: bool = False,
           after: float = 2.0, redirect: bool = False) -> Iterator[Ticker]:
    """A :class:`Ticker` that is closed however the work ends."""
    bar = Ticker(label, total, enabled=enabled, color=color, after=after, redirect=redirect)
    if enabled and after <= 0:
        bar.advance(0)
    try:
        yield bar
    finally:
        bar.close()
