"""Read-only containers for everything the library returns or shares.

Values such as outcomes, case records and compiled readings are shared between callers (one
loaded reading set serves every evaluation of a host), so a change made through one caller's
reference would corrupt the others'. Frozen models and dataclasses stop assignment to fields;
these types stop changes inside them: :class:`FrozenDict` for mappings, tuples for sequences, and
:func:`freeze` for values of no fixed type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, NoReturn, TypeVar

from pydantic import AfterValidator

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict[K, V]):
    """A dict that refuses every change once built.

    A subclass of ``dict`` so that pydantic, ``json`` and YAML writers serialise it as one, with
    the same output; typed as ``Mapping`` wherever it is public. Copies (``dict(d)``, ``d | e``,
    ``d.copy()``) are ordinary dicts, free to change.
    """

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("this mapping is read-only (shared with other callers); copy it with "
                        "dict(...) to change it")

    def __setitem__(self, key: K, value: V) -> NoReturn:
        self._refuse()

    def __delitem__(self, key: K) -> NoReturn:
        self._refuse()

    def __ior__(self, other: object) -> NoReturn:  # type: ignore[misc]
        self._refuse()

    def clear(self) -> NoReturn:
        """Refused: the mapping is read-only."""
        self._refuse()

    def pop(self, *args: object) -> NoReturn:
        """Refused: the mapping is read-only."""
        self._refuse()

    def popitem(self) -> NoReturn:
        """Refused: the mapping is read-only."""
        self._refuse()

    def setdefault(self, *args: object) -> NoReturn:
        """Refused: the mapping is read-only."""
        self._refuse()

    def update(self, *args: object, **kwargs: object) -> NoReturn:
        """Refused: the mapping is read-only."""
        self._refuse()

    def copy(self) -> dict[K, V]:
        """A plain, changeable copy."""
        return dict(self)

    def __reduce__(self) -> tuple[Any, ...]:
        # The default rebuilds through __setitem__, which this type refuses (pickle, deepcopy).
        return (type(self), (dict(self),))


def frozen_dict(mapping: Mapping[K, V]) -> Mapping[K, V]:
    """``mapping`` as a :class:`FrozenDict` (itself when it already is one)."""
    return mapping if isinstance(mapping, FrozenDict) else FrozenDict(mapping)


def _rebuild(value: Any, mapping: Any, sequence: Any, collection: Any) -> Any:
    """``value`` with its containers at every depth rebuilt by the given constructors."""
    todo: list[Any] = [value]
    # Without recursion: the values come from callers and may nest deeply.
    order: list[Any] = []
    while todo:
        item = todo.pop()
        order.append(item)
        if isinstance(item, Mapping):
            todo.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            todo.extend(item)
    done: dict[int, Any] = {}
    for item in reversed(order):
        if isinstance(item, Mapping):
            done[id(item)] = mapping({k: done[id(v)] for k, v in item.items()})
        elif isinstance(item, list | tuple):
            done[id(item)] = sequence(done[id(v)] for v in item)
        elif isinstance(item, set | frozenset):
            done[id(item)] = collection(done[id(v)] for v in item)
        else:
            done[id(item)] = item
    return done[id(value)]


def freeze(value: Any) -> Any:
    """``value`` with every list, set and dict inside it made read-only, at any depth."""
    return _rebuild(value, FrozenDict, tuple, frozenset)


def thaw(value: Any) -> Any:
    """A plain copy of ``value`` (dicts, lists and sets), for writers that take only those."""
    return _rebuild(value, dict, list, set)


#: A pydantic field type: validated as a ``Mapping`` (same JSON Schema as ``dict``), held as a
#: :class:`FrozenDict`.
FrozenMap = Annotated[Mapping[K, V], AfterValidator(frozen_dict)]
#: A pydantic field of any type, held with every container inside it read-only.
FrozenAny = Annotated[Any, AfterValidator(freeze)]
