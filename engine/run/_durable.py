"""The only module that imports durable_rules: a lean driver over its C API.

No ``engine.Host`` (its timer threads race with callers and crash under concurrency). Each
ruleset is created once per process under a unique name and used by one evaluation at a time
(a lock per ruleset, one fixed session id), and every session is deleted in ``finally``, so no
fact of one case can reach another and memory stays flat over long batches.
"""

from __future__ import annotations

import functools
import json
import threading
from typing import Any

from engine.base.errors import BackendError, EvaluationError
from engine.cases.facts import Facts
from engine.readings.to_durable import START_RULE, DurableProgram, case_fact, derived_fact, fnv1_32


def _load() -> tuple[Any, str | None]:
    # Imported on first use, so that `import engine` stays light and works where the extension
    # cannot be imported (Python 3.13 with durable_rules 2.0.28): the reference evaluator serves.
    try:
        import durable_rules_engine
    except ImportError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    return durable_rules_engine, None


#: Firings allowed in one evaluation before it is abandoned as a rule loop.
MAX_FIRINGS = 10_000
_SID = "w0"
_registry_lock = threading.Lock()
_rulesets: dict[str, tuple[int, threading.Lock]] = {}
_name_hashes: dict[int, str] = {}


@functools.cache
def _engine() -> tuple[Any, str | None]:
    return _load()


def available() -> bool:
    """Whether durable_rules could be imported on this interpreter."""
    return _engine()[0] is not None


def import_error() -> str | None:
    """Why durable_rules could not be imported, or None."""
    return _engine()[1]


def _ruleset(program: DurableProgram) -> tuple[int, threading.Lock]:
    with _registry_lock:
        if program.name in _rulesets:
            return _rulesets[program.name]
        h = fnv1_32(program.name)
        if h in _name_hashes:
            # durable_rules knows rulesets by a 32-bit hash of the name: never share one.
            raise BackendError(f"ruleset names '{_name_hashes[h]}' and '{program.name}' collide")
        try:
            handle = _engine()[0].create_ruleset(program.name, program.ruleset_json)
        except Exception as exc:
            raise BackendError(
                f"durable_rules rejected reading '{program.reading}': {exc}") from exc
        _name_hashes[h] = program.name
        _rulesets[program.name] = (handle, threading.Lock())
        return _rulesets[program.name]


def fire_durable(program: DurableProgram, facts: Facts) -> list[str]:
    """Run one case through durable_rules; return the ids of the fired rules in firing order.

    Raises:
        BackendError: durable_rules is unavailable or failed.
        EvaluationError: the firing cap was exceeded.
    """
    dre, error = _engine()
    if dre is None:
        raise BackendError(f"durable_rules is not available: {error}")
    handle, lock = _ruleset(program)
    fired: list[str] = []
    derived: set[str] = set()
    with lock:
        try:
            _, state = dre.assert_fact(handle, case_fact(facts, _SID))
            started: Any = dre.start_action_for_state(handle, state)
            frames = started[1] if started else None
            while frames:
                ((rule_id, _frame),) = json.loads(frames).items()
                if rule_id != START_RULE:
                    fired.append(rule_id)
                    if len(fired) > MAX_FIRINGS:
                        raise EvaluationError(
                            f"reading '{program.reading}': more than {MAX_FIRINGS} firings")
                    for name in program.derives[rule_id]:
                        code, _ = dre.assert_fact(handle, derived_fact(name, _SID))
                        # 2 means "already seen": fine for a name derived before, but a new name
                        # reported as seen is a 32-bit id collision inside durable_rules.
                        if code == 2 and name not in derived:
                            raise BackendError(f"durable_rules dropped derived fact '{name}'")
                        derived.add(name)
                frames = dre.complete_and_start_action(handle, state)
        except (BackendError, EvaluationError):
            raise
        except Exception as exc:
            raise BackendError(f"durable_rules failed on reading '{program.reading}': "
                               f"{exc}") from exc
        finally:
            dre.delete_state(handle, _SID)
    return fired


def live_session(program: DurableProgram) -> bool:
    """Whether the reading's session still exists (it must not, between evaluations)."""
    dre = _engine()[0]
    if dre is None or program.name not in _rulesets:
        return False
    try:
        dre.get_state(_rulesets[program.name][0], _SID)
    except Exception:
        return False
    return True
