"""Layer 0, the base: what every stage shares and nothing stage-specific.

Owns the error hierarchy (:mod:`.errors`: every problem a user can cause, located at
``file:line:col``), the YAML reader that keeps positions (:mod:`.yamlio`, the only module that
imports PyYAML), the vocabulary of questions and answers (:mod:`.vocabulary`) that case files,
reading files and outcomes all speak, the read-only containers of everything returned or shared
(:mod:`.frozen`), walks over graphs of rules that keep their own stack (:mod:`.graphs`), and
work spread over processes with results in input order (:mod:`.pool`).

May import: the standard library, pydantic and PyYAML only; nothing else of ``engine``.
"""
