"""The catalogue (kqcli/locale/zh_CN/LC_MESSAGES/kq.po): every text kq shows is in it, translated,
with its placeholders; the committed kq.mo is its compilation; help and usage errors are Chinese
by default and English when asked (--lang en, KQ_LANG=en, an en_* locale)."""

from __future__ import annotations

import io
import os
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kqcli.cli import catalogue

KQ = Path(sys.executable).parent / "kq"


@pytest.fixture(scope="module")
def catalog():
    with open(catalogue.PO, "rb") as f:
        return read_po(f, locale="zh_CN", domain=catalogue.DOMAIN)


def entries(catalog) -> list:
    return [m for m in catalog if m.id]


def fields(text: str) -> list[str]:
    """The replacement fields of a python-brace-format text, as written: ``{name}``, ``{}``,
    ``{after_days: 90, kinds: [terminal]}``."""
    found = []
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            found.append("{" + name + (f"!{conversion}" if conversion else "")
                         + (f":{spec}" if spec else "") + "}")
    return found


def test_every_entry_of_the_catalogue_is_translated(catalog) -> None:
    assert [m.id for m in entries(catalog)
            if not (all(m.string) if m.pluralizable else m.string)] == []


def test_no_entry_of_the_catalogue_is_fuzzy(catalog) -> None:
    assert [m.id for m in entries(catalog) if m.fuzzy] == []


def test_translations_keep_every_placeholder(catalog) -> None:
    def pairs(m):  # a plural: each form against the plural msgid
        if m.pluralizable:
            return [(m.id[-1], form) for form in m.string]
        return [(m.id, m.string)]

    lost = [(source, f) for m in entries(catalog) if "python-brace-format" in m.flags
            for source, text in pairs(m) for f in fields(source) if f not in text]
    assert lost == []


def test_committed_mo_is_the_compilation_of_the_po(catalog) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert catalogue.MO.read_bytes() == compiled.getvalue(), (
        "kq.mo is stale: python -m kqcli.cli.catalogue compile")


def test_every_text_kq_shows_is_in_the_catalogue(catalog) -> None:
    ids = {m.id for m in entries(catalog)}
    missing = {text: sorted(where) for text, where in catalogue.texts().items() if text not in ids}
    assert missing == {}, "python -m kqcli.cli.catalogue update, then translate the new entries"


# -- help and usage errors in the user's language -------------------------------------------

ENGLISH = {"flag": (["--lang", "en"], {}), "KQ_LANG": ([], {"KQ_LANG": "en"}),
           "LANG": ([], {"LANG": "en_US.UTF-8"})}


@pytest.fixture(params=sorted(ENGLISH))
def english(request, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """English asked for by --lang en, KQ_LANG=en or LANG=en_US.UTF-8: the global options to
    pass (the environment is set)."""
    options, env = ENGLISH[request.param]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return options


def console_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(KQ), *args], capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "100"})


def test_kq_help_is_chinese_by_default(kq) -> None:
    out = kq("--help").output
    assert out.startswith("用法: kq [OPTIONS] COMMAND [ARGS]...")
    assert "今天该拜访谁" in out and "选项:" in out and "命令:" in out and "示例: kq" in out


def test_kq_help_is_english_when_asked(kq, english: list[str]) -> None:
    out = kq(*english, "--help").output
    assert out.startswith("Usage: kq [OPTIONS] COMMAND [ARGS]...")
    assert "whom to visit, call or greet today" in out and "Commands:" in out
    assert "今天该拜访谁" not in out


def test_command_help_is_chinese_by_default(kq) -> None:
    out = kq("due", "--help").output
    assert "用法: kq due" in out and "今天要做的事, 最紧急的在前" in out
    assert "选项" in out and "只看该业代的客户" in out and "[默认: table]" in out
    assert "示例: kq --repo examples --today 2026-11-24 due --within 7 --owner 李明" in out


