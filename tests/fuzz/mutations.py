"""Mutations of input files: byte-level damage and structural changes to the parsed data.

Every mutator takes a :class:`random.Random`, so the same code serves the bounded
hypothesis-driven run in the suite (hypothesis draws the ``Random``, derandomized) and the long
run of ``benchmarks/fuzz.py`` (seeded). The tokens inserted are the shapes that once ended a
batch with an internal error: NUL and control characters, lone surrogates, numbers past
Python's digit limit, deep nesting, aliases (in keys, cycles, merges), times at the ends of the
calendar, invalid UTF-8, huge values.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]

#: Byte strings inserted at random places.
TOKENS: tuple[bytes, ...] = (
    b"\x00", b"\x01", b"\x07", b"\x1b", b"\x7f", b"\x85", b"\xc2\x9f", b"\xff", b"\xfe\xff",
    b"\xed\xb2\x9c",  # a UTF-8-encoded lone surrogate: not UTF-8
    b'"\\udc1c"', b'"\\ud800x"', b'"\\x00"', b'"\\a"', b'"\\uffff"', b"\t", b"\r", b"\r\n",
    b"9" * 5000, b"-" + b"9" * 4400, b"0x" + b"f" * 200, b"1e999", b"-.inf", b".nan", b"1_000",
    b"0o777", b"1:20:30", b"[" * 600, b"{a: " * 300, b"- " * 300, b"&a [*a]", b"&m {b: *m}",
    b"*a", b"&a", b"<<: *a", b"<<: [*a, *a]", b"<<: 3", b"? [x, y]\n: 1", b"? {a: 1}\n: 2",
    b"!!python/object/apply:os.system [true]", b"!!binary aGk=", b"!!set {a}", b"!!omap [a: 1]",
    b"0001-01-01", b"9999-12-31", b"9999-12-31T23:59:59Z", b"0000-01-01", b"2020-02-30",
    b"2020-11-10T00:00:00+25:00", b"2020-11-10T24:00", b'"' + b"2" * 20000 + b'"',
    b"x" * 70000, b"---\n", b"...\n", b"%YAML 1.1\n", b"%TAG ! tag:x,2000:\n", b"{", b"}",
    b"[", b"]", b":", b": ", b"- ", b"\n", b"#", b"'", b'"', b"|", b">", b"~", b"null", b"true",
    b"no", b"AZ", b"AM", b"unknown", b"armed_forces", b"\xef\xbb\xbf",
)

#: Values put in place of parsed values by the structural mutations.
VALUES: tuple[Any, ...] = (
    None, True, False, 0, -1, 2**64, 10**200, 1.5, float("inf"), float("nan"), "", " ",
    "\udc1c", "\x00", "x" * 100_000, "0001-01-01", "9999-12-31", "2020", "2020-13",
    "2020-11-10T00:00+04:00", "AZ", "AM", "ZZ", "AZE", "unknown", "armed_forces", [], {},
    [None], {"from": "2020-12-01", "to": "2020-11-01"}, {"from": "0001-01-01"},
    [{"value": "AM", "asserted_by": "AM", "source": "s"}],
)


def _byte_mutation(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    kind = rnd.randrange(7)
    if kind == 0 and data:  # flip one bit
        at = min(at, len(data) - 1)
        return data[:at] + bytes([data[at] ^ (1 << rnd.randrange(8))]) + data[at + 1:]
    if kind == 1:  # insert a token
        return data[:at] + rnd.choice(TOKENS) + data[at:]
    if kind == 2:  # replace a token-sized span with a token
        return data[:at] + rnd.choice(TOKENS) + data[at + rnd.randrange(1, 12):]
    if kind == 3:  # truncate
        return data[:at]
    if kind == 4:  # delete a span
        return data[:at] + data[at + rnd.randrange(1, 40):]
    if kind == 5:  # duplicate a span
        end = min(len(data), at + rnd.randrange(1, 200))
        return data[:end] + data[at:end] + data[end:]
    lines = data.split(b"\n")  # swap two lines
    i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def _paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location in a tree of dicts and lists (iteratively: trees may be deep)."""
    out: list[tuple[Any, ...]] = []
    stack = [(data, here)]
    while stack:
        node, at = stack.pop()
        out.append(at)
        if isinstance(node, dict):
            stack += [(v, (*at, k)) for k, v in node.items()]
        elif isinstance(node, list):
            stack += [(v, (*at, i)) for i, v in enumerate(node)]
    return out


def _get(data: Any, at: tuple[Any, ...]) -> Any:
    for part in at:
        data = data[part]
    return data


