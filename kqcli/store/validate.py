"""From bytes of a customer file to a :class:`Customer` or a list of located problems."""

from __future__ import annotations

import difflib
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import yamlread
from .errors import N_, Text, _
from .problems import Problem

M = TypeVar("M", bound=BaseModel)

_TYPE_WORDS = {
    "int_parsing": N_("expected a whole number"), "int_type": N_("expected a whole number"),
    "int_from_float": N_("expected a whole number"),
    "float_parsing": N_("expected a number"), "float_type": N_("expected a number"),
    "string_type": N_("expected text"), "bool_parsing": N_("expected true or false"),
    "bool_type": N_("expected true or false"),
    "list_type": N_("expected a list ([a, b], or one '- ' line per item)"),
    "tuple_type": N_("expected a list of two numbers, e.g. [3, 5]"),
    "dict_type": N_("expected a mapping of 'key: value' lines"),
    "model_type": N_("expected a mapping of 'key: value' lines"),
    "model_attributes_type": N_("expected a mapping of 'key: value' lines"),
}
"""The words of a wrong type, said in the user's language where the problem is shown (the
store keeps the English, :class:`~kqcli.store.errors.Text`)."""


def _model_at(model: type[BaseModel], path: tuple) -> type[BaseModel] | None:
    """The pydantic model that describes the mapping at ``path`` (for 'did you mean')."""
    current: Any = model
    for part in path:
        if isinstance(part, int) or not (isinstance(current, type)
                                          and issubclass(current, BaseModel)):
            current = _inner(current)
            if isinstance(part, int):
                continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _inner(field.annotation)
    current = _inner(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner(annotation: Any) -> Any:
    """Strip Optional/list/dict/Annotated down to a model class, when there is one."""
    for _step in range(6):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if not args:
            return annotation
        annotation = args[-1] if typing.get_origin(annotation) is dict else args[0]
    return annotation


def _data_path(data: Any, loc: tuple) -> tuple:
    """The part of pydantic's ``loc`` that names real places in the data."""
    path: list[Any] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            if part == "[key]" or isinstance(current, dict):
                path.append(part)
            break
        path.append(part)
    return tuple(path)


def _value_at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def _shown(value: Any) -> str:
    """A value as a rep wrote it in flow style: ``[3]``, ``{a: 1}``."""
    import yaml

    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                          width=10_000).strip().removesuffix("\n...").strip()


def _readable_path(data: Any, path: tuple) -> str:
    """``contacts[1].phone`` reads ``contacts[王芳].phone`` when the item has a name."""
    out, current = "", data
    for part in path:
        if part == "[key]":
            continue
        if isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            name = current.get("name") if isinstance(current, dict) else None
            out += f"[{name if isinstance(name, str) else part}]"
            continue
        current = current.get(part) if isinstance(current, dict) else None
        out += f".{part}" if out else str(part)
    return out


