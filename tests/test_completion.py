"""Shell conventions: completion of commands, options and customers (driven the way a shell
drives it: ``_KQ_COMPLETE`` with ``COMP_WORDS`` or ``_TYPER_COMPLETE_ARGS``), the scripts
``kq completion SHELL`` prints, and the manual ``kq help`` writes from the help text."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from kqcli.cli.app import app

RENMIN = "name: 华信大药房(人民路店)\n"
BEIJING = "name: 华信大药房(北京路店)\n"
ZENG = "name: 曾氏药店\n"


@pytest.fixture
def shops(make_repo):
    return make_repo({"hx-renmin": RENMIN, "hx-beijing": BEIJING, "zeng": ZENG})


def bash(words: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """What bash gets for the last word of ``words`` (an empty last word after a space)."""
    monkeypatch.setenv("_KQ_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(len(words.split()) - (0 if words.endswith(" ") else 1)))
    result = CliRunner().invoke(app, [], prog_name="kq")
    assert result.exit_code == 0, result.output
    return result.stdout


def typer_shell(shell: str, words: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("_KQ_COMPLETE", f"complete_{shell}")
    monkeypatch.setenv("_TYPER_COMPLETE_ARGS", words)
    monkeypatch.setenv("_TYPER_COMPLETE_FISH_ACTION", "get-args")
    result = CliRunner().invoke(app, [], prog_name="kq")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_command_is_completed(monkeypatch):
    assert bash("kq sho", monkeypatch) == "show\n"


def test_an_option_of_a_command_is_completed(shops, monkeypatch):
    assert bash(f"kq --repo {shops} log zeng --clo", monkeypatch) == "--closes-next\n"


def test_an_id_prefix_is_completed_to_the_ids(shops, monkeypatch):
    assert bash(f"kq --repo {shops} show hx", monkeypatch) == "hx-beijing\nhx-renmin\n"


def test_part_of_a_name_is_completed_to_the_ids(shops, monkeypatch):
    assert bash(f"kq --repo {shops} log 北京", monkeypatch) == "hx-beijing\n"


def test_pinyin_initials_are_completed_to_the_id(shops, monkeypatch):
    assert bash(f"kq --repo {shops} done zsyd", monkeypatch) == "zeng\n"


def test_the_repository_is_found_from_kq_repo_too(shops, monkeypatch):
    monkeypatch.setenv("KQ_REPO", str(shops))
    assert bash("kq edit ze", monkeypatch) == "zeng\n"


def test_an_optional_customer_is_completed(shops, monkeypatch):
    assert bash(f"kq --repo {shops} history zsyd", monkeypatch) == "zeng\n"


def test_zsh_shows_each_name_beside_its_id(shops, monkeypatch):
    out = typer_shell("zsh", f"kq --repo {shops} show 华信", monkeypatch)
    assert out == ("_arguments '*: :((\"hx-beijing\":\"华信大药房(北京路店)\"\n"
                   "\"hx-renmin\":\"华信大药房(人民路店)\"))'\n")


def test_fish_shows_each_name_beside_its_id(shops, monkeypatch):
    out = typer_shell("fish", f"kq --repo {shops} show zeng", monkeypatch)
    assert out == "zeng\t曾氏药店\n"


def powershell(words: str, monkeypatch: pytest.MonkeyPatch, shell: str = "powershell") -> str:
    """What PowerShell gets for the last word of ``words`` (typer's script hands the whole
    line and the word under the cursor, empty after a space)."""
    monkeypatch.setenv("_KQ_COMPLETE", f"complete_{shell}")
    monkeypatch.setenv("_TYPER_COMPLETE_ARGS", words)
    monkeypatch.setenv("_TYPER_COMPLETE_WORD_TO_COMPLETE",
                       "" if words.endswith(" ") else words.split()[-1])
    result = CliRunner().invoke(app, [], prog_name="kq")
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("shell", ["powershell", "pwsh"])
def test_powershell_shows_each_name_beside_its_id(shops, monkeypatch, shell):
    out = powershell(f"kq --repo {shops} show hx", monkeypatch, shell)
    assert out == "hx-beijing:::华信大药房(北京路店)\nhx-renmin:::华信大药房(人民路店)\n"


def test_powershell_offers_the_reps_for_owner(shops, monkeypatch):
    (shops / "kq.yaml").write_text("reps:\n  - {name: 李明}\n  - {name: 王强}\n",
                                   encoding="utf-8")
    assert powershell(f"kq --repo {shops} due --owner ", monkeypatch) == "李明::: \n王强::: \n"


@pytest.mark.skipif(os.name == "nt", reason="a backslash in a folder's name: POSIX only")
def test_powershell_keeps_the_backslashes_of_a_windows_folder(make_repo, tmp_path, monkeypatch):
    """``--repo D:\\客情`` on Windows: a backslash separates folders there, and PowerShell
    escapes with a backtick; click's split (for POSIX shells) dropped it and found no folder.
    Here a folder whose name holds one stands for it."""
    root = make_repo({"zeng": ZENG}, root=tmp_path / "D:\\客情")
    assert powershell(f"kq --repo {root} show ze", monkeypatch) == "zeng:::曾氏药店\n"
    assert powershell(f"kq --repo '{root}' show ze", monkeypatch) == "zeng:::曾氏药店\n"


@pytest.mark.parametrize("line,words", [
    ("kq --repo D:\\客情\\仓库 show hx", ["kq", "--repo", "D:\\客情\\仓库", "show", "hx"]),
    ("kq --repo 'D:\\my kq' show", ["kq", "--repo", "D:\\my kq", "show"]),
    ('kq log hx --note "a`"b" ', ["kq", "log", "hx", "--note", 'a"b']),
    ("kq log hx --note 'half open", ["kq", "log", "hx", "--note", "half open"]),
    ("kq --repo D:\\kq `\n  show hx", ["kq", "--repo", "D:\\kq", "show", "hx"]),
    ("kq --repo D:\\kq `\r\n  show hx", ["kq", "--repo", "D:\\kq", "show", "hx"]),
])
def test_a_powershell_line_is_split_as_powershell_reads_it(line, words):
    from kqcli.cli.commands.completion import powershell_words

    assert powershell_words(line) == words


def test_outside_a_repository_nothing_is_offered_and_nothing_fails(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert bash("kq show hx", monkeypatch) == "\n"


def test_ids_starting_with_the_text_come_before_names_matching_it():
    from kqcli.store.names import completions

    names = [("a1", "曾氏药店", [["z"], ["s"], ["y"], ["d"]]),
             ("zs-2", "安康药房", [["a"], ["k"], ["y"], ["f"]])]
    assert completions("zs", names) == [("zs-2", "安康药房"), ("a1", "曾氏药店")]


@pytest.mark.parametrize("shell,line", [
    ("bash", "complete -o default -F _kq_completion kq"),
    ("zsh", "#compdef kq"),
    ("fish", "complete --command kq --no-files"),
    ("powershell", "Register-ArgumentCompleter -Native -CommandName kq"),
    ("pwsh", "Register-ArgumentCompleter -Native -CommandName kq"),
])
def test_kq_completion_prints_the_script_for_the_shell(kq, shell, line):
    result = kq("completion", shell)
    assert result.exit_code == 0
    assert line in result.stdout


def test_kq_completion_refuses_a_shell_it_does_not_know(kq):
    result = kq("completion", "tcsh")
    assert result.exit_code == 2


# --- through a real shell: the script `kq completion SHELL` prints, the console script it runs --

BIN = Path(sys.executable).parent
"""Where the console script ``kq`` is: beside the Python running the tests (the venv's bin)."""
TEAM = "reps:\n  - {name: 李明}\n  - {name: 王强}\n  - {name: 张强, left: 2026-10-31}\n"
OWNED = "name: 曾氏药店\nowner: 陈静\n"


def _needs(shell: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(shutil.which(shell) is None or not (BIN / "kq").exists(),
                              reason=f"{shell} is not installed (.ci/run installs it from Debian), "
                                     f"or no kq console script beside {sys.executable}")


@pytest.fixture
def team(make_repo):
    return make_repo({"hx-renmin": RENMIN, "hx-beijing": BEIJING, "zeng": OWNED}, kq_yaml=TEAM)


def _run_shell(argv: list[str], cwd: Path) -> list[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout.splitlines()


def in_bash(cwd: Path, *words: str) -> list[str]:
    """COMPREPLY after TAB on ``words`` (the last one being typed) in bash, with the script
    ``kq completion bash`` prints sourced: bash calls its function as it does on TAB."""
    program = ('source <(kq completion bash)\n'
               'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))\n'
               '_kq_completion kq\n'
               'for word in "${COMPREPLY[@]}"; do printf "%s\\n" "$word"; done\n')
    return _run_shell(["bash", "--norc", "--noprofile", "-c", program, "bash", *words], cwd)


def in_zsh(cwd: Path, *words: str) -> list[str]:
    """What ``kq completion zsh``'s function hands zsh's ``_arguments`` (stubbed to print it)."""
    program = ('compdef() { : }\n_arguments() { print -r -- "$@" }\n'
               'source <(kq completion zsh)\n'
               'words=("$@"); CURRENT=$#\n'
               '_kq_completion\n')
    return _run_shell(["zsh", "-f", "-c", program, "zsh", *words], cwd)


def in_fish(cwd: Path, line: str) -> list[str]:
    """What fish offers after ``line`` (``complete -C``), with ``kq completion fish`` sourced."""
    program = "kq completion fish | source; complete -C $argv[1]"
    return _run_shell(["fish", "--no-config", "-c", program, line], cwd)


@_needs("bash")
def test_bash_offers_the_commands_after_kq_not_the_help(team):
    from kqcli.cli.usage import COMMANDS, HIDDEN

    assert in_bash(team, "kq", "") == [name for name in COMMANDS if name not in HIDDEN]


@_needs("bash")
def test_bash_completes_a_command_name(team):
    assert in_bash(team, "kq", "sho") == ["show"]


@_needs("bash")
def test_bash_completes_an_option_name(team):
    assert in_bash(team, "kq", "due", "--wi") == ["--within"]


@_needs("bash")
def test_bash_completes_a_customer_id_prefix(team):
    assert in_bash(team, "kq", "show", "hx") == ["hx-beijing", "hx-renmin"]


@_needs("bash")
def test_bash_completes_part_of_a_name_to_the_id(team):
    assert in_bash(team, "kq", "show", "北京") == ["hx-beijing"]


@_needs("bash")
def test_bash_completes_pinyin_initials_to_the_id(team):
    assert in_bash(team, "kq", "log", "zsyd") == ["zeng"]


@_needs("bash")
def test_bash_offers_the_team_and_the_owners_for_owner(team):
    assert in_bash(team, "kq", "due", "--owner", "") == ["张强", "李明", "王强", "陈静"]


@_needs("bash")
def test_bash_completes_a_reps_pinyin_initials(team):
    assert in_bash(team, "kq", "list", "--owner", "lm") == ["李明"]


@_needs("bash")
def test_bash_offers_reps_for_reassign_and_its_to(team):
    assert (in_bash(team, "kq", "reassign", "张"), in_bash(team, "kq", "reassign", "张强", "--to", "w")
            ) == (["张强"], ["王强"])


@_needs("bash")
def test_bash_finds_the_repository_from_repo_after_the_command(team, tmp_path):
    assert in_bash(tmp_path, "kq", "show", "--repo", str(team), "hx-r") == ["hx-renmin"]


@_needs("bash")
def test_bash_outside_a_repository_offers_no_customer_and_prints_no_error(tmp_path):
    assert in_bash(tmp_path, "kq", "show", "hx") == []


@_needs("zsh")
def test_zsh_completes_a_command_name_with_its_summary(team):
    out = in_zsh(team, "kq", "sho")
    assert out == [r'*: :(("show":"客户卡片\\: 档案、联系人、产品、最近拜访、月度数据"))']  # in Chinese


@_needs("zsh")
def test_zsh_completes_a_customer_id_with_its_name(team):
    assert in_zsh(team, "kq", "show", "hx-r") == ["*: :((\"hx-renmin\":\"华信大药房(人民路店)\"))"]


@_needs("zsh")
def test_zsh_offers_the_reps_for_owner(team):
    assert in_zsh(team, "kq", "due", "--owner", "王") == ["*: :((\"王强\"))"]


@_needs("fish")
def test_fish_completes_a_command_name(team):
    assert in_fish(team, "kq sho") == ["show\t客户卡片: 档案、联系人、产品、最近拜访、月度数据"]


@_needs("fish")
def test_fish_completes_a_customer_id_with_its_name(team):
    assert in_fish(team, "kq show hx") == ["hx-beijing\t华信大药房(北京路店)",
                                           "hx-renmin\t华信大药房(人民路店)"]


@_needs("fish")
def test_fish_completes_an_option(team):
    assert in_fish(team, "kq due --wi") == ["--within\t同时列出未来 N 天内到期的事项"]


@_needs("fish")
def test_fish_offers_the_reps_for_owner(team):
    assert in_fish(team, "kq due --owner ") == ["张强", "李明", "王强", "陈静"]


def test_reps_are_offered_by_the_start_of_the_name_then_by_pinyin_initials():
    from kqcli.store.names import rep_completions

    reps = ["李明", "林立", "lm-temp", "王强", "李明"]
    assert rep_completions("l", reps) == ["lm-temp", "李明", "林立"]
    assert rep_completions("李", reps) == ["李明"]
    assert rep_completions("wq", reps) == ["王强"]


def test_a_completion_request_is_never_answered_from_the_answers_kept(team):
    """A kept answer of ``kq due --format json`` exists; the same words with the completion
    variable set are the shell asking: click completes them, the kept answer is not printed."""
    from helpers import probe_kq

    args = ["--today", "2026-11-24", "due", "--format", "json"]
    runs = [probe_kq(team, *args) for _ in range(3)]
    assert runs[-1].path == "warm"
    asked = probe_kq(team, *args, env={"_KQ_COMPLETE": "complete_bash",
                                       "COMP_WORDS": "kq due --fo", "COMP_CWORD": "2"})
    assert (asked.code, asked.stdout, asked.path) == (0, b"--format\n", "full")


def test_the_console_script_hands_an_empty_command_line_with_the_variable_to_click(team):
    """The shell's script runs ``kq`` with no arguments: completions, not the help."""
    from helpers import probe_kq

    asked = probe_kq(None, env={"_KQ_COMPLETE": "complete_bash", "COMP_WORDS": "kq sho",
                                "COMP_CWORD": "1"}, cwd=team)
    assert (asked.code, asked.stdout, asked.stderr) == (0, b"show\n", "")


# --- kq help: the manual --------------------------------------------------------------------


def test_help_of_a_command_starts_with_its_usage(kq):
    result = kq("help", "log")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "kq log [OPTIONS] [customer]"  # none with --due


def test_help_of_a_command_starts_with_its_usage_after_a_help_page(kq):
    assert "用法: kq due" in kq("due", "--help").stdout
    assert kq("help", "log").stdout.splitlines()[0] == "kq log [OPTIONS] [customer]"


def test_help_of_a_command_lists_each_option_with_its_help(kq):
    lines = kq("--lang", "en", "help", "log").stdout.splitlines()
    at = lines.index("    --closes-next")
    assert lines[at + 1] == "        This interaction did the oldest open next step: close it too."


def test_help_of_an_unknown_command_exits_2(kq):
    result = kq("help", "nosuch")
    assert (result.exit_code, result.stderr) == (2, "kq: 没有命令 'nosuch'; 'kq help' 列出全部命令\n")


def test_the_whole_manual_ends_with_the_files_kq_uses(kq):
    lines = kq("--lang", "en", "help").stdout.splitlines()
    assert lines[-9:] == [
        "FILES",
        "    kq.yaml",
        "        The repository's settings (cadences, scorecard, reminder lead times, reps).",
        "    customers/ID.yaml",
        "        One file per customer; the file's stem is the customer's id.",
        "    .kq/",
        "        Generated: the index (with kq due's agenda, the scorecards and the answers kept "
        "for a question asked again) and schema.json for editors; never the only copy of "
        "anything, safe to delete.",
        "    .kq/local.yaml",
        "        This clone's own settings, never committed (kq config): me, the rep kq is for by "
        "default, and server; deleting .kq/ forgets them.",
    ]


def test_the_manual_has_a_page_for_every_visible_command():
    from kqcli.cli.commands.manual import pages

    def names(command, path):
        yield path
        for name, sub in (getattr(command, "commands", None) or {}).items():
            if not sub.hidden:
                yield from names(sub, f"{path} {name}")

    root = get_command(app)
    assert [p.name for p in pages(root)] == list(names(root, "kq"))


def test_roff_starts_with_the_title_line_dated_by_the_version(kq):
    from kqcli import __date__, __version__

    result = kq("--lang", "en", "help", "--roff")
    assert result.stdout.splitlines()[0] == f'.TH KQ 1 "{__date__}" "kq {__version__}" "kq manual"'


def test_roff_is_chinese_by_default(kq):
    lines = kq("help", "--roff").stdout.splitlines()
    assert lines[0].endswith('"kq 手册"')
    assert {".SH 名称", ".SH 概要", ".SH 描述", ".SH 选项", ".SH 命令", ".SH 环境变量",
            ".SH 退出状态", ".SH 文件"} <= set(lines)
    assert "今天" in lines[lines.index(".SH 名称") + 1]  # the program's summary, translated


def test_roff_options_of_the_program_are_chinese_by_default(kq):
    lines = kq("help", "--roff").stdout.splitlines()
    at = lines.index("\\fB\\-\\-repo PATH\\fR")
    assert "仓库" in lines[at + 1]


def test_roff_is_english_when_asked(kq):
    lines = kq("--lang", "en", "help", "--roff").stdout.splitlines()
    assert {".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH EXIT STATUS"} <= set(lines)


def test_roff_has_a_subsection_per_command(kq):
    assert ".SS import customers" in kq("help", "--roff").stdout.splitlines()


def test_roff_escapes_dashes_backslashes_and_leading_dots():
    from kqcli.cli.commands.manual import _roff

    assert _roff(".kq/ a-b c\\d") == "\\&.kq/ a\\-b c\\ed"
