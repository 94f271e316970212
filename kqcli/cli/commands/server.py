"""kq server start|stop|status: the optional background server (kqcli.serve.server), never a mystery."""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer

from ..i18n import _
from ..usage import cells
from . import friendly

app = typer.Typer(help="The optional background server: start, stop, status (off unless started).",
                  no_args_is_help=True)

WORKDAY = 8 * 3600.0
"""How long a server started by hand waits for the next request before it exits."""


def _fail(message: str) -> None:
    typer.echo(f"kq: {message}", err=True)
    raise typer.Exit(1)


def _supported() -> None:
    from ...serve import server

    if not server.supported():
        _fail(_("the server needs Linux (fork, Unix sockets, the peer's credentials); kq works "
                "without it"))
    if os.environ.get("KQ_SERVER", "").strip().lower() in server.OFF:
        _fail(_("{setting} turns the server off; unset it first").format(setting="KQ_SERVER=0"))


@app.command("start")
@friendly
def start(idle: Annotated[float, typer.Option(
        "--idle", help="Seconds without a request before the server exits.")] = WORKDAY) -> None:
    """Start the server: later read-only commands (due, list, show, score, …) run in a child
    of it, with kq's modules already imported. It exits after --idle seconds without a request.

    Example: kq server start
    """
    from ...serve import server

    _supported()
    path = server.socket_path(make=True)
    if path is None:
        problem = server.no_socket(server.place())
        _fail(_("cannot start the server: {problem}").format(problem=problem))
    running = server.status(path)
    if running is not None:
        typer.echo(_("the server is already running (pid {pid})").format(pid=running["pid"]))
        return
    os.environ["KQ_SERVER_IDLE"] = f"{idle:g}"
    server.start(path)
    for _tick in range(200):
        running = server.status(path)
        if running is not None and os.path.exists(path):
            typer.echo(_("server started (pid {pid}); {command} stops it").format(
                pid=running["pid"], command="kq server stop"))
            return
        time.sleep(0.05)
    _fail(_("the server did not start (no answer within 10 s)"))


@app.command("stop")
@friendly
def stop() -> None:
    """Stop the server; commands run in their own process again.

    Example: kq server stop
    """
    import signal

    from ...serve import server

    _supported()
    path = server.socket_path()
    running = server.status(path) if path else None
    if running is None:
        typer.echo(_("no server is running"))
        return
    os.kill(running["pid"], signal.SIGTERM)
    for _tick in range(200):
        if server.status(path) is None:
            typer.echo(_("server stopped (pid {pid})").format(pid=running["pid"]))
            return
        time.sleep(0.05)
    _fail(_("the server (pid {pid}) did not stop within 10 s").format(pid=running["pid"]))


@app.command("status")
@friendly
def status() -> None:
    """Whether a server runs, and its pid, socket, memory, requests served and idle time left.
    Exit status 0 when one runs, 3 when none does.

    Example: kq server status
    """
    from ...serve import server

    _supported()
    path = server.socket_path()
    running = server.status(path) if path else None
    if running is None:
        if path is None and os.path.exists(server.place()):
            problem = server.folder_problem(server.place())
            typer.echo(_("no server is running ({problem})").format(problem=problem))
        else:
            typer.echo(_("no server is running; {command} starts one").format(
                command="kq server start"))
        raise typer.Exit(3)
    memory = running["memory_kb"]
    left = int(running["idle_left"])
    rows = [(_("running"), f"pid {running['pid']}"),
            (_("socket"), running["socket"]),
            (_("memory"), f"{memory / 1024:.0f} MB" if memory is not None else "?"),
            (_("requests"), str(running["requests"])),
            (_("idle time left"), f"{left // 60}:{left % 60:02d}")]
    width = max(cells(label) for label, _value in rows)
    for label, value in rows:
        typer.echo(f"{label}{' ' * (width - cells(label))}  {value}")