def test_command_help_is_english_when_asked(kq, english: list[str]) -> None:
    out = kq(*english, "due", "--help").output
    assert "Usage: kq due" in out and "What needs doing today, most urgent first" in out
    assert "Options" in out and "Only this rep's customers." in out and "[default: table]" in out
    assert "用法" not in out and "选项" not in out


def test_console_script_kq_help_is_chinese_by_default() -> None:
    done = console_script("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("用法: kq [OPTIONS] COMMAND [ARGS]...")
    assert "今天该拜访谁" in done.stdout


def test_console_script_kq_help_is_english_when_asked(english: list[str]) -> None:
    done = console_script(*english, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("Usage: kq [OPTIONS] COMMAND [ARGS]...")
    assert "whom to visit, call or greet today" in done.stdout


def test_console_script_command_help_is_chinese_by_default() -> None:
    done = console_script("due", "--help")
    assert done.returncode == 0
    assert "用法: kq due" in done.stdout and "今天要做的事, 最紧急的在前" in done.stdout


def test_console_script_command_help_is_english_when_asked(english: list[str]) -> None:
    done = console_script(*english, "due", "--help")
    assert done.returncode == 0
    assert "Usage: kq due" in done.stdout and "What needs doing today" in done.stdout
    assert "用法" not in done.stdout


def test_usage_error_is_one_chinese_line_naming_the_next_step(kq) -> None:
    result = kq("due", "--fromat", "json")
    assert result.exit_code == 2
    assert result.stderr == ("kq due: 错误: 没有这个选项 --fromat (是不是 --bom, --format?); "
                             "用法见 kq due --help\n")


def test_usage_error_is_one_english_line_when_asked(kq) -> None:
    result = kq("--lang", "en", "due", "--fromat", "json")
    assert result.exit_code == 2
    assert result.stderr == ("kq due: error: no such option --fromat (did you mean --bom, --format?); "
                             "see kq due --help\n")


def test_console_script_usage_error_is_one_chinese_line() -> None:
    done = console_script("due", "--fromat", "json")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("kq due: 错误: 没有这个选项 --fromat (是不是 --bom, --format?); "
                           "用法见 kq due --help\n")


def test_console_script_usage_error_is_one_english_line_when_asked() -> None:
    done = console_script("--lang", "en", "due", "--fromat", "json")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("kq due: error: no such option --fromat (did you mean --bom, --format?); "
                           "see kq due --help\n")


def test_help_follows_the_language_of_each_run_in_one_process(kq) -> None:
    assert "用法: kq due" in kq("due", "--help").output
    assert "Usage: kq due" in kq("--lang", "en", "due", "--help").output
    assert "用法: kq due" in kq("due", "--help").output


def test_group_without_its_command_prints_its_help_in_chinese(kq) -> None:
    result = kq("server")
    assert result.exit_code == 2
    assert "用法: kq server" in result.output and "选项" in result.output
    assert "Usage" not in result.output and "Options" not in result.output


def test_chinese_option_help_wider_than_its_column_folds_rather_than_being_cut(
        kq, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = kq("due", "--help").output
    assert "显示某个客户每项紧急度是怎么算出来的" in "".join(out.replace("│", "").split())


def test_usage_error_names_a_bad_integer_in_chinese(kq) -> None:
    result = kq("due", "--within", "x")
    assert result.exit_code == 2
    assert result.stderr == "kq due: 错误: --within / -w: 'x' 不是整数; 用法见 kq due --help\n"


def test_aborted_command_says_so_in_chinese(kq, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer

    def run() -> None:
        raise typer.Abort()

    monkeypatch.setattr("kqcli.cli.commands.schema.run", run)
    result = kq("schema")
    assert (result.exit_code, result.stderr) == (1, "已中止\n")


def test_lang_after_the_command_chooses_the_language_of_its_help(kq) -> None:
    """--help is answered while click parses the options, before the group's callback: the
    language comes from the command line as the console script hoists it."""
    result = kq("due", "--help", "--lang", "en")
    assert "Usage: kq due" in result.stdout and "What needs doing today" in result.stdout
