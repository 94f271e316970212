"""kq's server (kqcli.serve.server): a command run in a child of the server prints what the command
run in its own process prints — stdout, stderr, exit status — to the client's own streams,
in the client's folder and environment; the pager runs in the client; KQ_SERVER=0 starts
nothing; a changed kq gets another socket."""

from __future__ import annotations

import contextlib
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
from helpers import RACY_ENV, RACY_WAIT, probe_kq

from kqcli.serve import server

DAY = ["--today", "2026-11-24"]


@pytest.fixture
def sockets():
    """A short folder of this test's own for the sockets; every server started in it is
    stopped afterwards."""
    place = tempfile.mkdtemp(prefix="kqs-", dir="/tmp")
    os.chmod(place, 0o700)
    yield place
    stop_all(place)


@pytest.fixture(scope="module")
def first_client_pipe():
    """A pipe whose writing end the client that starts :func:`serving`'s server inherits (as
    a cron script's fd 9): (reader, writer), the writer closed here once it has started."""
    reader, writer = os.pipe()
    ends = [reader, writer]
    yield ends
    for fd in ends:
        if fd >= 0:
            os.close(fd)


@pytest.fixture(scope="module")
def serving(tmp_path_factory, first_client_pipe):
    """(repository, sockets) with a server running: one for the tests that only need one
    (each touches a customer file, so no kept answer is used). The client that started it had
    umask 0, the repository as its folder and :func:`first_client_pipe`'s writer."""
    from helpers import probe_argv, probe_environment

    place = tempfile.mkdtemp(prefix="kqs-", dir="/tmp")
    os.chmod(place, 0o700)
    root = tmp_path_factory.mktemp("serving") / "repo"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples", root,
                    ignore=shutil.ignore_patterns(".kq"))
    try:
        done = subprocess.run([*probe_argv(), "--repo", str(root), *DAY, "due", "--format", "json"],
                              capture_output=True, env=probe_environment(on(place)), cwd=root,
                              pass_fds=(first_client_pipe[1],), preexec_fn=lambda: os.umask(0),
                              check=False, timeout=60)
        assert done.returncode == 0, done.stderr
        os.close(first_client_pipe[1])
        first_client_pipe[1] = -1
        wait_for_server(place)
        yield root, place
    finally:
        stop_all(place)


def stop_all(place: str) -> None:
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


def started(repo: Path, sockets: str, **more: str) -> None:
    first = probe_kq(repo, *DAY, "due", "--format", "json", env=on(sockets, **more))
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
    assert alone.path in ("full", "warm")  # (kq due's JSON after an edit: kqcli.store.edited)
    assert (served.code, served.stdout, served.stderr) == (alone.code, alone.stdout, alone.stderr)
    assert served.stdout or served.stderr


def test_the_child_keeps_the_answer_after_the_client_has_it(repo, sockets):
    """Keeping the answer and closing the index (which checkpoints its write-ahead log) wait
    until the client has its exit status (kqcli.store.context.Run.later), and then happen: the answer is
    kept, and no log is left for the next run to checkpoint."""
    import sqlite3

    started(repo, sockets, **RACY_ENV)
    touch(repo)
    time.sleep(RACY_WAIT)  # the changed file is no longer racy: its answer can be kept
    index = repo / ".kq" / "index.sqlite"
    served = probe_kq(repo, *DAY, "score", "--format", "json", env=on(sockets, **RACY_ENV))
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
    time.sleep(RACY_WAIT)  # their ctimes too
    started(repo, sockets, **RACY_ENV)
    args = [*DAY, "list", "--format", "json"]
    assert probe_kq(repo, *args, env=on(sockets, **RACY_ENV)).path == "served"
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
    served = probe_kq(repo, *args, env=on(sockets, **RACY_ENV))
    assert served.path == "served", served.stderr
    alone = probe_kq(repo, *args, env={"KQ_SERVER": "0", **RACY_ENV})
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
    assert run.code == 0 and run.path in ("full", "warm")  # in this process, not served
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



# -- issue 26: who is served, what, where ---------------------------------------------------------

STRANGER = 65534  # nobody
"""Another user: the uid a second user's process runs as in these tests."""


