"""The one rule for customer ids (a file's stem): shared by the index, the commands that name
a customer, kq new and kq import, so a file kq lists is a file kq can open."""

from __future__ import annotations

import re

SAFE_ID = re.compile(r"[A-Za-z0-9\u4e00-\u9fff][\w.\-\u4e00-\u9fff]*")
ID_RULE = ("an id starts with a letter, digit or Chinese character and holds only those, "
           "'.', '-' and '_'")


def valid_id(customer_id: str) -> bool:
    return SAFE_ID.fullmatch(customer_id) is not None and customer_id not in {".", ".."}


SURNAMES = {"曾": "z", "单": "s", "解": "x", "仇": "q", "区": "o", "查": "z", "朴": "p",
            "乐": "y", "缪": "m", "覃": "q", "盖": "g", "召": "s"}
"""Surnames read otherwise than their character mostly is (曾 zēng, not céng; 单 shàn, not
dān), and their initial: taken where a name starts with one and 氏, 记 or 家 follows (a family's
shop: 曾氏药房, 单记粮油)."""
FAMILY = "氏记家"


def slug(name: str) -> str:
    """Pinyin initials of the name as read in context (曾氏药房 -> zsyf), ASCII letters and
    digits only."""
    from pypinyin import Style, lazy_pinyin

    letters = [p[:1] for p in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")]
    if len(name) > 1 and name[0] in SURNAMES and name[1] in FAMILY:
        letters[0] = SURNAMES[name[0]]
    return "".join(c for c in "".join(letters).lower() if c.isascii() and c.isalnum()) or "customer"
