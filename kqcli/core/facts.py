"""What the daily commands need to know of a customer, kept in the index beside its summary.

Computed once per file change, so ``kq due`` over thousands of customers never re-reads YAML.
"""

from __future__ import annotations

from typing import Any

from ..schema.customer import Customer


def extract(customer: Customer) -> dict[str, Any]:
    return {}
