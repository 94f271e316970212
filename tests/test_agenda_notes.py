"""The agenda runs a customer's rules again only on the days the rules say their answer may
change (``CustomerRules.until``), not on every day up to its horizon. That is right only if
every rule notes every day on which a comparison with today turns: checked here against running
the rules on each day, for every customer of examples/ (with an alert, the pool, shelf checks,
skipped visits, a competitor, acknowledged risks and family events added) and of a generated
repository, over two months of days and a year of dates."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from kqcli.core.agenda import OPEN, candidates, floating
from kqcli.core.due import CustomerRules, risk_fingerprint, work_calendar
from kqcli.store.agenda import light_settings
from kqcli.store.repo import Repo

PROJECT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("kq_bench_generate_notes",
                                               PROJECT / "bench" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)  # type: ignore[union-attr]

HORIZON = 14  # longer than any customer's: every day a rule notes is looked at

ALERT = "  - {region: 昆明/五华区, from: 2026-11-28, to: 2026-12-02, note: 暴雨}\n"
"""Besides examples/'s own alerts (one in 曲靖 from 2026-12-14), pool and products."""

UNTOUCHED = risk_fingerprint("untouched", ["2026-11-10"])
CUSTOMERS = {
    "zz-acked": f"""\
name: 华信大药房(测试一店)
kind: terminal
tier: key
status: active
owner: 李明
region: 昆明/五华区
visits: [{{date: 2026-11-10, kind: call}}]
acks: [{{reason: risk, on: 2026-11-24, until: 2026-12-14, seen: ['{UNTOUCHED}']}}]
""",
    "zz-skipped": """\
name: 华信大药房(测试二店)
kind: terminal
tier: key
status: active
owner: 李明
visits:
  - {date: 2026-11-12, kind: visit}
  - {date: 2026-11-17, kind: visit}
skips:
  - {date: 2026-11-20, reason: 店长休假, to: 2026-11-26}
  - {date: 2026-12-04, reason: 下雨路断}
""",
    "zz-shelf": """\
name: 华信大药房(测试三店)
kind: terminal
tier: secondary
status: active
owner: 王强
region: 昆明/官渡区
products:
  - {name: 竞品乙, competitor: true, since: 2026-11-20}
visits:
  - {date: 2026-11-14, kind: visit, shelf: [{sku: 维C泡腾片, facings: 2, price: 25, stock: 5,
     pop: false}]}
  - {date: 2026-12-01, kind: visit, shelf: [{sku: 维C泡腾片, facings: 0}]}
""",
    "zz-family": """\
name: 华信大药房(测试四店)
kind: terminal
tier: normal
status: active
owner: 陈静
anniversary: 2020-12-12
contacts:
  - name: 赵敏
    role: 店长
    birthday: 1985-12-01
    lunar_birthday: "10-20"
    events:
      - {date: 2026-12-06, kind: wedding, note: 女儿出嫁}
      - {date: 2026-11-25, kind: illness, note: 住院}
visits:
  - {date: 2026-09-17, kind: visit}
  - {date: 2026-11-30, kind: delivery}
""",
}


def reference(summary: dict, facts: dict, settings: object, today: dt.date,
              departed: dict, calendar: object) -> tuple:
    """What :func:`candidates` answered before the rules noted their days: the rules run on
    every day up to the horizon, the first one answering otherwise being the recheck day."""
    def run(day: dt.date) -> tuple:
        rules = CustomerRules(summary, facts, settings, day, OPEN, departed, calendar)
        return floating(rules.all(), day), rules.dropped

    found = run(today)
    day = today
    for _ in range(HORIZON):
        day += dt.timedelta(days=1)
        if run(day) != found:
            return (*found, day)
    return (*found, day + dt.timedelta(days=1))


def disagreements(root: Path, dates: list[dt.date]) -> list[str]:
    repo = Repo(root, dates[0])
    settings, _ = light_settings(repo)
    departed, calendar = settings.departed(), work_calendar(settings)
    ids = [i for (i,) in repo.index.db.execute("select id from files where ok = 1")]
    assert ids and not repo.index.invalid_ids()
    rows = [(i, json.loads(s), json.loads(f)) for i, s, f, _ in repo.index.read(ids, "facts")]
    out = []
    for today in dates:
        for i, summary, facts in rows:
            noted = candidates(summary, facts, settings, today, departed, calendar, HORIZON)
            every = reference(summary, facts, settings, today, departed, calendar)
            if noted != every:
                out.append(f"{i} on {today}: recheck {noted[2]} instead of {every[2]}"
                           + ("" if noted[:2] == every[:2] else ", answers differ"))
    return out


