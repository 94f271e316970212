"""Helpers shared by the tests of the pure core: rows built from literal YAML."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import textwrap

import pytest

from kqcli.core.facts import extract, ledger
from kqcli.core.summary import summarize
from kqcli.schema.config import Settings
from kqcli.store.validate import validate, validate_customer

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _model(text: str, cid: str):
    model, problems = validate_customer(textwrap.dedent(text).encode(), f"{cid}.yaml")
    assert not problems, problems
    return model


def daily_row(text: str, cid: str = "c1") -> tuple[dict, dict]:
    """(summary, daily facts) of a customer written as YAML: what kq due takes."""
    model = _model(text, cid)
    return summarize(cid, model), extract(model)


def ledger_row(text: str, cid: str = "c1") -> tuple[dict, dict]:
    """(summary, month-end ledger) of a customer written as YAML: what score/classify take."""
    model = _model(text, cid)
    return summarize(cid, model), ledger(model)


def settings(text: str = "") -> Settings:
    """kq.yaml written as YAML, validated."""
    model, problems = validate(textwrap.dedent(text).encode(), "kq.yaml", Settings)
    assert not problems, problems
    return model


def git(root, *args: str) -> str:
    """Run git in a test repository; its output (fails the test when git fails)."""
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True).stdout


TODAY = dt.date(2026, 11, 24)  # a Tuesday: the day the rule tests look from


def due(text: str, reason: str, today: dt.date = TODAY, within: int | None = None,
        kq_yaml: str = "") -> list[tuple[str, int, str]]:
    """(due, overdue days, message) of one customer's reminders of ``reason`` on ``today``."""
    from kqcli.core.due import morning_list

    reminders, _ = morning_list([daily_row(text)], settings(kq_yaml), today, within)
    return [(r.due.isoformat(), r.overdue_days(today), r.message.text("zh"))
            for r in reminders if r.reason == reason]


def commit_all(root) -> None:
    """Make ``root`` a git work tree with everything in one first commit ("start")."""
    git(root, "init", "-q")
    git(root, "config", "user.name", "测试")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "commit.gpgsign", "false")
    if not (root / ".gitignore").exists():
        (root / ".gitignore").write_text(".kq/\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")


# -- kq in a fresh process, as the console script runs it (kqcli.store.warm) ---------------------

RACY_ENV = {"KQ_TEST_RACY_MS": "200"}
"""The environment of a kq whose racy window (kqcli.store.files.RACY_NS) is 0.2 s, not 2 s: a
test that waits for a file to be trusted waits :data:`RACY_WAIT`, not two seconds."""
RACY_WAIT = 0.25

_PROBE = """
import sys
import kqcli.store.files
if RACY_OFF:
    kqcli.store.files.RACY_NS = 0  # trust a file at once, as a run two seconds later would
HOOK
sys.argv = ["kq", *sys.argv[1:]]
import kqcli.cli.entry
kqcli.cli.entry.leave = sys.exit  # report the path below instead of leaving at once
from kqcli.cli.entry import main
code = 0
try:
    main()
except SystemExit as e:
    code = e.code or 0
if sys.stdout is not None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
full = any(m.startswith("kqcli.cli.commands.") for m in sys.modules)
from kqcli.store.context import current
served = current().served
if sys.stderr is not None:
    sys.stderr.write("\\npath: " + ("full" if full else "served" if served else "warm")
                     + (" pydantic" if "pydantic" in sys.modules else ""))
sys.exit(code)
"""


class ProbeRun:
    """A finished run: ``code``, ``stdout`` (bytes), ``stderr`` (text), ``path`` ("full": the
    command line ran; "warm": kqcli.store.warm answered; "served": kq's server ran it) and
    ``validated`` (pydantic was imported)."""

    def __init__(self, done: subprocess.CompletedProcess) -> None:
        self.code = done.returncode
        self.stdout = done.stdout
        lines = (done.stderr or b"").decode("utf-8", "replace").split("\npath: ")
        self.stderr, (self.path, *schema) = lines[0], lines[-1].split(" ")
        self.validated = bool(schema)


def probe_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """This environment without the KQ_ variables but the suite's clock (and without kq's
    server), with ``env``."""
    import os

    found = {k: v for k, v in os.environ.items()
             if not k.startswith("KQ_") or k in ("KQ_CLOCK", "KQ_CLOCK_LOG",  # the suite's clock
                                                 "KQ_PORTABLE")}  # and platform (conftest)
    found["KQ_SERVER"] = "0"
    found.update(env or {})
    return found


def probe_kq(root, *args: str, env: dict[str, str] | None = None, hook: str = "",
             racy_off: bool = True, stdout: object = subprocess.PIPE, cwd=None,
             preexec=None) -> ProbeRun:
    """``kq --repo ROOT ARGS`` in a fresh process (stdout a pipe unless ``stdout``).
    ``hook``: code run in that process before kq starts; ``racy_off``: trust files at once."""
    repo = ["--repo", str(root)] if root is not None else []
    return ProbeRun(subprocess.run([*probe_argv(hook, racy_off), *repo, *args], stdout=stdout,
                                   stderr=subprocess.PIPE, env=probe_environment(env), cwd=cwd,
                                   check=False, preexec_fn=preexec))


def probe_argv(hook: str = "", racy_off: bool = True) -> list[str]:
    """The command line of :func:`probe_kq` before kq's own arguments."""
    import sys

    return [sys.executable, "-c", _PROBE.replace("RACY_OFF", str(racy_off)).replace("HOOK", hook)]


def statements_done(root, month: str, *reps: str) -> None:
    """``statements/MONTH.yaml``: each rep's statement of that month handed in and signed off
    by all three, so that the team owes no statement or check until the next one falls due
    (kq statement)."""
    sign = "{by: 周敏, date: 2026-01-05}"
    folder = root / "statements"
    folder.mkdir(exist_ok=True)
    (folder / f"{month}.yaml").write_text("".join(
        f"{rep}:\n  submitted: 2026-01-01\n  clerk: {sign}\n  manager: {sign}\n"
        f"  finance: {sign}\n" for rep in reps), encoding="utf-8")


def probe_with_terminal_stderr(root, *args: str, hook: str = "") -> tuple[bytes, str, bytes]:
    """kq (as :func:`probe_kq`) with stderr a pseudo-terminal and stdout a pipe: (stderr as the
    terminal got it, "\\r\\n" kept; the path that answered; stdout)."""
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        done = subprocess.run([*probe_argv(hook), "--repo", str(root), *args],
                              stdout=subprocess.PIPE, stderr=follower,
                              env=probe_environment(), check=False, timeout=120)
    finally:
        os.close(follower)
    err = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # drained: the other side is closed
            break
        if not chunk:
            break
        err += chunk
    os.close(leader)
    text, _, path = err.rpartition(b"\r\npath: ")
    return text, path.decode().split(" ")[0], done.stdout