def as_another_user(*argv: str) -> list[str]:
    """``argv`` run as uid :data:`STRANGER` that can still open root's 0700 folders (as a
    second user could reach a socket through a folder opened later): only the uid differs."""
    if os.getuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run a process as a second user")
    caps = "+dac_override,+dac_read_search"
    return ["setpriv", f"--reuid={STRANGER}", f"--regid={STRANGER}", "--clear-groups",
            f"--inh-caps={caps}", f"--ambient-caps={caps}", *argv]


def socket_of(sockets: str) -> Path:
    return next(p for p in Path(sockets).iterdir() if p.suffix == ".sock")


RAW_CLIENT = """
import socket, sys
from kqcli.serve import server
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(sys.argv[1])
try:
    server._send(sock, sys.argv[2:])
    sock.settimeout(20)
    print(repr(server._Replies(sock).line()))
except OSError:  # closed before the request was all sent
    print(None)
"""


def raw_request(path: Path, *argv: str, user: list[str] | None = None) -> str:
    """What a client that skips kq's checks reads first after sending ``kq ARGV``: "b'pid N'"
    when a child runs it, "None" when the server closed the connection."""
    done = subprocess.run([*(user or []), sys.executable, "-c", RAW_CLIENT, str(path), *argv],
                          capture_output=True, text=True, timeout=60, check=False,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_peer_of_another_user_is_not_served(serving):
    repo, sockets = serving
    path = socket_of(sockets)
    args = ["--repo", str(repo), *DAY, "due", "--format", "json"]
    assert raw_request(path, *args, user=as_another_user()) == "None"
    assert raw_request(path, *args).startswith("b'pid ")  # the server's own user is


def test_the_client_sends_nothing_to_a_server_of_another_user(repo, sockets, tmp_path):
    """A socket in the folder that another user listens on (its file given to this user):
    the client checks who listens (SO_PEERCRED) before it sends a byte, and runs the command
    itself."""
    got = tmp_path / "got"
    path = Path(sockets) / "fake.sock"
    listen = ("import os, socket, sys\n"
              "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
              f"s.bind({str(path)!r}); s.listen(1)\n"
              "print('ready', flush=True)\n"
              "c, _ = s.accept(); c.settimeout(5)\n"
              "try:\n    data = c.recv(65536)\nexcept OSError:\n    data = b''\n"
              f"open({str(got)!r}, 'wb').write(data)\n")
    fake = subprocess.Popen(as_another_user(sys.executable, "-c", listen), stdout=subprocess.PIPE,
                            text=True)
    try:
        assert fake.stdout.readline() == "ready\n"
        os.chown(path, os.getuid(), os.getgid())  # the file looks like ours
        os.chmod(path, 0o600)
        real = server.socket_path
        hook = f"import kqcli.serve.server as s; s.socket_path = lambda make=False: {str(path)!r}"
        run = probe_kq(repo, *DAY, "due", "--format", "json", env=on(sockets), hook=hook)
        fake.wait(timeout=20)
    finally:
        fake.kill()
    assert run.code == 0 and run.path == "full", run.stderr
    assert got.read_bytes() == b""  # not our environment, not our descriptors
    assert f"the server runs as uid {STRANGER}" in run.stderr
    assert real is server.socket_path


def test_a_raw_request_for_a_command_that_writes_is_refused(serving):
    """Whatever a client sends, the server runs only the commands that read: `log`, `edit`
    (with an editor of the client's choosing), `classify --apply`, `calendar -o FILE` get the
    connection closed, and kq's own client then runs them itself."""
    repo, sockets = serving
    path = socket_of(sockets)
    customer = repo / "customers" / "hx-renmin.yaml"
    before = customer.read_bytes()
    for argv in (["log", "hx-renmin", "visit", "--note", "来自服务"], ["edit", "hx-renmin"],
                 ["classify", "--apply"], ["calendar", "-o", str(repo / "x.ics")],
                 ["sync"]):
        assert raw_request(path, "--repo", str(repo), *DAY, *argv) == "None", argv
    assert customer.read_bytes() == before and not (repo / "x.ics").exists()
    assert raw_request(path, "--repo", str(repo), *DAY, "calendar", "-o", "-").startswith("b'pid ")


def test_an_output_file_is_never_written_by_a_server():
    assert not server.wanted(["due", "-o", "due.xlsx"])
    assert not server.wanted(["list", "--output=list.csv"])
    assert not server.wanted(["show", "hx", "-ox.txt"])
    assert server.wanted(["calendar", "--output", "-"])
    assert server.wanted(["history", "hx-renmin"])


def test_the_socket_is_for_its_user_alone_whatever_the_umask(serving):
    """serving's server was started by a client with umask 0."""
    _repo, sockets = serving
    assert stat.S_IMODE(os.stat(socket_of(sockets)).st_mode) == 0o600


def test_a_socket_folder_opened_to_others_after_the_start_is_not_served_from(repo, sockets):
    """The server checks its folder on every request: opened to others, it stops serving (a
    client that skips its own check included), and its socket goes."""
    started(repo, sockets)
    path = socket_of(sockets)
    os.chmod(sockets, 0o755)
    assert raw_request(path, "--repo", str(repo), *DAY, "due", "--format", "json") == "None"
    touch(repo)
    run = probe_kq(repo, *DAY, "due", "--format", "json", env=on(sockets))
    assert run.code == 0 and run.path in ("full", "warm"), run.stderr  # not served
    for _ in range(100):
        if not path.exists():
            break
        time.sleep(0.05)
    assert not path.exists()


def test_another_mount_namespace_is_not_answered_from_the_servers_files(serving, tmp_path):
    """A client whose repository path shows other files (a container, a sandbox sharing the
    socket folder: here ``unshare -m`` and a bind mount over the path) is not served by the
    server outside: it gets its own files' answer."""
    repo, sockets = serving
    if os.getuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare for a mount namespace")
    if subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False).returncode:
        pytest.skip("unshare -m is not allowed here (a container without CAP_SYS_ADMIN)")
    other = tmp_path / "other"
    shutil.copytree(repo, other, ignore=shutil.ignore_patterns(".kq"))
    customer = other / "customers" / "hx-renmin.yaml"
    customer.write_text(customer.read_text(encoding="utf-8").replace("name: ", "name: 另一边的", 1),
                        encoding="utf-8")
    from helpers import ProbeRun, probe_argv, probe_environment

    args = [*DAY, "list", "--format", "json"]
    inside = ProbeRun(subprocess.run(
        ["unshare", "-m", "sh", "-c", 'mount --bind "$0" "$1" && shift && exec "$@"',
         str(other), str(repo), *probe_argv(), "--repo", str(repo), *args],
        capture_output=True, env=probe_environment(on(sockets, KQ_SERVER="")), check=False,
        timeout=60))
    assert inside.code == 0 and inside.path != "served", inside.stderr
    assert "另一边的".encode() in inside.stdout


