"""How an amount of money reads wherever people see one: reminders, messages, tables, charts.

``1,244,000`` and ``1,234.5``, never ``1.244e+06`` (what ``{:g}`` makes of seven digits) nor
``1244000.0`` (``str`` of a float). JSON, CSV and YAML keep the plain number.
"""

from __future__ import annotations

from typing import Any


def amount(value: Any, sign: bool = False) -> str:
    """``1244000`` -> ``1,244,000``; cents kept, trailing zeros dropped (``1234.50`` ->
    ``1,234.5``); ``sign`` writes ``+`` before a positive amount (a change: ``+20,000``).
    Anything that is not a number prints as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    number = round(float(value), 2)
    if number.is_integer():
        text = f"{int(number):,}"
    else:
        text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return f"+{text}" if sign and number > 0 else text
