"""The only module that imports :mod:`yaml`: safe loading with positions kept.

Documents are loaded with a :class:`yaml.SafeLoader` subclass that builds plain Python values
(dicts, lists, strings, numbers, booleans, None), keeps dates and times as the strings the author
wrote, rejects duplicate keys and every tag that would construct an object, and records where each
value and each mapping key stands so that later validation errors can name ``file:line:col``.
JSON is a subset of YAML 1.2 for our purposes and is read by the same loader, so case files in
JSON get positions too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from engine.base.errors import InputError, Problem, SourceSpan

#: Largest input accepted, in bytes: case files are small; a larger file is a mistake or an attack.
MAX_BYTES = 5 * 1024 * 1024
#: Largest number of YAML nodes in one input (guards against alias "billion laughs" expansion).
MAX_NODES = 200_000

Loc = tuple[str | int, ...]


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


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps, so dates stay the strings the author wrote."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq")
)


def _span(source: str, node: yaml.Node) -> SourceSpan:
    return SourceSpan(source, node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain values, collecting positions and problems."""

    def __init__(self, loader: _Loader, source: str) -> None:
        self.loader = loader
        self.source = source
        self.values: dict[Loc, SourceSpan] = {}
        self.keys: dict[Loc, SourceSpan] = {}
        self.count = 0

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise InputError([Problem(f"document too large: more than {MAX_NODES} values",
                                      _span(self.source, node))])
        self.values[loc] = _span(self.source, node)
        if node.tag not in _PLAIN_TAGS:
            raise InputError([Problem(
                f"YAML tag '{node.tag}' is not allowed: case and rule files hold plain data only"
                " (the tag was not executed)", _span(self.source, node))])
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        self.loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                # Keys such as `8:` or `true:` arrive as int/bool; field names are strings.
                key = str(key).lower() if isinstance(key, bool) else str(key)
            if key in out:
                raise InputError([Problem(
                    f"duplicate key '{key}' (first at line {self.keys[(*loc, key)].line})",
                    _span(self.source, key_node))])
            self.keys[(*loc, key)] = _span(self.source, key_node)
            out[key] = self.build(value_node, (*loc, key))
        return out


def load_documents(text: str, source: str) -> list[Document]:
    """Parse every YAML (or JSON) document in ``text``.

    Args:
        text: the file's content.
        source: the name to report in positions (a path, or ``<stdin>``).

    Raises:
        InputError: malformed YAML/JSON, an object-building tag, duplicate keys, or a document
            larger than the limits.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise InputError([Problem(f"file too large: over {MAX_BYTES // (1024 * 1024)} MiB",
                                  SourceSpan(source))])
    loader = _Loader(text)
    docs: list[Document] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            builder = _Builder(loader, source)
            data = builder.build(node, ())
            docs.append(Document(data, source, builder.values, builder.keys))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = SourceSpan(source, mark.line + 1, mark.column + 1) if mark else SourceSpan(source)
        what = exc.problem or exc.context or "malformed YAML"
        raise InputError([Problem(f"malformed YAML/JSON: {what}", span)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(f"malformed YAML/JSON: {exc}", SourceSpan(source))]) from None
    finally:
        loader.dispose()
    return docs


def dump_yaml(data: Any) -> str:
    """Plain data as block YAML, keys in the given order (for example case files)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