def test_the_server_keeps_no_descriptor_or_folder_of_the_client_that_started_it(
        serving, first_client_pipe):
    """A descriptor the first client inherited (a cron script's pipe or flock on fd 9) is not
    held by the server, nor the client's working folder (umount: target is busy)."""
    import select

    repo, sockets = serving
    reader = first_client_pipe[0]
    assert select.select([reader], [], [], 10)[0] and os.read(reader, 10) == b""  # its end
    pid = int(Path(str(socket_of(sockets)) + ".lock").read_text().split()[0])
    assert os.readlink(f"/proc/{pid}/cwd") == "/"
    held = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    assert not [path for path in held if path.startswith(str(repo))]


def paged_run(repo: Path, sockets: str | None, pager: str, preexec=None):
    """``kq list`` with stdout a terminal five lines high, so that it goes through ``pager``;
    served when ``sockets`` is given, else run in its own process."""
    leader, follower = pty.openpty()
    try:
        env = {"KQ_PAGER": pager, "LINES": "5", "COLUMNS": "120", "TERM": "dumb"}
        return probe_kq(repo, *DAY, "list", env=on(sockets, **env) if sockets else env,
                        stdout=follower, preexec=preexec)
    finally:
        os.close(follower)
        os.close(leader)


@pytest.mark.parametrize("stop", ["TERM", "HUP"])
def test_a_stop_signal_during_a_served_run_ends_it_as_it_ends_a_run_in_its_own_process(
        serving, stop):
    """kq stopped by SIGTERM (timeout, systemctl stop) or SIGHUP (a closed terminal) while the
    child waits: the client ends by that signal as the command run in its own process does
    (143 or 129 in a shell), not with 1."""
    repo, sockets = serving
    pager = f"sh -c 'cat >/dev/null; kill -{stop} $PPID; sleep 0.5'"
    number = getattr(signal, f"SIG{stop}")

    def as_in_a_terminal() -> None:  # not ignored, whatever started the suite (nohup does)
        signal.signal(number, signal.SIG_DFL)

    touch(repo)
    served = paged_run(repo, sockets, pager, preexec=as_in_a_terminal)
    alone = paged_run(repo, None, pager, preexec=as_in_a_terminal)
    assert alone.code == served.code == -number, served.stderr


