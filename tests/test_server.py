"""kq's server (kqcli.serve.server): a command run in a child of the server prints what the command
run in its own process prints — stdout, stderr, exit status — to the client's own streams,
in the client's folder and environment; the pager runs in the client; KQ_SERVER=0 starts
nothing; a changed kq gets another socket."""

from __future__ import annotations

import os
import pty
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from helpers import probe_kq

from kqcli.serve import server

DAY = ["--today", "2026-11-24"]


@pytest.fixture
def sockets():
    """A short folder of this test's own for the sockets; every server started in it is
    stopped afterwards."""
    place = tempfile.mkdtemp(prefix="kqs-", dir="/tmp")
    os.chmod(place, 0o700)
    yield place
    for lock in Path(place).glob("*.lock"):
        try:
            pid = int((lock.read_text().split() or ["0"])[0])
            if pid > 0:  # an empty lock file: os.kill(0) would stop this whole process group
                os.kill(pid, signal.SIGTERM)
        except (ValueError, OSError):
            pass
    shutil.rmtree(place, ignore_errors=True)


@pytest.fixture
def repo(examples_copy):
    return examples_copy


def on(sockets: str, **more: str) -> dict[str, str]:
    return {"KQ_SERVER": "1", "KQ_SERVER_DIR": sockets, "KQ_SERVER_IDLE": "60", **more}


def wait_for_server(sockets: str) -> None:
    for _ in range(200):
        if any(p.suffix == ".sock" for p in Path(sockets).iterdir()):
            return
        time.sleep(0.05)
    raise AssertionError("no server started")


def touch(root: Path, n: int = 0) -> None:
    """Change one customer file (a comment appended), so no kept answer applies."""
    path = sorted((root / "customers").glob("*.yaml"))[3]
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"# 改动 {n} {time.monotonic_ns()}\n")


def started(repo: Path, sockets: str) -> None:
    first = probe_kq(repo, *DAY, "due", "--format", "json", env=on(sockets))
    assert first.code == 0 and first.path == "full", first.stderr
    wait_for_server(sockets)


COMMANDS = [
    [*DAY, "due", "--format", "json"],
    [*DAY, "due", "--within", "7"],
    [*DAY, "--lang", "en", "due", "--all"],
    [*DAY, "list", "--format", "csv"],
    [*DAY, "show", "hx-renmin"],
    [*DAY, "score", "--by", "owner"],
    [*DAY, "classify", "--format", "json"],
    ["check"],
    [*DAY, "show", "没有这个客户"],  # not found: an exit status and a message on stderr
    [*DAY, "due", "--within", "abc"],  # a usage error: exit 2
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[2:] or a) for a in COMMANDS])
def test_a_served_command_prints_what_the_command_prints(repo, sockets, args):
    started(repo, sockets)
    touch(repo, 1)
    served = probe_kq(repo, *args, env=on(sockets, COLUMNS="100"))
    assert served.path == "served", served.stderr
    touch(repo, 2)
    alone = probe_kq(repo, *args, env={"COLUMNS": "100"})
    assert alone.path == "full"
    assert (served.code, served.stdout, served.stderr) == (alone.code, alone.stdout, alone.stderr)
    assert served.stdout or served.stderr


def test_the_child_keeps_the_answer_after_the_client_has_it(repo, sockets):
    """Keeping the answer and closing the index (which checkpoints its write-ahead log) wait
    until the client has its exit status (kqcli.store.context.Run.later), and then happen: the answer is
    kept, and no log is left for the next run to checkpoint."""
    import sqlite3

    started(repo, sockets)
    touch(repo)
    time.sleep(2.1)  # the changed file is no longer racy: its answer can be kept
    index = repo / ".kq" / "index.sqlite"
    served = probe_kq(repo, *DAY, "score", "--format", "json", env=on(sockets))
    assert served.code == 0 and served.path == "served", served.stderr
    for _ in range(200):
        if not index.with_name("index.sqlite-wal").exists():
            break
        time.sleep(0.05)
    assert not index.with_name("index.sqlite-wal").exists()
    db = sqlite3.connect(index)
    try:
        kept = [out for key, out in db.execute("select key, out from answers")
                if "'score'" in key]
    finally:
        db.close()
    assert kept == [served.stdout]


def test_files_added_removed_and_renamed_while_the_server_runs_are_seen(repo, sockets):
    """What a child of a server that ran before the files changed finds is what a run without
    the server finds."""
    started(repo, sockets)
    customers = repo / "customers"
    (customers / "ak-linyu.yaml").unlink()
    text = (customers / "hx-renmin.yaml").read_text(encoding="utf-8")
    (customers / "hx-renmin2.yaml").write_text(text.replace("name: ", "name: 新", 1),
                                               encoding="utf-8")
    (customers / "bct-xichang.yaml").rename(customers / "bct-xichang.yml")
    runs = {}
    for args in ([*DAY, "list", "--format", "json"], [*DAY, "due", "--format", "json"],
                 ["check"]):
        served = probe_kq(repo, *args, env=on(sockets))
        assert served.path == "served", served.stderr
        alone = probe_kq(repo, *args, env={"KQ_SERVER": "0"})
        assert (served.code, served.stdout, served.stderr) == (alone.code, alone.stdout,
                                                               alone.stderr)
        runs[args[2] if args[0] == "--today" else args[0]] = served
    for listed in (runs["list"].stdout, runs["due"].stdout):
        assert b"hx-renmin2" in listed and b"ak-linyu" not in listed
        assert b"bct-xichang" not in listed
    assert "bct-xichang.yml" in runs["check"].stdout.decode() + runs["check"].stderr


