"""kq's server: kq's modules imported once, a forked child per command.

Python's start and the imports of typer, pydantic, Rich and the rules cost ~0.2 s before kq
reads a file. A question the kept answers (:mod:`kqcli.store.warm`) cannot answer — a customer file
changed since, a table for a terminal, ``kq show`` — would pay it every time. So the first such
run starts a server in the background (``python -P -m kqcli.serve.server SOCKET``): it imports
everything, listens on a Unix socket in a folder only its user can open, and for each request
forks a child. The child takes the client's working folder, environment, umask, arguments and
standard streams (the file descriptors themselves, passed over the socket with SCM_RIGHTS)
and runs the command as the console script would, printing straight to the client's terminal,
pipe or file. The client waits for the exit status, forwards Ctrl-C and other signals to the
child, and runs the pager when the child asks (the child has no controlling terminal, so
``less`` could not read the keyboard). Every child starts from the same freshly imported
state: nothing a command does outlives it.

The socket's name is a digest of what a child's behaviour rests on besides the request — the
interpreter, ``sys.path``, kq's code stamp (kq's code, Python's version, packages installed),
the file system encoding and UTF-8 mode — so a changed kq or Python talks to a new server;
and of where the client is — its mount and pid namespaces and its root folder — so a
container, sandbox or chroot that shares the socket folder is never answered from another
one's files. A server exits after :data:`IDLE` seconds without a request. ``KQ_SERVER=0``
turns it off.

Only the user who runs the server is served: the server checks each peer's uid
(``SO_PEERCRED``) and that its socket folder is still that user's alone, and the client checks
that the socket and the process listening on it are its own user's before it sends its
environment and descriptors. Only the commands that read (:data:`SERVED`, without an option
that writes: :func:`wanted`) are served, whatever a client asks: a command that writes
customer files, runs an editor, prompts, pushes or writes an output file runs in the client's
own process. Linux only (:func:`supported`).

The client half runs before anything heavy is imported, so it uses the C modules (``_socket``,
``_signal``) directly: ``socket`` and ``signal`` import ``enum`` (~5 ms).
"""

from __future__ import annotations

import os
import sys

SERVED = frozenset({"due", "score", "classify", "list", "expenses", "team", "route", "pool",
                    "show", "check", "calendar", "history"})
"""Commands that only read the repository (and the index, which any command refreshes): the
one list of what a server runs (the console script asks :func:`wanted`; the server asks it
again of every request)."""
NOT_SERVED = frozenset({"--apply", "--help", "-h"})
"""Options that make a served command write customer files, or need no repository."""
OUTPUT = ("--output", "-o")
"""The option that writes a file (``-o FILE``); served only as ``-o -`` (stdout)."""
IDLE = 900.0
"""Seconds a server waits for the next request before it exits."""
OFF = ("0", "off", "no", "false")
ON = ("1", "on", "yes", "true")
PROTOCOL = b"kq-server 1"


def supported() -> bool:
    """Linux: Unix sockets, fork, and the peer's credentials (``SO_PEERCRED``); never with
    ``KQ_PORTABLE=1``, which runs kq as on Windows."""
    from ..store.platform import server_possible

    return sys.platform.startswith("linux") and server_possible()


def enabled() -> bool:
    """Whether a command may go to a server: one started with ``kq server start`` is used;
    none is started unless ``KQ_SERVER=1``. ``KQ_SERVER=0`` never uses one. Linux only."""
    return supported() and os.environ.get("KQ_SERVER", "").strip().lower() not in OFF


def starts(argv: list[str] | None = None) -> bool:
    """Whether a run with no server starts one for the next run: ``KQ_SERVER=1``, or
    ``server: on`` in the repository's ``.kq/local.yaml`` (``kq config server on``) when
    ``KQ_SERVER`` is not set."""
    setting = os.environ.get("KQ_SERVER", "").strip().lower()
    if setting or argv is None:
        return setting in ON
    from ..store.root import command_line, locate

    found = command_line(argv)
    root = locate(found[0].get("--repo") if found else None)
    if root is None:
        return False
    try:
        with open(os.path.join(root, ".kq", "local.yaml"), "rb") as f:
            text = f.read(4096)
    except OSError:
        return False
    from ..store.local import KqError, read

    try:  # only a file that says it: a bad one is kq config's and the command's to report
        return str(read(root).get("server", "")).lower() in ON if b"server" in text else False
    except KqError:
        return False