def _structural(data: Any, rnd: random.Random) -> Any:
    """Change the parsed tree: swap a value's type, drop or add a key, wrap, nest, share."""
    at = rnd.choice(_paths(data))
    if not at:
        return rnd.choice([[data], {"case": data}, [data, data], data])
    parent, key = _get(data, at[:-1]), at[-1]
    kind = rnd.randrange(6)
    if kind == 0:
        parent[key] = rnd.choice(VALUES)
    elif kind == 1 and isinstance(parent, dict):
        del parent[key]
    elif kind == 1 and isinstance(parent, list):
        parent.pop(key)
    elif kind == 2 and isinstance(parent, dict):
        parent[rnd.choice(["extra", "id", "title", "notes", "expect", "claims", "zone"])] = (
            rnd.choice(VALUES))
    elif kind == 3:
        parent[key] = [parent[key]] if rnd.random() < 0.5 else {"value": parent[key]}
    elif kind == 4:
        nested: Any = parent[key]
        for _ in range(rnd.choice([5, 50, 150])):
            nested = [nested]
        parent[key] = nested
    else:
        parent[key] = str(parent[key]) if not isinstance(parent[key], str) else parent[key] * 3
    return data


def _dump(data: Any, rnd: random.Random) -> bytes:
    if rnd.random() < 0.3:
        return json.dumps(data, ensure_ascii=rnd.random() < 0.5, allow_nan=True).encode(
            "utf-8", "surrogatepass")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode(
        "utf-8", "surrogatepass")


def mutate(seed: bytes, rnd: random.Random, *, steps: int | None = None) -> bytes:
    """``seed`` after a few random mutations, structural (when it parses) or byte-level."""
    data = seed
    for _ in range(steps if steps is not None else rnd.choice([1, 1, 2, 3, 6])):
        # Not on inputs with aliases: the fuzzer's own walk of a shared tree would blow up.
        if rnd.random() < 0.35 and b"*" not in data and len(data) < 100_000:
            try:
                tree = yaml.safe_load(data)
            except (yaml.YAMLError, RecursionError, ValueError):
                tree = None
            if isinstance(tree, dict | list):
                try:
                    data = _dump(_structural(tree, rnd), rnd)
                    continue
                except (yaml.YAMLError, RecursionError, ValueError, TypeError):
                    pass
        data = _byte_mutation(data, rnd)
    return data


def seeds(*globs: str) -> list[Path]:
    """The seed files under the repository matching ``globs``, sorted."""
    return sorted({p for g in globs for p in ROOT.glob(g) if p.is_file()})


CASE_SEEDS = ("cases/*.yaml", "tests/errors/cases/*")
READING_SEEDS = ("rules/*.yaml", "examples/own-reading/rules/*.yaml")


COMMANDS = ("evaluate", "compare", "explain", "validate", "test", "readings", "schema", "check",
            "nosuch", "--version", "--help")


def choose_args(rnd: random.Random, paths: list[str],
                commands: tuple[str, ...] = COMMANDS) -> list[str]:
    """A random command line for ``legal-status``: a command and a mix of options, valid and
    not."""
    command = rnd.choice(commands)
    args = [command]
    options: list[Callable[[], list[str]]] = [
        lambda: [rnd.choice(paths)],
        lambda: ["--format", rnd.choice(["table", "json", "jsonl", "markdown", "text", "xml"])],
        lambda: ["--engine", rnd.choice(["durable", "reference", "rete"])],
        lambda: ["--reading", rnd.choice(["ihl", "armenia", "russia", "azerbaijan", "nope", ""])],
        lambda: ["--account", rnd.choice(["own", "uncontested", "AM", "AZ", "ICRC", "zz", ""])],
        lambda: ["--rules", rnd.choice([str(ROOT / "rules"), str(ROOT / "cases"), "/dev/null",
                                        str(ROOT / "examples/own-reading/rules"), "nowhere"])],
        lambda: ["--budget", rnd.choice(["1", "5", "0", "-1", "x", "99999999999"])],
        lambda: ["--case", rnd.choice(["x", "", "capture-at-ceasefire-instant"])],
        lambda: ["--examples", rnd.choice(["1", "3", "0", "100001"])],
        lambda: ["--seed", rnd.choice(["0", "7", "-3", "9" * 30, "x"])],
        lambda: ["--summary"],
        lambda: [rnd.choice(["-", "--", "--nope", "-x", "\udc1c", "\x00"])],
    ]
    for _ in range(rnd.randrange(5)):
        args += rnd.choice(options)()
    if rnd.random() < 0.8 and command in {"evaluate", "compare", "explain", "validate", "test"}:
        args.append(rnd.choice(paths))
    if command == "check" and "--examples" not in args:
        args += ["--examples", "2"]  # the invariant search is the slow part; keep it short
    return args