def test_a_file_written_through_a_link_made_later_or_while_the_repository_was_away_is_seen(
        repo, sockets, tmp_path):
    """Two ways a change could pass a server by: a hard link to a customer file made after it
    started, written through; the repository moved away, changed, and moved back."""
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in (repo / "customers").iterdir():  # none racy: their signatures are trusted
        os.utime(path, ns=(hour_ago, hour_ago))
    time.sleep(2.1)  # their ctimes too
    started(repo, sockets)
    args = [*DAY, "list", "--format", "json"]
    assert probe_kq(repo, *args, env=on(sockets)).path == "served"
    os.link(repo / "customers" / "hx-renmin.yaml", tmp_path / "link.yaml")
    text = (tmp_path / "link.yaml").read_text(encoding="utf-8")
    with open(tmp_path / "link.yaml", "r+", encoding="utf-8") as f:
        f.write(text.replace("name: ", "name: 链接改的", 1))
    away = tmp_path / "away"
    repo.rename(away)
    try:
        changed = away / "customers" / "ak-linyu.yaml"
        text = changed.read_text(encoding="utf-8")
        changed.write_text(text.replace("name: ", "name: 搬走时改的", 1), encoding="utf-8")
    finally:
        away.rename(repo)
    served = probe_kq(repo, *args, env=on(sockets))
    assert served.path == "served", served.stderr
    alone = probe_kq(repo, *args, env={"KQ_SERVER": "0"})
    assert (served.code, served.stdout, served.stderr) == (alone.code, alone.stdout,
                                                           alone.stderr)
    assert "链接改的".encode() in served.stdout and "搬走时改的".encode() in served.stdout


def test_the_console_script_leaves_with_the_childs_exit_status(repo, sockets):
    """``python -m kqcli`` as a user runs it (no probe): a served run ends at once with the
    child's status, its output whole (kqcli.cli.entry.leave flushes, then os._exit)."""
    import subprocess
    import sys

    from helpers import probe_environment

    env = probe_environment(on(sockets))
    started(repo, sockets)
    touch(repo)
    assert probe_kq(repo, *DAY, "due", "--format", "json", env=on(sockets)).path == "served"
    for args, code in (([*DAY, "due", "--format", "json"], 0),
                       ([*DAY, "due", "--format", "json", "--fail-on", "overdue"], 1),
                       ([*DAY, "show", "没有这个客户"], 2), ([*DAY, "due", "--within", "abc"], 2)):
        served = subprocess.run([sys.executable, "-m", "kqcli", "--repo", str(repo), *args],
                                capture_output=True, env=env, check=False)
        alone = subprocess.run([sys.executable, "-m", "kqcli", "--repo", str(repo), *args],
                               capture_output=True, env={**env, "KQ_SERVER": "0"}, check=False)
        assert served.returncode == alone.returncode == code, served.stderr
        assert (served.stdout, served.stderr) == (alone.stdout, alone.stderr)


def test_the_child_works_in_the_clients_folder_and_environment(repo, sockets):
    """No --repo: the repository is found from the client's working folder; KQ_TODAY and
    KQ_LANG come from the client's environment."""
    started(repo, sockets)
    touch(repo)
    env = {"KQ_TODAY": "2026-12-20", "KQ_LANG": "en"}
    served = probe_kq(None, "due", "--within", "30", env=on(sockets, **env), cwd=repo / "customers")
    assert served.path == "served", served.stderr
    alone = probe_kq(None, "due", "--within", "30", env=env, cwd=repo / "customers")
    assert (served.code, served.stdout) == (alone.code, alone.stdout)
    assert b"2026-12" in served.stdout


