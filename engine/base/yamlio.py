"""The only module that imports :mod:`yaml`: safe loading with positions kept.

Documents are loaded with a :class:`yaml.SafeLoader` subclass that builds plain Python values
(dicts, lists, strings, numbers, booleans, None), keeps dates and times as the strings the author
wrote, rejects duplicate keys and every tag that would construct an object, and records where each
value and each mapping key stands so that later validation errors can name ``file:line:col``.
JSON is a subset of YAML 1.2 for our purposes and is read by the same loader, so case files in
JSON get positions too.

Where PyYAML was built with libyaml, documents are first parsed and composed in C (about four
times faster); text holding a tab (which libyaml accepts in more places) and every input the C
path does not load cleanly are loaded by the pure-Python loader, whose error (message, position,
limits) is the one reported, so both paths accept the same inputs with the same data, positions
and errors (``tests/unit/test_yaml_loaders.py``).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from engine.base.errors import QUOTE_CHARS, InputError, Problem, SourceSpan, quote

#: Largest input accepted, in bytes: case files are small; a larger file is a mistake or an attack.
MAX_BYTES = 5 * 1024 * 1024
#: Largest number of YAML values in one input, counting every expansion of an alias wherever it
#: expands (guards against "billion laughs" expansion, in values, keys and merges alike).
MAX_NODES = 200_000
#: Deepest nesting of mappings and lists (and of alias and merge chains): case files nest a few
#: levels, and a deeper input would exhaust Python's stack in the parser.
MAX_DEPTH = 100
#: Longest number literal, in characters: Python refuses integers of more than 4,300 digits, and
#: no field needs more than a handful.
MAX_NUMBER_CHARS = 100

Loc = tuple[str | int, ...]

_YAML = "tag:yaml.org,2002:"
_MERGE = _YAML + "merge"
_STR = _YAML + "str"
_NUMBERS = frozenset((_YAML + "int", _YAML + "float"))
_PLAIN_TAGS = frozenset(_YAML + t for t in ("str", "int", "float", "bool", "null", "map", "seq"))
#: Characters refused in text, even when written as escapes: controls other than tab and line
#: breaks, lone surrogates (which no output encoding can hold), and the two non-characters.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff"
                      "\ufffe\uffff]")


@dataclass(frozen=True)
class Document:
    """A loaded YAML/JSON document with the position of every value and key."""

    data: Any
    source: str
    values: dict[Loc, SourceSpan] = field(default_factory=dict)
    keys: dict[Loc, SourceSpan] = field(default_factory=dict)

    def span(self, loc: Loc, *, key: bool = False) -> SourceSpan:
        """Return the position of ``loc`` (its key if ``key``), or of its nearest located parent."""
        table = self.keys if key else self.values
        probe = tuple(loc)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), SourceSpan(self.source, 1, 1))


def _span(source: str, node: yaml.Node | yaml.Event) -> SourceSpan:
    mark = node.start_mark
    return SourceSpan(source, mark.line + 1, mark.column + 1) if mark else SourceSpan(source, 1, 1)


def refused_character(text: str) -> str | None:
    """Describe the first character of ``text`` that no input may hold, or None."""
    match = _REFUSED.search(text)
    if match is None:
        return None
    code = ord(match[0])
    what = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"{what} (U+{code:04X}) is not allowed in text"


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps (dates stay the strings the author wrote), whose
    composer stops at :data:`MAX_DEPTH` instead of exhausting the stack."""

    def __init__(self, text: str, source: str) -> None:
        super().__init__(text)
        self.source = source
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose one node, refusing nesting deeper than :data:`MAX_DEPTH`."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise InputError([Problem(f"nested deeper than {MAX_DEPTH} levels",
                                          _span(self.source, self.peek_event()), "too_deep")])  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_CParser: Any
try:
    _CParser = importlib.import_module("yaml.cyaml").CParser
except (ImportError, AttributeError):  # PyYAML built without libyaml: the pure loader does all
    _CParser = None


