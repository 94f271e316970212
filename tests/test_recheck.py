"""The agenda's recheck is spread: after a full evaluation (a new kq, a kq.yaml change) the
customers whose answer does not change come up again over several mornings, never all on one
(at 2,000 customers, 1,778 were evaluated again on the eighth morning)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from kqcli.core.agenda import PERIOD, REST, horizon
from kqcli.store import agenda
from kqcli.store.repo import Repo

CUSTOMERS = 200
CUSTOMER = """\
name: 客户{n}
kind: terminal
tier: normal
owner: 李明
visits:
  - {{date: 2026-10-05, kind: visit}}
"""


def test_each_customer_comes_up_on_its_own_day_of_every_eight_at_least_four_days_on():
    day = dt.date(2026, 11, 24)
    ids = [f"c{n}" for n in range(1000)]
    nexts = Counter(day + dt.timedelta(days=horizon(i, day) + 1) for i in ids)
    assert sorted(nexts) == [day + dt.timedelta(days=k) for k in range(REST, REST + PERIOD)]
    assert min(nexts.values()) > 1000 / PERIOD * 0.8  # spread evenly by the id
    for i in ids[:50]:  # its own day comes round again every PERIOD days
        first = day + dt.timedelta(days=horizon(i, day) + 1)
        assert horizon(i, first) == PERIOD - 1


def test_no_morning_re_evaluates_more_than_a_fifth_of_the_customers(make_repo):
    root = make_repo({f"c{n}": CUSTOMER.format(n=n) for n in range(CUSTOMERS)},
                     "reps:\n  - {name: 李明}\n")
    start = dt.date(2026, 11, 11)  # no month's report or first working day in the next 2 weeks
    evaluated = []
    for n in range(15):
        day = start + dt.timedelta(days=n)
        repo = Repo(root, day)
        plain, text = agenda.light_settings(repo)
        evaluated.append(agenda.bring_up_to_date(repo.index, plain, text, day))
    assert evaluated[0] == CUSTOMERS
    assert sum(evaluated[1:]) >= CUSTOMERS  # each came up again at least once
    assert max(evaluated[1:]) <= CUSTOMERS / 5
