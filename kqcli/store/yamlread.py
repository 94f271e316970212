"""Reading YAML defensively, with the line and column of everything.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, expands aliases without
limit, raises from inside its constructor on an impossible date, and reads ``10:30`` as the
number 630 (YAML 1.1 sexagesimal). kq composes the node graph with libyaml and builds the Python
values itself, so each of these becomes a :class:`Problem` at the offending line.

Numbers follow YAML 1.2's core schema: ``10:30`` and ``0571888`` stay text, ``yes``/``no``
are text too (pydantic still reads them as booleans where a field is a boolean).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Text, _
from .problems import Problem

try:  # libyaml parses about ten times faster than the pure-Python parser
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - platforms without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (T + x for x in
                                          ("str", "int", "float", "bool", "null", "timestamp"))
MAP, SEQ, MERGE = T + "map", T + "seq", T + "merge"


class Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core-schema scalars, plus dates and merge keys."""


Resolver.add_implicit_resolver(BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                               list("tTfF"))
Resolver.add_implicit_resolver(
    INT, re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+)$"), list("-+0123456789"))
Resolver.add_implicit_resolver(
    FLOAT,
    re.compile(r"^(?:[-+]?(?:(?:0|[1-9][0-9_]*)\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?[0-9]+[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
Resolver.add_implicit_resolver(MERGE, re.compile(r"^(?:<<)$"), ["<"])
Resolver.add_implicit_resolver(NULL, re.compile(r"^(?:~|null|Null|NULL|)$"),
                               ["~", "n", "N", ""])
Resolver.add_implicit_resolver(
    TIMESTAMP,
    re.compile(r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
               r"(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"
               r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?)$"),
    list("0123456789"))


class _Loader(_Parser, Resolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Resolver.__init__(self)


_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2}))?")
_CONFLICT = re.compile(r"^<<<<<<< ", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")  # tab, CR, LF are text
_NODE_BUDGET = 10_000  # nodes an alias may add beyond the size of the text itself
MAX_NUMBER = 10**15  # no count, amount or day number kq keeps comes near; beyond is a typo
Path = tuple[Any, ...]


_DATE_REASONS = {str(text): text for text in (
    _("month must be in 1..12"), _("day is out of range for month"), _("hour must be in 0..23"),
    _("minute must be in 0..59"), _("second must be in 0..59"))}
"""Why Python's ``datetime`` refuses a date, as it says it in English, for the catalogue."""


_SYNTAX = {str(text): text for text in (
    _("found a tab character that violates indentation"),
    _("found a tab character where an indentation space is expected"),
    _("did not find expected ',' or ']'"), _("did not find expected ',' or '}'"),
    _("found unexpected end of stream"), _("mapping values are not allowed in this context"),
    _("did not find expected '-' indicator"), _("did not find expected key"),
    _("found undefined alias"), _("could not find expected ':'"),
    _("found character that cannot start any token"), _("found unknown escape character"),
    _("did not find expected <document start>"), _("but found another document"),
    _("found undefined tag handle"), _("found unknown directive name"),
    _("could not find expected directive name"),
    _("while scanning a plain scalar"), _("while scanning a quoted scalar"),
    _("while scanning a block scalar"), _("while scanning a simple key"),
    _("while scanning for the next token"), _("while scanning a directive"),
    _("while parsing a flow sequence"), _("while parsing a flow mapping"),
    _("while parsing a block collection"), _("while parsing a block mapping"),
    _("while parsing a quoted scalar"), _("while parsing a node"),
    _("expected a single document in the stream"))}
"""What libyaml says of a syntax error (its problem, and what it was doing), as it says it in
English, for the catalogue; a text not listed here is shown as libyaml wrote it."""


def _syntax(text: str | None) -> str | None:
    return _SYNTAX.get(text, text) if text else text


class YamlProblem(Exception):
    """What is wrong, at which node; ``path`` is filled in by the innermost value built."""

    def __init__(self, node: Node | None, message: str, path: tuple | None = None) -> None:
        super().__init__(message)
        self.node, self.message, self.path = node, message, path


class AliasBomb(YamlProblem):
    """Aliases expanded past the budget: reported at the top-level field that holds them."""


def _mark(node: Node | None) -> tuple[int, int]:
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def decode(data: bytes, path: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text of a file (a BOM is allowed), or a problem naming the first bad byte."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = _("; it looks like GBK/GB18030: re-save it as UTF-8")
        except UnicodeDecodeError:
            pass
        byte = data[e.start:e.start + 1].hex()
        return None, Problem(path, line, column, "", _("not UTF-8 text (byte 0x{byte}){hint}")
                             .format(byte=byte, hint=hint))


class Builder:
    """Turns a composed node graph into Python values, refusing what kq does not accept."""

    def __init__(self, text_length: int, positions: dict[Path, tuple] | None = None) -> None:
        self.budget = _NODE_BUDGET + text_length
        self.active: set[int] = set()
        self.positions = positions

    def build(self, node: Node, path: Path = ()) -> Any:
        try:
            return self._build(node, path)
        except YamlProblem as e:
            if e.path is None:  # the innermost place names the field
                e.path = path
            raise

    def _build(self, node: Node, path: Path) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise AliasBomb(node, _("aliases expand beyond a safe size (an alias bomb?); "
                                    "refusing to read this file"))
        if self.positions is not None:
            self.positions.setdefault(path, _mark(node))
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        key = id(node)
        if key in self.active:
            raise YamlProblem(node, _("an alias refers to a node that contains it (recursive)"))
        self.active.add(key)
        try:
            if isinstance(node, MappingNode):
                if node.tag != MAP:
                    raise YamlProblem(node, _("unsupported YAML tag {tag}").format(tag=node.tag))
                return self.mapping(node, path)
            if node.tag != SEQ:
                raise YamlProblem(node, _("unsupported YAML tag {tag}").format(tag=node.tag))
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.active.discard(key)

    def mapping(self, node: MappingNode, path: Path) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first: dict[Any, Node] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                merged.update(self._merge_source(value_node, (*path, "<<")))
                continue
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(key_node, _("a key must be plain text, not a list or mapping"),
                                  path=path)
            key = self.scalar(key_node)
            if isinstance(key, dt.date):
                key = key.isoformat()
            if key in first:
                line = first[key].start_mark.line + 1
                raise YamlProblem(key_node, _("duplicate key (first at line {line}); YAML would "
                                              "silently keep only the last one").format(line=line),
                                  path=(*path, key))
            first[key] = key_node
            if self.positions is not None:
                self.positions[(*path, key, "[key]")] = _mark(key_node)
            try:
                result[key] = self.build(value_node, (*path, key))
            except AliasBomb as e:
                if not path:  # name the top-level field, where the expansion is written
                    e.node, e.path = value_node, (key,)
                raise
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def _merge_source(self, node: Node, path: Path) -> dict[Any, Any]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in sources:
            if not isinstance(source, MappingNode):
                raise YamlProblem(source, _("'<<' merges only mappings"), path=path)
            for k, v in self.build(source, path[:-1]).items():
                merged.setdefault(k, v)
        return merged

    def scalar(self, node: ScalarNode) -> Any:
        try:
            return self._scalar(node)
        except ValueError:  # int() of a malformed or too long number
            raise YamlProblem(node, _("{value} is not a usable number").format(
                value=repr(node.value[:40]))) from None

    def _scalar(self, node: ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == STR:
            bad = _CONTROL.search(value)
            if bad:  # only a double-quoted escape gets here; it could drive the terminal
                raise YamlProblem(node, _("control character U+{code} in text (an escape in "
                                          "double quotes); delete it").format(
                    code=f"{ord(bad.group()):04X}"))
            return value
        if tag == INT:
            text = value.replace("_", "")
            number = int(text, 16) if text.lower().startswith("0x") else int(text)
            if abs(number) > MAX_NUMBER:
                raise YamlProblem(node, _("{value} is too large a number").format(
                    value=repr(value[:40])))
            return number
        if tag == NULL:
            return None
        if tag == BOOL:
            return value.lower() == "true"
        if tag == FLOAT:
            text = value.replace("_", "").lower()
            if text.endswith("inf") or text.endswith("nan"):
                raise YamlProblem(node, _("{value} is not a usable number").format(
                    value=repr(value)))
            number = float(text)
            if math.isinf(number) or abs(number) > MAX_NUMBER:
                raise YamlProblem(node, _("{value} is too large a number").format(
                    value=repr(value[:40])))
            return number
        if tag == TIMESTAMP:
            return self.timestamp(node)
        if tag == MERGE:
            return value
        raise YamlProblem(node, _("unsupported YAML tag {tag}; kq reads plain YAML only").format(
            tag=tag))

    @staticmethod
    def timestamp(node: ScalarNode) -> dt.date | dt.datetime:
        m = _TIMESTAMP.match(node.value)
        if m is None:
            raise YamlProblem(node, _("{value} is not a date").format(value=repr(node.value)))
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            if m.group(4) is None:
                return dt.date(year, month, day)
            return dt.datetime(year, month, day, int(m.group(4)), int(m.group(5)),
                               int(m.group(6)))
        except ValueError as e:
            raise YamlProblem(node, _("{value} is not a real date ({reason})").format(
                value=node.value, reason=_DATE_REASONS.get(str(e), str(e)))) from None


def compose(text: str, path: str) -> tuple[Node | None, Problem | None]:
    loader = _Loader(text)
    try:
        return loader.get_single_node(), None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem, context = _syntax(e.problem), _syntax(e.context)
        what = problem or context or _("not valid YAML")
        if context and problem:
            what = Text("{problem} ({context})", {"problem": problem, "context": context})
        return None, Problem(path, line, column, "", _("YAML syntax: {what}").format(what=what))
    except yaml.reader.ReaderError as e:  # libyaml counts UTF-8 bytes
        before = text.encode("utf-8", "surrogatepass")[:e.position].decode("utf-8", "ignore")
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        code = e.character if isinstance(e.character, int) else ord(e.character or "\0")
        return None, Problem(path, line, column, "",
                             _("control character U+{code} is not allowed in YAML; delete it")
                             .format(code=f"{code:04X}"))
    except yaml.YAMLError as e:
        return None, Problem(path, 1, 1, "", Text("YAML: {reason}", {"reason": str(e)}))
    except RecursionError:
        return None, Problem(path, 1, 1, "", _("nested too deeply"))
    finally:
        loader.dispose()


def load(data: bytes, path: str) -> tuple[Any, Problem | None]:
    """Parse one YAML document: ``(value, None)`` (``None`` when empty) or ``(None, problem)``."""
    text, problem = decode(data, path)
    if problem:
        return None, problem
    conflict = _CONFLICT.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        return None, Problem(path, line, 1, "", _("unresolved merge conflict: keep the right "
                                                  "version and delete the <<<<<<<, ======= and "
                                                  ">>>>>>> lines"))
    node, problem = compose(text, path)
    if problem:
        return None, problem
    if node is None:
        return None, None
    try:
        return Builder(len(text)).build(node), None
    except YamlProblem as e:
        line, column = _mark(e.node)
        field = _named_path(node, e.path or ())
        return None, Problem(path, line, column, field, e.message)
    except RecursionError:
        return None, Problem(path, 1, 1, "", _("nested too deeply"))


def _named_path(root: Node, path: tuple) -> str:
    """``contacts[0].birthday`` as ``contacts[王芳].birthday`` when the item has a name."""
    out, current = "", root
    for part in path:
        if isinstance(current, SequenceNode) and isinstance(part, int) \
                and part < len(current.value):
            current = current.value[part]
            out += f"[{_item_name(current) or part}]"
            continue
        current = next((v for k, v in current.value if isinstance(k, ScalarNode)
                        and k.value == str(part)), None) \
            if isinstance(current, MappingNode) else None
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def _item_name(node: Node) -> str | None:
    """The ``name:`` of a list item that is a mapping, if it has one."""
    if not isinstance(node, MappingNode):
        return None
    return next((v.value for k, v in node.value if isinstance(k, ScalarNode)
                 and k.value == "name" and isinstance(v, ScalarNode) and v.value), None)


def positions(data: bytes) -> dict[Path, tuple[int, int]]:
    """Line and column of every value (and of every key, under ``(*path, key, "[key]")``)."""
    text, _problem = decode(data, "")
    node, _problem = compose(text or "", "")
    found: dict[Path, tuple[int, int]] = {}
    if node is not None:
        try:
            Builder(len(text or ""), found).build(node)
        except (YamlProblem, RecursionError):
            pass
    return found
