"""Compile a rule's ``when`` block (tests on case facts) into :class:`~.model.Test` values.

Shared by rules, declared gaps and invariants, so all three accept exactly the same conditions
and report mistakes the same way.
"""

from __future__ import annotations

from typing import Any

from engine.base.errors import Problem, SourceSpan, quote, suggest
from engine.base.yamlio import Document, Loc
from engine.cases.catalogue import FACTS, HOLDER, FactSpec
from engine.cases.timeval import parse_instant
from engine.readings.model import Common, Op, Test

_OPS_BY_KIND: dict[str, tuple[str, ...]] = {
    "party": ("in", "not_in"), "enum": ("in", "not_in"), "bool": (),
    "time": ("before", "after"), "charges": ("any_of", "only"),
}


def instant_epoch(text: object) -> int | None:
    """UTC epoch seconds of an ISO instant with offset, or None if ``text`` is not one."""
    if not isinstance(text, str):
        return None
    try:
        return parse_instant(text)
    except ValueError:
        return None


class ConditionCompiler:
    """Compiles ``when`` blocks of one reading file, collecting problems."""

    def __init__(self, doc: Document, common: Common, party: str | None,
                 derived: dict[str, str], problems: list[Problem]) -> None:
        self.doc, self.common, self.party = doc, common, party
        self.derived, self.problems = derived, problems

    def fail(self, message: str, loc: Loc, *, key: bool = False, code: str) -> None:
        """Record a problem at ``loc`` (its key if ``key``), of kind ``code``."""
        self.problems.append(Problem(message, self.doc.span(loc, key=key), code, loc))

    def when(self, when: dict[str, Any], base: Loc) -> tuple[tuple[Test, ...], tuple[str, ...]]:
        """Compile a ``when`` mapping at ``base``: its case-fact tests and derived facts needed."""
        tests: list[Test] = []
        needs: list[str] = []
        for path, raw in when.items():
            loc = (*base, path)
            if path.startswith("derived."):
                name = path[len("derived."):]
                if name not in self.derived:
                    self.fail(f"unknown derived fact {quote(name)}{suggest(name, self.derived)}: "
                              "declare it under 'derived'", loc, key=True, code="unknown_derived")
                elif raw is not True:
                    self.fail(f"{path}: a derived fact can only be tested 'true'; found "
                              f"{quote(raw)}", loc, code="invalid_test")
                else:
                    needs.append(name)
                continue
            spec = FACTS.get(path)
            if spec is None:
                choices = [*FACTS, *(f"derived.{d}" for d in self.derived)]
                self.fail(f"unknown fact {quote(path)}{suggest(path, choices)}", loc, key=True,
                          code="unknown_fact")
                continue
            # A list holds several tests on one fact, all of which must hold.
            located = ([(item, (*loc, j)) for j, item in enumerate(raw)]
                       if isinstance(raw, list) else [(raw, loc)])
            for item, item_loc in located:
                test = self.test(spec, item, item_loc)
                if test is not None:
                    tests.append(test)
        return tuple(tests), tuple(needs)

    def test(self, spec: FactSpec, raw: Any, loc: Loc) -> Test | None:
        """Compile one test on the fact ``spec`` (None, with a problem recorded, if invalid)."""
        span = self.doc.span(loc)
        if isinstance(raw, dict):
            if len(raw) != 1:
                self.fail(f"{spec.path}: a test is one of {{op: operand}}; found {len(raw)} keys",
                          loc, code="invalid_test")
                return None
            ((op, operand),) = raw.items()
            allowed = _OPS_BY_KIND[spec.kind]
            if op not in allowed:
                ops = ", ".join(allowed) if allowed else "none (write the value itself)"
                article = "an" if spec.kind == "enum" else "a"
                self.fail(f"{spec.path}: operator {quote(op)} does not apply to {article} "
                          f"{spec.kind} fact "
                          f"(allowed: {ops}){suggest(op, allowed)}", (*loc, op), key=True,
                          code="invalid_operator")
                return None
            if op in {"before", "after"}:
                return self.instant_test(spec, op, operand, (*loc, op), span)
            if not isinstance(operand, list) or not operand:
                self.fail(f"{spec.path}: '{op}' takes a non-empty list; found {quote(operand)}",
                          (*loc, op), code="invalid_test")
                return None
            values = [self.value(spec, v, (*loc, op, k)) for k, v in enumerate(operand)]
            if any(v is None for v in values):
                return None
            return Test(spec.path, _as_op(op), tuple(v for v in values if v is not None),
                        span=span)
        if spec.kind in {"time", "charges"}:
            ops = " or ".join(_OPS_BY_KIND[spec.kind])
            self.fail(f"{spec.path}: a {spec.kind} fact is tested with {ops}; found "
                      f"{quote(raw)}", loc, code="invalid_operator")
            return None
        value = self.value(spec, raw, loc)
        return None if value is None else Test(spec.path, "eq", (value,), span=span)

    def value(self, spec: FactSpec, raw: Any, loc: Loc) -> str | bool | None:
        """Check one value against the fact's kind (``$holder`` becomes the holder's code)."""
        if spec.kind == "bool":
            if isinstance(raw, bool):
                return raw
            self.fail(f"{spec.path}: expected true or false; found {quote(raw)}", loc,
                      code="wrong_type")
            return None
        if spec.kind == "party":
            if raw != HOLDER:
                self.fail(f"{spec.path}: rules name parties only as '{HOLDER}' (the reading's "
                          f"holder) or through detainee.adverse, so that they stay symmetric; "
                          f"found {quote(raw)}", loc, code="party_literal")
                return None
            if self.party is None:
                self.fail(f"{spec.path}: '{HOLDER}' used in a reading held by no party", loc,
                          code="holder_without_party")
                return None
            return self.party
        if raw == "unknown":
            self.fail(f"{spec.path}: 'unknown' is not a value a rule can test: an unknown fact "
                      "never satisfies a test", loc, code="unknown_not_testable")
            return None
        if not isinstance(raw, str) or raw not in spec.values:
            hint = suggest(str(raw), spec.values)
            self.fail(f"{spec.path}: expected one of {', '.join(spec.values)}; found "
                      f"{quote(raw)}{hint}", loc, code="invalid_choice")
            return None
        return raw

    def instant_test(self, spec: FactSpec, op: str, operand: Any, loc: Loc,
                     span: SourceSpan) -> Test | None:
        """A ``before``/``after`` test against a named or literal instant."""
        if isinstance(operand, str) and operand in self.common.instants:
            inst = self.common.instants[operand]
            return Test(spec.path, _as_op(op), (), inst.epoch, operand, span)
        epoch = instant_epoch(operand)
        if epoch is None:
            names = ", ".join(self.common.instants)
            self.fail(f"{spec.path}: '{op}' takes an instant named in common.yaml ({names}) or an "
                      f"ISO instant with offset; found {quote(operand)}"
                      f"{suggest(str(operand), self.common.instants)}", loc, code="unknown_instant")
            return None
        return Test(spec.path, _as_op(op), (), epoch, str(operand), span)


def _as_op(op: str) -> Op:
    ops: dict[str, Op] = {"eq": "eq", "in": "in", "not_in": "not_in", "before": "before",
                          "after": "after", "any_of": "any_of", "only": "only"}
    return ops[op]