def _message(error: dict[str, Any], model: type[BaseModel], path: tuple) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        key = path[-1] if path else "?"
        inner = _model_at(model, path[:-1])
        close = difflib.get_close_matches(str(key), list(inner.model_fields), 1, 0.6) if inner else []
        if close:
            return _("unknown key '{key}'; did you mean '{close}'?").format(key=key, close=close[0])
        return _("unknown key '{key}'").format(key=key)
    if kind == "missing":
        return _("is required but missing")
    if kind in _TYPE_WORDS:
        shown = repr(value)
        return _("{expected}, got {value}").format(
            expected=Text(_TYPE_WORDS[kind]), value=shown if len(shown) <= 60 else shown[:57] + "...")
    cause = (error.get("ctx") or {}).get("error")
    if getattr(cause, "msgid", None) is not None:  # the schema's Invalid: said where shown
        return Text(cause.msgid, cause.values)
    if hasattr(cause, "aliases"):  # an enum's value (EnumValueError)
        said = (_("{value} is not one of {choices} (or {aliases})") if cause.aliases
                else _("{value} is not one of {choices}"))
        return said.format(value=repr(cause.value), choices=cause.values, aliases=cause.aliases)
    text = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if text.startswith(prefix):
            return text[len(prefix):]
    ctx = error.get("ctx") or {}
    if kind in {"less_than_equal", "less_than"}:
        return _("{value} is above the maximum {limit}").format(
            value=repr(value), limit=ctx.get("le", ctx.get("lt")))
    if kind in {"greater_than_equal", "greater_than"}:
        return _("{value} is below the minimum {limit}").format(
            value=repr(value), limit=ctx.get("ge", ctx.get("gt")))
    if kind == "too_long" and "max_length" in ctx:
        return _("{value}: at most {most} items, not {count}").format(
            value=repr(value), most=ctx["max_length"], count=ctx.get("actual_length", "?"))
    if kind == "too_short" and "min_length" in ctx:
        return _("{value}: at least {least} items, not {count}").format(
            value=repr(value), least=ctx["min_length"], count=ctx.get("actual_length", "?"))
    if kind == "string_too_short" and "min_length" in ctx:
        return _("{value}: at least {least} characters").format(
            value=repr(value), least=ctx["min_length"])
    if kind == "literal_error" and "expected" in ctx:  # "'zh' or 'en'" -> 'zh' | 'en'
        choices = str(ctx["expected"]).replace(" or ", " | ").replace(", ", " | ")
        return _("{value} is not one of {choices}").format(value=repr(value), choices=choices)
    if kind in {"too_short", "too_long", "string_too_short"}:
        return f"{value!r}: {text[0].lower()}{text[1:]}"
    return text


def problems_from(error: ValidationError, data: Any, raw: bytes, path: str,
                  model: type[BaseModel]) -> list[Problem]:
    marks = yamlread.positions(raw)
    found: dict[tuple, Problem] = {}
    for err in error.errors():
        loc = tuple(err["loc"])
        where = _data_path(data, loc)
        if err["type"] == "missing" and loc and isinstance(loc[-1], int):
            # a list too short for its pair (``cadence: [3]``): said at the list, once
            if where not in found:
                found[where] = Problem(path, *(marks.get(where) or marks.get(where[:-1], (1, 1))),
                                       _readable_path(data, where),
                                       _("{value}: item {n} is missing").format(
                                           value=_shown(_value_at(data, where)), n=loc[-1] + 1))
            continue
        if err["type"] == "missing":
            key = where[-1] if where else ""
            mark = marks.get(where[:-1], (1, 1))
            found[where] = Problem(path, *mark, _readable_path(data, where),
                                   _("'{key}' is required").format(key=key))
            continue
        if err["type"] == "extra_forbidden" or (where and where[-1] == "[key]"):
            mark = marks.get((*where, "[key]") if where[-1] != "[key]" else where) or marks.get(
                where[:-1], (1, 1))
        else:
            mark = marks.get(where) or marks.get(where[:-1], (1, 1))
        found[where] = Problem(path, *mark, _readable_path(data, where),
                               _message(err, model, where))
    return sorted(found.values())


def validate(raw: bytes, path: str, model: type[M]) -> tuple[M | None, list[Problem]]:
    """Parse and validate one file against ``model``, collecting every problem found."""
    data, problem = yamlread.load(raw, path)
    if problem:
        return None, [problem]
    is_customer = model.__name__ == "Customer"
    if data is None:
        if is_customer:
            return None, [Problem(path, 1, 1, "", _("empty file; a customer needs at least a "
                                                    "'name:' line"))]
        data = {}
    if not isinstance(data, dict):
        what = _("a list") if isinstance(data, list) else _("just {value}").format(value=repr(data))
        said = (_("expected a mapping of 'key: value' lines starting with 'name:', not {what}")
                if is_customer else _("expected a mapping of 'key: value' lines, not {what}"))
        return None, [Problem(path, 1, 1, "", said.format(what=what))]
    try:
        return model.model_validate(data), []
    except ValidationError as e:
        return None, problems_from(e, data, raw, path, model)


def validate_customer(raw: bytes, path: str) -> tuple[Any, list[Problem]]:
    """A :class:`~kqcli.schema.customer.Customer`, or None and the problems."""
    from ..schema.customer import Customer

    return validate(raw, path, Customer)
