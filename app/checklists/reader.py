"""The fast reader of a checklist file: PyYAML's C parser with a leaner constructor that
also notes every key given twice, run with the cyclic garbage collector paused.

Only the fast path lives here; when something is wrong, `locate` composes the node tree a
second time to say where (it is slow and only runs on a broken file).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml

try:  # the C loader is several times faster; fall back when libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_SCALARS = {f"tag:yaml.org,2002:{t}" for t in
                  ("null", "bool", "int", "float", "timestamp", "binary")}


class _NotPlain(Exception):
    """The document uses something the fast path leaves to PyYAML (merge keys, !!set...)."""


class _KeyCheckingLoader(_Loader):
    """The safe loader, noting every key given twice in one mapping (YAML keeps the last
    silently, so a second `weight:` would quietly win).

    It is also quicker than the stock loader on a rulebook, which is thousands of small
    mappings of plain scalars: each distinct scalar's tag is resolved once (not by regex on
    every occurrence), and plain maps, lists and scalars are built directly instead of
    through PyYAML's generator-based constructor. Anything else (merge keys `<<`, explicit
    collection tags, unknown tags) goes the stock way, so the result is always what
    `yaml.load(text, Loader=CSafeLoader)` gives, errors included.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[yaml.Node, yaml.Node]] = []  # (first, again)
        self._tags: dict[tuple[str, Any], str] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:  # the tag depends only on the text (no path resolvers)
            key = (value, implicit)
            tag = self._tags.get(key)
            if tag is None:
                # PyYAML's stubs leave the resolver unannotated (it returns the tag, a str)
                tag = self._tags[key] = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
            return tag
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call, no-any-return]

    def construct_document(self, node: yaml.Node) -> Any:
        try:
            return self._plain(node, {})
        except _NotPlain:
            self.duplicate_keys.clear()
            return super().construct_document(node)

    def _plain(self, node: yaml.Node, made: dict[int, Any]) -> Any:
        cls, tag = node.__class__, node.tag
        if cls is yaml.ScalarNode:
            if tag == _STR:
                return node.value
            if tag in _PLAIN_SCALARS:
                return self.yaml_constructors[tag](self, node)
            raise _NotPlain
        done = made.get(id(node))  # an alias: the same object, as PyYAML makes it
        if done is not None:
            return done
        if cls is yaml.MappingNode and tag == _MAP:
            out: dict[Any, Any] = {}
            made[id(node)] = out
            seen: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if key.__class__ is not yaml.ScalarNode or key.tag == _MERGE:
                    raise _NotPlain
                first = seen.setdefault(key.value, key)
                if first is not key:
                    self.duplicate_keys.append((first, key))
                out[self._plain(key, made)] = self._plain(value, made)
            return out
        if cls is yaml.SequenceNode and tag == _SEQ:
            seq: list[Any] = []
            made[id(node)] = seq
            seq.extend(self._plain(value, made) for value in node.value)
            return seq
        raise _NotPlain

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if len(node.value) > 1:
            seen: dict[str, yaml.Node] = {}
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE:
                    first = seen.setdefault(key.value, key)
                    if first is not key:
                        self.duplicate_keys.append((first, key))
        return super().construct_mapping(node, deep=deep)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building a large tree of dicts and lists makes the cyclic garbage collector run
    again and again over objects that are all still in use (a third of the load time of
    a big file). None of them form cycles: pause it while the file is read and leave
    what garbage there is to its next regular run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
