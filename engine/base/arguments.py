"""Checks of the arguments that library callers pass to the public functions of ``engine``.

A wrong argument fails at once, naming the argument, instead of deep inside an evaluation or
not at all: a value of the wrong type raises ``TypeError``; a value of the right type that is not
one of those accepted raises :class:`~engine.base.errors.UsageError` (a ``ValueError``) whose
problem has the code ``invalid_argument`` and the argument's name as its ``loc``.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Sequence
from datetime import tzinfo
from typing import Any, TypeVar

from engine.base.errors import Problem, UsageError, found

T = TypeVar("T")


def refuse(name: str, message: str, code: str = "invalid_argument") -> UsageError:
    """The error for argument ``name`` whose value is not accepted."""
    return UsageError([Problem(f"argument {name}: {message}", code=code, loc=(name,))])


def of_type(name: str, value: Any, kind: type[T] | tuple[type, ...], what: str) -> T:
    """``value``, if it is an instance of ``kind``; else ``TypeError`` saying ``what`` was
    expected (a bool is refused where an int is expected)."""
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _types(kind)):
        raise TypeError(f"argument {name}: expected {what}; found {_type_of(value)}")
    return value  # type: ignore[return-value]  # checked just above


def choice(name: str, value: Any, choices: Collection[str]) -> str:
    """``value``, if it is one of ``choices``."""
    of_type(name, value, str, "a string: " + " or ".join(repr(c) for c in choices))
    if value not in choices:
        raise refuse(name, f"expected {' or '.join(repr(c) for c in choices)}; found "
                           f"{found(value)}")
    return str(value)


def integer(name: str, value: Any, minimum: int) -> int:
    """``value``, if it is an int (not a bool) of at least ``minimum``."""
    of_type(name, value, int, "an integer")
    if value < minimum:
        raise refuse(name, f"expected an integer >= {minimum}; found {value}")
    return int(value)


def flag(name: str, value: Any) -> bool:
    """``value``, if it is a bool."""
    return of_type(name, value, bool, "True or False")


def strings(name: str, value: Any, what: str) -> tuple[str, ...] | None:
    """``value`` as a tuple, if it is None or a sequence of strings (one string is refused: it
    would be read as a sequence of one-letter strings)."""
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(f"argument {name}: expected None or a list of {what}, such as "
                        f"['ihl']; found {_type_of(value)}")
    for i, item in enumerate(value):
        of_type(f"{name}[{i}]", item, str, f"a string ({what[:-1]})")
    return tuple(value)


def zone(name: str, value: Any) -> tzinfo | None:
    """``value``, if it is None or a ``datetime.tzinfo``."""
    if value is None:
        return None
    return of_type(name, value, tzinfo, "None or a datetime.tzinfo (datetime.timezone, "
                                        "zoneinfo.ZoneInfo)")


def paths(name: str, value: Any) -> list[str | os.PathLike[str]]:
    """``value`` as a list of paths: one path, or an iterable of paths (strings or
    ``os.PathLike``)."""
    if isinstance(value, str | os.PathLike):
        return [value]
    if isinstance(value, bytes) or not isinstance(value, Iterable):
        raise TypeError(f"argument {name}: expected a path or a list of paths (str or "
                        f"pathlib.Path); found {_type_of(value)}")
    out = list(value)
    for i, item in enumerate(out):
        of_type(f"{name}[{i}]", item, (str, os.PathLike), "a path (str or pathlib.Path)")
    return out


def _types(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _type_of(value: Any) -> str:
    return "None" if value is None else f"a value of type {type(value).__name__}"
