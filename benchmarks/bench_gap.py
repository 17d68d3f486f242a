"""Benchmark: the per-case cost of the tool against a hand-written function for one reading.

``russia_by_hand`` is a plain Python function giving the same answers as ``rules/russia.yaml``
(status, point8, release, flags and the facts left open), written from the rules. Before anything
is timed it is checked against the tool, on both engines, on generated cases whose times sit on
every boundary the rules compare with (``engine.strategies.case_records`` with
``boundary_instants``); any disagreement is printed and nothing is timed (exit 1).

Then it prints, in one run, microseconds per case for the function, the tool with only the
``russia`` reading and the tool with all four readings, on durable_rules and on the reference
evaluator, and the ratios per reading. Prints figures; asserts nothing.
Run: ``python benchmarks/bench_gap.py [CASES] [ROUNDS]`` (needs hypothesis).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from hypothesis import HealthCheck, Phase, given, settings

from engine.cases.catalogue import FACTS
from engine.cases.constraints import ordered
from engine.cases.record import CaseRecord
from engine.cases.timeval import Interval
from engine.readings.load import ReadingSet, load_readings
from engine.run.evaluate import EngineChoice, engine_to_use, evaluate_case
from engine.strategies import boundary_instants, case_records

#: The ceasefire (00:00 Moscow time, 10 November 2020), the bound of Russia's first-hand
#: statements (1 September 2021, Moscow time) and the date of the second-hand report (17 August
#: 2022, Baku time).
CEASEFIRE = int(datetime(2020, 11, 9, 21, 0, tzinfo=UTC).timestamp())
STATEMENTS_END = int(datetime(2021, 8, 31, 21, 0, tzinfo=UTC).timestamp())
REPORT_DATE = int(datetime(2022, 8, 16, 20, 0, tzinfo=UTC).timestamp())
SIDES_AT_WAR = ("AM", "AZ")
FLAG = "all_for_all_policy"
INSTANTS = (CEASEFIRE, STATEMENTS_END, REPORT_DATE)
FAR = 50 * 365 * 86_400  # seconds: an unknown time's outer pieces reach this far
AFFILIATIONS = FACTS["detainee.affiliation"].values
Answers = tuple[str, str, str, tuple[str, ...], tuple[str, ...]]


def _all(*values: bool | None) -> bool | None:
    """Three-valued AND: False if any is False, else None if any is None, else True."""
    if False in values:
        return False
    return None if None in values else True


def _decide_raw(adverse: bool | None, affiliation: str, captured: Interval | None,
                ) -> tuple[tuple[str, str, str], tuple[str, ...], tuple[set[str], ...]]:
    """The three answers, the flags and each answer's open facts (before minimising)."""
    known = affiliation != "unknown"

    def before(instant: int) -> bool | None:
        if captured is None:
            return None
        return True if captured.hi <= instant else False if captured.lo >= instant else None

    before_cf, before_end, before_report = (before(CEASEFIRE), before(STATEMENTS_END),
                                            before(REPORT_DATE))
    after_cf = None if before_cf is None else not before_cf
    not_ff = affiliation != "foreign_fighter" if known else None
    soldier = affiliation == "armed_forces" if known else None
    # Each rule: its three-valued tests, by fact path (the order the open facts are listed in).
    pow_ = {"detainee.adverse": adverse, "detainee.affiliation": soldier,
            "capture.time": before_cf}
    covered = {"detainee.adverse": adverse, "detainee.affiliation": not_ff,
               "capture.time": before_cf}
    outside = {"detainee.adverse": adverse, "capture.time": _all(after_cf, before_end)}
    not_pow = {"detainee.adverse": adverse, "detainee.affiliation": not_ff,
               "capture.time": _all(after_cf, before_report)}
    policy = _all(adverse, not_ff, before_end)

    def decide(*rules: tuple[dict[str, bool | None], str]) -> tuple[str, set[str]]:
        for tests, answer in rules:
            if _all(*tests.values()) is True:
                return answer, set()
        open_facts = {path for tests, _ in rules if _all(*tests.values()) is None
                      for path, value in tests.items() if value is None}
        return ("indeterminate", open_facts) if open_facts else ("not_addressed", set())

    status, s_open = decide((pow_, "prisoner_of_war"), (not_pow, "not_prisoner_of_war"))
    point8, p_open = decide((covered, "covered"), (outside, "not_covered"))
    release, r_open = decide((covered, "without_delay"))
    flags = (FLAG,) if policy is True else ()
    return (status, point8, release), flags, (s_open, p_open, r_open)


def _pieces(captured: Interval | None) -> list[Interval]:
    """A time's possible pieces between the instants the rules compare it with."""
    cuts = ([captured.lo, *(i for i in INSTANTS if captured.lo < i < captured.hi), captured.hi]
            if captured is not None else [INSTANTS[0] - FAR, *INSTANTS, INSTANTS[-1] + FAR])
    return [Interval(a, b) for a, b in itertools.pairwise(cuts)]


def _turning(units: list[str], worlds: dict[tuple[int, ...], tuple[str, str, str]],
             q: int) -> set[str]:
    """The units of which two worlds differing in that unit alone give answer ``q`` apart."""
    out: set[str] = set()
    for n, unit in enumerate(units):
        seen: dict[tuple[int, ...], str] = {}
        for index, got in worlds.items():
            if seen.setdefault(index[:n] + index[n + 1:], got[q]) != got[q]:
                out.add(unit)
                break
    return out


