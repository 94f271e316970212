"""Next steps (``next:`` of an interaction): open until ``done_on`` is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..schema.customer import Customer, NextStep
from .errors import DomainError
from .messages import Message


class StepError(DomainError):
    """No open step fits what was asked (exit 1: the command ran and found nothing to close)."""

    code = 1


@dataclass(frozen=True)
class OpenStep:
    visit: int  # index of the interaction under ``visits:`` in file order
    step: NextStep


def open_steps(customer: Customer) -> list[OpenStep]:
    """Every step not yet done, in the order the interactions are written (oldest first)."""
    return [OpenStep(n, v.next) for n, v in enumerate(customer.visits)
            if v.next is not None and v.next.done_on is None]


def step_to_close(customer: Customer, action: str | None = None) -> OpenStep:
    """The oldest open step, or the one whose action contains ``action``."""
    steps = open_steps(customer)
    if not steps:
        raise StepError(Message("no_open_step", {"customer": customer.name}))
    if action is None:
        return steps[0]
    fitting = [s for s in steps if action in s.step.action]
    if len(fitting) == 1:
        return fitting[0]
    listed = "; ".join(f"{s.step.date.isoformat()} {s.step.action}" for s in steps)
    if not fitting:
        raise StepError(Message("no_step_mentions", {"customer": customer.name, "action": action,
                                                     "listed": listed}))
    raise StepError(Message("steps_mention", {"n": len(fitting), "customer": customer.name,
                                              "action": action, "listed": listed}))


def closed_by_v1(customer: Customer) -> list[tuple[int, dt.date]]:
    """The open steps kq v1 counted as done — any later interaction closed a step — each with
    the date of that first later interaction (what ``kq done --upgrade`` writes as done_on)."""
    found = []
    for step in open_steps(customer):
        agreed = customer.visits[step.visit].date
        later = [v.date for v in customer.visits if v.date > agreed]
        if later:
            found.append((step.visit, min(later)))
    return found
