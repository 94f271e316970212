"""Minimal edits of YAML text: append to a list, set a value, at the top level or nested.

Round-trip YAML libraries re-indent, re-quote and fold long Chinese lines; these functions
touch only the lines they add or the one value they replace, so comments, key order, quotes,
line endings and indentation of everything else stay byte-for-byte. Pure: text in, text out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
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


def _entry(mapping: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    """The (key, value) nodes of ``key`` in a mapping."""
    for k, v in mapping.value:
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


def _dash_indent(text: str, item: Node, shown: str) -> str:
    """The spaces before the ``-`` of a block list's item (what a new item must copy)."""
    line_start = text.rfind("\n", 0, item.start_mark.index) + 1
    dash = text.rfind("-", line_start, item.start_mark.index)
    indent = text[line_start:dash] if dash >= line_start else ""
    if indent.strip():
        raise EditError(f"cannot tell how '{shown}' is indented")
    return indent


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
    found = _entry(root, key)
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
    dash_indent = _dash_indent(text, last, key)
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
    found = _entry(root, key)
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


def top_level(text: str, key: str) -> tuple[ScalarNode, Node] | None:
    """The key and value nodes of a top-level ``key``, None when absent (EditError when the
    text is not a YAML mapping)."""
    return _entry(_root(text), key)


def key_span(text: str, key: str) -> tuple[int, int] | None:
    """Start and end index of the whole lines a top-level key and its value take."""
    found = top_level(text, key)
    if found is None:
        return None
    key_node, value = found
    start = text.rfind("\n", 0, key_node.start_mark.index) + 1
    return start, _line_end(text, max(_last_index(value, text), key_node.end_mark.index))


def line_after(text: str, node: Node) -> int:
    """Index just past the line on which ``node`` ends (a trailing comment included)."""
    return _line_end(text, _last_index(node, text))


def remove_key(text: str, key: str) -> str:
    """Delete a top-level key and its value (whole lines), leaving every other line alone."""
    span = key_span(text, key)
    return text if span is None else text[:span[0]] + text[span[1]:]


def set_value(text: str, key: str, value: Any) -> str:
    """``set_scalar``, or ``remove_key`` when ``value`` is None."""
    return remove_key(text, key) if value is None else set_scalar(text, key, value)


# Nested edits -------------------------------------------------------------------------------

PathPart = str | int
_INDENT_STEP = "  "


def set_in(text: str, path: Sequence[PathPart], value: Any) -> str:
    """Set the value at ``path`` (keys as str, list indexes as int), changing only that value.

    The last key's scalar value is replaced, or ``key: value`` is added at the end of its
    mapping; missing mappings on the way are created. Dicts and lists are written in flow
    style. The result is read back and must equal the old data with just this value set.
    """
    if not path or not isinstance(path[-1], str):
        raise EditError("the last part of the path must be a key")
    return _edited(text, path, value, append=False)


def append_in(text: str, path: Sequence[PathPart], value: Any) -> str:
    """Append ``value`` to the list at ``path``, creating the list if it is absent.

    A flow list ``[a, b]`` becomes ``[a, b, c]``; a block list gets a new ``- `` line in the
    style of its last item. The result is read back like ``set_in``'s.
    """
    if not path or not isinstance(path[-1], str):
        raise EditError("the last part of the path must be a key")
    return _edited(text, path, value, append=True)


def _edited(text: str, path: Sequence[PathPart], value: Any, append: bool) -> str:
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    before = _data(body)
    after = _edit(body, path, value, append)
    expected = _with(before, path, value, append)
    if _data(after) != expected:
        raise EditError(f"the edit of {_shown(path)} did not read back as intended; "
                        "nothing was changed (please report this)")
    return bom + after


def _data(text: str) -> Any:
    node, problem = yamlread.compose(text, "")
    if problem or not isinstance(node, MappingNode):
        raise EditError("the file is not a valid YAML mapping")
    try:
        return yamlread.Builder(len(text)).build(node)
    except (yamlread.YamlProblem, RecursionError):
        raise EditError("the file is not valid YAML for kq (kq check)") from None


def _with(data: Any, path: Sequence[PathPart], value: Any, append: bool) -> Any:
    """What the data should read as after the edit (a copy; ``data`` is not changed)."""
    import copy

    result = copy.deepcopy(data)
    current = result
    for part in path[:-1]:
        if isinstance(part, int):
            current = current[part]
        else:
            if current.get(part) is None:
                current[part] = {}
            current = current[part]
    key = path[-1]
    plain = _plain(value)
    if append:
        existing = current.get(key)
        current[key] = [*(existing or []), plain]
    else:
        current[key] = plain
    return result