def russia_by_hand(case: CaseRecord, default_offset: tzinfo, minimise: bool = True) -> Answers:
    """Russia's reading of ``case``, by hand: (status, point8, release, flags, open facts).

    Like the tool, an open answer lists only the facts on which it turns: each open fact takes
    each of its values (a time each piece between the instants that can follow the entry into
    the area), and a fact is kept if two such worlds differing in it alone
    answer differently; when none does, every fact an open rule tests is kept. Without
    ``minimise`` every such fact is kept (not the tool's answer when one does not turn it: timed
    only, to show what the minimising costs).
    """
    side, party = case.detainee.side, case.detaining_party
    adverse = None if side == "unknown" else party in SIDES_AT_WAR and side != party
    affiliation = case.detainee.affiliation
    captured = case.capture_interval(default_offset)
    answers, flags, opens = _decide_raw(adverse, affiliation, captured)
    wanted = set().union(*opens)
    if wanted and minimise:
        # The tool's facts have the entry's time but not the release's: only the entry cuts.
        entered = case.entry_interval(default_offset)
        units = sorted(wanted)
        choices: dict[str, list[object]] = {
            "detainee.adverse": [party in SIDES_AT_WAR and s != party for s in SIDES_AT_WAR],
            "detainee.affiliation": list(AFFILIATIONS),
            "capture.time": [p for p in _pieces(captured) if ordered((entered, p))]}
        worlds: dict[tuple[int, ...], tuple[str, str, str]] = {}
        for index in itertools.product(*(range(len(choices[u])) for u in units)):
            value = dict(zip(units, (choices[u][i] for u, i in zip(units, index, strict=True)),
                             strict=True))
            worlds[index] = _decide_raw(
                value.get("detainee.adverse", adverse),  # type: ignore[arg-type]
                value.get("detainee.affiliation", affiliation),  # type: ignore[arg-type]
                value.get("capture.time", captured))[0]  # type: ignore[arg-type]
        for q, open_q in enumerate(opens):
            kept = open_q & _turning(units, worlds, q)
            if kept:  # else, as the tool does, every fact an open rule tests stays
                open_q.intersection_update(kept)
    status, point8, release = answers
    return status, point8, release, flags, tuple(sorted(set().union(*opens)))


def generated_cases(readings: ReadingSet, count: int) -> list[CaseRecord]:
    """``count`` generated case records, times on every boundary the readings compare with."""
    out: list[CaseRecord] = []

    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case_records(instants=boundary_instants(readings)))
    def collect(case: CaseRecord) -> None:
        out.append(case)

    collect()
    return out


def disagreements(readings: ReadingSet, cases: list[CaseRecord]) -> list[str]:
    """Each case on which the function and the tool (either engine) differ, described."""
    offset = readings.common.default_offset
    found = []
    for case in cases:
        mine = russia_by_hand(case, offset)
        for engine in ("durable", "reference"):
            o = evaluate_case(case, readings, only=["russia"], engine=engine).readings["russia"]
            tool = (o.status, o.point8, o.release, tuple(o.flags), tuple(o.unknown))
            if tool != mine:
                found.append(f"{case.id} ({engine}): tool {tool} != by hand {mine}")
    return found


def per_case(run: Callable[[CaseRecord], object], cases: list[CaseRecord], rounds: int) -> float:
    """Microseconds per call of ``run``, best of ``rounds`` passes over ``cases``."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for case in cases:
            run(case)
        best = min(best, time.process_time() - start)
    return best / len(cases) * 1e6


def _tool(readings: ReadingSet, engine: EngineChoice, only: list[str] | None,
          case: CaseRecord) -> object:
    return evaluate_case(case, readings, only=only, engine=engine)


def main() -> None:
    """Check the function against the tool, then time both and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=int, nargs="?", default=3000,
                        help="generated cases (default 3000)")
    parser.add_argument("rounds", type=int, nargs="?", default=3,
                        help="passes timed, best taken (default 3)")
    args = parser.parse_args()
    count, rounds = args.cases, args.rounds
    readings = load_readings()
    offset = readings.common.default_offset
    cases = generated_cases(readings, count)
    wrong = disagreements(readings, cases)
    if wrong:
        print(f"the hand-written function disagrees with the tool on {len(wrong)} evaluations:")
        print("\n".join(wrong[:20]))
        sys.exit(1)
    print(f"hand-written russia agrees with the tool (both engines) on {len(cases)} generated "
          "cases")
    n = len(readings.readings)
    hand = per_case(lambda c: russia_by_hand(c, offset), cases, rounds)
    bare = per_case(lambda c: russia_by_hand(c, offset, minimise=False), cases, rounds)
    print(f"by hand, russia: {hand:.1f} us/case ({bare:.1f} without cutting the open facts to "
          "those that change an answer; the ratios below are against the full function)")
    engines: tuple[EngineChoice, ...] = ("durable", "reference")
    for engine in engines:
        if engine_to_use(engine) != engine:
            print(f"{engine}: unavailable on this interpreter")
            continue
        one = per_case(functools.partial(_tool, readings, engine, ["russia"]), cases, rounds)
        every = per_case(functools.partial(_tool, readings, engine, None), cases, rounds)
        print(f"{engine}: russia only {one:.1f} us/case = {one / hand:.1f}x by hand; "
              f"all {n} readings {every:.1f} us/case = {every / n:.1f} us/reading = "
              f"{every / n / hand:.1f}x by hand per reading")


if __name__ == "__main__":
    main()
