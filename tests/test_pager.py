"""The pager's on/off rules: only to a terminal, only when the output is taller than it, off
with --no-pager or an empty $KQ_PAGER; $KQ_PAGER, else $PAGER, else less with LESS=FRX."""

from __future__ import annotations

import io
import shlex
import sys

import pytest

from kqcli.cli import pager


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def pager_on():
    pager.configure(enabled=True)
    yield
    pager.configure(enabled=True)


@pytest.fixture
def terminal(monkeypatch):
    """A 10-line terminal for stdout; ``terminal.attach()`` inside the test (pytest puts its
    own capture on sys.stdout between a fixture and the test's body)."""
    screen = Terminal()
    screen.attach = lambda: monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setenv("LINES", "10")
    monkeypatch.setenv("COLUMNS", "80")
    return screen


@pytest.fixture
def paged_to(tmp_path, monkeypatch):
    target = tmp_path / "paged.txt"
    script = f"import sys; open({str(target)!r}, 'wb').write(sys.stdin.buffer.read())"
    monkeypatch.setenv("KQ_PAGER", f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}")
    return target


def lines(n: int) -> str:
    return "".join(f"row {i}\n" for i in range(n))


# --- the rule itself ---------------------------------------------------------------------------


def test_output_taller_than_the_terminal_is_paged():
    assert pager.should_page(10, terminal=True, height=10)


def test_output_that_fits_above_the_prompt_is_not_paged():
    assert not pager.should_page(9, terminal=True, height=10)


def test_output_to_a_pipe_is_never_paged():
    assert not pager.should_page(1000, terminal=False, height=10)


# --- which pager --------------------------------------------------------------------------------


def test_kq_pager_wins_over_pager():
    argv, _ = pager.command({"KQ_PAGER": "most", "PAGER": "more"})
    assert argv == ["most"]


def test_pager_is_used_when_kq_pager_is_unset():
    argv, _ = pager.command({"PAGER": "more -s"})
    assert argv == ["more", "-s"]


def test_an_empty_kq_pager_turns_paging_off():
    assert pager.command({"KQ_PAGER": "", "PAGER": "less"}) is None


def test_pager_cat_turns_paging_off():
    assert pager.command({"PAGER": "cat"}) is None


def test_less_gets_frx_so_colours_survive_and_one_screen_just_prints():
    _, env = pager.command({"PAGER": "less"})
    assert env["LESS"] == "FRX"


def test_the_users_own_less_options_are_kept():
    _, env = pager.command({"PAGER": "less", "LESS": "-S"})
    assert env["LESS"] == "-S"


def test_without_any_pager_on_path_output_is_printed(tmp_path):
    assert pager.command({"PATH": str(tmp_path)}) is None


# --- paging() ----------------------------------------------------------------------------------


def test_long_output_to_a_terminal_goes_to_the_pager(terminal, paged_to):
    terminal.attach()
    with pager.paging():
        print(lines(20), end="")
    assert paged_to.read_text(encoding="utf-8") == lines(20)
    assert terminal.getvalue() == ""


def test_short_output_to_a_terminal_is_printed_directly(terminal, paged_to):
    terminal.attach()
    with pager.paging():
        print(lines(3), end="")
    assert terminal.getvalue() == lines(3)
    assert not paged_to.exists()


def test_no_pager_prints_long_output_directly(terminal, paged_to):
    terminal.attach()
    pager.configure(enabled=False)
    with pager.paging():
        print(lines(20), end="")
    assert terminal.getvalue() == lines(20)
    assert not paged_to.exists()


def test_a_pipe_gets_the_output_as_it_is_printed(monkeypatch, paged_to):
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stdout", piped)
    with pager.paging():
        print(lines(20), end="")
        assert sys.stdout is piped  # nothing collected: a pipe streams
    assert piped.getvalue() == lines(20)
    assert not paged_to.exists()


def test_a_pager_that_is_not_installed_falls_back_to_printing(terminal, monkeypatch):
    terminal.attach()
    monkeypatch.setenv("KQ_PAGER", "/nonexistent/pager")
    with pager.paging():
        print(lines(20), end="")
    assert terminal.getvalue() == lines(20)


def test_output_collected_before_an_error_is_still_shown(terminal, paged_to):
    terminal.attach()
    with pytest.raises(KeyError), pager.paging():
        print(lines(2), end="")
        raise KeyError("x")
    assert terminal.getvalue() == lines(2)


# --- the global option ---------------------------------------------------------------------------


def test_the_no_pager_option_turns_paging_off(kq):
    kq("--no-pager", "completion", "bash")
    assert pager.enabled() is False


def test_paging_is_on_again_in_the_next_run_without_the_option(kq):
    kq("--no-pager", "completion", "bash")
    kq("completion", "bash")
    assert pager.enabled() is True