def test_nohup_holds_for_a_served_run(serving):
    """A run that ignores SIGHUP (nohup) goes on when its terminal closes, served too: the
    client does not pass on a signal it ignores, and the child ignores it as the client does."""
    repo, sockets = serving
    pager = "sh -c 'cat >/dev/null; kill -HUP $PPID; sleep 0.3'"

    def nohup() -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    touch(repo)
    served = paged_run(repo, sockets, pager, preexec=nohup)
    alone = paged_run(repo, None, pager, preexec=nohup)
    assert served.path == "served"
    assert served.code == alone.code == 0, served.stderr


def test_ctrl_c_in_the_pager_then_q_ends_a_served_run_as_a_run_in_its_own_process(serving):
    """Ctrl-C is the pager's while it runs: no Ctrl-C passed on to the child, no
    BrokenPipeError, the exit status of the command run in its own process."""
    repo, sockets = serving
    pager = "sh -c 'cat >/dev/null; kill -INT $PPID; sleep 0.2'"
    touch(repo)
    served = paged_run(repo, sockets, pager)
    alone = paged_run(repo, None, pager)
    assert served.path == "served"
    assert (served.code, served.stderr) == (alone.code, alone.stderr) == (0, "")


def without_locale(env: dict[str, str]) -> dict[str, str]:
    from helpers import probe_environment

    return {k: v for k, v in probe_environment(env).items()
            if not k.startswith(("LC_", "LANG", "PYTHONUTF8", "PYTHONIOENCODING"))}


def test_without_a_locale_the_server_started_serves_the_next_run(repo, sockets):
    """cron, ``env -i``: Python coerces the C locale (UTF-8 mode) in the client; the server it
    starts runs in the same mode, so it serves instead of exiting after its imports."""
    from helpers import ProbeRun, probe_argv

    env = without_locale(on(sockets))
    runs = []
    for n in range(40):
        touch(repo, n)
        runs.append(ProbeRun(subprocess.run(
            [*probe_argv(), "--repo", str(repo), *DAY, "due", "--format", "json"],
            capture_output=True, env=env, check=False, timeout=60)))
        if runs[-1].path == "served":
            break
        time.sleep(0.1)
    assert runs[-1].path == "served", [r.path for r in runs]
    assert runs[-1].stdout == runs[0].stdout


def test_an_empty_pythonpath_entry_gives_one_server_for_every_folder(repo, sockets):
    """``PYTHONPATH=:`` puts the working folder on sys.path: the socket's name does not change
    with it, so a run from another folder is served by the same server."""
    env = on(sockets, PYTHONPATH=os.pathsep)
    first = probe_kq(repo, *DAY, "due", "--format", "json", env=env, cwd=repo)
    assert first.code == 0
    wait_for_server(sockets)
    touch(repo)
    elsewhere = probe_kq(repo, *DAY, "due", "--format", "json", env=env, cwd=repo / "customers")
    assert elsewhere.path == "served", elsewhere.stderr
    assert len([p for p in Path(sockets).iterdir() if p.suffix == ".sock"]) == 1


