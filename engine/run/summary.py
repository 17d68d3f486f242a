"""A reading's answers in plain words: the ``summary`` of an outcome, for readers who know no ids.

Built from data only: the reading's holder (``held_by``), a phrase per answer of each question
(the tables below), the tests of the shortest deciding rule of each answer in words (what the
case is, for that rule to fire) and the source and date of each deciding rule's first citation,
with second-hand, unverified and inferred sources marked in words. It names no rule id, no fact
path and no person ("the detainee"), and says what the reading holds, never whether it is right.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.base.vocabulary import QUESTIONS, Question
from engine.cases.facts import FactValue
from engine.readings.model import Reading, Rule, Test
from engine.run.outcome import Cite, Outcome

#: A phrase per firm answer of each question, completing "the detainee ...".
ANSWER_PHRASES: Mapping[Question, Mapping[str, str]] = {
    "status": {
        "prisoner_of_war": "is a prisoner of war",
        "civilian_detainee": "is a civilian held by the other side",
        "criminal_detainee": "is held under the detaining state's criminal law, not as a prisoner "
                             "of war",
        "unprivileged_combatant": "is a fighter without the right to prisoner-of-war status",
        "not_prisoner_of_war": "is not a prisoner of war",
    },
    "point8": {
        "covered": "point 8 of the ceasefire statement covers the detainee's return",
        "not_covered": "point 8 of the ceasefire statement does not cover the detainee",
    },
    "release": {
        "without_delay": "release is owed without delay",
        "after_proceedings": "release is owed once the criminal proceedings or sentence end",
        "discretionary": "any release is a gesture or part of an exchange, not an obligation",
    },
}

#: What each question asks, for an open or unaddressed answer.
QUESTION_WORDS: Mapping[Question, str] = {
    "status": "the detainee's status",
    "point8": "whether point 8 of the ceasefire statement covers the detainee",
    "release": "when release is owed",
}

#: Each case fact as a question a reader can follow, for the facts an answer turns on.
FACT_WORDS: Mapping[str, str] = {
    "detaining_party": "which state holds the detainee",
    "detainee.nationality": "the detainee's nationality",
    "detainee.side": "which side the detainee belongs to",
    "detainee.adverse": "whether the detainee belongs to the other side",
    "detainee.affiliation": "what force, if any, the detainee belonged to",
    "capture.time": "when the detainee was captured",
    "capture.circumstances": "how the detainee was captured",
    "capture.territory": "the territory where the detainee was captured",
    "entry.time": "when the detainee entered the area of capture",
    "proceedings.stage": "whether the detainee is prosecuted",
    "proceedings.charges": "what the detainee is charged with",
}

_AFFILIATION = {"armed_forces": "a member of the armed forces",
                "local_defence_forces": "a member of local defence forces",
                "volunteer": "a volunteer", "foreign_fighter": "a foreign fighter",
                "civilian": "a civilian"}
_STAGE = {"none": "is not prosecuted", "pending": "faces criminal charges",
          "convicted": "has been convicted", "acquitted": "has been acquitted"}
_CHARGES = {"terrorism": "terrorism", "illegal_border_crossing": "illegal border crossing",
            "illegal_arms": "illegal arms", "illegal_armed_group": "an illegal armed group",
            "mercenarism": "mercenarism", "espionage": "espionage", "murder": "murder",
            "torture": "torture", "war_crime": "war crimes", "other": "other offences"}
_PARTIES = {"AM": "Armenia", "AZ": "Azerbaijan", "RU": "Russia"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_MARKS = {"second_hand": "as reported", "unverified": "unverified", "inference": "by inference"}
#: Facts every rule tests to know who is on which side: true of every case a reading answers.
_FRAMING = frozenset({"detainee.adverse", "detainee.nationality"})


def date_words(date: str | None) -> str:
    """An ISO date (``2021-03-04``, ``2021-03`` or ``2021``) in words: ``4 March 2021``."""
    if not date:
        return "undated"
    parts = date.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def source_words(cite: Cite) -> str:
    """A citation as a reader sees it: the source's title and date, marked if not first-hand."""
    mark = _MARKS.get(cite.reliability)
    title = cite.title.strip()
    # A closing parenthesis holds the pinpoint or context, which the full explanation gives.
    if title.endswith(")") and " (" in title:
        title = title[:title.rindex(" (")]
    date = date_words(cite.date)
    text = title if title.endswith(date) else f"{title}, {date}"
    return text + (f", {mark}" if mark else "")


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _instant(test: Test) -> str:
    if test.label == "ceasefire":
        return "the ceasefire took effect"
    return date_words(test.label[:10]) if test.label[:4].isdigit() else "a set date"


