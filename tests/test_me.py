"""Who "I" am (issue 27): the default owner of kq due, route, calendar and claim is KQ_OWNER,
else ``.kq/local.yaml``'s ``me``, else git's user.name when it names a rep; ``--owner all``
lists the whole team, whose tables get a 业代 column."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from helpers import commit_all, git, needs_git, probe_kq

from kqcli.store import local

TODAY = "2026-11-24"
TEAM = "reps:\n  - {name: 李明}\n  - {name: 王强}\n"


def shop(name: str, owner: str, weekday: str = "") -> str:
    route = f"route: {{weekday: {weekday}, time: '09:30'}}\n" if weekday else ""
    return textwrap.dedent(f"""\
        name: {name}
        kind: terminal
        status: active
        tier: key
        owner: {owner}
        address: 东风西路 12 号
        region: 五华区
        visits:
          - {{date: 2026-11-10, kind: visit}}
        """) + route


@pytest.fixture
def team(make_repo) -> Path:
    return make_repo({"hx": shop("华信大药房", "李明", "tue"), "km": shop("康明药房", "王强")},
                     kq_yaml=TEAM)


def me_file(root: Path, text: str) -> None:
    (root / ".kq").mkdir(exist_ok=True)
    (root / ".kq" / "local.yaml").write_text(text, encoding="utf-8")


def owners_due(kq, root: Path, *args: str) -> set[str]:
    result = kq("--repo", root, "--today", TODAY, "due", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return {row["owner"] for row in json.loads(result.stdout)} - {None}  # None: the manager's


def test_without_a_default_owner_kq_due_lists_the_whole_team(kq, team):
    assert owners_due(kq, team) == {"李明", "王强"}


def test_kq_owner_is_the_default_owner_of_kq_due(kq, team, monkeypatch):
    monkeypatch.setenv("KQ_OWNER", "王强")
    assert owners_due(kq, team) == {"王强"}


def test_me_in_local_yaml_is_the_default_owner_of_kq_due(kq, team):
    me_file(team, "me: 李明\n")
    assert owners_due(kq, team) == {"李明"}


def test_kq_owner_wins_over_local_yaml(kq, team, monkeypatch):
    me_file(team, "me: 李明\n")
    monkeypatch.setenv("KQ_OWNER", "王强")
    assert owners_due(kq, team) == {"王强"}


def test_owner_option_wins_over_the_default(kq, team):
    me_file(team, "me: 李明\n")
    assert owners_due(kq, team, "--owner", "王强") == {"王强"}


@pytest.mark.parametrize("word", ["all", "全部"])
def test_owner_all_lists_the_whole_team_whatever_the_default(kq, team, monkeypatch, word):
    me_file(team, "me: 李明\n")
    monkeypatch.setenv("KQ_OWNER", "王强")
    assert owners_due(kq, team, "--owner", word) == {"李明", "王强"}


@needs_git
def test_git_user_name_of_a_rep_is_the_default_owner(kq, team):
    commit_all(team)
    git(team, "config", "user.name", "王强")
    assert owners_due(kq, team) == {"王强"}


@needs_git
def test_git_user_name_that_is_not_a_rep_leaves_the_whole_team(kq, team):
    commit_all(team)  # user.name 测试, who is no rep
    assert owners_due(kq, team) == {"李明", "王强"}


@needs_git
def test_local_yaml_wins_over_git_user_name(kq, team):
    commit_all(team)
    git(team, "config", "user.name", "王强")
    me_file(team, "me: 李明\n")
    assert owners_due(kq, team) == {"李明"}


def test_a_default_owner_who_is_no_rep_is_named_with_where_it_came_from(kq, team, monkeypatch):
    monkeypatch.setenv("KQ_OWNER", "李 明")
    result = kq("--repo", team, "--today", TODAY, "due")
    assert result.exit_code == 2
    assert result.stderr.startswith("kq: KQ_OWNER: 李 明 不是业代, 也没有客户")


def test_the_team_table_has_a_rep_column(kq, team):
    result = kq("--repo", team, "--today", TODAY, "due")
    header = next(line for line in result.stdout.splitlines() if "事由" in line)
    assert "业代" in header


def test_a_reps_own_table_has_no_rep_column(kq, team):
    me_file(team, "me: 李明\n")
    result = kq("--repo", team, "--today", TODAY, "due")
    header = next(line for line in result.stdout.splitlines() if "事由" in line)
    assert "业代" not in header


def test_kq_route_is_the_default_owners(kq, team):
    me_file(team, "me: 王强\n")
    result = kq("--repo", team, "--today", TODAY, "route", "--format", "json")
    assert [s["customer"] for s in json.loads(result.stdout)] == ["km"]


def test_kq_route_of_the_team_has_a_rep_column(kq, team):
    result = kq("--repo", team, "--today", TODAY, "route")
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "时间" in line)
    assert "业代" in header and "李明" in result.stdout


def test_kq_route_of_a_rep_has_no_rep_column(kq, team):
    me_file(team, "me: 李明\n")
    result = kq("--repo", team, "--today", TODAY, "route")
    assert "业代" not in result.stdout


def test_kq_calendar_is_the_default_owners(kq, team):
    me_file(team, "me: 王强\n")
    result = kq("--repo", team, "--today", TODAY, "calendar", "-o", "-", "--days", "7")
    assert result.exit_code == 0, result.output
    assert "康明药房" in result.stdout and "华信大药房" not in result.stdout
    assert "X-WR-CALNAME:客情 kq · 王强" in result.stdout


POOLED = textwrap.dedent("""\
    name: 老华信
    kind: terminal
    status: active
    tier: normal
    owner: 李明
    visits:
      - {date: 2026-03-02, kind: visit}
    """)


def test_claim_takes_the_customer_for_me(kq, make_repo):
    root = make_repo({"hx-old": POOLED},
                     kq_yaml="pool: {after_days: 90, kinds: [terminal]}\n" + TEAM)
    me_file(root, "me: 王强\n")
    result = kq("--repo", root, "--today", TODAY, "claim", "hx-old")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("王强 从公海认领了 老华信")
    assert "owner: 王强" in (root / "customers" / "hx-old.yaml").read_text(encoding="utf-8")


def test_claim_without_as_or_me_asks_who(kq, make_repo):
    root = make_repo({"hx-old": POOLED},
                     kq_yaml="pool: {after_days: 90, kinds: [terminal]}\n" + TEAM)
    result = kq("--repo", root, "--today", TODAY, "claim", "hx-old")
    assert result.exit_code == 2
    assert "--as" in result.stderr


# -- .kq/local.yaml --------------------------------------------------------------------------

def test_a_bad_local_yaml_is_one_located_line(kq, team):
    me_file(team, "# mine\nserver: maybe\n")
    result = kq("--repo", team, "--today", TODAY, "due")
    assert result.exit_code == 1
    assert result.stderr == "kq: .kq/local.yaml:2:9: server: 'maybe' 不是 on 或 off\n"


def test_a_local_yaml_that_is_not_yaml_is_one_located_line(kq, team):
    me_file(team, "me: [李明\n")
    result = kq("--repo", team, "--today", TODAY, "due")
    assert result.exit_code == 1
    assert result.stderr.startswith("kq: .kq/local.yaml:2:1: ")
    assert result.stderr.count("\n") == 1


def test_writing_one_key_keeps_the_rest_of_local_yaml(tmp_path):
    me_file(tmp_path, "# 我的设置\nserver: off  # 先关着\nme: 王强   # 我\n")
    assert local.write(tmp_path, "me", "李明")
    assert (tmp_path / ".kq" / "local.yaml").read_text(encoding="utf-8") == (
        "# 我的设置\nserver: off  # 先关着\nme: 李明   # 我\n")


def test_removing_a_key_keeps_the_rest_of_local_yaml(tmp_path):
    me_file(tmp_path, "# 我的设置\nme: 王强\nserver: off\n")
    local.write(tmp_path, "me", None)
    assert (tmp_path / ".kq" / "local.yaml").read_text(encoding="utf-8") == (
        "# 我的设置\nserver: off\n")


def test_writing_to_a_clone_without_local_yaml_creates_it(tmp_path):
    local.write(tmp_path, "me", "李明")
    assert local.read(tmp_path) == {"me": "李明"}


# -- answers kept per owner (kqcli.store.warm) ------------------------------------------------

def kept_runs(root: Path, *args: str, env: dict[str, str] | None = None) -> list:
    return [probe_kq(root, "--today", TODAY, *args, env=env) for _ in range(3)]


def test_an_answer_kept_for_one_kq_owner_is_not_given_to_another(team):
    runs = kept_runs(team, "due", "--format", "json", env={"KQ_OWNER": "李明"})
    assert runs[-1].path == "warm"
    other = probe_kq(team, "--today", TODAY, "due", "--format", "json", env={"KQ_OWNER": "王强"})
    assert {r["owner"] for r in json.loads(other.stdout)} == {"王强"}  # no manager's row


def test_an_answer_kept_before_local_yaml_changed_is_not_given(team):
    me_file(team, "me: 李明\n")
    runs = kept_runs(team, "due")
    assert runs[-1].path == "warm" and "华信大药房" in runs[-1].stdout.decode()
    me_file(team, "me: 王强\n")
    after = probe_kq(team, "--today", TODAY, "due")
    assert "康明药房" in after.stdout.decode() and "华信大药房" not in after.stdout.decode()


@needs_git
def test_an_answer_kept_before_git_user_name_changed_is_not_given(team):
    commit_all(team)
    git(team, "config", "user.name", "李明")
    runs = kept_runs(team, "route", "--format", "json")
    assert runs[-1].path == "warm"
    git(team, "config", "user.name", "王强")
    after = probe_kq(team, "--today", TODAY, "route", "--format", "json")
    assert [s["customer"] for s in json.loads(after.stdout)] == ["km"]


def test_kq_due_from_the_agenda_keeps_to_the_default_owner(kq, team, monkeypatch):
    """A ``kq due --format json`` not asked before is built from the agenda (warm), for the
    default owner the last full run found, as the full command lists it."""
    env = {"KQ_OWNER": "王强"}
    probe_kq(team, "--today", TODAY, "due", "--format", "json", env=env)
    warm = probe_kq(team, "--today", TODAY, "due", "--format", "json", "--reason", "visit",
                    env=env)
    monkeypatch.setenv("KQ_OWNER", "王强")
    full = kq("--repo", team, "--today", TODAY, "due", "--format", "json", "--reason", "visit")
    assert warm.path == "warm"
    assert warm.stdout.decode() == full.stdout
    assert [r["customer"] for r in json.loads(warm.stdout)] == ["km"]


# -- kq config --------------------------------------------------------------------------------

def test_kq_config_me_sets_the_default_owner(kq, team):
    result = kq("--repo", team, "config", "me", "李明")
    assert result.exit_code == 0, result.output
    assert (team / ".kq" / "local.yaml").read_text(encoding="utf-8") == "me: 李明\n"
    assert owners_due(kq, team) == {"李明"}


def test_kq_config_me_of_someone_who_is_no_rep_is_one_line_naming_the_reps(kq, team):
    result = kq("--repo", team, "config", "me", "李 明")
    assert (result.exit_code, result.stderr) == (
        2, "kq: me: 李 明 不是 kq.yaml 中的业代; 业代: 李明, 王强\n")
    assert not (team / ".kq" / "local.yaml").exists()


def test_kq_config_me_prints_the_default_owner(kq, team):
    me_file(team, "me: 王强\n")
    result = kq("--repo", team, "config", "me")
    assert (result.exit_code, result.stdout) == (0, "王强\n")


def test_kq_config_me_unset_exits_1(kq, team):
    result = kq("--repo", team, "config", "me")
    assert (result.exit_code, result.stdout) == (1, "")


def test_kq_config_me_unset_removes_it_and_keeps_the_rest(kq, team):
    me_file(team, "# 我的\nme: 王强\nserver: off\n")
    result = kq("--repo", team, "config", "me", "--unset")
    assert result.exit_code == 0, result.output
    assert (team / ".kq" / "local.yaml").read_text(encoding="utf-8") == "# 我的\nserver: off\n"


def test_kq_config_server_takes_on_or_off(kq, team):
    assert kq("--repo", team, "config", "server", "on").exit_code == 0
    assert local.read(team) == {"server": "on"}
    result = kq("--repo", team, "config", "server", "maybe")
    assert (result.exit_code, result.stderr) == (2, "kq: server: 'maybe' 不是 on 或 off\n")


def test_kq_config_lists_each_setting_and_where_it_comes_from(kq, team, monkeypatch):
    me_file(team, "me: 李明\n")
    result = kq("--repo", team, "config", "--format", "json")
    assert json.loads(result.stdout) == [
        {"key": "me", "value": "李明", "source": ".kq/local.yaml"},
        {"key": "server", "value": "off", "source": "default"}]
    monkeypatch.setenv("KQ_OWNER", "王强")
    result = kq("--repo", team, "config", "--format", "json")
    assert json.loads(result.stdout)[0] == {"key": "me", "value": "王强", "source": "KQ_OWNER"}


@needs_git
def test_kq_config_says_the_default_owner_comes_from_git(kq, team):
    commit_all(team)
    git(team, "config", "user.name", "王强")
    result = kq("--repo", team, "config", "me", "--format", "json")
    assert json.loads(result.stdout) == {"key": "me", "value": "王强", "source": "git user.name"}


def test_kq_config_table_is_chinese(kq, team):
    me_file(team, "me: 李明\n")
    result = kq("--repo", team, "config")
    assert result.stdout.split("\n")[1].split() == ["设置", "值", "来源"]
    assert "(默认)" in result.stdout


def test_kq_config_completes_rep_names_for_me(team, monkeypatch):
    from typer.testing import CliRunner

    from kqcli.cli.app import app

    words = f"kq --repo {team} config me 李"
    monkeypatch.setenv("_KQ_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", "5")
    result = CliRunner().invoke(app, [], prog_name="kq")
    assert result.stdout == "李明\n"


# -- the other commands a rep runs for themselves ----------------------------------------------

def test_kq_due_pool_lists_the_pool_whatever_the_default_owner(kq, make_repo):
    root = make_repo({"hx-old": POOLED},
                     kq_yaml="pool: {after_days: 90, kinds: [terminal]}\n" + TEAM)
    me_file(root, "me: 王强\n")
    result = kq("--repo", root, "--today", TODAY, "due", "--pool", "--format", "json")
    assert [r["customer"] for r in json.loads(result.stdout)] == ["hx-old"]


def test_statement_submit_is_mine_by_default(kq, make_repo):
    root = make_repo({}, kq_yaml=TEAM)
    me_file(root, "me: 王强\n")
    result = kq("--repo", root, "--today", "2026-12-02", "statement", "submit", "--month",
                "2026-11")
    assert result.exit_code == 0, result.output
    assert "王强:\n  submitted: 2026-12-02\n" in (
        root / "statements" / "2026-11.yaml").read_text(encoding="utf-8")


def test_log_due_greets_my_customers_by_default(kq, make_repo, monkeypatch):
    holiday = shop("华信大药房", "李明") + "contacts:\n  - {name: 王芳, role: 老板}\n"
    root = make_repo({"hx": holiday, "km": holiday.replace("李明", "王强")}, kq_yaml=TEAM)
    monkeypatch.setenv("KQ_OWNER", "王强")
    result = kq("--repo", root, "--today", "2026-12-22", "log", "--for", "holiday", "--due")
    assert result.exit_code == 0, result.output
    assert "for: [holiday]" in (root / "customers" / "km.yaml").read_text(encoding="utf-8")
    assert "for: [holiday]" not in (root / "customers" / "hx.yaml").read_text(encoding="utf-8")


def test_kq_new_is_owned_by_me_by_default(kq, team):
    me_file(team, "me: 王强\n")
    result = kq("--repo", team, "new", "福寿堂", "--no-edit", "--kind", "terminal")
    assert result.exit_code == 0, result.output
    assert "owner: 王强\n" in (team / "customers" / "fst.yaml").read_text(encoding="utf-8")


@needs_git
def test_kq_due_from_the_agenda_does_not_use_a_default_found_under_another_kq_yaml(team):
    """git's user.name becomes a rep: the default owner found before no longer holds, even
    when a run with --owner has since recorded the new kq.yaml for the agenda."""
    commit_all(team)
    git(team, "config", "user.name", "陈静")  # not a rep yet: the whole team
    probe_kq(team, "--today", TODAY, "due", "--format", "json")
    (team / "kq.yaml").write_text(TEAM + "  - {name: 陈静}\n", encoding="utf-8")
    (team / "customers" / "km.yaml").write_text(shop("康明药房", "陈静"), encoding="utf-8")
    probe_kq(team, "--today", TODAY, "due", "--format", "json", "--owner", "李明")
    after = probe_kq(team, "--today", TODAY, "due", "--format", "json", "--fail-on", "overdue")
    assert {r["owner"] for r in json.loads(after.stdout)} == {"陈静"}
