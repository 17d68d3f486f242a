"""The questions every reading answers and the answers each may take: one vocabulary.

Case files' ``expect`` blocks, reading files' conclusions and declarations, and outcomes all use
these names, so they are defined once, below every stage that speaks them.
"""

from __future__ import annotations

from typing import Literal

Question = Literal["status", "point8", "release"]
QUESTIONS: tuple[Question, ...] = ("status", "point8", "release")

# fmt: off
StatusAnswer = Literal["prisoner_of_war", "civilian_detainee", "criminal_detainee",
                       "unprivileged_combatant", "not_prisoner_of_war", "not_addressed",
                       "indeterminate"]
Point8Answer = Literal["covered", "not_covered", "not_addressed", "indeterminate"]
ReleaseAnswer = Literal["without_delay", "after_proceedings", "discretionary", "not_addressed",
                        "indeterminate"]
# fmt: on