class _CLoader(_CParser or yaml.SafeLoader,  # type: ignore[misc]  # a base known at run time
               yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """libyaml's parser and composer with the same constructor and resolvers as :class:`_Loader`
    (no implicit timestamps). Its composer has no depth cap of ours (libyaml stops at 1,000
    levels): the builder's cap, and the fall-back to the pure loader on any failure, keep the
    limits and messages those of :class:`_Loader`."""

    def __init__(self, text: str, source: str) -> None:
        _CParser.__init__(self, text)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.source = source


_CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
#: Whether libyaml is used (PyYAML built without it has no ``CParser``).
ACCELERATED = _CParser is not None


class _Builder:
    """Turns a composed node tree into plain values, collecting positions and problems.

    Aliases are walked where they expand, so each expansion counts against :data:`MAX_NODES`
    and :data:`MAX_DEPTH` (an alias inside its own anchor ends at the depth cap).
    """

    def __init__(self, loader: _Loader | _CLoader, source: str) -> None:
        self.loader = loader
        self.source = source
        self.values: dict[Loc, SourceSpan] = {}
        self.keys: dict[Loc, SourceSpan] = {}
        self.count = 0
        self.depth = 0

    def _fail(self, message: str, node: yaml.Node, code: str) -> InputError:
        return InputError([Problem(message, _span(self.source, node), code)])

    def _enter(self, node: yaml.Node) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._fail(f"document too large: more than {MAX_NODES} values", node,
                             "document_too_large")
        if self.depth > MAX_DEPTH:
            raise self._fail(f"nested deeper than {MAX_DEPTH} levels (through aliases)", node,
                             "too_deep")
        if node.tag not in _PLAIN_TAGS:
            raise self._fail(
                f"YAML tag {quote(node.tag)} is not allowed: case and rule files hold plain data"
                " only (the tag was not executed)", node, "yaml_tag")

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self._enter(node)
        self.values[loc] = _span(self.source, node)
        self.depth += 1
        try:
            if isinstance(node, yaml.MappingNode):
                out: dict[str, Any] = {}
                self._merge(node, loc, out, explicit=True)
                return out
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            return self._scalar(node)
        finally:
            self.depth -= 1

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag in _NUMBERS and len(node.value) > MAX_NUMBER_CHARS:
            raise self._fail(f"number too long: {len(node.value)} characters, at most"
                             f" {MAX_NUMBER_CHARS}", node, "number_too_long")
        if node.tag == _STR:
            # What the constructor makes of a string scalar (its text), without its bookkeeping:
            # most values are strings, and rule files are read at every start.
            value = node.value
        else:
            try:
                value = self.loader.construct_object(node, deep=True)
            except (ValueError, OverflowError) as exc:
                raise self._fail(f"cannot read {quote(str(node.value))}: {exc}", node,
                                 "unreadable_value") from None
        if isinstance(value, str) and (refused := refused_character(value)):
            raise self._fail(f"{refused} (in {quote(value)})", node, "refused_character")
        return value

    def _key(self, node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self._fail("a mapping key must be a name, not a mapping or a list", node,
                             "complex_key")
        self._enter(node)
        key = self._scalar(node)
        if isinstance(key, str):
            return key
        # Keys such as `8:` or `true:` arrive as int/bool; field names are strings.
        return str(key).lower() if isinstance(key, bool) else str(key)

    def _merge(self, node: yaml.MappingNode, loc: Loc, out: dict[str, Any], *,
               explicit: bool) -> None:
        """Add the pairs of ``node`` to ``out``, its merged mappings (``<<: *base``) after.

        The YAML merge rule: a mapping's own keys override merged ones, and of several merged
        mappings (``<<: [*a, *b]``) the earlier wins. Keys already in ``out`` came from a mapping
        of higher precedence; only a key written twice in one mapping is an error.
        """
        own: dict[str, yaml.Node] = {}
        merges: list[yaml.MappingNode] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                if merges:
                    raise self._fail("duplicate key '<<' (merge each mapping once, or list them:"
                                     " <<: [*a, *b])", key_node,
                                     "duplicate_key")
                merges = self._merged(value_node)
                continue
            key = self._key(key_node)
            if key in own:
                first = _span(self.source, own[key])
                raise self._fail(f"duplicate key {quote(key)} (first at line {first.line})",
                                 key_node, "duplicate_key")
            own[key] = key_node
            if key in out and not explicit:
                continue
            self.keys[(*loc, key)] = _span(self.source, key_node)
            out[key] = self.build(value_node, (*loc, key))
        for merged in merges:
            self._enter(merged)
            self.depth += 1
            try:
                self._merge(merged, loc, out, explicit=False)
            finally:
                self.depth -= 1

    def _merged(self, node: yaml.Node) -> list[yaml.MappingNode]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        mappings = [item for item in items if isinstance(item, yaml.MappingNode)]
        if len(mappings) != len(items):
            raise self._fail("a merge key '<<' takes a mapping or a list of mappings", node,
                             "bad_merge")
        return mappings


def yaml_problem(exc: yaml.YAMLError, source: str,
                 locate: Callable[[int], tuple[int, int]]) -> Problem:
    """PyYAML's complaint as a located problem; ``locate`` gives the line and column of a
    character's index in the text (for a refused raw character, which has no mark)."""
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = locate(exc.position)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = refused_character(char) or f"character U+{ord(char):04X} is not allowed"
        return Problem(message, SourceSpan(source, line, column), "refused_character")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        span = SourceSpan(source, mark.line + 1, mark.column + 1) if mark else SourceSpan(source)
        what = exc.problem or exc.context or "malformed YAML"
        # PyYAML quotes what it found (an alias name, a tag): whole, it could be megabytes.
        what = what if len(what) <= 2 * QUOTE_CHARS else what[:2 * QUOTE_CHARS - 3] + "..."
        return Problem(f"malformed YAML/JSON: {what}", span, "malformed_yaml")
    return Problem(f"malformed YAML/JSON: {exc}", SourceSpan(source, 1, 1), "malformed_yaml")


def _text_locator(text: str) -> Callable[[int], tuple[int, int]]:
    def locate(pos: int) -> tuple[int, int]:
        return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1
    return locate


def _documents(loader: _Loader | _CLoader, source: str) -> list[Document]:
    """Every document the loader (either one) reads, built with the positions of its values."""
    docs: list[Document] = []
    while loader.check_node():
        node = loader.get_node()
        if node is None:
            continue
        builder = _Builder(loader, source)
        docs.append(Document(builder.build(node, ()), source, builder.values, builder.keys))
    return docs


def _fast_documents(text: str, source: str) -> list[Document] | None:
    """Every document of ``text`` loaded through libyaml, or None when that fails in any way
    (the pure loader then finds and reports the error)."""
    loader: _CLoader | None = None
    try:
        loader = _CLoader(text, source)
        return _documents(loader, source)
    except Exception:  # any failure is found again, and reported, by the pure loader
        return None
    finally:
        if loader is not None:
            loader.dispose()


def load_documents(text: str, source: str, *, accelerated: bool = True) -> list[Document]:
    """Parse every YAML (or JSON) document in ``text``.

    Args:
        text: the file's content.
        source: the name to report in positions (a path, or ``<stdin>``).
        accelerated: try libyaml first where PyYAML has it (same data, positions and errors;
            False forces the pure-Python loader).

    Raises:
        InputError: malformed YAML/JSON, an object-building tag, duplicate keys, a refused
            character, or a document beyond the limits (size, values, nesting, number length);
            always located, never another exception.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise InputError([Problem(f"file too large: over {MAX_BYTES // (1024 * 1024)} MiB",
                                  SourceSpan(source, 1, 1), "file_too_large")])
    # libyaml accepts tabs where PyYAML refuses them ("a:\t1"): text with a tab takes the pure
    # path, so both paths accept the same inputs.
    if accelerated and ACCELERATED and "\t" not in text:
        fast = _fast_documents(text, source)
        if fast is not None:
            return fast
    loader: _Loader | None = None
    try:
        # The reader checks every character as it is constructed, so this is inside the guard.
        loader = _Loader(text, source)
        docs = _documents(loader, source)
    except yaml.YAMLError as exc:
        raise InputError([yaml_problem(exc, source, _text_locator(text))]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return docs


def dump_yaml(data: Any) -> str:
    """Plain data as block YAML, keys in the given order (for example case files)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
