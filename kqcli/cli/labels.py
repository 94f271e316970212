"""Labels a person reads in a table: Chinese first, English for a manager who asks (``--lang en``).

The Chinese label of an enum value comes from the input aliases in ``schema/enums.py`` (the
shortest Chinese spelling kq already accepts), so a label always reads back as the same value;
``OVERRIDES`` picks another where the shortest is not the usual word. JSON, CSV and YAML keep
the English values: labels are for tables only.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from ..schema.enums import ALIASES
from .i18n import LANGS, english, lang  # noqa: F401 - the language is the catalogue's

# Where the shortest alias is not what a rep says (grades stay letters; 已终止 reads better).
OVERRIDES: dict[str, dict[str, str]] = {
    "Grade": {"A": "A", "B": "B", "C": "C"},
    "Status": {"terminated": "已终止"},
    "EventKind": {"bereavement": "丧事", "other": "大事"},
    "Done": {"pop": "POP"},
    "RepRole": {"province_manager": "省区经理"},
}


def _chinese(enum: type[StrEnum]) -> dict[str, str]:
    found: dict[str, str] = {}
    for alias, value in ALIASES.get(enum, {}).items():
        if not alias.isascii() and (value not in found or len(alias) < len(found[value])):
            found[value] = alias
    return {**found, **OVERRIDES.get(enum.__name__, {})}


ENUM_LABELS: dict[type[StrEnum], dict[str, str]] = {enum: _chinese(enum) for enum in ALIASES}


def enum_label(enum: type[StrEnum], value: Any) -> str:
    """``terminal`` -> 终端 (or ``terminal`` with --lang en); unknown values print as they are."""
    if value is None or value == "":
        return ""
    text = str(value)
    if english():
        return text
    return ENUM_LABELS.get(enum, {}).get(text, text)


def shows(enum: type[StrEnum]) -> Callable[[Any], str]:
    """A column's display function for values of ``enum``."""
    return lambda value: enum_label(enum, value)


def text_label(table: dict[str, str], value: Any) -> str:
    """A label from a plain ``{key: 中文}`` table (reasons, actions), English being the key."""
    if value is None:
        return ""
    return str(value) if english() else table.get(str(value), str(value))


def yes_no(value: Any) -> str:
    """Booleans in tables: 是 / 否 (yes / no), never ``true``/``false``; empty stays empty."""
    if value is None:
        return ""
    if english():
        return "yes" if value else "no"
    return "是" if value else "否"


def urgency(value: Any) -> str:
    """Urgency rounded for a table; -0.4 is 0, never ``-0``."""
    if value is None:
        return ""
    return str(round(float(value)) or 0)


def signed(value: Any) -> str:
    """A change with its sign (+3, -2.5); no change is 0, never ``-0`` or ``+0``."""
    if value is None:
        return ""
    number = round(float(value), 1)
    return f"{number:+g}" if number else "0"


# Fields a table names (classify's ``field`` column, sheet headers): 中文, English.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "tier": ("分层", "tier"), "grade": ("等级", "grade"), "status": ("状态", "status"),
    "relationship": ("关系类型", "relationship"), "route": ("固定拜访", "route"),
    "kind": ("类型", "kind"), "stage": ("客情阶段", "stage"),
}


def field_label(value: Any) -> str:
    if value is None:
        return ""
    pair = FIELD_LABELS.get(str(value))
    return str(value) if not pair else pair[1 if english() else 0]


def message_text(message: Any) -> str:
    """A month-end message (:class:`~kqcli.core.messages.Message`) in the table's language; a
    store's message among its values (a problem of a file) translated too."""
    from ..core.messages import render

    return "" if message is None else render(_translated_values(message), lang())


def _translated_values(message: Any) -> Any:
    from dataclasses import replace

    from .i18n import translated

    params = {k: _translated_values(v) if hasattr(v, "params") else
              translated(v) if hasattr(v, "msgid") else v for k, v in message.params.items()}
    return replace(message, params=params,
                   parts=tuple(_translated_values(p) for p in message.parts))


def messages_text(messages: Any) -> str:
    """Several messages (an expense line's violations) in the table's language, one per line."""
    return "\n".join(message_text(m) for m in messages or [])


def said_text(said: Any) -> str:
    """A reminder's message in the table's language: a :class:`~kqcli.core.messages.Message`,
    or a row as JSON carries it (``message_key`` and ``message_params``, else its ``message``
    as it is), or a text as it is."""
    if isinstance(said, dict):
        if said.get("message_key") is None:
            return said.get("message") or ""
        from ..core.messages import from_data

        said = from_data({"key": said["message_key"], "params": said.get("message_params") or {}})
    return said if isinstance(said, str) else message_text(said)
