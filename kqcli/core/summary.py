"""The one-row view of a customer that ``kq list`` shows and the index keeps."""

from __future__ import annotations

from typing import Any

from ..schema.customer import Customer
from .owners import owner_changes

IN_PERSON = {"visit", "training", "event", "deep_visit"}
PROFILE_FIELDS = ("name", "kind", "status", "grade", "tier", "relationship", "stage", "owner",
                  "region", "address", "tags", "since", "anniversary", "route", "cadence")

FIELDS = ("id", *PROFILE_FIELDS, "last_visit", "last_contact", "contact_count",
          "interaction_count")


def summarize(customer_id: str, customer: Customer) -> dict[str, Any]:
    """Profile fields plus a few derived ones (last visit, counts), JSON-ready; ``owners``,
    who owned it when (a v2 ``handover`` as its last entry), for the month-end commands."""
    data = customer.model_dump(mode="json", include=set(PROFILE_FIELDS))
    done = [v for v in customer.visits if not v.planned]  # a planned visit is not done yet
    in_person = [v.date for v in done if v.kind.value in IN_PERSON]
    return {
        "id": customer_id,
        **data,
        "last_visit": max(in_person).isoformat() if in_person else None,
        "last_contact": max(v.date for v in done).isoformat() if done else None,
        "contact_count": len(customer.contacts),
        "interaction_count": len(customer.visits),
        "owners": owner_changes(customer.model_dump(
            mode="json", by_alias=True, include={"owner", "owners", "handover"})),
    }