def test_words(test: Test, facts: Mapping[str, FactValue]) -> str | None:
    """What ``test`` says of the detainee, in words (the case's own value where it is known),
    or None for the facts that only frame the case (who holds whom)."""
    value = facts.get(test.path)
    if test.path in _FRAMING:
        return None
    if test.path in ("capture.time", "entry.time"):
        verb = "was captured" if test.path == "capture.time" else "entered the area"
        return f"{verb} {test.op} {_instant(test)}"
    if test.path in ("detainee.side", "detaining_party"):
        names = _or([_PARTIES.get(str(v), str(v)) for v in test.operand])
        if test.op == "not_in":
            return f"is not held by {names}" if test.path == "detaining_party" else (
                f"does not belong to the side of {names}")
        return f"is held by {names}" if test.path == "detaining_party" else (
            f"belongs to the side of {names}")
    if test.path == "capture.territory":
        where = _or([_PARTIES.get(str(v), str(v)) for v in test.operand])
        return f"was captured on the territory of {where}"
    if test.path == "detainee.affiliation":
        if isinstance(value, str) and (test.op == "not_in") != (value in test.operand):
            return "is " + _AFFILIATION.get(value, value)
        return "is not " + _or([_AFFILIATION.get(str(v), str(v)) for v in test.operand])
    if test.path == "proceedings.stage":
        if isinstance(value, str):
            return _STAGE.get(value, value)
        return "is not prosecuted" if test.op == "not_in" else "faces criminal proceedings"
    if test.path == "proceedings.charges":
        charges = sorted(value) if isinstance(value, (tuple, frozenset, list, set)) else []
        if test.op == "only":
            words = [_CHARGES.get(str(v), str(v)) for v in charges] or [
                _CHARGES.get(str(v), str(v)) for v in test.operand]
            return "is charged only with " + (_and(words) if charges else _or(words))
        held = [_CHARGES.get(str(v), str(v)) for v in test.operand if v in charges]
        return "is charged with " + _and(held or [_CHARGES.get(str(v), str(v))
                                                  for v in test.operand])
    return None


def _because(rules: list[Rule], facts: Mapping[str, FactValue]) -> list[str]:
    out: list[str] = []
    for rule in rules:
        # A derived fact a rule needs ("prisoner_of_war") is said with its status phrase.
        out += [ANSWER_PHRASES["status"].get(n, "is " + n.replace("_", " ")) for n in rule.needs
                if ANSWER_PHRASES["status"].get(n, "is " + n.replace("_", " ")) not in out]
        for test in rule.tests:
            words = test_words(test, facts)
            if words and words not in out:
                out.append(words)
    if any(w.startswith("is charged") for w in out):  # the charges say it: no "faces charges"
        out = [w for w in out if w != _STAGE["pending"]]
    # Two bounds on one time read as one span: "captured after X and before Y".
    for verb in ("was captured ", "entered the area "):
        bounds = [w for w in out if w.startswith(verb)]
        if len(bounds) > 1:
            at = out.index(bounds[0])
            out = [w for w in out if w not in bounds]
            out.insert(at, verb + " and ".join(b.removeprefix(verb) for b in bounds))
    return out