def wanted(argv: list[str]) -> bool:
    """Whether ``argv`` is a command a server runs."""
    from ..store.root import command_line

    found = command_line(argv)
    if found is None or found[1] >= len(argv) or argv[found[1]] not in SERVED:
        return False
    rest = argv[found[1] + 1:]
    for n, arg in enumerate(rest):
        if arg in NOT_SERVED:
            return False
        if arg in OUTPUT:
            if rest[n + 1:n + 2] != ["-"]:
                return False
        elif arg.startswith("--output") or (arg.startswith("-o") and not arg.startswith("--")):
            if arg not in ("--output=-", "-o-"):
                return False  # --output=FILE, -oFILE
    return True


def place() -> str:
    """Where the sockets are: ``$KQ_SERVER_DIR``, else ``$XDG_RUNTIME_DIR/kq``, else
    ``$TMPDIR/kq-UID`` (``/tmp``)."""
    path = os.environ.get("KQ_SERVER_DIR")
    if not path:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        path = (os.path.join(runtime, "kq") if runtime
                else os.path.join(os.environ.get("TMPDIR") or "/tmp", f"kq-{os.getuid()}"))
    return path


def folder(make: bool = False) -> str | None:
    """:func:`place`, made if missing when ``make``; None unless it is a real folder of this
    user that nobody else can open (:func:`folder_problem` says why)."""
    path = place()
    if make:
        try:
            os.mkdir(path, 0o700)
        except OSError:
            pass
    return None if folder_problem(path) else path


def no_socket(path: str) -> str:
    """Why there is no socket for this kq in the folder ``path`` (:func:`socket_path` gave
    None): the folder's problem, or a path too long for a Unix socket."""
    return folder_problem(path) or (f"{path} is too deep for a socket's path (108 bytes); set "
                                    "KQ_SERVER_DIR to a shorter folder")


def folder_problem(path: str) -> str | None:
    """Why ``path`` may not hold kq's sockets, or None."""
    try:
        st = os.lstat(path)
    except OSError as e:
        return f"{path}: {e.strerror}"
    if st.st_mode & 0o170000 != 0o040000:
        return f"{path} is not a folder"
    if st.st_uid != os.getuid():
        return f"{path} belongs to another user"
    if st.st_mode & 0o077:
        return f"{path} may be opened by others (mode {st.st_mode & 0o777:o}; chmod 700 it)"
    return None


def socket_path(make: bool = False) -> str | None:
    """This kq's socket: its folder and the digest of what a child's behaviour rests on."""
    from ..store import stamp

    place = folder(make)
    if place is None:
        return None
    what = repr((sys.executable, _search_path(), stamp.code_stamp(), sys.getfilesystemencoding(),
                 sys.flags.utf8_mode, sys.flags.optimize, _where())).encode("utf-8", "surrogateescape")
    try:
        from _sha1 import sha1
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import sha1
    path = os.path.join(place, sha1(what).hexdigest()[:24] + ".sock")
    return path if len(os.fsencode(path)) < 100 else None  # sun_path holds 108 bytes


def _search_path() -> list[str]:
    """``sys.path`` as kq's code is found (:func:`kqcli.store.stamp.search_path`), the working
    folder that an empty ``PYTHONPATH`` entry puts there named as that entry: one server for
    every folder, not one per folder."""
    from ..store import stamp

    found = stamp.search_path()
    if "" in os.environ.get("PYTHONPATH", "-").split(os.pathsep):
        here = os.getcwd()
        found = ["" if entry == here else entry for entry in found]
    return found


def _where() -> tuple:
    """The mount and pid namespaces and the root folder this process sees: a client in a
    container, a sandbox (bwrap, flatpak, toolbox) or a chroot has its own server, since a path
    (the working folder, ``--repo``) and a pid name other things there."""
    found: list[object] = []
    for name in ("mnt", "pid"):
        try:
            found.append(os.readlink(f"/proc/self/ns/{name}"))
        except OSError:
            found.append(None)
    root = os.stat("/")
    return (*found, root.st_dev, root.st_ino)


