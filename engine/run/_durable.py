"""The only module that imports durable_rules: a lean driver over its C API.

No ``engine.Host`` (its timer threads race with callers and crash under concurrency). Each
program is registered once per process, keyed by its content (``DurableProgram.key``), so every
load of an unchanged reading shares one ruleset; it is used by one evaluation at a time (a lock
per ruleset, one fixed session id), and every session is deleted after its evaluation, so no fact
of one case can reach another and memory stays flat over long batches.

Releasing: a ruleset is held for the reading sets that used it and deleted
(``delete_ruleset``, which the C API does offer) when the last of them is closed
(``ReadingSet.close()``) or garbage-collected; a ruleset used without a reading set stays for the
process. durable_rules 2.0.28 frees a deleted ruleset's tables but not its regex state machines,
which is why the translation emits no regex for closed vocabularies.

Never touching a broken session: durable_rules frees uninitialised pointers when it deletes a
session in which no action started, so the session is deleted only once an action has started
(the translation's catch-all rule makes that the normal case). Any other failure, or any
non-zero return code from the C API before that point, retires the ruleset: it is never used or
deleted again (its memory is leaked rather than risk a crash), and the error is reported.
Programs over durable_rules' table limits (``over_limit``) are refused here before any C call.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from engine.base.errors import BackendError, EvaluationError
from engine.cases.facts import Facts
from engine.readings.to_durable import (
    START_RULE,
    DurableProgram,
    case_fact,
    derived_fact,
    fnv1_32,
    on_release,
)


def _load() -> tuple[Any, str | None]:
    # Imported on first use, so that `import engine` stays light and works where the extension
    # cannot be imported (Python 3.13 with durable_rules 2.0.28): the reference evaluator serves.
    try:
        import durable_rules_engine
    except ImportError as exc:
        if sys.version_info >= (3, 13):
            # Its 2.0.28 C extension calls PyEval_CallObject, removed in 3.13: the package's
            # environment marker leaves it out there, so say that, not only the ImportError.
            return None, (f"{type(exc).__name__}: {exc}; durable_rules 2.0.28 does not support "
                          "Python 3.13+ and is not installed there")
        return None, f"{type(exc).__name__}: {exc}"
    return durable_rules_engine, None


#: Firings allowed in one evaluation before it is abandoned as a rule loop.
MAX_FIRINGS = 10_000
_SID = "w0"
# durable_rules' RULES_OK, ERR_EVENT_NOT_HANDLED and ERR_EVENT_OBSERVED (rules.h).
_OK, _UNHANDLED, _SEEN = 0, 1, 2


@dataclass(eq=False)
class _Entry:
    """One registered ruleset and who holds it."""

    key: str
    name: str
    program: DurableProgram
    handle: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    owners: dict[int, weakref.finalize[Any, Any]] = field(default_factory=dict)
    pinned: bool = False
    deleted: bool = False
    broken: str | None = None


_registry_lock = threading.Lock()
_rulesets: dict[str, _Entry] = {}
_name_hashes: dict[int, str] = {}
# (key, owner id) of reading sets garbage-collected: finalizers only append here (they may run
# on any thread, inside any lock), and the registry drains it under its own lock.
_gone: deque[tuple[str, int]] = deque()


@functools.cache
def _engine() -> tuple[Any, str | None]:
    return _load()


def available() -> bool:
    """Whether durable_rules could be imported on this interpreter."""
    return _engine()[0] is not None


def import_error() -> str | None:
    """Why durable_rules could not be imported, or None."""
    return _engine()[1]


def registered() -> int:
    """How many rulesets this process holds in durable_rules now (for leak checks)."""
    with _registry_lock:
        _drain_locked()
        return sum(1 for entry in _rulesets.values() if not entry.deleted)


def registered_names() -> list[str]:
    """The names under which this process's rulesets are registered in durable_rules."""
    with _registry_lock:
        return [entry.name for entry in _rulesets.values()]


def _unique_name(program: DurableProgram) -> str:
    # durable_rules hands ruleset names to its callbacks and the Host knows them by a 32-bit
    # hash: never let two live rulesets share one; rename instead of failing a valid reading.
    name, n = program.name, 1
    while fnv1_32(name) in _name_hashes:
        n += 1
        name = f"{program.name}#{n}"
    return name


