"""One exception hierarchy for everything the engine reports to its users.

Every error that a user can cause carries one or more :class:`Problem` values, each with a
:class:`SourceSpan` (file, 1-based line and column) where one is known, so that the CLI and the
library print the same ``file:line:col: message`` lines.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceSpan:
    """A position in an input file: 1-based line and column."""

    source: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.source
        return f"{self.source}:{self.line}:{self.column or 1}"


#: The code of a problem raised without one of its own (docs/errors.md lists every code).
GENERIC_CODE = "invalid_input"
#: A field path inside a document, as pydantic's ``loc``: keys and list indexes.
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located where possible.

    ``code`` is stable and machine-readable (snake_case; docs/errors.md lists every one), for
    programs that act on a kind of problem; ``message`` is for people and may be reworded.
    ``loc`` is the path of the field at fault inside its document (``("capture", "time")``,
    ``(2, "detainee", "side")`` for the third case of a list), ``()`` when the problem is with
    the document or the file as a whole.
    """

    message: str
    span: SourceSpan | None = None
    code: str = GENERIC_CODE
    loc: Loc = ()

    def __str__(self) -> str:
        return f"{self.span}: {self.message}" if self.span else self.message


#: Most characters of a bad value quoted back in a message: a 5 MB value is not echoed whole.
QUOTE_CHARS = 60


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """A value as messages quote it: ``'2020-13-01'``, or its first characters and ``...``.

    Every message that echoes what the user wrote goes through here, so no message grows with
    the input. A value other than a string is shown by its ``repr``, shortened the same way.
    """
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[:limit - 3] + "...")
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest choice, or ``""`` when none is close."""
    if len(word) > QUOTE_CHARS:  # nothing is close to a huge word; spare difflib the work
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def found(value: object) -> str:
    """Describe a found value for a message: ``'army'``, ``the number 2020``, ``a mapping``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {quote(str(value))[1:-1]}"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a value of type {type(value).__name__}"


class CodedValueError(ValueError):
    """A ``ValueError`` that says which problem it is: validators raise it so that the problem
    they become carries ``code`` (pydantic keeps the exception, and the loader reads it)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class EngineError(Exception):
    """Base of every error the engine raises on purpose.

    A problem given without a code of its own (a message, or a :class:`Problem` left at
    :data:`GENERIC_CODE`) takes ``code``, else the class's :attr:`DEFAULT_CODE`.
    """

    #: The code of this kind of error's problems that name none.
    DEFAULT_CODE = GENERIC_CODE

    def __init__(self, problems: Sequence[Problem] | str, code: str | None = None) -> None:
        default = code or self.DEFAULT_CODE
        if isinstance(problems, str):
            problems = [Problem(problems, code=default)]
        self.problems: tuple[Problem, ...] = tuple(
            dataclasses.replace(p, code=default) if p.code == GENERIC_CODE else p
            for p in problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InputError(EngineError, ValueError):
    """A file could not be read or parsed (I/O, malformed YAML or JSON, size, tags)."""


class CaseFileError(EngineError, ValueError):
    """A case record is invalid."""


class RuleFileError(EngineError, ValueError):
    """A reading file is invalid or does not compile."""


class EvaluationError(EngineError, RuntimeError):
    """Evaluation failed: a conflict between undefeated rules, or the firing cap was hit."""

    DEFAULT_CODE = "evaluation_failed"


class OutputError(EngineError, OSError):
    """The output could not be written (a full disk, a closed pipe, an encoding that cannot
    hold the text)."""

    DEFAULT_CODE = "output_failed"


class BackendError(EngineError, RuntimeError):
    """The durable_rules backend misbehaved or is unavailable."""

    DEFAULT_CODE = "backend_failed"


class UsageError(EngineError, ValueError):
    """A caller asked for something that does not exist (an unknown reading id, for example)."""

    DEFAULT_CODE = "invalid_argument"