def _peer(sock) -> tuple[int, int]:
    """The pid and uid of the process at the other end of ``sock`` (``SO_PEERCRED``: when it
    connected, or listened)."""
    import _socket

    creds = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)
    return (int.from_bytes(creds[0:4], sys.byteorder, signed=True),
            int.from_bytes(creds[4:8], sys.byteorder))


def _stranger(sock, path: str) -> str | None:
    """Why the server on ``sock`` (at ``path``) is not this user's own, or None."""
    uid = os.getuid()
    try:
        st = os.lstat(path)
    except OSError as e:
        return e.strerror
    if st.st_mode & 0o170000 != 0o140000 or st.st_uid != uid:
        return f"the socket belongs to uid {st.st_uid}"
    peer = _peer(sock)[1]
    return None if peer == uid else f"the server runs as uid {peer}"


# -- the client --------------------------------------------------------------------------------

def call(argv: list[str]) -> int | None:
    """Run ``kq ARGV`` in a server's child and return its exit status; None when no server
    took it (none runs: with ``KQ_SERVER=1`` one is started for the next run), and the caller
    runs it."""
    import _socket

    wanted_server = starts(argv)
    path = socket_path(make=wanted_server)
    if path is None:
        if wanted_server:
            sys.stderr.write(f"kq: no server: {no_socket(place())}\n")
        return None
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        if wanted_server:
            start(path)
        return None
    try:
        stranger = _stranger(sock, path)
        if stranger is not None:  # not a word of ours to another user's process
            sock.close()
            sys.stderr.write(f"kq: not using the server at {path}: {stranger}\n")
            return None
        _send(sock, argv)
        replies = _Replies(sock)
        first = replies.line()
    except OSError:
        sock.close()
        return None
    if first is None or not first.startswith(b"pid "):
        sock.close()
        return None  # the server stopped or refused before a child started
    from ..store.context import current

    current().served = True
    return _follow(sock, replies, int(first[4:]))


def _send(sock, argv: list[str]) -> None:
    """The request (NUL-separated; none of its strings can hold a NUL) and the client's
    standard streams."""
    umask = os.umask(0)
    os.umask(umask)
    out, err = sys.stdout, sys.stderr
    streams = (out.encoding, out.errors, *((err.encoding, err.errors) if err is not None
                                           else ("utf-8", "backslashreplace")))
    fields = [PROTOCOL, os.fsencode(os.getcwd()), str(umask).encode(),
              *(s.encode() for s in streams), *_conditions(),
              str(len(argv)).encode(), *(os.fsencode(a) for a in argv),
              *(os.fsencode(k) + b"=" + os.fsencode(v) for k, v in os.environ.items())]
    fds = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            fds.append(-1)
    present = [fd for fd in fds if fd >= 0]
    fields.insert(1, ",".join(str(fd) for fd in fds).encode())
    data = b"\0".join(fields)
    header = len(data).to_bytes(8, "big")
    rights = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in present)
    import _socket

    sent = sock.sendmsg([header + data], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, rights)])
    rest = (header + data)[sent:]
    while rest:
        rest = rest[sock.send(rest):]


FORWARDED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")

LIMITS = ("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE",
          "RLIMIT_NOFILE", "RLIMIT_AS", "RLIMIT_MEMLOCK")
"""The client's resource limits a child takes on (as far as it may: a hard limit only lowers)."""


def _conditions() -> list[bytes]:
    """What a child takes on besides the request: the signals the client ignores (``nohup``,
    an ignored Ctrl-C), its niceness, its resource limits."""
    import _signal

    ignored = [str(getattr(_signal, name)) for name in FORWARDED
               if _signal.getsignal(getattr(_signal, name)) == _signal.SIG_IGN]
    try:
        nice = str(os.getpriority(os.PRIO_PROCESS, 0))
    except (OSError, AttributeError):
        nice = ""
    limits = []
    try:
        import resource

        for name in LIMITS:
            number = getattr(resource, name, None)
            if number is not None:
                soft, hard = resource.getrlimit(number)
                limits.append(f"{number}:{soft}:{hard}")
    except (ImportError, OSError, ValueError):
        pass
    return [",".join(ignored).encode(), nice.encode(), ",".join(limits).encode()]