def _create_locked(program: DurableProgram, key: str) -> _Entry:
    if program.over_limit:
        raise BackendError(f"reading '{program.reading}' is not given to durable_rules: "
                           f"{program.over_limit}")
    name = _unique_name(program)
    try:
        handle = _engine()[0].create_ruleset(name, program.ruleset_json)
    except Exception as exc:
        raise BackendError(
            f"durable_rules rejected reading '{program.reading}': {exc}") from exc
    _name_hashes[fnv1_32(name)] = name
    entry = _rulesets[key] = _Entry(key, name, program, handle)
    return entry


def _acquire(program: DurableProgram, owner: object | None) -> _Entry:
    with _registry_lock:
        _drain_locked()
        key = program.key or program.name
        entry = _rulesets.get(key)
        # Equal keys with different content would be a SHA-256 collision: never share a ruleset
        # between different programs; register this one under a key of its own.
        while entry is not None and (entry.program.ruleset_json != program.ruleset_json
                                     or entry.program.derives != program.derives):
            key += "'"
            entry = _rulesets.get(key)
        if entry is None:
            entry = _create_locked(program, key)
        if owner is None:
            entry.pinned = True
        elif id(owner) not in entry.owners:
            entry.owners[id(owner)] = weakref.finalize(owner, _gone.append, (key, id(owner)))
        return entry


def _drain_locked() -> None:
    while _gone:
        key, owner = _gone.popleft()
        entry = _rulesets.get(key)
        if entry is not None:
            entry.owners.pop(owner, None)
            _delete_if_unused_locked(entry)


def _delete_if_unused_locked(entry: _Entry) -> None:
    if entry.owners or entry.pinned or entry.broken:
        return  # a retired (broken) ruleset is never touched again, not even to delete it
    with entry.lock:  # waits for an evaluation in progress on it
        entry.deleted = True
        del _rulesets[entry.key]
        _name_hashes.pop(fnv1_32(entry.name), None)
        try:
            _engine()[0].delete_ruleset(entry.handle)
        except Exception as exc:
            raise BackendError(f"durable_rules could not delete ruleset '{entry.name}': "
                               f"{exc}") from exc


def release_owner(owner: object) -> None:
    """Release the rulesets ``owner`` holds; delete each one no one else holds."""
    with _registry_lock:
        for entry in list(_rulesets.values()):
            finalizer = entry.owners.pop(id(owner), None)
            if finalizer is not None:
                finalizer.detach()
                _delete_if_unused_locked(entry)
        _drain_locked()


on_release(release_owner)


def fire_durable(program: DurableProgram, facts: Facts, owner: object | None = None,
                 encoded: str | None = None) -> list[str]:
    """Run one case through durable_rules; return the ids of the fired rules in firing order.

    ``owner`` (a reading set) holds the ruleset until it is released; without one the ruleset
    stays registered for the life of the process. ``encoded``: ``facts`` as :func:`encode`
    gives them, where the caller encoded them once for several readings.

    Raises:
        BackendError: durable_rules is unavailable or failed, or the program is over its limits.
        EvaluationError: the firing cap was exceeded.
    """
    dre, error = _engine()
    if dre is None:
        raise BackendError(f"durable_rules is not available: {error}")
    while True:
        entry = _acquire(program, owner)
        with entry.lock:
            if entry.deleted:
                continue  # released by another thread in between: register it again
            if entry.broken:
                raise BackendError(f"durable_rules ruleset of reading '{program.reading}' was "
                                   f"retired after an earlier failure: {entry.broken}")
            return _run(dre, entry, facts if encoded is None else encoded)


def _retire(entry: _Entry, what: str) -> BackendError:
    entry.broken = what
    return BackendError(f"durable_rules failed on reading '{entry.program.reading}': {what}")


# The last case fact encoded: (a copy of the facts, the JSON). A case's readings share one facts
# mapping per account, and accounts mostly agree, so a case is encoded about once, not per
# reading; a hit needs the same values of the same types (True == 1, but not in JSON).
_last_encoded: tuple[dict[str, Any], str] | None = None


