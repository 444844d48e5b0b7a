"""Reading one YAML file while keeping the line of every key and item.

`read_yaml` returns a `YamlSource`: the plain Python data (dicts, lists,
scalars) handed to pydantic, and the composed node tree whose nodes keep
their start mark, so that an error at a pydantic location such as
("services", 0, "hours", "lundi", 1) can be reported with its line number.

Parsing uses PyYAML's libyaml loader when available (fast), with YAML 1.2
style scalars: "08:30" stays text (no sexagesimal numbers), only true/false
are booleans ("non", "no", "on" stay text), and an impossible date such as
2026-13-01 stays text so that the schema reports it with its line.
Duplicate keys, which YAML parsers silently merge, are rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import CommuneDataError, DataIssue

Loc = Sequence[Union[str, int]]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BOOL_TAG, _INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader with YAML 1.2 core scalars and lenient dates."""

    def construct_yaml_timestamp(self, node):  # noqa: D102 (PyYAML hook)
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _INT_TAG, _FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(_INT_TAG, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT_TAG, re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
                              list("-+0123456789."))
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


@dataclass(frozen=True)
class YamlSource:
    """A parsed YAML file: its name as shown to staff, its node tree and plain data."""

    display: str
    root: Node
    data: Any

    def node_at(self, loc: Loc) -> Any:
        """The plain value at `loc`, or None if the path does not exist."""
        value = self.data
        for part in loc:
            if part == "__root__":
                continue
            if isinstance(value, dict):
                key = next((k for k in value if str(k) == str(part)), _MISSING)
                if key is _MISSING:
                    return None
                value = value[key]
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                value = value[part]
            else:
                return None
        return value

    def line_of(self, loc: Loc) -> Optional[int]:
        """1-based line of the deepest existing node along `loc`.

        A scalar is located on its value; a list or a mapping on its key.
        """
        node, line = self.root, self.root.start_mark.line + 1
        for part in loc:
            if part == "__root__":
                continue
            if part == "__key__":
                break
            if isinstance(node, MappingNode):
                pair = next(((key, value) for key, value in node.value
                             if isinstance(key, ScalarNode) and key.value == str(part)), None)
                if pair is None:
                    break
                key, node = pair
                line = (node.start_mark if isinstance(node, ScalarNode) else key.start_mark).line + 1
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line


class _Missing:
    pass


_MISSING = _Missing()


def _duplicate_key(node: Node) -> Optional[ScalarNode]:
    """The first key repeated inside one mapping of the tree, if any."""
    if isinstance(node, MappingNode):
        seen = set()
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                if key.value in seen:
                    return key
                seen.add(key.value)
            found = _duplicate_key(value)
            if found is not None:
                return found
    elif isinstance(node, SequenceNode):
        for item in node.value:
            found = _duplicate_key(item)
            if found is not None:
                return found
    return None


def _plain_keys(value: Any) -> Any:
    """Turn keys that are neither text nor integers (dates, booleans...) into text."""
    if isinstance(value, dict):
        return {(k if isinstance(k, (str, int)) and not isinstance(k, bool) else str(k)): _plain_keys(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_keys(item) for item in value]
    return value


def read_yaml(path: Path, display: str) -> YamlSource:
    """Parse `path`; raise `CommuneDataError` (French, with the line) if it is not valid YAML."""
    def fail(line: Optional[int], message: str) -> CommuneDataError:
        return CommuneDataError([DataIssue(display, line, None, message)])

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise fail(None, "le fichier doit être enregistré en UTF-8") from None
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise fail(None, "le fichier est vide")
        duplicate = _duplicate_key(root)
        if duplicate is not None:
            raise fail(duplicate.start_mark.line + 1,
                       f"clé en double « {duplicate.value} » (chaque champ ne peut apparaître qu'une fois)")
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or ""
        raise fail(mark.line + 1 if mark is not None else None,
                   "syntaxe YAML invalide (vérifiez l'indentation, les deux-points et les guillemets)"
                   f" — détail : {detail}") from None
    except yaml.YAMLError as exc:
        raise fail(None, f"syntaxe YAML invalide — détail : {exc}") from None
    finally:
        loader.dispose()
    if not isinstance(root, MappingNode):
        raise fail(1, "le fichier doit commencer par des champs « nom: valeur »")
    return YamlSource(display=display, root=root, data=_plain_keys(data))
