"""Minimal edits of YAML text: append an item to a top-level list, set a top-level scalar.

Round-trip YAML libraries re-indent, re-quote and fold long Chinese lines; these functions
touch only the lines they add or the one value they replace, so comments, key order, quotes,
line endings and indentation of everything else stay byte-for-byte. Pure: text in, text out.
"""

from __future__ import annotations

import json
import re
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import yamlread

# Plain only when safe in block *and* flow context: no ':', '#', ',', brackets or braces.
_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}\n\r\t]*(?<!\s)$")
_YAML11_WORDS = {"yes", "no", "on", "off", "y", "n"}  # booleans to YAML 1.1 readers
_LINE_BREAKS = {"\u0085": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


class EditError(Exception):
    """The text cannot be edited without rewriting what the user wrote."""


def scalar(value: Any) -> str:
    """A YAML scalar for ``value`` that reads back as exactly ``value`` (text stays text)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    if (_PLAIN_SAFE.match(text) and text.isprintable() and _resolves_to_text(text)
            and text.lower() not in _YAML11_WORDS):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    for char, escape in _LINE_BREAKS.items():  # YAML breaks lines on these; JSON does not
        quoted = quoted.replace(char, escape)
    return quoted


def _resolves_to_text(text: str) -> bool:
    resolver = yamlread.Resolver()
    return resolver.resolve(ScalarNode, text, (True, False)) == yamlread.STR


def flow(value: Any) -> str:
    """A flow-style YAML value (``{a: 1, b: [x, y]}``) that reads back as ``value``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def _root(text: str) -> MappingNode:
    node, problem = yamlread.compose(text, "")
    if problem or not isinstance(node, MappingNode):
        raise EditError("the file is not a valid YAML mapping")
    return node


def _top_level(root: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    for k, v in root.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k, v
    return None


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _line_end(text: str, index: int) -> int:
    """Index just past the end of the line holding ``index``."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _last_index(node: Node, text: str) -> int:
    """Index of the last character that belongs to ``node`` in ``text``.

    Block scalars (``|``, ``>``) end, for the parser, after the blank lines that follow them;
    those blank lines belong to the layout, not to the value.
    """
    if isinstance(node, ScalarNode):
        start, end = node.start_mark.index, node.end_mark.index
        if node.style in ("|", ">"):
            return start + len(text[start:end].rstrip(" \t\r\n")) - 1
        return end - 1 if end > start else end
    if isinstance(node, SequenceNode):
        if node.flow_style or not node.value:
            return node.end_mark.index - 1
        return _last_index(node.value[-1], text)
    if isinstance(node, MappingNode):
        if node.flow_style or not node.value:
            return node.end_mark.index - 1
        return max(_last_index(node.value[-1][1], text), _last_index(node.value[-1][0], text))
    return node.end_mark.index - 1


def _sequence_indent(text: str, root: MappingNode) -> str:
    """How this file indents block lists under a key: '  - ' is the default."""
    for _, v in root.value:
        if isinstance(v, SequenceNode) and not v.flow_style and v.value:
            line_start = text.rfind("\n", 0, v.value[0].start_mark.index) + 1
            dash = text.index("-", line_start)
            return " " * (dash - line_start)
    return "  "


def block_item(item: dict[str, Any], dash_indent: str, newline: str) -> str:
    """``- key: value`` lines of one list item, nested mappings in flow style."""
    lines = []
    for n, (key, value) in enumerate(item.items()):
        prefix = f"{dash_indent}- " if n == 0 else f"{dash_indent}  "
        lines.append(f"{prefix}{key}: {flow(value)}")
    return newline.join(lines) + newline


def append_item(text: str, key: str, item: dict[str, Any]) -> str:
    """Append ``item`` to the top-level list ``key`` (creating it at the end if absent)."""
    root = _root(text)
    nl = _newline(text)
    found = _top_level(root, key)
    if found is None or (isinstance(found[1], ScalarNode) and found[1].value == ""):
        if found is not None:  # "visits:" with nothing after it
            at = _line_end(text, found[0].start_mark.index)
            return text[:at] + block_item(item, _sequence_indent(text, root), nl) + text[at:]
        body = text if text.endswith(("\n", "\r")) or not text else text + nl
        indent = _sequence_indent(text, root)
        return f"{body}{key}:{nl}{block_item(item, indent, nl)}"
    key_node, seq = found
    if not isinstance(seq, SequenceNode):
        raise EditError(f"'{key}' is not a list")
    if seq.flow_style:
        if seq.value:
            raise EditError(f"'{key}' is written as a flow list [...]; write it as a block list "
                            "('- ' lines) so kq can append to it without rewriting it")
        start, end = seq.start_mark.index, seq.end_mark.index
        indent = _sequence_indent(text, root)
        line_end = _line_end(text, end - 1)
        rest = text[end:line_end].rstrip("\r\n")
        comment = f" {rest.strip()}" if rest.strip().startswith("#") else ""
        return (text[:start].rstrip(" ") + comment + nl + block_item(item, indent, nl)
                + text[line_end:])
    last = seq.value[-1]
    line_start = text.rfind("\n", 0, last.start_mark.index) + 1
    dash = text.rfind("-", line_start, last.start_mark.index)
    dash_indent = text[line_start:dash] if dash >= line_start else ""
    if dash_indent.strip():
        raise EditError(f"cannot tell how '{key}' is indented")
    at = _line_end(text, _last_index(last, text))
    if isinstance(last, MappingNode) and last.flow_style:
        addition = f"{dash_indent}- {flow(item)}{nl}"
    else:
        addition = block_item(item, dash_indent, nl)
    before = text[:at]
    if not before.endswith("\n"):
        before += nl
    return before + addition + text[at:]


def set_scalar(text: str, key: str, value: Any) -> str:
    """Set the top-level ``key`` to a scalar, replacing only the old value (or adding a line)."""
    root = _root(text)
    found = _top_level(root, key)
    if found is None:
        nl = _newline(text)
        body = text if text.endswith(("\n", "\r")) or not text else text + nl
        return f"{body}{key}: {scalar(value)}{nl}"
    _, node = found
    if not isinstance(node, ScalarNode):
        raise EditError(f"'{key}' is not a single value")
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">"):
        raise EditError(f"'{key}' is a block of text; edit it by hand")
    return text[:start] + scalar(value) + text[end:]


def remove_key(text: str, key: str) -> str:
    """Delete a top-level key and its value (whole lines), leaving every other line alone."""
    root = _root(text)
    found = _top_level(root, key)
    if found is None:
        return text
    key_node, value = found
    start = text.rfind("\n", 0, key_node.start_mark.index) + 1
    end = _line_end(text, max(_last_index(value, text), key_node.end_mark.index))
    return text[:start] + text[end:]


def set_value(text: str, key: str, value: Any) -> str:
    """``set_scalar``, or ``remove_key`` when ``value`` is None."""
    return remove_key(text, key) if value is None else set_scalar(text, key, value)
