"""The rules of the project's legal brief (section 6.3 to 6.6) that reading rules implement.

Reading files say which brief rule each of their rules (or declared gaps) implements, and why a
brief rule is implemented by none (``implements`` and ``not_implemented``, see
``docs/rules-format.md``). The compiler checks every id against this list, so a coverage table
(``legal-status readings --format markdown``) can name each brief rule and what became of it.
The one-line summaries are our own words, not the brief's.
"""

from __future__ import annotations

#: Brief rule id -> a one-line summary of what the brief's rule says.
BRIEF_RULES: dict[str, str] = {
    "A-R1": "Armenia: the armed conflict did not end at the ceasefire; IHL applies before and "
            "after",
    "A-R2": "Armenia: a serviceman of the Armenian side held by Azerbaijan is a prisoner of war",
    "A-R3": "Armenia: a civilian of the Armenian side held by Azerbaijan is a hostage or other "
            "detained person under point 8 (also called a prisoner of war)",
    "A-R4": "Armenia: point 8 covers anyone held in connection with the conflict, whatever the "
            "label; release is owed without preconditions",
    "A-R5": "Armenia: Azerbaijan's charges and convictions change nothing; contested as unlawful",
    "A-R6": "Armenia: entry after the signing at positions not to be left does not remove status",
    "A-R7": "Armenia as detaining party: a paid foreign fighter is not a prisoner of war and is "
            "outside point 8",
    "A-R8": "Armenia as detaining party: wartime captives returned all for all; post-war entrants "
            "prosecuted, released as goodwill",
    "B-R1": "Azerbaijan: a serviceman captured before the ceasefire is a prisoner of war, covered "
            "by point 8",
    "B-R2": "Azerbaijan: a person or unit sent after the signing is a criminal detainee outside "
            "point 8",
    "B-R3": "Azerbaijan: a person charged under the Criminal Code is a criminal detainee, lawfully "
            "detained",
    "B-R4": "Azerbaijan: a release is a humanitarian gesture, an exchange or a sentence served, "
            "not the discharge of point 8",
    "B-R5": "Azerbaijan: later border incidents are treated like B-R2",
    "B-R6": "Azerbaijan: investigated and found to have committed no crime: released",
    "B-R7": "Azerbaijan: its nationals held by Armenia are captives and hostages, to be returned "
            "all for all; 2023 servicemen released as goodwill",
    "C-R1": "Russia: a person held before the statement is covered by point 8, exchanged all for "
            "all",
    "C-R2": "Russia: a person captured after the ceasefire is outside point 8",
    "C-R3": "Russia: whatever point 8 requires, Russia's policy is all for all",
    "C-R4": "Russia: no stated classification of post-ceasefire captives under IHL",
    "D-R1": "IHL: both states are parties to the Conventions; an international armed conflict",
    "D-R2": "IHL: a member of a party's forces who falls into enemy power is a prisoner of war, "
            "whenever captured",
    "D-R3": "IHL: if status is in doubt, presumed prisoner of war until a competent tribunal "
            "decides",
    "D-R4": "IHL: charges for lawful participation in hostilities are barred by combatant "
            "immunity",
    "D-R5": "IHL: a prisoner of war charged with an indictable offence keeps the Convention's "
            "benefits",
    "D-R6": "IHL: prisoners of war released without delay after the cessation of active "
            "hostilities, unless held for proceedings or a sentence",
    "D-R7": "IHL: a civilian held by the adverse party is a protected person; internment ends with "
            "its reasons; possible hostage-taking",
    "D-R8": "IHL: a paid foreign fighter meeting the mercenary criteria is unprivileged",
    "D-R9": "IHL: failing to distinguish oneself may forfeit prisoner-of-war status",
}
