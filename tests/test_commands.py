"""The foundation's commands: init, check, list, show, schema, and the global options."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kqcli.schema.config import Settings
from kqcli.store.validate import validate

KQ = Path(sys.executable).parent / "kq"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")




def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def listed(kq, *args: object) -> list[dict]:
    result = kq(*args, "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --- kq init ---------------------------------------------------------------------------------


def test_init_writes_a_kq_yaml_that_reads_back_as_the_defaults(tmp_path, kq, own_git_config):
    assert kq("init", tmp_path / "客情").exit_code == 0
    raw = (tmp_path / "客情" / "kq.yaml").read_bytes()
    settings, problems = validate(raw, "kq.yaml", Settings)
    assert problems == []
    assert settings == Settings()


def test_init_creates_the_customers_folder(tmp_path, kq, own_git_config):
    kq("init", tmp_path / "r")
    assert (tmp_path / "r" / "customers").is_dir()
    assert list((tmp_path / "r" / "customers").iterdir()) == []


def test_init_ignores_the_generated_cache_in_git(tmp_path, kq, own_git_config):
    kq("init", tmp_path / "r")
    assert ".kq/" in (tmp_path / "r" / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_init_keeps_an_existing_gitignore(tmp_path, kq, own_git_config):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / ".gitignore").write_text("*.bak\n", encoding="utf-8")
    kq("init", tmp_path / "r")
    lines = (tmp_path / "r" / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "*.bak"
    assert ".kq/" in lines


def test_init_says_what_it_created_on_stderr(tmp_path, kq, own_git_config):
    result = kq("--lang", "en", "init", tmp_path / "r")
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (f"kq: created {tmp_path / 'r'}/kq.yaml and "
                                             f"{tmp_path / 'r'}/customers/")


def test_init_prints_the_next_two_steps_in_chinese(tmp_path, kq, own_git_config, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = kq("init", "客情")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[1:] == [
        "下一步:",
        "  cd 客情",
        "  kq new 客户名称   新建客户档案, 在编辑器里填写",
        "  kq due            今天该拜访、打电话、问候谁",
    ]


def test_init_here_prints_the_steps_without_a_cd(tmp_path, kq, own_git_config, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = kq("init")
    assert result.stderr.splitlines()[1:] == [
        "下一步:",
        "  kq new 客户名称   新建客户档案, 在编辑器里填写",
        "  kq due            今天该拜访、打电话、问候谁",
    ]


def test_init_prints_the_next_steps_in_english_with_lang_en(tmp_path, kq, own_git_config, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = kq("--lang", "en", "init", "my customers")
    assert result.stderr.splitlines()[1:] == [
        "Next:",
        "  cd 'my customers'",
        "  kq new NAME   a customer's file, filled in in your editor",
        "  kq due        whom to visit, call or greet today",
    ]


@needs_git
def test_init_commits_what_it_creates_in_one_commit(tmp_path, kq, own_git_config):
    kq("init", tmp_path / "r")
    root = tmp_path / "r"
    assert git(root, "log", "--format=%s").stdout == "init: kq.yaml, .gitignore, .gitattributes\n"
    assert git(root, "show", "--format=", "--name-only", "HEAD").stdout.split() == [
        ".gitattributes", ".gitignore", "kq.yaml"]
    assert git(root, "status", "--porcelain").stdout == ""


@needs_git
def test_init_inside_a_git_work_tree_commits_only_its_files(tmp_path, kq, own_git_config):
    git(tmp_path, "init", "-q")
    (tmp_path / "notes.txt").write_text("草稿\n", encoding="utf-8")
    git(tmp_path, "add", "notes.txt")
    kq("init", tmp_path / "r")
    assert git(tmp_path, "show", "--format=", "--name-only", "HEAD").stdout.split() == [
        "r/.gitattributes", "r/.gitignore", "r/kq.yaml"]
    assert git(tmp_path, "status", "--porcelain").stdout == "A  notes.txt\n"  # still staged


@needs_git
def test_init_without_a_git_identity_keeps_the_repository_and_says_how_to_commit(
        tmp_path, kq, own_git_config, monkeypatch):
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "gitconfig").write_text("[user]\n\tuseConfigOnly = true\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = kq("init", "r")
    assert result.exit_code == 1
    line = result.stderr.splitlines()[1]
    assert line.startswith("kq: 未提交 (git commit failed: ")
    assert line.endswith("); 请自己提交: git add kq.yaml .gitignore .gitattributes && git commit")
    assert (tmp_path / "r" / "kq.yaml").is_file()


@needs_git
def test_init_makes_a_git_repository(tmp_path, kq, own_git_config):
    kq("init", tmp_path / "r")
    assert git(tmp_path / "r", "rev-parse", "--is-inside-work-tree").stdout == "true\n"


@needs_git
def test_init_installs_an_executable_pre_commit_hook(tmp_path, kq, own_git_config):
    kq("init", tmp_path / "r")
    hook = tmp_path / "r" / ".git" / "hooks" / "pre-commit"
    assert hook.is_file()
    assert os.access(hook, os.X_OK)
    assert "check --staged --quiet" in hook.read_text(encoding="utf-8")


def test_init_twice_exits_2(tmp_path, kq, own_git_config):
    assert kq("--lang", "en", "init", tmp_path / "r").exit_code == 0
    before = (tmp_path / "r" / "kq.yaml").read_bytes()
    result = kq("--lang", "en", "init", tmp_path / "r")
    assert result.exit_code == 2
    assert result.stderr == f"kq: {tmp_path / 'r'}: already a kq repository (kq.yaml exists)\n"
    assert (tmp_path / "r" / "kq.yaml").read_bytes() == before


def test_a_new_repository_checks_clean(tmp_path, kq, own_git_config):
    kq("--lang", "en", "init", tmp_path / "r")
    result = kq("--lang", "en", "--repo", tmp_path / "r", "check")
    assert result.exit_code == 0
    assert result.stderr == "0 customer files checked: all valid\n"


# --- the pre-commit hook ---------------------------------------------------------------------


@pytest.fixture
def git_repo(tmp_path, kq, own_git_config) -> Path:
    """A repository from `kq init`, with a committer configured."""
    root = tmp_path / "r"
    assert kq("init", root).exit_code == 0
    git(root, "config", "user.name", "测试")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "commit.gpgsign", "false")
    return root


@needs_git
def test_hook_lets_a_valid_customer_be_committed(git_repo):
    (git_repo / "customers" / "hx.yaml").write_text("name: 华信大药房\nkind: 终端\n", encoding="utf-8")
    git(git_repo, "add", "-A")
    result = git(git_repo, "commit", "-m", "华信")
    assert result.returncode == 0, result.stderr
    assert git(git_repo, "log", "--format=%s").stdout == "华信\ninit: kq.yaml, .gitignore, .gitattributes\n"


@needs_git
def test_hook_refuses_to_commit_an_invalid_customer(git_repo, monkeypatch):
    monkeypatch.setenv("KQ_LANG", "en")  # the message as the code writes it
    (git_repo / "customers" / "hx.yaml").write_text("name: 华信大药房\ngrde: A\n", encoding="utf-8")
    git(git_repo, "add", "-A")
    result = git(git_repo, "commit", "-m", "华信")
    assert result.returncode != 0
    assert ("customers/hx.yaml:2:1: grde: unknown key 'grde'; did you mean 'grade'?"
            in result.stdout + result.stderr)
    assert git(git_repo, "log", "--format=%s").stdout == "init: kq.yaml, .gitignore, .gitattributes\n"


@needs_git
def test_hook_accepts_a_valid_staged_version_broken_only_in_the_working_tree(git_repo):
    customer = git_repo / "customers" / "hx.yaml"
    customer.write_text("name: 华信大药房\ngrade: A\n", encoding="utf-8")
    git(git_repo, "add", "-A")
    customer.write_text("name: 华信大药房\ngrde: A\n", encoding="utf-8")
    result = git(git_repo, "commit", "-m", "华信")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_git
def test_hook_refuses_an_invalid_staged_version_fixed_only_in_the_working_tree(git_repo):
    customer = git_repo / "customers" / "hx.yaml"
    customer.write_text("name: 华信大药房\ngrde: A\n", encoding="utf-8")
    git(git_repo, "add", "-A")
    customer.write_text("name: 华信大药房\ngrade: A\n", encoding="utf-8")
    result = git(git_repo, "commit", "-m", "华信")
    assert result.returncode != 0
    assert git(git_repo, "log", "--format=%s").stdout == "init: kq.yaml, .gitignore, .gitattributes\n"


# --- kq schema -------------------------------------------------------------------------------


def test_schema_is_a_json_schema_of_the_customer_file(kq):
    result = kq("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"name", "contacts", "visits"} <= set(schema["properties"])


def test_schema_forbids_unknown_keys(kq):
    schema = json.loads(kq("schema").stdout)
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["Contact"]["additionalProperties"] is False


def test_schema_requires_only_the_name(kq):
    assert json.loads(kq("schema").stdout)["required"] == ["name"]


def test_schema_offers_chinese_aliases_for_enums(kq):
    schema = json.loads(kq("schema").stdout)
    kind = schema["properties"]["kind"]["anyOf"][0]
    assert {"terminal", "终端"} <= set(kind["enum"])


def test_schema_needs_no_repository(tmp_path, kq, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert kq("schema").exit_code == 0


# --- finding the repository ------------------------------------------------------------------


def test_repo_option_names_the_repository(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"})
    assert [row["id"] for row in listed(kq, "--repo", root)] == ["hx"]


def test_kq_repo_environment_variable_names_the_repository(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_REPO", str(make_repo({"hx": "name: 华信大药房\n"})))
    assert [row["id"] for row in listed(kq)] == ["hx"]


def test_repo_option_wins_over_kq_repo(make_repo, kq, monkeypatch, tmp_path):
    first = make_repo({"hx": "name: 华信大药房\n"}, root=tmp_path / "first")
    second = make_repo({"zeng": "name: 曾氏药店\n"}, root=tmp_path / "second")
    monkeypatch.setenv("KQ_REPO", str(first))
    assert [row["id"] for row in listed(kq, "--repo", second)] == ["zeng"]


def test_repository_is_found_by_walking_up_from_the_current_folder(make_repo, kq, monkeypatch):
    root = make_repo({"hx": "name: 华信大药房\n"})
    monkeypatch.chdir(root / "customers")
    assert [row["id"] for row in listed(kq)] == ["hx"]


def test_no_repository_here_exits_2(tmp_path, kq, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = kq("--lang", "en", "list")
    assert result.exit_code == 2
    assert result.stderr == ("kq: no kq repository here (no kq.yaml in this folder or above); "
                             "run 'kq init' or pass --repo PATH\n")


def test_repo_option_without_kq_yaml_exits_2(tmp_path, kq):
    result = kq("--lang", "en", "--repo", tmp_path, "list")
    assert result.exit_code == 2
    assert result.stderr == (f"kq: {tmp_path}: not a kq repository (no kq.yaml); "
                             f"run 'kq init {tmp_path}'\n")


# --- --today ---------------------------------------------------------------------------------


def test_bad_today_exits_2_with_a_clean_message(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"})
    result = kq("--repo", root, "--today", "2026-13-01", "list")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "kq: --today: '2026-13-01' is not a date; write YYYY-MM-DD\n"


def test_bad_kq_today_exits_2_naming_the_variable(make_repo, kq, monkeypatch):
    monkeypatch.setenv("KQ_TODAY", "tomorrow")
    result = kq("--repo", make_repo({"hx": "name: 华信大药房\n"}), "list")
    assert result.exit_code == 2
    assert result.stderr == "kq: KQ_TODAY: 'tomorrow' is not a date; write YYYY-MM-DD\n"


def test_good_today_is_accepted(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"})
    assert [row["id"] for row in listed(kq, "--repo", root, "--today", "2026-11-24")] == ["hx"]


# --- global options after the command (as hledger's general options) -------------------------


def test_repo_after_the_command_names_the_repository(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"})
    result = kq("list", "--repo", root, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [row["id"] for row in json.loads(result.stdout)] == ["hx"]


def test_today_after_the_command_is_the_day(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\nkind: terminal\ntier: key\nvisits:\n"
                            "  - {date: 2026-11-18, kind: visit}\n"})
    after = kq("due", "--format", "json", "--today", "2026-11-24", "--repo", root)
    before = kq("--today", "2026-11-24", "--repo", root, "due", "--format", "json")
    assert after.exit_code == 0, after.stderr
    assert after.stdout == before.stdout
    assert json.loads(after.stdout)[0]["overdue_days"] == 1


def test_lang_and_no_pager_after_the_command_are_the_global_options(make_repo, kq):
    root = make_repo(TWO_SHOPS)
    result = kq("list", "--lang", "en", "--no-pager", "--repo=" + str(root))
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "hx-renmin" in line)
    assert row.split() == ["hx-renmin", "华信大药房(人民路店)", "terminal", "key"]


def test_the_console_script_reads_global_options_after_the_command(make_repo):
    root = make_repo({"hx": "name: 华信大药房\n"})
    done = subprocess.run([str(KQ), "list", "--format", "json", "--repo", str(root)],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "KQ_SERVER": "0"})
    assert (done.returncode, [row["id"] for row in json.loads(done.stdout)]) == (0, ["hx"])


@pytest.mark.parametrize("argv,expected", [
    (["due", "--today", "D", "-w", "7"], ["--today", "D", "due", "-w", "7"]),
    (["--repo", "R", "log", "hx", "--lang=en", "--goal", "g"],
     ["--repo", "R", "--lang=en", "log", "hx", "--goal", "g"]),
    (["import", "figures", "f.csv", "--no-pager"], ["--no-pager", "import", "figures", "f.csv"]),
    (["log", "hx", "--", "--today", "x"], ["log", "hx", "--", "--today", "x"]),
    (["due", "--today"], ["due", "--today"]),
    (["--today"], ["--today"]),
])
def test_global_options_after_the_command_move_in_front_of_it(argv, expected):
    from kqcli.store.root import hoisted

    assert hoisted(argv) == expected


# --- output formats --------------------------------------------------------------------------

TWO_SHOPS = {
    "hx-renmin": "name: 华信大药房(人民路店)\nkind: 终端\ntier: key\ntags: [连锁, 医保]\n",
    "zeng": "name: 曾氏药店\nkind: terminal\n",
}


def test_csv_has_a_header_row_then_one_row_per_customer(make_repo, kq):
    result = kq("--repo", make_repo(TWO_SHOPS), "list", "--format", "csv", "--keys")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id,name,kind,status,grade,tier,")
    assert lines[1].startswith("hx-renmin,华信大药房(人民路店),terminal,,,key,")
    assert lines[2].startswith("zeng,曾氏药店,terminal,")
    assert len(lines) == 3


def test_csv_joins_a_list_of_tags_in_one_quoted_cell(make_repo, kq):
    import csv

    result = kq("--repo", make_repo(TWO_SHOPS), "list", "--format", "csv", "--keys")
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert rows[0]["tags"] == "连锁,医保"


def test_tsv_has_a_header_row(make_repo, kq):
    result = kq("--repo", make_repo(TWO_SHOPS), "list", "--format", "tsv", "--keys")
    assert result.exit_code == 0
    header, first, second = result.stdout.splitlines()
    assert header.split("\t")[:3] == ["id", "name", "kind"]
    assert first.split("\t")[:3] == ["hx-renmin", "华信大药房(人民路店)", "terminal"]
    assert len(second.split("\t")) == len(header.split("\t"))


def test_csv_of_an_empty_list_is_just_the_header(make_repo, kq):
    result = kq("--repo", make_repo({}), "list", "--format", "csv", "--keys")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1
    assert result.stdout.startswith("id,name,kind,")


def test_csv_header_is_the_same_whether_or_not_customers_match(make_repo, kq):
    root = make_repo(TWO_SHOPS)
    full = kq("--repo", root, "list", "--format", "csv", "--keys").stdout.splitlines()[0]
    empty = kq("--repo", root, "list", "同仁堂", "--format", "csv", "--keys").stdout.splitlines()[0]
    assert empty == full


def test_json_of_an_empty_list_is_an_empty_array(make_repo, kq):
    result = kq("--repo", make_repo({}), "list", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_table_shows_chinese_labels_for_people(make_repo, kq):
    result = kq("--repo", make_repo(TWO_SHOPS), "list")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if "hx-renmin" in line)
    assert row.split() == ["hx-renmin", "华信大药房(人民路店)", "终端", "重点"]


def test_unknown_format_is_a_usage_error(make_repo, kq):
    result = kq("--repo", make_repo(TWO_SHOPS), "list", "--format", "xml")
    assert result.exit_code == 2


# --- --version -------------------------------------------------------------------------------


def test_version_prints_the_version():
    result = subprocess.run([str(KQ), "--version"], capture_output=True, text=True, timeout=30)
    assert (result.returncode, result.stdout, result.stderr) == (0, "kq 0.1.0\n", "")


def test_version_through_the_app(kq):
    result = kq("--version")
    assert (result.exit_code, result.stdout) == (0, "kq 0.1.0\n")


# --- the index under .kq/ --------------------------------------------------------------------


def _age(path: Path, seconds: float) -> None:
    """Give ``path`` an mtime well in the past, so the index trusts it (not a racy write)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_index_sees_an_edited_file(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\nowner: 李明\n"})
    customer = root / "customers" / "hx.yaml"
    _age(customer, 100)
    assert listed(kq, "--repo", root)[0]["owner"] == "李明"
    customer.write_text("name: 华信大药房\nowner: 张强\n", encoding="utf-8")  # same size
    _age(customer, 50)
    assert listed(kq, "--repo", root)[0]["owner"] == "张强"


def test_index_sees_a_new_file(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n"})
    _age(root / "customers" / "hx.yaml", 100)
    listed(kq, "--repo", root)
    (root / "customers" / "zeng.yaml").write_text("name: 曾氏药店\n", encoding="utf-8")
    assert [row["id"] for row in listed(kq, "--repo", root)] == ["hx", "zeng"]


def test_index_forgets_a_deleted_file(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n", "zeng": "name: 曾氏药店\n"})
    listed(kq, "--repo", root)
    (root / "customers" / "zeng.yaml").unlink()
    assert [row["id"] for row in listed(kq, "--repo", root)] == ["hx"]


def test_deleting_the_cache_folder_is_harmless(make_repo, kq):
    root = make_repo(TWO_SHOPS)
    before = listed(kq, "--repo", root)
    shutil.rmtree(root / ".kq")
    result = kq("--repo", root, "list", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == before


def test_corrupted_index_is_rebuilt_silently(make_repo):
    # Separate processes, as in real use: an in-process run leaves its sqlite connection (and
    # its write-ahead log) open, which would mask the corrupted file.
    root = make_repo(TWO_SHOPS)
    command = [str(KQ), "--repo", str(root), "list", "--format", "json"]
    before = subprocess.run(command, capture_output=True, text=True, timeout=60)
    index = root / ".kq" / "index.sqlite"
    index.write_bytes(b"this is not a database \x00\xff" * 100)
    after = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (after.returncode, after.stderr) == (0, "")
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert index.read_bytes().startswith(b"SQLite format 3\x00")


def test_index_keeps_reporting_an_invalid_file(make_repo, kq):
    root = make_repo({"hx": "name: 华信大药房\n", "zeng": "name: 曾氏药店\ngrde: A\n"})
    _age(root / "customers" / "zeng.yaml", 100)
    first = kq("--lang", "en", "--repo", root, "check")
    second = kq("--lang", "en", "--repo", root, "check")
    assert first.exit_code == second.exit_code == 1
    assert second.stdout == first.stdout == (
        "customers/zeng.yaml:2:1: grde: unknown key 'grde'; did you mean 'grade'?\n")


# --- kq check with files (what the hook runs) ------------------------------------------------


def test_check_with_files_checks_only_those(make_repo, kq, monkeypatch):
    root = make_repo({"hx": "name: 华信大药房\n", "zeng": "name: 曾氏药店\ngrde: A\n"})
    monkeypatch.chdir(root)
    result = kq("--lang", "en", "check", "customers/hx.yaml")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "1 customer file checked: all valid\n"


def test_check_quiet_prints_no_summary(make_repo, kq):
    root = make_repo({"zeng": "name: 曾氏药店\ngrde: A\n"})
    result = kq("--repo", root, "check", "--quiet")
    assert result.exit_code == 1
    assert result.stderr == ""


# --- kq show card ----------------------------------------------------------------------------


def test_show_table_is_a_card_with_name_and_id(make_repo, kq):
    root = make_repo({"hx": """
        name: 华信大药房
        kind: 终端
        contacts:
          - {name: 王芳, role: 店长, phone: "13800001111", style: 领导型, familiarity: 2}
        visits:
          - {date: 2026-11-20, kind: visit, contact: 王芳, goal: 推新品陈列}
        """})
    result = kq("--repo", root, "--today", "2026-11-24", "show", "hx")
    assert result.exit_code == 0
    assert "华信大药房  (hx)" in result.stdout
    assert "13800001111" in result.stdout
    assert "领导型" in result.stdout
    assert "推新品陈列" in result.stdout


def test_show_card_has_the_stores_own_phone(make_repo, kq):
    root = make_repo({"hx": 'name: 华信大药房\nphone: "0871-65123456"\n'})
    result = kq("--repo", root, "--today", "2026-11-24", "show", "hx")
    assert result.exit_code == 0, result.stderr
    assert "电话" in result.stdout
    assert "0871-65123456" in result.stdout


def test_show_card_has_each_products_latest_shelf_check_and_the_skips(make_repo, kq):
    root = make_repo({"hx": """
        name: 华信大药房
        visits:
          - {date: 2026-11-10, kind: visit, shelf: [{sku: 维C泡腾片, facings: 2, price: 21.5}]}
          - {date: 2026-11-20, kind: visit, shelf: [{sku: 维C泡腾片, facings: 5, price: 19.9},
                                                   {sku: 钙片, facings: 0}]}
        skips:
          - {date: 2026-11-17, reason: 店长休假, to: 2026-11-19}
        """})
    result = kq("--lang", "zh", "--repo", root, "--today", "2026-11-24", "show", "hx")
    assert result.exit_code == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["2026-11-20", "维C泡腾片", "5", "19.9"] in lines
    assert ["2026-11-20", "钙片", "0"] in lines
    assert "21.5" not in result.stdout  # an older check of the same product
    assert ["2026-11-17", "2026-11-19", "店长休假"] in lines
    assert "货架" in result.stdout and "改期" in result.stdout


def test_route_on_a_day_kq_cannot_compute_with_is_a_usage_error(make_repo, kq):
    root = make_repo({"hx": "name: 华信\nroute: {weekday: tue}\n"})
    result = kq("--repo", root, "route", "9999-12-31")
    assert result.exit_code == 2
    assert "9999-12-31 is outside the dates kq works with" in result.stderr


@pytest.mark.parametrize("command", [["score", "--month", "2026-10"], ["classify"],
                                     ["expenses", "--month", "2026-10"]])
def test_month_end_commands_write_an_excel_sheet_with_chinese_headers(kq, tmp_path, command):
    from python_calamine import CalamineWorkbook

    examples = Path(__file__).resolve().parent.parent / "examples"
    target = tmp_path / "out.xlsx"
    result = kq("--repo", examples, "--today", "2026-11-24", *command, "--format", "xlsx",
                "--output", target)
    assert result.exit_code in (0, 1), result.stderr  # 1: expense rule breaks in the examples
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] in (["客户编号", "客户", "业代"], ["id", "客户", "业代"])
    assert len(rows) > 5


def test_help_prints_a_yaml_list_as_it_is_written(kq):
    """Help is plain text, not Rich markup: `kinds: [terminal]` is not a style to drop."""
    for lang in ("zh", "en"):
        result = kq("--lang", lang, "pool", "--help")
        assert result.exit_code == 0
        assert "kinds: [terminal]}" in result.stdout.replace("\n", " ")