def test_the_socket_goes_when_the_server_is_stopped_by_another_signal(repo, sockets):
    for number in (signal.SIGQUIT,):
        touch(repo, number)
        started(repo, sockets)
        sock = socket_of(sockets)
        pid = int(Path(str(sock) + ".lock").read_text().split()[0])
        os.kill(pid, number)
        for _ in range(200):
            if server.status(str(sock)) is None:
                break
            time.sleep(0.05)
        assert server.status(str(sock)) is None
        assert not sock.exists(), signal.Signals(number).name


@contextlib.contextmanager
def a_child_paging(repo: Path, sockets: str, tmp_path: Path, preexec=None):
    """A served ``kq list`` whose child waits while the client's pager runs; yields the
    server's pid and its children's."""
    from helpers import probe_argv, probe_environment

    paging, done = tmp_path / "paging", tmp_path / "done"
    pager = f"sh -c 'cat >/dev/null; touch {paging}; while [ ! -e {done} ]; do sleep 0.05; done'"
    env = probe_environment(on(sockets, KQ_PAGER=pager, LINES="5", COLUMNS="120", TERM="dumb"))
    leader, follower = pty.openpty()
    touch(repo)
    client = subprocess.Popen([*probe_argv(), "--repo", str(repo), *DAY, "list"], stdout=follower,
                              stderr=subprocess.DEVNULL, env=env, preexec_fn=preexec)
    try:
        for _ in range(600):
            if paging.exists():
                break
            time.sleep(0.05)
        assert paging.exists()
        pid = int(Path(str(socket_of(sockets)) + ".lock").read_text().split()[0])
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        yield pid, [int(c) for c in children]
    finally:
        done.touch()
        client.wait(timeout=60)
        os.close(follower)
        os.close(leader)


def test_a_server_killed_while_a_child_runs_leaves_its_lock_free(repo, sockets, tmp_path):
    """kill -9 of the server while a child runs: the child does not hold the server's lock, so
    the next server can start at once."""
    started(repo, sockets)
    path = str(socket_of(sockets))
    with a_child_paging(repo, sockets, tmp_path) as (pid, children):
        assert children
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            if server.status(path) is None:
                break
            time.sleep(0.05)
        assert server.status(path) is None  # while the child still runs


def test_a_served_child_takes_the_clients_niceness_and_limits(serving, tmp_path):
    import resource

    repo, sockets = serving

    def humble() -> None:
        os.nice(7)
        resource.setrlimit(resource.RLIMIT_NOFILE, (100, 200))

    with a_child_paging(repo, sockets, tmp_path, preexec=humble) as (_pid, children):
        (child,) = children
        nice = int(Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[16])
        limits = next(line for line in Path(f"/proc/{child}/limits").read_text().splitlines()
                      if line.startswith("Max open files"))
    assert nice == os.getpriority(os.PRIO_PROCESS, 0) + 7
    assert limits.split()[3:5] == ["100", "200"]


QUESTIONS = [["due", "--format", "json"], ["due", "--within", "14"], ["due", "--all"],
             ["list", "--format", "csv"], ["show", "hx-renmin"], ["score", "--by", "owner"],
             ["classify", "--format", "json"], ["team"], ["expenses"], ["pool"], ["check"]]


def change_at_random(rng, root: Path, n: int) -> None:
    """One of: a name changed, a file added (a copy under a new id), a file removed, a comment
    appended, nothing."""
    files = sorted((root / "customers").glob("*.yaml"))
    path = rng.choice(files)
    what = rng.randrange(5)
    if what == 0:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("name: ", f"name: 改{n}", 1), encoding="utf-8")
    elif what == 1:
        shutil.copyfile(path, path.with_name(f"zz-new{n}.yaml"))
    elif what == 2 and len(files) > 5:
        path.unlink()
    elif what == 3:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"# {n}\n")


