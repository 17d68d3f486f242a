"""The libyaml path of :mod:`engine.base.yamlio` loads exactly what the pure-Python loader loads.

Every bundled case and reading file, every error fixture and a set of hostile inputs go through
both loaders: the same data, the same position of every value and key, or the same error message
at the same position. A last test forces the pure loader as if libyaml were absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.base import yamlio
from engine.base.errors import InputError
from engine.cases.load import load_cases
from tests.conftest import ROOT

FILES = sorted([*ROOT.glob("cases/*.yaml"), *ROOT.glob("rules/*.yaml"),
                *ROOT.glob("tests/errors/cases/*"), *ROOT.glob("tests/errors/rules/*"),
                *ROOT.glob("tests/fixtures/**/*.yaml"), *ROOT.glob("tests/fixtures/**/*.json")])

HOSTILE = {
    "nested-150": "a: " + "[" * 150 + "]" * 150,
    "nested-2000": "[" * 2000 + "]" * 2000,
    "nested-mappings": "".join("  " * i + f"k{i}:\n" for i in range(120)),
    "alias-bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
        for p, c in zip("abcdef", "bcdefg", strict=True)),
    "alias-in-anchor": "a: &a [*a]\n",
    "undefined-alias": "a: *nowhere\n",
    "merge": "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n",
    "merge-list": "a: &a {k: 1}\nb: &b {k: 2, m: 2}\nc:\n  <<: [*a, *b]\n",
    "merge-scalar": "a: 1\nb:\n  <<: 3\n",
    "merge-twice": "a: &a {k: 1}\nb:\n  <<: *a\n  <<: *a\n",
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "tag": "a: !!python/object:os.system {}\n",
    "local-tag": "a: !thing 1\n",
    "control-escape": 'a: "x\\x01y"\n',
    "control-raw": "a: x\x01y\n",
    "nul": "a: b\x00\n",
    "surrogate-escape": 'a: "\\ud800"\n',
    "surrogate-raw": "a: b\ud800\n",
    "nonchar": 'a: "\\uffff"\n',
    "long-number": "a: " + "9" * 101 + "\n",
    "long-float": "a: 1." + "5" * 100 + "\n",
    "dates": "a: 2020-11-10\nb: 2020-11-10T01:00:00+04:00\n",
    "keys": "8: a\ntrue: b\nnull: c\n1.5: d\n",
    "key-mapping": "? {a: 1}\n: b\n",
    "wide": "a: \U0001f600\U0001f600 x\nb: [\u0531\u0532, \U0001f600, c]\n",
    "bom": "\ufeffa: 1\n",
    "crlf": "a: 1\r\nb:\r\n  - 2\r\n  - 3\r\n",
    "nel": "a: 1\x85b: 2\n",
    "tabs": "a:\t1\nb: {c:\t2}\n",
    "tab-in-quotes": 'a: "x\ty"\n',
    "flow-colons": "a: {b:c, d: e:f}\nb: [x:y, http://z]\n",
    "plain-colon": "a: b: c\n",
    "complex-key": "[a, b]: c\n",
    "hash": "a: b#c # d\n",
    "block-scalars": "a: |\n  x\n   y\nb: >-\n  p\n\n  q\n",
    "quoted-keys": "'a': 1\n\"b\": 2\n",
    "single-quote-escape": "a: 'it''s'\n",
    "escapes": 'a: "\\/ \\N \\_ \\L \\P \\e"\n',
    "octal-hex": "a: 0o17\nb: 0x1F\nc: 017\nd: 1_000\ne: 1:30\nf: .inf\ng: .nan\n",
    "booleans": "a: yes\nb: No\nc: on\nd: ~\n",
    "document-end": "a: 1\n...\n",
    "explicit-str-tag": "a: !!str 1\nb: !!int '2'\n",
    "leading-spaces-seq": "a:\n- 1\n- 2\n",
    "long-line": "a: " + "x" * 2000 + "\n",
    "multi": "a: 1\n---\nb: 2\n---\n",
    "empty": "",
    "comment-only": "# nothing\n",
    "bad-indent": "a:\n  b: 1\n c: 2\n",
    "unclosed": "a: [1, 2\n",
    "json": '{"id": "x", "list": [1, 2.5, true, null, "s"], "<<": {"k": 1}}',
    "json-exponent": '{"a": 1e5, "b": 1.5e+5, "c": -0}',
    "yaml-directive": "%YAML 1.2\n---\na: 1\n",
    "yaml-directive-2": "%YAML 2.0\n---\na: 1\n",
    "duplicate-anchor": "a: &x 1\nb: &x 2\nc: *x\n",
}


def _load(text: str, source: str, *, accelerated: bool) -> object:
    """What loading gives: each document's data and positions, or the error's problems."""
    try:
        docs = yamlio.load_documents(text, source, accelerated=accelerated)
    except InputError as exc:
        return ("error", [(p.message, p.span) for p in exc.problems])
    return [(d.data, d.values, d.keys) for d in docs]


def _same(text: str, source: str) -> None:
    assert _load(text, source, accelerated=True) == _load(text, source, accelerated=False)


@pytest.mark.skipif(not yamlio.ACCELERATED, reason="PyYAML here was built without libyaml")
@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_files_load_the_same_through_both(path: Path) -> None:
    _same(path.read_bytes().decode("utf-8", "surrogateescape"), str(path))


@pytest.mark.skipif(not yamlio.ACCELERATED, reason="PyYAML here was built without libyaml")
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_inputs_load_the_same_through_both(name: str) -> None:
    _same(HOSTILE[name], f"{name}.yaml")


def test_the_files_are_found() -> None:
    assert len(FILES) > 100


def test_without_libyaml_the_pure_loader_does_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on an interpreter whose PyYAML lacks libyaml: the bundled cases load, with positions."""
    monkeypatch.setattr(yamlio, "ACCELERATED", False)
    monkeypatch.setattr(yamlio, "_fast_documents", None)  # would fail if it were still called
    batch = load_cases([ROOT / "cases"])
    assert len(batch.cases) >= 10
    assert all((c.span.line or 0) >= 1 for c in batch.cases)
