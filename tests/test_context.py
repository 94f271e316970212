"""The run context (kqcli/store/context.py): what one part of a run tells another, made fresh
for every run, so nothing of one run (its language, its pager switch, a scan it handed on)
reaches the next in the same process; and kq.yaml's ``lang``, which the context carries once
the settings are checked."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kqcli.cli import i18n, pager
from kqcli.store.context import Run, begin, current

SHOP = "name: 华新超市\nkind: terminal\nstatus: active\ntier: key\nowner: 李明\n"


@pytest.fixture
def english_repo(make_repo):
    return make_repo({"hx": SHOP}, kq_yaml="lang: en\nreps: [{name: 李明}]\n")


def test_kq_yaml_lang_en_speaks_english(kq, english_repo):
    out = kq("--repo", english_repo, "--today", "2026-11-24", "list").stdout
    assert "1 customer" in out and " name " in out and "名称" not in out


def test_kq_lang_wins_over_kq_yaml(kq, english_repo, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "zh")
    out = kq("--repo", english_repo, "--today", "2026-11-24", "list").stdout
    assert "1 个客户" in out and "名称" in out and " name " not in out


def test_lang_option_wins_over_kq_yaml(kq, english_repo):
    out = kq("--repo", english_repo, "--lang", "zh", "--today", "2026-11-24", "list").stdout
    assert "名称" in out


def test_kq_yaml_lang_wins_over_the_locale(kq, english_repo, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "1 customer" in kq("--repo", english_repo, "--today", "2026-11-24", "list").stdout


def test_kq_yaml_lang_holds_when_the_verdict_is_cached(kq, english_repo):
    kq("--repo", english_repo, "--today", "2026-11-24", "list")  # validates kq.yaml, caches it
    out = kq("--repo", english_repo, "--today", "2026-11-24", "list").stdout
    assert "1 customer" in out


def test_an_unknown_kq_yaml_lang_is_a_located_problem(kq, make_repo):
    root = make_repo({"hx": SHOP}, kq_yaml="lang: fr\n")
    result = kq("--repo", root, "list")
    assert result.exit_code != 0
    assert "kq.yaml" in result.stderr and "lang" in result.stderr
    assert "Traceback" not in result.stderr


def test_kq_yaml_lang_in_a_real_process(english_repo):
    done = subprocess.run([sys.executable, "-m", "kqcli", "--repo", str(english_repo),
                           "--today", "2026-11-24", "list"], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "KQ_SERVER": "0", "HOME": str(english_repo)})
    assert done.returncode == 0, done.stderr
    assert "1 customer" in done.stdout


def test_a_new_run_forgets_the_language_and_pager_switch_of_the_last():
    begin()
    i18n.set_flag("en")
    pager.configure(enabled=False)
    assert (i18n.lang(), pager.enabled()) == ("en", False)
    begin()
    assert (current().lang, pager.enabled()) == (None, True)


def test_work_after_the_answer_waits_only_when_a_run_asks_it_to():
    done: list[str] = []
    Run().after(lambda: done.append("now"))
    waiting = Run(later=[])
    waiting.after(lambda: done.append("later"))
    assert done == ["now"]
    for work in waiting.later:
        work()
    assert done == ["now", "later"]


def test_a_run_has_the_cycle_collector_off(monkeypatch):
    """A run's objects live for the run or are freed by their counts (decoded rows are
    trees): the collector, walking 100,000 customers' rows again and again, cost a second of
    a 4.5 s kq team after an edit. The console script and a child of kq's server both run
    kqcli.cli.run.local."""
    import gc

    from kqcli.cli import run

    seen: list[bool] = []
    monkeypatch.setattr(run, "_local", lambda args: seen.append(gc.isenabled()))
    try:
        run.local(["due"])
    finally:
        gc.enable()
    assert seen == [False]