class _Replies:
    """Lines (and counted blocks) read from the socket; once the child has exited (its
    ``pidfd``), only what it had sent: a process it left behind may hold the socket open."""

    def __init__(self, sock) -> None:
        self.sock, self.buffer = sock, b""
        self.pidfd: int | None = None
        self.gone = False

    def _more(self) -> bool:
        if self.pidfd is not None and not self.gone:
            import select

            ready = select.select([self.sock, self.pidfd], [], [])[0]
            if self.pidfd in ready:
                self.gone = True
        if self.gone:
            self.sock.setblocking(False)
            try:
                chunk = self.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                chunk = b""
            finally:
                self.sock.setblocking(True)
        else:
            chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def line(self) -> bytes | None:
        while b"\n" not in self.buffer:
            if not self._more():
                return None
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def block(self, size: int) -> bytes | None:
        while len(self.buffer) < size:
            if not self._more():
                return None
        block, self.buffer = self.buffer[:size], self.buffer[size:]
        return block


def _follow(sock, replies: _Replies, pid: int) -> int:
    """Wait for the child's exit status, passing it the signals this process gets (not those
    it ignores, as ``nohup`` has it; not Ctrl-C while the pager, which has it, runs) and running
    the pager for it. A child killed by a signal passed on ends this process by the same
    signal, as the command run here would have ended (143 for SIGTERM, 129 for SIGHUP)."""
    import _signal

    got: list[int] = []
    paging = [False]

    def forward(signum, frame) -> None:
        if paging[0] and signum == _signal.SIGINT:
            return  # the pager's (kqcli.cli.pager.show ignores it too)
        got.append(signum)
        try:
            os.kill(pid, signum)
        except OSError:
            pass

    for name in FORWARDED:
        number = getattr(_signal, name)
        if _signal.getsignal(number) != _signal.SIG_IGN:
            _signal.signal(number, forward)
    try:
        replies.pidfd = os.pidfd_open(pid)
    except (OSError, AttributeError):
        pass  # an old kernel: the socket's end is the child's
    while True:
        line = replies.line()
        if line is None:
            if got:
                return _end_by(got[-1])
            sys.stderr.write("kq: the kq server's child stopped before it finished "
                             "(KQ_SERVER=0 runs kq without the server)\n")
            return 1
        if line.startswith(b"exit "):
            return int(line[5:])
        if line.startswith(b"page "):
            text = replies.block(int(line[5:]))
            if text is None:
                continue
            paging[0] = True
            try:
                _page(text)
            finally:
                paging[0] = False
            try:
                sock.sendall(b"paged\n")
            except OSError:
                pass  # the child is gone: its end is read next


def _end_by(signum: int) -> int:
    """End this process by ``signum``, as the child was (130 for Ctrl-C, as kq's own handler
    has it)."""
    import _signal

    if signum == _signal.SIGINT:
        return 130
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    _signal.signal(signum, _signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    return 128 + signum


def _page(text: bytes) -> None:
    """Run the pager on ``text`` here, where the terminal is (kqcli.cli.pager.show's part)."""
    import subprocess

    from ..cli.pager import command

    argv, env = command(os.environ) or (None, None)
    try:
        if argv is None:
            raise OSError
        subprocess.run(argv, input=text, env=env, check=False)
    except OSError:
        sys.stdout.buffer.write(text)
        sys.stdout.flush()
    except KeyboardInterrupt:
        pass


def start(path: str) -> None:
    """Start a server for ``path`` in the background, in its own session, with no streams of
    ours; quietly nothing if that cannot be done."""
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        try:
            flags = ["-X", f"utf8={sys.flags.utf8_mode}", *["-O"] * sys.flags.optimize]
            os.posix_spawn(sys.executable, [sys.executable, "-P", *flags, "-m", "kqcli.serve.server",
                                            path],
                           os.environ, setsid=True,
                           file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                         (os.POSIX_SPAWN_DUP2, devnull, 1),
                                         (os.POSIX_SPAWN_DUP2, devnull, 2)])
        finally:
            os.close(devnull)
    except (OSError, AttributeError, NotImplementedError):
        pass


# -- the server --------------------------------------------------------------------------------

