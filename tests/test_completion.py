"""Shell conventions: completion of commands, options and customers (driven the way a shell
drives it: ``_KQ_COMPLETE`` with ``COMP_WORDS`` or ``_TYPER_COMPLETE_ARGS``), the scripts
``kq completion SHELL`` prints, and the manual ``kq help`` writes from the help text."""

from __future__ import annotations

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
    assert bash("kq sh", monkeypatch) == "show\n"


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
])
def test_kq_completion_prints_the_script_for_the_shell(kq, shell, line):
    result = kq("completion", shell)
    assert result.exit_code == 0
    assert line in result.stdout


def test_kq_completion_refuses_a_shell_it_does_not_know(kq):
    result = kq("completion", "tcsh")
    assert result.exit_code == 2


# --- kq help: the manual --------------------------------------------------------------------


def test_help_of_a_command_starts_with_its_usage(kq):
    result = kq("help", "log")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "kq log [OPTIONS] [customer]"  # none with --due


def test_help_of_a_command_lists_each_option_with_its_help(kq):
    lines = kq("help", "log").stdout.splitlines()
    at = lines.index("    --closes-next")
    assert lines[at + 1] == "        This interaction did the oldest open next step: close it too."


def test_help_of_an_unknown_command_exits_2(kq):
    result = kq("help", "nosuch")
    assert (result.exit_code, result.stderr) == (2, "kq: 没有命令 'nosuch'; 'kq help' 列出全部命令\n")


def test_the_whole_manual_ends_with_the_files_kq_uses(kq):
    lines = kq("--lang", "en", "help").stdout.splitlines()
    assert lines[-7:] == [
        "FILES",
        "    kq.yaml",
        "        The repository's settings (cadences, scorecard, reminder lead times, reps).",
        "    customers/ID.yaml",
        "        One file per customer; the file's stem is the customer's id.",
        "    .kq/",
        "        Generated: the index (with kq due's agenda, the scorecards and the answers kept "
        "for a question asked again) and schema.json for editors; never the only copy of "
        "anything, safe to delete.",
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


def test_roff_starts_with_the_title_line(kq):
    from kqcli import __version__

    result = kq("help", "--roff")
    assert result.stdout.splitlines()[0] == f'.TH KQ 1 "" "kq {__version__}" "kq manual"'


def test_roff_has_a_subsection_per_command(kq):
    assert ".SS import customers" in kq("help", "--roff").stdout.splitlines()


def test_roff_escapes_dashes_backslashes_and_leading_dots():
    from kqcli.cli.commands.manual import _roff

    assert _roff(".kq/ a-b c\\d") == "\\&.kq/ a\\-b c\\ed"
