"""The one rule for customer ids (a file's stem): shared by the index, the commands that name
a customer, kq new and kq import, so a file kq lists is a file kq can open."""

from __future__ import annotations

import re

SAFE_ID = re.compile(r"[A-Za-z0-9\u4e00-\u9fff][\w.\-\u4e00-\u9fff]*")
ID_RULE = ("an id starts with a letter, digit or Chinese character and holds only those, "
           "'.', '-' and '_'")


def valid_id(customer_id: str) -> bool:
    return SAFE_ID.fullmatch(customer_id) is not None and customer_id not in {".", ".."}
