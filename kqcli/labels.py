"""Labels a person reads in a table: Chinese first, English for a manager who asks (``--lang en``).

The Chinese label of an enum value comes from the input aliases in ``schema/enums.py`` (the
shortest Chinese spelling kq already accepts), so a label always reads back as the same value;
``OVERRIDES`` picks another where the shortest is not the usual word. JSON, CSV and YAML keep
the English values: labels are for tables only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from .schema.enums import ALIASES

LANGS = ("zh", "en")
_lang: str | None = None  # set by the global --lang option for one invocation


def set_lang(lang: str | None) -> None:
    """``--lang`` for this invocation (None: ``$KQ_LANG``, else Chinese)."""
    global _lang
    if lang is not None and lang not in LANGS:
        from .errors import KqError

        raise KqError(f"--lang: {lang!r} is not one of {', '.join(LANGS)}")
    _lang = lang


def lang() -> str:
    chosen = _lang or os.environ.get("KQ_LANG", "").strip().lower()[:2]
    return chosen if chosen in LANGS else "zh"


def english() -> bool:
    return lang() == "en"


# Where the shortest alias is not what a rep says (grades stay letters; 已终止 reads better).
OVERRIDES: dict[str, dict[str, str]] = {
    "Grade": {"A": "A", "B": "B", "C": "C"},
    "Status": {"terminated": "已终止"},
    "EventKind": {"bereavement": "丧事", "other": "大事"},
    "Done": {"pop": "POP"},
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


# Month-end messages as Chinese templates, matched on the start of the English text the core
# writes (the rest goes through FRAGMENTS); the key goes into JSON (``reason_key``,
# ``violation_keys``), so scripts need not parse prose. A message no pattern knows is shown as
# it is, under the key ``other``.
CLASSIFY_REASONS: tuple[tuple[str, str, str], ...] = (
    ("tier_rank", r"rank (\d+) of (\d+) terminals of (.+?)(?= \(fewer|;|$)",
     r"在 \3 的 \2 家终端中排第 \1"),
    ("below_tier_counts", r"rank (\d+) of (\d+): below the tier counts",
     r"排第 \1/\2, 在分层名额之外"),
    ("abc_share", r"collections ([\d,.]+) over (\d+) months; cumulative share (\d+%) of (\w+)",
     r"近 \2 个月回款 \1, 累计占比 \3 (\4)"),
    ("paying_run", r"paying (\d+) consecutive reported months \((\S+) to (\S+)\): ([\d,.]+) "
     r"collected \(持续回款\)", r"连续 \1 个已报月份有回款 (\2 至 \3): 共 \4 (持续回款)"),
    ("started_paying", r"started paying: ([\d,.]+) collected in the last 3 months \(持续回款\)",
     r"开始回款: 近 3 个月回款 \1 (持续回款)"),
    ("no_collections", r"no collections for (\d+) months", r"连续 \1 个月没有回款"),
    ("terminated_on_route", r"terminated but still on a fixed route", "已终止合作, 仍在固定路线上"),
    ("contacts_span", r"contacts span (\d+) functions \((.*)\) and (\d+) levels",
     r"联系人覆盖 \1 个部门 (\2)、\3 个层级"),
    ("new_active_b", r"a new active customer starts as B \(合格\)", "新的现有客户从 B (合格) 开始"),
)

EXPENSE_VIOLATIONS: tuple[tuple[str, str, str], ...] = (
    ("nothing_collected", r"expense with nothing collected \(先回款后支付\)",
     "没有回款却支出客情费 (先回款后支付)"),
    ("above_share", r"expenses ([\d.e+]+) above (\d+%) of collections ([\d.e+]+)",
     r"客情费 \1 超过回款 \3 的 \2"),
    ("special_after_contract",
     r"special expense applied (\S+) after the contract (\S+): invalid \(须签约前申请\)",
     r"专项费用 \1 申请, 晚于签约 \2: 无效 (须签约前申请)"),
    ("advance_cap", r"cash advances ([\d.e+]+) above the cap ([\d.e+]+)",
     r"借支 \1 超过上限 \2"),
    ("outside_recipients", r"expense ([\d.e+]+) on (\S+) to (.+?),? outside 客情费使用范围 \((.*)\)",
     r"\2 的客情费 \1 给了 \3, 超出客情费使用范围 (\4)"),
)

FRAGMENTS: tuple[tuple[str, str], ...] = (
    (r" \(fewer than ([\d.]+): (\d+) key, (\d+) secondary, (\d+) normal by the counts' shares\)",
     r" (不足 \1 家, 按比例 \2 重点、\3 次重点、\4 非重点)"),
    (r"; annual revenue ([\d,.]+) below key_min_revenue ([\d,.]+)", r"; 年营业额 \1 低于重点门槛 \2"),
    (r"在 no owner 的", "未分配业代的"), (r", not a contact", " (不是联系人)"), (r"\bno role\b", "无职务"),
    (r"\(terminals\)", "(终端)"), (r"\(distributors\)", "(经销商)"),
    (r"\(key_accounts\)", "(大客户)"), (r"\(customers\)", "(客户)"),
)


def message_key(patterns: tuple[tuple[str, str, str], ...], text: str) -> tuple[str, str]:
    """(key, 中文) for a month-end message; ``other`` and the text itself when none matches.

    A message may start with a customer's name (``百草堂: expenses …``), kept as it is.
    """
    name, sep, rest = text.partition(": ")
    candidates = [("", text), *([(name + sep, rest)] if sep else [])]
    for key, pattern, chinese in patterns:
        for prefix, candidate in candidates:
            m = re.match(pattern, candidate)
            if m:
                out = prefix + m.expand(chinese) + candidate[m.end():]
                for fragment, replacement in FRAGMENTS:
                    out = re.sub(fragment, replacement, out)
                return key, out
    return "other", text


def reason_text(text: str | None) -> str:
    """A classify reason in the table's language."""
    if text is None:
        return ""
    return text if english() else message_key(CLASSIFY_REASONS, text)[1]


def violation_text(texts: Any) -> str:
    """Expense rule violations in the table's language, one per line."""
    if not texts:
        return ""
    if english():
        return "\n".join(texts)
    return "\n".join(message_key(EXPENSE_VIOLATIONS, t)[1] for t in texts)


def reason_key(text: str | None) -> str | None:
    return None if text is None else message_key(CLASSIFY_REASONS, text)[0]


def violation_keys(texts: Any) -> list[str]:
    return [message_key(EXPENSE_VIOLATIONS, t)[0] for t in texts or []]