PRELOADED = (
    "kqcli.cli.app", "kqcli.cli.commands.due", "kqcli.cli.commands.score",
    "kqcli.cli.commands.classify", "kqcli.cli.commands.listing", "kqcli.cli.commands.expenses",
    "kqcli.cli.commands.team", "kqcli.cli.commands.route", "kqcli.cli.commands.pool",
    "kqcli.cli.commands.show", "kqcli.cli.commands.check", "kqcli.cli.commands.calendar",
    "kqcli.cli.commands.history", "kqcli.store.agenda", "kqcli.store.cards", "kqcli.store.index",
    "kqcli.store.validate", "kqcli.schema.customer", "kqcli.schema.config", "kqcli.core.due",
    "kqcli.core.dates", "kqcli.core.scoring", "kqcli.core.classify", "kqcli.cli.render",
    "kqcli.cli.pager", "kqcli.store.yamlread", "kqcli.store.warm", "rich.console", "rich.table",
    "yaml", "kqcli.store.repo", "kqcli.cli.labels", "kqcli.store.settings", "kqcli.store.names",
    "kqcli.store.progress", "kqcli.store.schema_file", "kqcli.core.agenda", "kqcli.core.facts",
    "kqcli.core.intel", "kqcli.core.pool", "kqcli.core.summary", "typer._click.decorators",
    "encodings.utf_8_sig", "sqlite3", "subprocess", "json", "pathlib", "kqcli.core.errors",
    "kqcli.schema.reasons", "kqcli.core.select", "kqcli.core.expenses", "kqcli.core.team",
    "kqcli.core.route", "kqcli.cli.tabletext", "kqcli.core.pinyin", "kqcli.store.gitlog",
    "chinese_calendar", "lunar_python", "rich.panel", "ctypes",
)
"""What :func:`preload` imports before the server forks: the served commands' modules and what
they use, so that a child imports (almost) nothing."""


def preload() -> None:
    """Import :data:`PRELOADED`, so that a child imports (almost) nothing."""
    import importlib

    for module in PRELOADED:
        try:
            importlib.import_module(module)
        except ImportError:
            pass
    from ..cli.app import command
    from ..store import stamp

    stamp.code_stamp()  # once, for every child
    from rich.cells import cell_len

    cell_len("客情")  # loads Rich's table of character widths
    from ..core.dates import work_out_lunar_years
    from ..store import clock

    try:
        work_out_lunar_years(clock.today(noted=False))  # (a cache: no answer rests on it)
    except ValueError:  # a KQ_CLOCK that is not a date: each run says so
        pass
    group = command()
    for name in SERVED:  # each command's click command, as typer builds it from run()
        group.commands[name]