def test_served_local_and_fresh_answers_agree_on_random_questions(serving, examples_copy, tmp_path):
    """A few seeded rounds of bench-style fuzzing: a random change to the repository, then a
    random question asked of the server, of kq in its own process, and of a fresh copy of the
    repository (no index, no kept answers): the same answer each time."""
    import random

    _repo, sockets = serving
    rng = random.Random(26)
    for n in range(2):  # a fixed seed, two rounds: a few seconds of the suite
        change_at_random(rng, examples_copy, n)
        today = rng.choice(["2026-11-24", "2026-12-31", "2027-02-01"])
        args = ["--today", today, *rng.choice([[], ["--lang", "en"]]), *rng.choice(QUESTIONS)]
        served = probe_kq(examples_copy, *args, env=on(sockets, KQ_SERVER=""))
        alone = probe_kq(examples_copy, *args, env={"KQ_SERVER": "0"})
        fresh_root = tmp_path / f"fresh{n}"
        shutil.copytree(examples_copy, fresh_root, ignore=shutil.ignore_patterns(".kq"))
        fresh = probe_kq(fresh_root, *args, env={"KQ_SERVER": "0"})
        assert served.path == "served", (args, served.stderr)
        assert (served.code, served.stdout, served.stderr) == (alone.code, alone.stdout,
                                                               alone.stderr), args
        assert (served.code, served.stdout) == (fresh.code, fresh.stdout), args


def test_sigterm_while_a_served_run_uses_the_pool_ends_the_client(serving, examples_copy):
    """The first index of 240 customers goes through the process pool, in the child: SIGTERM
    to the client ends it as it ends kq in its own process (143), at once, with no worker
    left behind."""
    from helpers import probe_argv, probe_environment

    source = sorted((examples_copy / "customers").glob("*.yaml"))
    for n in range(240):
        shutil.copyfile(source[n % len(source)], examples_copy / "customers" / f"zz-{n:03d}.yaml")
    _repo, sockets = serving
    pid = int(Path(str(socket_of(sockets)) + ".lock").read_text().split()[0])

    def workers_of(parent: int) -> list[int]:
        try:
            return [int(c) for c in
                    Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
        except OSError:
            return []

    client = subprocess.Popen([*probe_argv(), "--repo", str(examples_copy), *DAY, "list",
                               "--format", "json"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=probe_environment(on(sockets, KQ_SERVER="")))
    pool: list[int] = []
    try:
        for _ in range(600):
            pool = [w for child in workers_of(pid) for w in workers_of(child)]
            if pool or client.poll() is not None:
                break
            time.sleep(0.02)
        assert pool, "the index was built before the pool was seen"
        client.send_signal(signal.SIGTERM)
        client.wait(timeout=15)
    finally:
        client.kill()
    assert client.returncode == 143, client.stderr.read()
    time.sleep(0.5)
    assert not [w for w in pool if Path(f"/proc/{w}").exists()
                and Path(f"/proc/{w}/stat").read_text().split(")")[1].split()[0] != "Z"]


def test_server_on_in_local_yaml_starts_one_as_kq_server_1_does(repo, sockets):
    (repo / ".kq").mkdir(exist_ok=True)
    (repo / ".kq" / "local.yaml").write_text("me: 李明\nserver: on\n", encoding="utf-8")
    env = {"KQ_SERVER": "", "KQ_SERVER_DIR": sockets, "KQ_SERVER_IDLE": "60"}
    first = probe_kq(repo, *DAY, "due", "--format", "json", env=env)
    assert first.code == 0, first.stderr
    wait_for_server(sockets)
    touch(repo, 1)
    assert probe_kq(repo, *DAY, "due", "--format", "json", env=env).path == "served"


def test_server_off_in_local_yaml_starts_none(repo, sockets):
    (repo / ".kq").mkdir(exist_ok=True)
    (repo / ".kq" / "local.yaml").write_text("server: off\n", encoding="utf-8")
    env = {"KQ_SERVER": "", "KQ_SERVER_DIR": sockets}
    assert probe_kq(repo, *DAY, "due", "--format", "json", env=env).code == 0
    time.sleep(0.3)
    assert not any(p.suffix == ".sock" for p in Path(sockets).iterdir())


def test_every_module_the_server_imports_before_it_forks_imports():
    """preload() passes over a module that fails to import without a word: a name that is no
    module (``kqcli.schema.settings`` for ``kqcli.schema.config``) went unnoticed."""
    import importlib

    failed = []
    for name in server.PRELOADED:
        try:
            importlib.import_module(name)
        except ImportError as e:
            failed.append(f"{name}: {e}")
    assert failed == []