def _same_facts(a: Facts, b: Facts) -> bool:
    if len(a) != len(b):
        return False
    for path, value in a.items():
        other = b.get(path, _MISSING)
        if type(value) is not type(other) or value != other:
            return False
        if isinstance(value, frozenset) and not all(type(v) is str for v in value):
            return False  # equal sets of equal types then (the other is a frozenset of str)
    return True


_MISSING = object()


def _case_json(facts: Facts) -> str:
    global _last_encoded
    last = _last_encoded  # one read: another thread may replace it, never change it
    if last is not None and _same_facts(facts, last[0]):
        return last[1]
    encoded = case_fact(facts, _SID)
    _last_encoded = (dict(facts), encoded)
    return encoded


def _rule_id(frames: str, program: DurableProgram) -> str:
    """The id of the rule a frame is for (frames are ``{"<rule id>":{...}}``), read without
    decoding the frame's facts; a full parse wherever the short way is not certain."""
    end = frames.find('"', 2)
    rid = frames[2:end]
    if (frames.startswith('{"') and frames.startswith('":', end) and "\\" not in rid
            and (rid in program.derives or rid == START_RULE)):
        return rid
    ((rid, _frame),) = json.loads(frames).items()
    return str(rid)


def encode(facts: Facts) -> str:
    """The case fact as durable_rules is given it (the same for every reading)."""
    return case_fact(facts, _SID)


def _run(dre: Any, entry: _Entry, facts: Facts | str) -> list[str]:
    handle, program = entry.handle, entry.program
    try:
        code, state = dre.assert_fact(handle, facts if isinstance(facts, str)
                                      else _case_json(facts))
    except Exception as exc:
        raise _retire(entry, f"asserting the case: {exc}") from exc
    if code != _OK:
        # The catch-all rule handles every case, so this is unexpected; the session may not have
        # started an action, and deleting it could then free uninitialised memory.
        raise _retire(entry, f"asserting the case returned code {code}")
    try:
        started: Any = dre.start_action_for_state(handle, state)
    except Exception as exc:
        raise _retire(entry, f"starting the first action: {exc}") from exc
    if not started:
        raise _retire(entry, "no action started for the case")
    # An action has started: from here the session can be deleted safely, and always is.
    fired: list[str] = []
    try:
        _fire_actions(dre, handle, program, state, started[1], fired)
    except (BackendError, EvaluationError):
        raise
    except Exception as exc:
        raise BackendError(f"durable_rules failed on reading '{program.reading}': "
                           f"{exc}") from exc
    finally:
        try:
            dre.delete_state(handle, _SID)
        except Exception as exc:
            raise _retire(entry, f"deleting the session: {exc}") from exc
    return fired


def _fire_actions(dre: Any, handle: int, program: DurableProgram, state: Any, frames: Any,
                  fired: list[str]) -> None:
    derived: set[str] = set()
    while frames:
        rule_id = _rule_id(frames, program)
        if rule_id != START_RULE:
            fired.append(rule_id)
            if len(fired) > MAX_FIRINGS:
                raise EvaluationError(
                    f"reading '{program.reading}': more than {MAX_FIRINGS} firings")
            for name in program.derives[rule_id]:
                code, _ = dre.assert_fact(handle, derived_fact(name, _SID))
                # 2 means "already seen": fine for a name derived before, but a new name
                # reported as seen is a 32-bit id collision inside durable_rules.
                if (code == _SEEN and name not in derived) or code not in (_OK, _UNHANDLED,
                                                                           _SEEN):
                    raise BackendError(f"durable_rules dropped derived fact '{name}' "
                                       f"(code {code})")
                derived.add(name)
        frames = dre.complete_and_start_action(handle, state)


def live_session(program: DurableProgram) -> bool:
    """Whether the reading's session still exists (it must not, between evaluations)."""
    dre = _engine()[0]
    with _registry_lock:
        entries = [e for e in _rulesets.values() if e.program.key == program.key
                   and e.program.name == program.name]
    if dre is None or not entries:
        return False
    try:
        dre.get_state(entries[0].handle, _SID)
    except Exception:
        return False
    return True
