"""Walks over the graphs that rules form (overrides, derivations), without recursion.

A reading may chain thousands of rules; a recursive walk would hit Python's recursion limit long
before memory or time run out, so every walk here keeps its own stack.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Hashable, Iterable, Iterator
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def postorder(roots: Iterable[N], successors: Callable[[N], Iterable[N]],
              done: Container[N] = frozenset()) -> Iterator[N]:
    """Every node reachable from ``roots``, each after all of its successors.

    Nodes in ``done`` (and their successors, unless reachable otherwise) are skipped: pass the
    memo being filled so that a node is yielded once it can be computed from its successors'
    entries. On a cycle, the node that closes it is not entered again (so an acyclic graph is
    assumed where the order matters).
    """
    seen: set[N] = set()
    for root in roots:
        if root in seen or root in done:
            continue
        seen.add(root)
        stack: list[tuple[N, Iterator[N]]] = [(root, iter(successors(root)))]
        while stack:
            node, todo = stack[-1]
            for nxt in todo:
                if nxt not in seen and nxt not in done:
                    seen.add(nxt)
                    stack.append((nxt, iter(successors(nxt))))
                    break
            else:
                stack.pop()
                yield node


def find_cycle(graph: dict[N, tuple[N, ...]]) -> list[N] | None:
    """One cycle in ``graph`` (node -> successors) as a path that ends where it starts, or None.

    Successors missing from ``graph`` count as nodes without successors.
    """
    state: dict[N, int] = {}  # 1: on the current path, 2: finished
    for root in graph:
        if root in state:
            continue
        path: list[N] = [root]
        state[root] = 1
        stack: list[Iterator[N]] = [iter(graph.get(root, ()))]
        while stack:
            for nxt in stack[-1]:
                mark = state.get(nxt)
                if mark == 1:
                    return [*path[path.index(nxt):], nxt]
                if mark is None:
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append(iter(graph.get(nxt, ())))
                    break
            else:
                stack.pop()
                state[path.pop()] = 2
    return None