def _plain(value: Any) -> Any:
    """``value`` as the reader builds it (dates stay dates, tuples become lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _shown(path: Sequence[PathPart]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _edit(text: str, path: Sequence[PathPart], value: Any, append: bool) -> str:
    nl = _newline(text)
    root = _root(text)
    node: Node = root
    for n, part in enumerate(path[:-1]):
        if isinstance(part, int):
            if not isinstance(node, SequenceNode):
                raise EditError(f"'{_shown(path[:n])}' is not a list")
            if not -len(node.value) <= part < len(node.value):
                raise EditError(f"'{_shown(path[:n])}' has no item {part + 1}")
            node = node.value[part]
            continue
        if not isinstance(node, MappingNode):
            raise EditError(f"'{_shown(path[:n])}' is not a mapping")
        found = _entry(node, part)
        if found is None or _is_empty(found[1]):
            return _add(text, node, found, path[n:], value, append, nl, node is root)
        node = found[1]
    if not isinstance(node, MappingNode):
        raise EditError(f"'{_shown(path[:-1])}' is not a mapping")
    key = path[-1]
    found = _entry(node, key)
    if found is None or _is_empty(found[1]):
        return _add(text, node, found, [key], value, append, nl, node is root)
    target = found[1]
    if append:
        return _append_to(text, target, value, _shown(path), nl)
    return _replace(text, target, value, _shown(path))


def _is_empty(node: Node) -> bool:
    """``key:`` with nothing after it (a plain null the user left to fill in)."""
    return isinstance(node, ScalarNode) and not node.style and node.value == ""


def _replace(text: str, node: Node, value: Any, shown: str) -> str:
    if isinstance(node, ScalarNode):
        if node.style in ("|", ">"):
            raise EditError(f"'{shown}' is a block of text; edit it by hand")
    elif not node.flow_style:
        raise EditError(f"'{shown}' is not a single value")
    return text[:node.start_mark.index] + flow(value) + text[node.end_mark.index:]


def _leaf(key: str, value: Any, append: bool, indent: str, nl: str) -> str:
    """Block lines ``key: value`` (or a new list holding ``value``) at ``indent``."""
    if append and isinstance(value, dict):
        return f"{indent}{scalar(key)}:{nl}{block_item(value, indent + _INDENT_STEP, nl)}"
    shown = flow([value]) if append else flow(value)
    return f"{indent}{scalar(key)}: {shown}{nl}"


def _nested(keys: Sequence[PathPart], value: Any, append: bool, indent: str, nl: str) -> str:
    """Block lines creating the mappings ``keys[:-1]`` and setting ``keys[-1]`` inside them."""
    if any(isinstance(k, int) for k in keys):
        raise EditError(f"'{_shown(keys)}' needs a list item that does not exist")
    lines = ""
    for key in keys[:-1]:
        lines += f"{indent}{scalar(key)}:{nl}"
        indent += _INDENT_STEP
    return lines + _leaf(str(keys[-1]), value, append, indent, nl)


def _flow_value(keys: Sequence[PathPart], value: Any, append: bool) -> str:
    if any(isinstance(k, int) for k in keys):
        raise EditError(f"'{_shown(keys)}' needs a list item that does not exist")
    nested: Any = [value] if append else value
    for key in reversed(keys[1:]):
        nested = {key: nested}
    return flow(nested)


def _add(text: str, mapping: MappingNode, found: tuple[ScalarNode, Node] | None,
         keys: Sequence[PathPart], value: Any, append: bool, nl: str, is_root: bool) -> str:
    """Create ``keys[0]`` in ``mapping`` (or fill its empty value) and what lies below it."""
    if found is not None:  # "key:" with nothing after it
        key_node = found[0]
        if mapping.flow_style or (len(keys) == 1 and not (append and isinstance(value, dict))):
            colon = text.index(":", key_node.end_mark.index)
            rest = text[colon + 1:]
            if rest.lstrip(" \t").startswith(("\n", "\r")) or not rest.strip(" \t"):
                rest = rest.lstrip(" \t")
            return text[:colon + 1] + " " + _flow_value(keys, value, append) + rest
        at = _line_end(text, key_node.start_mark.index)
        indent = " " * key_node.start_mark.column + _INDENT_STEP
        lines = (_nested(keys[1:], value, append, indent, nl) if len(keys) > 1
                 else block_item(value, indent, nl))  # a new block list of mappings
        return _insert_lines(text, at, lines, nl)
    if mapping.flow_style:
        pair = f"{scalar(str(keys[0]))}: {_flow_value(keys, value, append)}"
        if mapping.value:
            at = _last_index(mapping.value[-1][1], text) + 1
            return text[:at] + ", " + pair + text[at:]
        at = mapping.start_mark.index + 1  # just inside the "{"
        return text[:at] + pair + text[at:]
    if not mapping.value:
        raise EditError("cannot tell where to add to an empty mapping")
    indent = " " * mapping.value[0][0].start_mark.column
    at = len(text) if is_root else _line_end(text, _last_index(mapping, text))
    return _insert_lines(text, at, _nested(keys, value, append, indent, nl), nl)


def _insert_lines(text: str, at: int, lines: str, nl: str) -> str:
    """``lines`` inserted at ``at``, the start of a line (a missing final newline is added)."""
    before = text[:at]
    if before and not before.endswith(("\n", "\r")):
        before += nl
    return before + lines + text[at:]


def _append_to(text: str, seq: Node, value: Any, shown: str, nl: str) -> str:
    if not isinstance(seq, SequenceNode):
        raise EditError(f"'{shown}' is not a list")
    if seq.flow_style:
        if seq.value:
            at = _last_index(seq.value[-1], text) + 1
            return text[:at] + ", " + flow(value) + text[at:]
        at = seq.start_mark.index + 1  # just inside the "["
        return text[:at] + flow(value) + text[at:]
    last = seq.value[-1]
    dash_indent = _dash_indent(text, last, shown)
    if isinstance(value, dict) and not (isinstance(last, MappingNode) and last.flow_style):
        addition = block_item(value, dash_indent, nl)
    else:
        addition = f"{dash_indent}- {flow(value)}{nl}"
    return _insert_lines(text, _line_end(text, _last_index(last, text)), addition, nl)
