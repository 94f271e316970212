"""kq server start|stop|status: the optional background server (kqcli.serve.server), never a mystery."""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer

from ..labels import english
from . import friendly

app = typer.Typer(help="The optional background server: start, stop, status (off unless started).",
                  no_args_is_help=True)

WORKDAY = 8 * 3600.0
"""How long a server started by hand waits for the next request before it exits."""


def _say(zh: str, en: str) -> None:
    typer.echo(en if english() else zh)


def _fail(zh: str, en: str) -> None:
    typer.echo(f"kq: {en if english() else zh}", err=True)
    raise typer.Exit(1)


def _supported() -> None:
    from ...serve import server

    if os.name != "posix" or not hasattr(os, "fork"):
        _fail("后台服务需要 fork 和 Unix 套接字 (Linux、macOS); 没有它 kq 照常工作",
              "the server needs fork and Unix sockets (Linux, macOS); kq works without it")
    if os.environ.get("KQ_SERVER", "").strip().lower() in server.OFF:
        _fail("KQ_SERVER=0 关闭了服务; 去掉它再试", "KQ_SERVER=0 turns the server off; unset it first")


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
        problem = server.folder_problem(server.place())
        _fail(f"不能启动服务: {problem}", f"cannot start the server: {problem}")
    running = server.status(path)
    if running is not None:
        _say(f"服务已在运行 (pid {running['pid']})", f"the server is already running (pid {running['pid']})")
        return
    os.environ["KQ_SERVER_IDLE"] = f"{idle:g}"
    server.start(path)
    for _ in range(200):
        running = server.status(path)
        if running is not None and os.path.exists(path):
            _say(f"服务已启动 (pid {running['pid']}); kq server stop 停止",
                 f"server started (pid {running['pid']}); kq server stop stops it")
            return
        time.sleep(0.05)
    _fail("服务没有启动 (10 秒内没有应答)", "the server did not start (no answer within 10 s)")


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
        _say("没有在运行的服务", "no server is running")
        return
    os.kill(running["pid"], signal.SIGTERM)
    for _ in range(200):
        if server.status(path) is None:
            _say(f"服务已停止 (pid {running['pid']})", f"server stopped (pid {running['pid']})")
            return
        time.sleep(0.05)
    pid = running["pid"]
    _fail(f"服务 (pid {pid}) 10 秒内没有停止", f"the server (pid {pid}) did not stop within 10 s")


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
            _say(f"没有在运行的服务 ({problem})", f"no server is running ({problem})")
        else:
            _say("没有在运行的服务; kq server start 启动", "no server is running; kq server start starts one")
        raise typer.Exit(3)
    memory = running["memory_kb"]
    left = int(running["idle_left"])
    rows = [("运行中", "running", f"pid {running['pid']}"),
            ("套接字", "socket", running["socket"]),
            ("内存", "memory", f"{memory / 1024:.0f} MB" if memory is not None else "?"),
            ("已处理请求", "requests", str(running["requests"])),
            ("空闲退出剩余", "idle time left", f"{left // 60}:{left % 60:02d}")]
    width = max(len(en if english() else zh) * (1 if english() else 2) for zh, en, _ in rows)
    for zh, en, value in rows:
        label = en if english() else zh
        pad = width - len(label) * (1 if english() else 2)
        typer.echo(f"{label}{' ' * pad}  {value}")