def _holder(reading: Reading) -> str:
    name = reading.held_by
    return name if name[:4].lower() == "the " else "the " + name


def _turns(open_facts: list[str]) -> str:
    return _and([FACT_WORDS.get(f, "a fact of the case not given") for f in open_facts]
                or ["facts the case does not give"])


def _unsettled(outcome: Outcome) -> list[str]:
    """The sentences for the answers no rule gave: those the sources leave unaddressed, and
    those that turn on open facts (questions turning on the same facts said once)."""
    gaps = [QUESTION_WORDS[q] for q in QUESTIONS if getattr(outcome, q) == "not_addressed"]
    turns: dict[str, list[str]] = {}
    for q in QUESTIONS:
        if getattr(outcome, q) == "indeterminate":
            decision = outcome.decisions.get(q)
            facts = list(decision.unknown) if decision else list(outcome.unknown)
            turns.setdefault(_turns(facts), []).append(QUESTION_WORDS[q])
    out = [f"its sources do not address {_and(gaps)} in such a case"] if gaps else []
    out += [f"{_and(qs)} {'turns' if len(qs) == 1 else 'turn'} on {facts}"
            for facts, qs in turns.items()]
    return out


def _rules(outcome: Outcome, reading: Reading, question: Question) -> list[Rule]:
    decision = outcome.decisions.get(question)
    return [reading.rule(qid.removeprefix(f"{reading.id}.")) for qid in
            (decision.by if decision else ())]


def _firm(outcome: Outcome, reading: Reading, facts: Mapping[str, FactValue]) -> str:
    """The firm answers, each with its grounds; answers with the same grounds said together."""
    groups: list[tuple[list[str], list[str]]] = []
    for q in QUESTIONS:
        phrase = ANSWER_PHRASES[q].get(getattr(outcome, q))
        if phrase is None:
            continue
        # Each deciding rule suffices on its own: the grounds said are those of a rule whose first
        # source is first-hand where there is one, else of the shortest rule (the others, further
        # grounds, are cited and are in the full explanation).
        rules = sorted(_rules(outcome, reading, q),
                       key=lambda r: (bool(r.cites) and r.cites[0].reliability != "first_hand",
                                      len(_because([r], facts))))
        because = _because(rules[:1], facts) if rules else []
        if groups and groups[-1][1] == because:
            groups[-1][0].append(phrase)
        else:
            groups.append(([phrase], because))
    clauses = []
    for phrases, because in groups:
        said = phrases[0] if len(phrases) == 1 else (
            "; ".join(phrases[:-1]) + " and " + phrases[-1])
        clauses.append(said + (", because the detainee " + _and(because) if because else ""))
    text = "; ".join(clauses)
    return "the detainee " + text if text.startswith("is ") else text


def summarise(outcome: Outcome, reading: Reading, facts: Mapping[str, FactValue]) -> str:
    """One or two sentences saying what ``reading`` holds on the case and on what grounds."""
    # A source cited first-hand by one rule and by inference by another is said both ways.
    cites: dict[tuple[str, str], Cite] = {}
    steps = {s.rule: s for s in outcome.trace}
    for q in QUESTIONS:
        decision = outcome.decisions.get(q)
        for qid in decision.by if decision else ():
            step = steps.get(qid)
            if step and step.cites:
                first = step.cites[0]
                cites.setdefault((first.source, first.reliability), first)
    firm = _firm(outcome, reading, facts)
    rest = _unsettled(outcome)
    text = f"According to {_holder(reading)}, " + (firm or "; ".join(rest)) + "."
    if firm and rest:
        joined = "; ".join(rest)
        text += " " + joined[0].upper() + joined[1:] + "."
    if cites:
        text += " Sources: " + "; ".join(source_words(c) for c in cites.values()) + "."
    return text