def test_the_pager_runs_in_the_client(repo, sockets, tmp_path):
    """A table taller than the terminal goes to the pager, which the client runs (it has the
    terminal); what the pager got is the table the child printed."""
    started(repo, sockets)
    touch(repo)
    paged = tmp_path / "paged.txt"
    leader, follower = pty.openpty()
    try:
        env = on(sockets, KQ_PAGER=f"sh -c 'cat > {paged}'", LINES="5", COLUMNS="120",
                 TERM="dumb")
        run = probe_kq(repo, *DAY, "list", env=env, stdout=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert run.code == 0 and run.path == "served", run.stderr
    text = paged.read_text(encoding="utf-8")
    assert "春城" in text or "华兴" in text or len(text.splitlines()) > 5, text[:200]


def test_off_starts_nothing(repo, sockets):
    for value in ("0", "off"):
        run = probe_kq(repo, *DAY, "due", "--format", "json",
                       env={"KQ_SERVER": value, "KQ_SERVER_DIR": sockets})
        assert run.code == 0 and run.path in ("full", "warm")
    time.sleep(0.3)
    assert list(Path(sockets).iterdir()) == []


def test_writes_are_never_served(repo, sockets):
    """kq log (a write) and classify --apply run in the client's own process."""
    started(repo, sockets)
    run = probe_kq(repo, *DAY, "classify", "--apply", "--format", "json", env=on(sockets))
    assert run.path == "full"
    assert not server.wanted(["log", "hx-renmin", "visit"])
    assert not server.wanted(["--repo", "x", "classify", "--apply"])
    assert server.wanted(["--repo", "x", "--today=2026-11-24", "show", "hx"])


def test_a_changed_kq_talks_to_another_server(monkeypatch, sockets):
    monkeypatch.setenv("KQ_SERVER_DIR", sockets)
    before = server.socket_path()
    monkeypatch.setattr("kqcli.store.stamp.code_stamp", lambda: "another kq")
    assert server.socket_path() != before


def test_a_folder_others_can_open_is_not_used(monkeypatch, tmp_path):
    place = tmp_path / "open"
    place.mkdir()
    os.chmod(place, 0o777)
    monkeypatch.setenv("KQ_SERVER_DIR", str(place))
    assert server.folder() is None
    os.chmod(place, 0o700)
    assert server.folder() == str(place)
    assert stat.S_IMODE(os.stat(place).st_mode) == 0o700


def test_a_stale_socket_is_not_a_failure(repo, sockets):
    """A socket file left by a server that died: the client runs the command itself and starts
    a new server, which takes the name over."""
    started(repo, sockets)
    sock = next(p for p in Path(sockets).iterdir() if p.suffix == ".sock")
    pid = int(Path(str(sock) + ".lock").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    assert sock.exists()  # killed: nothing removed it
    touch(repo)
    run = probe_kq(repo, *DAY, "due", "--format", "json", env=on(sockets))
    assert run.code == 0 and run.path == "full"
    for _ in range(200):
        touch(repo)
        again = probe_kq(repo, *DAY, "due", "--format", "json", env=on(sockets))
        if again.path == "served":
            break
        time.sleep(0.05)
    assert again.path == "served" and again.stdout == run.stdout


def kq_server(sockets: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KQ_SERVER_DIR": sockets}
    env.pop("KQ_SERVER", None)
    return subprocess.run([sys.executable, "-m", "kqcli", "server", *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_by_default_no_server_is_started(repo, sockets):
    """The server is opt-in, as chg and git's fsmonitor are: without KQ_SERVER=1 or
    `kq server start`, no run leaves a process behind."""
    for _ in range(2):
        run = probe_kq(repo, *DAY, "due", "--within", "7", env={"KQ_SERVER": "", "KQ_SERVER_DIR": sockets})
        assert run.code == 0 and run.path in ("full", "warm"), run.stderr
    time.sleep(0.3)
    assert list(Path(sockets).iterdir()) == []


def test_kq_server_start_status_stop(repo, sockets):
    assert kq_server(sockets, "status").returncode == 3
    begun = kq_server(sockets, "start")
    assert begun.returncode == 0, begun.stderr
    pid = int(begun.stdout.split("pid ")[1].split(")")[0])
    touch(repo)
    run = probe_kq(repo, *DAY, "due", "--within", "7", env={"KQ_SERVER": "", "KQ_SERVER_DIR": sockets})
    assert run.path == "served", run.stderr
    shown = kq_server(sockets, "status")
    assert shown.returncode == 0
    assert f"pid {pid}" in shown.stdout and "已处理请求    1" in shown.stdout
    assert ".sock" in shown.stdout
    assert kq_server(sockets, "start").stdout.startswith(f"服务已在运行 (pid {pid})")
    stopped = kq_server(sockets, "stop")
    assert stopped.returncode == 0 and f"pid {pid}" in stopped.stdout
    assert kq_server(sockets, "status").returncode == 3
    assert not [p for p in Path(sockets).iterdir() if p.suffix == ".sock"]  # removed on SIGTERM
    assert kq_server(sockets, "stop").stdout == "没有在运行的服务\n"


def test_a_socket_folder_others_can_open_is_said_in_one_line(repo, tmp_path):
    place = tmp_path / "open"
    place.mkdir()
    os.chmod(place, 0o777)
    run = probe_kq(repo, *DAY, "due", "--format", "json", env={"KQ_SERVER": "1", "KQ_SERVER_DIR": str(place)})
    assert run.code == 0
    assert run.stderr.splitlines() == [
        f"kq: no server: {place} may be opened by others (mode 777; chmod 700 it)"]
    begun = kq_server(str(place), "start")
    assert begun.returncode == 1
    assert begun.stderr == f"kq: 不能启动服务: {place} may be opened by others (mode 777; chmod 700 it)\n"


def test_the_console_script_knows_the_served_commands():
    """entry.SERVED is checked before kqcli.serve.server is imported: the two lists agree."""
    from kqcli.cli import entry

    assert set(entry.SERVED) == server.SERVED