def test_examples_with_every_kind_of_rule_recheck_on_the_first_day_their_answer_changes(
        tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "examples", root, ignore=shutil.ignore_patterns(".kq", ".git"))
    settings = root / "kq.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "\nalerts:\n" in text
    settings.write_text(text.replace("\nalerts:\n", "\nalerts:\n" + ALERT, 1), encoding="utf-8")
    for name, text in CUSTOMERS.items():
        (root / "customers" / f"{name}.yaml").write_text(text, encoding="utf-8")
    start = dt.date(2026, 11, 8)
    assert disagreements(root, [start + dt.timedelta(days=n) for n in range(60)]) == []


@pytest.mark.parametrize("first", ["2026-01-03", "2026-06-20"])
def test_a_generated_repository_rechecks_on_the_first_day_its_answers_change(tmp_path, first):
    root = tmp_path / "repo"
    generate.generate(root, 60, 40, 3)
    start = dt.date.fromisoformat(first)
    assert disagreements(root, [start + dt.timedelta(days=n * 5) for n in range(12)]) == []


def test_a_customer_noting_nothing_is_run_once():
    from helpers import daily_row, settings

    summary, facts = daily_row("name: 华信\nstatus: terminated\n")
    cfg = settings()
    runs = []
    original = CustomerRules.all

    def counted(self: CustomerRules) -> list:
        runs.append(self.today)
        return original(self)

    CustomerRules.all = counted  # type: ignore[method-assign]
    try:
        found = candidates(summary, facts, cfg, dt.date(2026, 11, 24), {}, work_calendar(cfg), 7)
    finally:
        CustomerRules.all = original  # type: ignore[method-assign]
    assert (found, runs) == (([], [], dt.date(2026, 12, 2)), [dt.date(2026, 11, 24)])


def test_a_full_evaluation_runs_the_rules_about_once_a_customer(tmp_path, monkeypatch):
    """A greeting window's move is noted only when the matching then answers otherwise for a
    day still asked about (core.due.CustomerRules.greetings): noted every time, it made the
    agenda run every rule again on two in three of the days it probed for nothing (2.1 runs a
    customer at 2,000 customers; 1.3 since)."""
    from kqcli.core.agenda import horizon

    root = tmp_path / "repo"
    generate.generate(root, 60, 40, 3)
    today = dt.date(2026, 11, 24)
    repo = Repo(root, today)
    settings, _ = light_settings(repo)
    departed, calendar = settings.departed(), work_calendar(settings)
    ids = [i for (i,) in repo.index.db.execute("select id from files where ok = 1")]
    rows = [(i, json.loads(s), json.loads(f)) for i, s, f, _ in repo.index.read(ids, "facts")]
    runs = []
    original = CustomerRules.all

    def counted(self: CustomerRules) -> list:
        runs.append(self.today)
        return original(self)

    monkeypatch.setattr(CustomerRules, "all", counted)
    for i, summary, facts in rows:
        candidates(summary, facts, settings, today, departed, calendar, horizon(i, today))
    assert len(rows) == 60
    assert len(runs) <= 1.5 * len(rows)


def test_rules_asked_about_today_alone_do_not_look_ahead(tmp_path, monkeypatch):
    """kq due's full run, kq plan, kq calendar and --explain give no ``until``: the greetings
    are matched once a group, for today, not again for the days a window moves on."""
    root = tmp_path / "repo"
    generate.generate(root, 30, 40, 3)
    today = dt.date(2026, 11, 24)
    repo = Repo(root, today)
    settings, _ = light_settings(repo)
    ids = [i for (i,) in repo.index.db.execute("select id from files where ok = 1")]
    rows = [(json.loads(s), json.loads(f)) for _, s, f, _ in repo.index.read(ids, "facts")]
    matched = []
    original = CustomerRules._match

    def counted(self: CustomerRules, group, lead, day):
        matched.append((id(self), group.key, day))
        return original(self, group, lead, day)

    monkeypatch.setattr(CustomerRules, "_match", counted)
    kept = []  # (alive, so that no two share an id)
    for summary, facts in rows:
        kept.append(CustomerRules(summary, facts, settings, today, OPEN))
        kept[-1].all()
    assert matched and {day for *_, day in matched} == {today}
    assert len(matched) == len({(rules, key) for rules, key, _ in matched})
    matched.clear()
    for summary, facts in rows:
        CustomerRules(summary, facts, settings, today, OPEN,
                      until=today + dt.timedelta(days=10)).all()
    assert {day for *_, day in matched} != {today}  # the agenda's rules do look ahead