def serve(path: str, idle: float = IDLE) -> int:
    """Listen on ``path`` until ``idle`` seconds pass without a request."""
    import fcntl
    import signal
    import socket
    import time

    lock = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0  # another server has this socket
    started = time.time()
    _note(lock, started, 0, started, idle)
    preload()
    import gc

    gc.collect()
    gc.freeze()  # the children's collections leave these objects (and their pages) alone
    if socket_path() != path:
        return 0  # kq or Python changed while we imported: the next client starts a new one
    os.chdir("/")  # no client's folder kept busy (umount) between requests
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    place = os.path.dirname(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(mask)
    os.chmod(path, 0o600)  # whatever the umask of the client that started it
    bound = os.stat(path).st_ino  # a socket's own fstat is not its file's
    listener.listen(32)
    listener.settimeout(idle)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    for name in STOPS:  # kq server stop and the like: the socket is removed on the way out
        signal.signal(getattr(signal, name), _stop)
    requests = 0
    try:
        while True:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                return 0
            if folder_problem(place) is not None:  # no longer this user's alone: stop serving
                conn.close()
                return 0
            try:
                peer = _peer(conn)[1]
            except OSError:
                peer = -1
            if peer != os.getuid():  # another user's process: not a byte read from it
                conn.close()
                continue
            requests += 1
            _note(lock, started, requests, time.time(), idle)
            try:
                conn.settimeout(10)
                request, fds = _receive(conn)
            except (OSError, ValueError):
                conn.close()
                continue
            try:
                asked = _request(request)
            except (ValueError, IndexError, UnicodeError):
                asked = None
            if asked is None or not wanted(asked["argv"]):  # a write: the client runs it
                conn.close()
                for fd in fds:
                    os.close(fd)
                continue
            try:
                pid = os.fork()
            except OSError:  # no processes left: the client sees the socket close, runs it
                pid = -1
            if pid == 0:
                listener.close()
                _child(conn, asked, fds, lock)  # does not return
            conn.close()
            for fd in fds:
                os.close(fd)
    finally:
        try:
            if os.stat(path).st_ino == bound:  # not a newer server's
                os.unlink(path)
        except OSError:
            pass
        listener.close()


STOPS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGUSR1", "SIGUSR2")
"""Signals that end a server the way it can tidy up after (its socket removed)."""


def _stop(signum, frame) -> None:
    raise SystemExit(0)


def _note(lock: int, started: float, requests: int, last: float, idle: float) -> None:
    """What ``kq server status`` reads: the server's pid, when it started, the requests it has
    served, when the last came, and how long it waits for the next."""
    os.ftruncate(lock, 0)
    os.pwrite(lock, f"{os.getpid()} {started:.0f} {requests} {last:.0f} {idle:.0f}\n".encode(), 0)


def status(path: str) -> dict | None:
    """The server of ``path`` as it noted itself (:func:`_note`), or None when none runs."""
    import fcntl
    import time

    try:
        lock = os.open(path + ".lock", os.O_RDONLY)
    except OSError:
        return None
    try:
        try:  # a running server holds the lock
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return None
        except OSError:
            pass
        fields = os.pread(lock, 200, 0).split()
    finally:
        os.close(lock)
    try:
        pid, started, requests, last, idle = (float(f) for f in fields[:5])
    except ValueError:
        return None
    found = {"pid": int(pid), "socket": path, "started": started, "requests": int(requests),
             "idle_left": max(0.0, last + idle - time.time()), "memory_kb": None}
    try:
        with open(f"/proc/{int(pid)}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    found["memory_kb"] = int(line.split()[1])
    except (OSError, ValueError):
        pass  # not Linux: memory unknown
    return found


def _receive(conn) -> tuple[list[bytes], list[int]]:
    import socket

    data, fds, _, _ = socket.recv_fds(conn, 65536, 3)
    while len(data) < 8:
        more = conn.recv(65536)
        if not more:
            raise ValueError("short request")
        data += more
    size = int.from_bytes(data[:8], "big")
    data = data[8:]
    while len(data) < size:
        more = conn.recv(max(65536, size - len(data)))
        if not more:
            raise ValueError("short request")
        data += more
    fields = data.split(b"\0")
    if fields[0] != PROTOCOL:
        for fd in fds:
            os.close(fd)
        raise ValueError("another protocol")
    return fields, list(fds)


def _request(fields: list[bytes]) -> dict:
    """A request's parts (:func:`_send`): the descriptors' slots, folder, umask, streams'
    encodings, ignored signals, niceness, limits, arguments and environment."""
    count = int(fields[11])
    if len(fields) < 12 + count:
        raise ValueError("short request")
    return {
        "slots": [int(n) for n in fields[1].split(b",")],
        "cwd": os.fsdecode(fields[2]),
        "umask": int(fields[3]),
        "streams": [f.decode() for f in fields[4:8]],
        "ignored": [int(n) for n in fields[8].split(b",") if n],
        "nice": int(fields[9]) if fields[9] else None,
        "limits": [tuple(int(n) for n in item.split(b":")) for item in fields[10].split(b",") if item],
        "argv": [os.fsdecode(a) for a in fields[12:12 + count]],
        "env": dict(os.fsdecode(kv).partition("=")[::2] for kv in fields[12 + count:]),
    }


def _child(conn, asked: dict, fds: list[int], lock: int) -> None:
    """Become the client's ``kq ARGV`` and run it; report the exit status; never return."""
    import atexit
    import io
    import signal
    import time

    code = 1
    run = None
    try:
        os.close(lock)  # the server's alone: a killed server's lock is free for the next one
        for name in STOPS:
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for name in FORWARDED:  # as the client has them: ignored ones (nohup) stay ignored
            number = getattr(signal, name)
            signal.signal(number, signal.SIG_IGN if number in asked["ignored"]
                          else signal.default_int_handler if number == signal.SIGINT
                          else signal.SIG_DFL)
        _take_on(asked)
        conn.settimeout(None)
        slots, cwd, argv, env = asked["slots"], asked["cwd"], asked["argv"], asked["env"]
        umask = asked["umask"]
        out_enc, out_err, err_enc, err_err = asked["streams"]
        given = iter(fds)
        for target, slot in enumerate(slots):
            fd = next(given) if slot >= 0 else os.open(os.devnull, os.O_RDWR)
            if fd != target:
                os.dup2(fd, target)
                os.close(fd)
        os.chdir(cwd)
        os.umask(umask)
        os.environ.clear()
        os.environ.update(env)
        time.tzset()
        sys.stdin = sys.__stdin__ = io.TextIOWrapper(open(0, "rb", closefd=False), encoding="locale")
        sys.stdout = sys.__stdout__ = io.TextIOWrapper(
            open(1, "wb", closefd=False), encoding=out_enc, errors=out_err,
            line_buffering=os.isatty(1))
        sys.stderr = sys.__stderr__ = io.TextIOWrapper(
            open(2, "wb", closefd=False), encoding=err_enc, errors=err_err,
            line_buffering=True)
        conn.sendall(f"pid {os.getpid()}\n".encode())
        sys.argv = ["kq", *argv]
        from ..store.context import Run

        # The client pages; keeping the answer waits until the client has its exit status,
        # and so does closing the index (a checkpoint of its log).
        run = Run(page=lambda text: _ask_to_page(conn, text), later=[], connections=[])
        code = _run(argv, run)
    except BaseException:  # noqa: BLE001 - whatever happens, the client gets a status
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            atexit._run_exitfuncs()
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            _release()
            conn.sendall(f"exit {code}\n".encode())
            conn.close()
            if run is not None:
                for work in run.later:
                    work()
                if run.connections:
                    from ..store.index import close_all

                    close_all(run.connections)
        finally:
            os._exit(0)


def _take_on(asked: dict) -> None:
    """The client's niceness (a user other than root can only raise it: a client less nice
    than the server gets the server's) and resource limits (a hard limit only lowered, a soft
    one up to the hard one)."""
    if asked["nice"] is not None:
        try:
            if asked["nice"] != os.getpriority(os.PRIO_PROCESS, 0):
                os.setpriority(os.PRIO_PROCESS, 0, asked["nice"])
        except OSError:
            pass
    if asked["limits"]:
        import resource

        for number, soft, hard in asked["limits"]:
            try:
                resource.setrlimit(number, (soft, hard))
            except (OSError, ValueError):
                try:
                    now = resource.getrlimit(number)[1]
                    capped = soft if now == resource.RLIM_INFINITY or (
                        soft != resource.RLIM_INFINITY and soft <= now) else now
                    resource.setrlimit(number, (capped, now))
                except (OSError, ValueError):
                    pass


def _release() -> None:
    """Let go of the client's stdin, stdout and stderr (a pipe they write to ends for its
    reader when the client exits, not when this child does)."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def _run(argv: list[str], context: object) -> int:
    """What the console script runs in its own process, in the run ``context``, with the
    interpreter's handling of SystemExit."""
    from ..cli import run

    try:
        run.local(argv, context)
    except SystemExit as e:
        if e.code is None:
            return 0
        if isinstance(e.code, int):
            return e.code
        sys.stderr.write(f"{e.code}\n")
        return 1
    return 0


def _ask_to_page(conn, text: bytes) -> None:
    """kqcli.cli.pager.show in a child: the client pages ``text``; wait until it has."""
    conn.sendall(f"page {len(text)}\n".encode() + text)
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = conn.recv(64)
        if not chunk:
            break
        reply += chunk


def _close_inherited() -> None:
    """Close every descriptor above 2 the server got from the client that started it (a cron
    script's ``flock`` on fd 9, a pipe whose reader waits for its end)."""
    try:
        fds = [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 1024))
    for fd in fds:
        if fd > 2:
            try:
                os.close(fd)
            except OSError:
                pass


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m kqcli.serve.server SOCKET (kq starts it; KQ_SERVER=0 "
                         "turns it off)\n")
        return 2
    _close_inherited()
    return serve(args[0], float(os.environ.get("KQ_SERVER_IDLE") or IDLE))


if __name__ == "__main__":
    sys.exit(main())
