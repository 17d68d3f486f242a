"""The only module that imports durable_rules: a lean driver over its C API.

No ``engine.Host`` (its timer threads race with callers and crash under concurrency). Each
ruleset is created once per process under a unique name and used by one evaluation at a time
(a lock per ruleset, one fixed session id), and every session is deleted in ``finally``, so no
fact of one case can reach another and memory stays flat over long batches.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from engine.durable_json import START_RULE, DurableProgram, case_fact, derived_fact, fnv1_32
from engine.errors import BackendError, EvaluationError
from engine.facts import Facts

try:
    import durable_rules_engine as _dre

    IMPORT_ERROR: str | None = None
except ImportError as exc:  # pragma: no cover - depends on the interpreter
    _dre = None
    IMPORT_ERROR = f"{type(exc).__name__}: {exc}"

#: Firings allowed in one evaluation before it is abandoned as a rule loop.
MAX_FIRINGS = 10_000
_SID = "w0"
_registry_lock = threading.Lock()
_rulesets: dict[str, tuple[int, threading.Lock]] = {}
_name_hashes: dict[int, str] = {}


def available() -> bool:
    """Whether durable_rules could be imported on this interpreter."""
    return _dre is not None


def _ruleset(program: DurableProgram) -> tuple[int, threading.Lock]:
    with _registry_lock:
        if program.name in _rulesets:
            return _rulesets[program.name]
        h = fnv1_32(program.name)
        if h in _name_hashes:
            # durable_rules knows rulesets by a 32-bit hash of the name: never share one.
            raise BackendError(f"ruleset names '{_name_hashes[h]}' and '{program.name}' collide")
        try:
            handle = _dre.create_ruleset(program.name, program.ruleset_json)
        except Exception as exc:
            raise BackendError(f"durable_rules rejected reading '{program.reading}': {exc}") from exc
        _name_hashes[h] = program.name
        _rulesets[program.name] = (handle, threading.Lock())
        return _rulesets[program.name]


def fire_durable(program: DurableProgram, facts: Facts) -> list[str]:
    """Run one case through durable_rules; return the ids of the fired rules in firing order.

    Raises:
        BackendError: durable_rules is unavailable or failed.
        EvaluationError: the firing cap was exceeded.
    """
    if _dre is None:
        raise BackendError(f"durable_rules is not available: {IMPORT_ERROR}")
    handle, lock = _ruleset(program)
    fired: list[str] = []
    derived: set[str] = set()
    with lock:
        try:
            _, state = _dre.assert_fact(handle, case_fact(facts, _SID))
            started: Any = _dre.start_action_for_state(handle, state)
            frames = started[1] if started else None
            while frames:
                ((rule_id, _frame),) = json.loads(frames).items()
                if rule_id != START_RULE:
                    fired.append(rule_id)
                    if len(fired) > MAX_FIRINGS:
                        raise EvaluationError(
                            f"reading '{program.reading}': more than {MAX_FIRINGS} firings")
                    for name in program.derives[rule_id]:
                        code, _ = _dre.assert_fact(handle, derived_fact(name, _SID))
                        # 2 means "already seen": fine for a name derived before, but a new name
                        # reported as seen is a 32-bit id collision inside durable_rules.
                        if code == 2 and name not in derived:
                            raise BackendError(f"durable_rules dropped derived fact '{name}'")
                        derived.add(name)
                frames = _dre.complete_and_start_action(handle, state)
        except (BackendError, EvaluationError):
            raise
        except Exception as exc:
            raise BackendError(f"durable_rules failed on reading '{program.reading}': "
                               f"{exc}") from exc
        finally:
            _dre.delete_state(handle, _SID)
    return fired


def live_session(program: DurableProgram) -> bool:
    """Whether the reading's session still exists (it must not, between evaluations)."""
    if _dre is None or program.name not in _rulesets:
        return False
    try:
        _dre.get_state(_rulesets[program.name][0], _SID)
    except Exception:
        return False
    return True
