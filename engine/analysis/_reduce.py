"""The reduction of an "it depends" table: the fewest rows and columns that say the whole truth.

A decision-table reduction. A fact on which the answer never turns (the other facts held, every
value of it gives one answer) is dropped as a column; then rows that give one answer and differ in
one fact only are merged into one row whose cell holds both values, until no two rows merge. A
cell that holds every value of its fact reads ``any``. Each merged row keeps, in ``set``, the
values of one of the rows it stands for, so it can still be applied to the case and checked.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.analysis.comparison import DependsRow

ANY = "any"

_Cell = tuple[str, ...]  # the values a cell stands for, in the table's order


def _row_key(cells: dict[str, _Cell], skip: str) -> tuple[tuple[str, _Cell], ...]:
    return tuple((f, c) for f, c in cells.items() if f != skip)


def _turns(rows: Sequence[DependsRow], fact: str, facts: Sequence[str]) -> bool:
    """Whether two rows that differ in ``fact`` alone give different answers."""
    seen: dict[tuple[str, ...], str] = {}
    for row in rows:
        rest = tuple(row.values.get(f, "") for f in facts if f != fact)
        if seen.setdefault(rest, row.answer) != row.answer:
            return True
    return False


def reduce_rows(rows: Sequence[DependsRow], facts: Sequence[str],
                ) -> tuple[list[str], list[DependsRow]]:
    """The facts that remain as columns and the reduced rows (see the module's docstring)."""
    kept = [f for f in facts if _turns(rows, f, facts)]
    domain = {f: list(dict.fromkeys(r.values[f] for r in rows if f in r.values)) for f in kept}
    # Each working row: its cells, answer and the full rows it stands for (the first is its
    # representative).
    work: list[tuple[dict[str, _Cell], str, list[DependsRow]]] = []
    index: dict[tuple[tuple[str, _Cell], ...], int] = {}
    for row in rows:
        cells: dict[str, _Cell] = {f: (row.values[f],) for f in kept if f in row.values}
        key = (*_row_key(cells, ""), ("", (row.answer,)))
        if key in index:
            work[index[key]][2].append(row)
        else:
            index[key] = len(work)
            work.append((cells, row.answer, [row]))
    changed = True
    while changed:
        changed = False
        for fact in kept:
            groups: dict[tuple[object, ...], list[int]] = {}
            for n, (cells, answer, _) in enumerate(work):
                groups.setdefault((answer, _row_key(cells, fact)), []).append(n)
            merged: list[tuple[dict[str, _Cell], str, list[DependsRow]]] = []
            for group in groups.values():
                first_cells, answer, _ = work[group[0]]
                if len(group) > 1:
                    changed = True
                union = {v for n in group for v in work[n][0].get(fact, ())}
                cells = dict(first_cells)
                if fact in cells:
                    cells[fact] = tuple(v for v in domain[fact] if v in union)
                merged.append((cells, answer, [r for n in group for r in work[n][2]]))
            work = merged
    out = []
    for cells, answer, members in work:
        first = members[0]
        values = {f: (ANY if len(c) == len(domain[f]) and len(c) > 1 else ", or ".join(c))
                  for f, c in cells.items()}
        claimed = {f: tuple(dict.fromkeys(w for r in members for w in r.claimed_by.get(f, ())))
                   for f in cells}
        out.append(DependsRow(values=values, set=first.set, answer=answer,
                              claimed_by={f: list(w) for f, w in claimed.items() if w}))
    return kept, out
