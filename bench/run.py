"""Time kq on large generated repositories against the cost of merely parsing them.

    .venv/bin/python bench/run.py [--sizes 2000,10000] [--kq .venv/bin/kq] [--keep]

For each size, generates (or reuses) bench/out/<N>/, measures, and prints a Markdown table of
seconds and of each figure as a percentage of the parse floor: the time to read every
customer file with PyYAML's C loader in this process and do nothing else. A cached kq should
be far below 100 % on warm runs; a cold ``check`` has to parse everything and validate it too.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
OUT = BENCH / "out"
SERVERS = OUT / "servers"  # the sockets of the kq servers the timed runs start
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402 - bench/generate.py, next to this file

TOUCH_MARK = "基准测试追加"


@dataclass
class Result:
    seconds: float | None
    note: str = ""  # why there is no figure, or what was odd
    runs: int = 0
    first: float | None = None  # the first of the runs, to show a cache that was not warm

    def cell(self) -> str:
        if self.seconds is None:
            return self.note.split(":", 1)[0]
        return f"{self.seconds:.3f}"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def summarise(text: str) -> str:
    """One line out of a command's stderr: the last line that says something."""
    box = "│┃╭╮╰╯─━┏┓┗┛║═ \t"
    lines = [line.strip(box) for line in text.splitlines()]
    lines = [line for line in lines if any(ch.isalnum() for ch in line)]
    if not lines:
        return ""
    line = lines[-1]
    return line if len(line) <= 160 else line[:157] + "..."


def bench_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every timed run: no KQ_REPO/KQ_TODAY, and bytecode cached as for an
    installed kq (a PYTHONDONTWRITEBYTECODE=1 shell would recompile every module each run)."""
    drop = ("KQ_REPO", "KQ_TODAY", "PYTHONDONTWRITEBYTECODE", "KQ_SERVER", "KQ_SERVER_WATCH")
    return {**{k: v for k, v in os.environ.items() if k not in drop},
            "KQ_SERVER_DIR": str(SERVERS), **(extra or {})}


def stop_servers() -> None:
    """Stop the kq servers the timed runs started (kq's server is on, as for a user: a run
    that the kept answers cannot answer goes to it). Each holds a lock file with its pid."""
    import signal

    for lock in SERVERS.glob("*.lock"):
        try:
            os.kill(int(lock.read_text() or 0), signal.SIGTERM)
        except (ValueError, OSError):
            pass


def run_once(cmd: list[str], timeout: float, keep_stdout: bool = False,
             env: dict[str, str] | None = None) -> tuple[float, int, str, str, int]:
    """(seconds, exit code, stdout, stderr, peak RSS in KiB) of one run."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=PROJECT, env=env or bench_env(), stdin=subprocess.DEVNULL,
                                stdout=out if keep_stdout else subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(timeout, proc.kill)  # waiting blocks: no polling beside the run
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - started
        timer.cancel()
        if not timer.is_alive() and took >= timeout:
            raise subprocess.TimeoutExpired(cmd, timeout)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace") if keep_stdout else ""
        return took, proc.returncode, text, err.read().decode("utf-8", "replace"), usage.ru_maxrss


def measure(cmd: list[str], repeat: int, timeout: float, before=None,
            keep_stdout: bool = False) -> Result:
    """Best of ``repeat`` runs; ``before()`` runs untimed ahead of each. Any failure is n/a."""
    best = first = None
    for _ in range(repeat):
        if before is not None:
            before()
        try:
            took, code, out, err, _ = run_once(cmd, timeout, keep_stdout)
        except FileNotFoundError:
            return Result(None, f"n/a (not found): {cmd[0]}")
        except subprocess.TimeoutExpired:
            return Result(None, f"n/a (timeout): more than {timeout:.0f} s")
        if code != 0:
            why = summarise(err) or summarise(out) or "no message"
            return Result(None, f"n/a (exit {code}): {why}")
        first = took if first is None else first
        best = took if best is None else min(best, took)
    return Result(best, runs=repeat, first=first)


def parse_floor(files: list[Path], repeat: int) -> tuple[float, str]:
    """Seconds to yaml.load every customer file with the C safe loader, best of ``repeat``."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    label = "yaml.CSafeLoader"
    if loader is None:
        loader, label = yaml.SafeLoader, "yaml.SafeLoader (no libyaml: floor is too high)"
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        for path in files:
            with open(path, encoding="utf-8") as fh:
                yaml.load(fh.read(), Loader=loader)
        took = time.perf_counter() - started
        best = took if best is None else min(best, took)
    return best, label


def ensure_repo(size: int, interactions: int, seed: int) -> tuple[Path, bool]:
    """Return (repo, created): reuse bench/out/<size> when it is complete."""
    root = OUT / str(size)
    folder = root / "customers"
    if (root / "kq.yaml").is_file() and folder.is_dir():
        count = sum(1 for e in os.scandir(folder) if e.name.endswith(".yaml"))
        if count == size:
            say(f"reusing {root} ({count} customers)")
            return root, False
        say(f"{root} holds {count} customers, not {size}: regenerating")
    if root.exists():
        shutil.rmtree(root)
    started = time.perf_counter()
    total = generate.generate(root, size, interactions, seed)
    say(f"generated {root}: {total / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
    problems = generate.validate_sample(root, 20, seed)
    for problem in problems[:5]:
        say(f"warning: generated file does not validate: {problem.splitlines()[0]}")
    return root, True


def racy_window() -> float:
    """Seconds until kq trusts a file by its stat: two (FAT's granularity), or what
    ``KQ_TEST_RACY_MS`` sets for kq (the suite's smoke test of this script), and a little."""
    try:
        return int(os.environ.get("KQ_TEST_RACY_MS") or 2000) / 1000 + 0.1
    except ValueError:
        return 2.1


def put_back(path: Path, original: bytes) -> None:
    """Put a file a round changed back, then wait out kq's racy window
    (``kqcli/store/files.py``: a file written in the last two seconds is not trusted by its
    stat, so no answer is kept while it is that young): the rows timed next are warm runs,
    not runs after an edit."""
    path.write_bytes(original)
    time.sleep(racy_window())


class Touch:
    """Append one interaction to one customer's visits before each run; restore at the end."""

    def __init__(self, files: list[Path]) -> None:
        self.path = next((f for f in files if "\nvisits:\n  - " in f.read_text(encoding="utf-8")),
                         files[0])
        self.original = self.path.read_bytes()
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        text = self.path.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        if "visits:\n" not in lines:  # no log to append to: same content, new mtime
            self.path.write_bytes(self.path.read_bytes())
            stamp = time.time_ns()
            os.utime(self.path, ns=(stamp, stamp))
            return
        start = lines.index("visits:\n") + 1
        end = next((i for i in range(start, len(lines)) if lines[i][:1] not in (" ", "\n")),
                   len(lines))
        lines.insert(end, f"  - {{date: 2026-11-24, kind: call, note: {TOUCH_MARK}{self.count}}}\n")
        self.path.write_text("".join(lines), encoding="utf-8")

    def restore(self) -> None:
        put_back(self.path, self.original)


def dir_size(path: Path) -> int:
    total = 0
    for base, _dirs, names in os.walk(path):
        for name in names:
            try:
                total += os.path.getsize(os.path.join(base, name))
            except OSError:
                pass
    return total


def kq_python(kq: Path) -> str:
    """The interpreter kq runs on (its shebang), so start-up is compared like for like."""
    try:
        first = kq.read_bytes().split(b"\n", 1)[0].decode()
    except (OSError, UnicodeDecodeError):
        return sys.executable
    if first.startswith("#!"):
        candidate = first[2:].strip().split()[0]
        if os.path.exists(candidate):
            return candidate
    return sys.executable


def bench_size(kq: str, size: int, args) -> dict:
    root, created = ensure_repo(size, args.interactions, args.seed)
    files = sorted((root / "customers").glob("*.yaml"))
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    repo = str(root)
    rows: dict[str, Result] = {}

    say(f"[{size}] parse floor (best of {args.floor_repeat})")
    floor, label = parse_floor(files, args.floor_repeat)
    rows["floor"] = Result(floor, label, args.floor_repeat)

    say(f"[{size}] kq check, cold")
    shutil.rmtree(root / ".kq", ignore_errors=True)
    rows["check"] = measure([kq, "--repo", repo, "check"], 1, args.timeout, keep_stdout=True)

    say(f"[{size}] kq list, warm")
    rows["list"] = measure([kq, "--repo", repo, "list", "--format", "json"], 3, args.timeout)

    say(f"[{size}] kq list after touching one file")
    touch = Touch(files)
    try:
        rows["touched"] = measure([kq, "--repo", repo, "list", "--format", "json"], 3,
                                  args.timeout, before=touch)
    finally:
        touch.restore()
    # Let the restored file back into the cache before the next warm figures.
    run_quietly([kq, "--repo", repo, "list", "--format", "json"], args.timeout)

    say(f"[{size}] kq due, warm")
    rows["due"] = measure([kq, "--repo", repo, "--today", "2026-11-24", "due", "--format", "json"],
                          3, args.timeout)
    say(f"[{size}] kq score, warm")
    rows["score"] = measure([kq, "--repo", repo, "--today", "2026-11-30", "score", "--format",
                             "json"], 3, args.timeout)
    say(f"[{size}] kq classify, warm")
    rows["classify"] = measure([kq, "--repo", repo, "--today", "2026-11-24", "classify",
                                "--format", "json"], 3, args.timeout)

    goals = size_goals(kq, size, repo, files, args)

    cache = dir_size(root / ".kq") if (root / ".kq").exists() else 0
    if created and not args.keep:
        shutil.rmtree(root)
    return {"size": size, "mb": megabytes, "rows": rows, "cache": cache, "touched": touch.path.name,
            "goals": goals}


# -- issue 11's goals: each figure as a ratio against a peer measured in the same run --------

TASK_TODAY = "2026-11-24"


def ensure_taskwarrior() -> tuple[str | None, str]:
    """``task`` and its version; installed with apt-get when missing and this runs as root.
    (None, why) where that cannot be done: the taskwarrior rows are then skipped."""
    task = shutil.which("task")
    if task is None and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        say("taskwarrior is missing: apt-get install -y taskwarrior")
        subprocess.run(["apt-get", "install", "-y", "taskwarrior"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        task = shutil.which("task")
    if task is None:
        return None, ("taskwarrior is not installed and cannot be installed here (needs root "
                      "and apt-get): its rows are skipped")
    done = subprocess.run([task, "--version"], capture_output=True, text=True, check=False)
    return task, done.stdout.strip()


def task_env(task: str, size: int) -> dict[str, str]:
    """A TASKDATA in bench/out/task-N holding N pending tasks (made once with ``task import``),
    shaped like kq's reminders: a description, a due date within ±30 days, a project per rep,
    a priority and a tag."""
    import json
    import random
    import uuid

    root = OUT / f"task-{size}"
    env = bench_env({"TASKRC": str(root / "taskrc"), "TASKDATA": str(root / "data")})
    if (root / "complete").is_file():
        return env
    shutil.rmtree(root, ignore_errors=True)
    (root / "data").mkdir(parents=True)
    (root / "taskrc").write_text(f"data.location={root / 'data'}\nconfirmation=off\n"
                                 "verbose=nothing\nnews.version=2.6.0\n", encoding="utf-8")
    rng = random.Random(size)
    reasons = ["拜访", "情感电话", "到货回访", "生日问候", "未报数据", "待办"]
    tasks = []
    for n in range(size):
        due = dt.date.fromisoformat(TASK_TODAY) + dt.timedelta(days=rng.randint(-30, 30))
        tasks.append({"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                      "status": "pending", "entry": "20261101T000000Z",
                      "description": f"{rng.choice(reasons)} 客户{n:05d} 华信大药房",
                      "due": due.strftime("%Y%m%dT000000Z"), "project": f"rep{n % 25}",
                      "priority": "HML"[n % 3], "tags": ["kq"]})
    (root / "tasks.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    say(f"taskwarrior: importing {size} tasks into {root}")
    subprocess.run([task, "import", str(root / "tasks.json")], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    (root / "complete").write_text("", encoding="utf-8")
    return env


@dataclass
class Paired:
    seconds: float | None  # median
    rss: int | None = None  # median peak RSS, KiB
    note: str = ""


def alternate(runs: dict[str, tuple], repeat: int, timeout: float) -> dict[str, Paired]:
    """Medians of ``repeat`` rounds, each round running every command once in turn, so that a
    busy machine weighs on each figure alike. ``runs``: name -> (cmd, env or None, before or
    None). A command that fails is n/a."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    rss: dict[str, list[int]] = {name: [] for name in runs}
    failed: dict[str, str] = {}
    for _ in range(repeat):
        for name, (cmd, env, before) in runs.items():
            if name in failed:
                continue
            if before is not None:
                before()
            try:
                took, code, out, err, peak = run_once(cmd, timeout, env=env)
            except (OSError, subprocess.TimeoutExpired) as e:
                failed[name] = f"n/a: {e}"
                continue
            if code != 0:
                failed[name] = f"n/a (exit {code}): {summarise(err) or 'no message'}"
                continue
            times[name].append(took)
            rss[name].append(peak)
    out = {}
    for name in runs:
        if name in failed:
            out[name] = Paired(None, note=failed[name])
        else:
            out[name] = Paired(statistics.median(times[name]), int(statistics.median(rss[name])))
    return out


def size_goals(kq: str, size: int, repo: str, files: list[Path], args) -> dict[str, Paired]:
    """kq's warm runs against ``task next`` over as many pending tasks, alternating."""
    task, why = args.task
    if task is None:
        return {}
    env = task_env(task, size)
    due = [kq, "--repo", repo, "--today", TASK_TODAY, "due"]
    score = [kq, "--repo", repo, "--today", "2026-11-30", "score", "--format", "json"]
    classify = [kq, "--repo", repo, "--today", TASK_TODAY, "classify", "--format", "json"]
    warm = {"due": [*due, "--format", "json"], "score": score, "classify": classify,
            "table": [*due, "--all"]}
    say(f"[{size}] goals: kq against task next, {args.pairs} alternating rounds")
    for cmd in warm.values():  # the first run brings the index up to date, the second is kept
        run_quietly(cmd, args.timeout)
        run_quietly(cmd, args.timeout)
    found = alternate({"task": ([task, "next"], env, None),
                       **{name: (cmd, None, None) for name, cmd in warm.items()}},
                      args.pairs, args.timeout)
    say(f"[{size}] one customer file changed before each run, {args.pairs} alternating rounds")
    touch = Touch(files)
    try:
        changed = alternate({
            "touched": (warm["due"], None, touch),
            "task_again": ([task, "next"], env, None),
            "score_touched": (score, None, touch),
            "table_touched": (warm["table"], None, touch),
        }, args.pairs, args.timeout)
    finally:
        touch.restore()
        run_quietly(warm["due"], args.timeout)
    return {**found, **changed}


def start_goals(kq: str, python: str, args) -> dict[str, Paired]:
    """Start-up: kq --version, kq --help and kq due on examples/ against ``python -c pass``."""
    say(f"start-up goals: {args.pairs * 2 + 1} alternating rounds")
    examples = str(PROJECT / "examples")
    for _ in range(2):  # the first run brings the index up to date, the second is kept
        run_quietly([kq, "--repo", examples, "--today", TASK_TODAY, "due", "--format", "json"],
                    60)
    return alternate({
        "python": ([python, "-c", "pass"], None, None),
        "version": ([kq, "--version"], None, None),
        "help": ([kq, "--help"], None, None),
        "examples": ([kq, "--repo", examples, "--today", TASK_TODAY, "due", "--format", "json"],
                     None, None),
    }, args.pairs * 2 + 1, 60)


def ratio(a: Paired | Result | None, b: Paired | Result | None, rss: bool = False
          ) -> float | None:
    if a is None or b is None:
        return None
    x, y = (a.rss, b.rss) if rss else (a.seconds, b.seconds)
    return x / y if x is not None and y else None


def goals_table(start: dict[str, Paired], results: list[dict], task_note: str) -> str:
    """| goal | kq | peer | ratio | target | met |, one row per goal and size."""
    lines = ["| goal | kq | peer | ratio | target | met |", "|---|---:|---:|---:|---:|---|"]

    def row(label: str, a: Any, b: Any, target: float | None, rss: bool = False) -> None:
        r = ratio(a, b, rss)

        def cell(p: Any) -> str:
            if p is None:
                return "n/a"
            value = p.rss if rss else p.seconds
            if value is None:
                return p.note.split(":", 1)[0] or "n/a"
            return f"{value / 1024:.1f} MiB" if rss else f"{value:.3f} s"

        met = "—" if target is None else "n/a" if r is None else (
            "yes" if r <= target else "**no**")
        lines.append(f"| {label} | {cell(a)} | {cell(b)} | "
                     f"{'' if r is None else f'{r:.2f}×'} | "
                     f"{'—' if target is None else f'≤ {target:g}×'} | {met} |")

    py = start.get("python")
    row("`kq due --format json` on examples/ vs `python -c pass`", start.get("examples"), py, 3)
    row("`kq --help` vs `python -c pass`", start.get("help"), py, 3)
    row("`kq --version` vs `python -c pass`", start.get("version"), py, 1.2)
    for r in results:
        n, g = f"{r['size']:,}", r["goals"]
        floor = r["rows"]["floor"]
        row(f"cold `kq check`, {n}, vs the parse floor (in-process CSafeLoader)",
            r["rows"]["check"], floor, 1.0)
        if not g:
            continue
        task = g["task"]
        row(f"warm `kq due --format json`, {n}, vs `task next`, {n} tasks", g["due"], task, 1.0)
        row(f"warm `kq due --format json`, one customer file changed, {n}, vs `task next`",
            g["touched"], g.get("task_again"), 1.2)
        row(f"`kq due --all` (the full table, piped), {n}, vs the JSON run", g["table"],
            g["due"], 1.5)
        row(f"warm `kq score --format json`, {n}, vs `task next`", g["score"], task, 3)
        row(f"warm `kq classify --format json`, {n}, vs `task next`", g["classify"], task, 3)
        row(f"peak RSS of warm `kq due --format json`, {n}, vs `task next`'s", g["due"], task,
            1.5, rss=True)
        again = g.get("task_again")
        row(f"(what a change costs) `kq score --format json`, one customer file changed, {n}, "
            "vs `task next`", g.get("score_touched"), again, None)
        row(f"(what a change costs) `kq due --all` piped, one customer file changed, {n}, "
            "vs `task next`", g.get("table_touched"), again, None)
    if task_note:
        lines.append(f"\n- {task_note}")
    for label, group in [("start-up", start), *((f"{r['size']:,}", r["goals"]) for r in results)]:
        for name, p in group.items():
            if p.seconds is None:
                lines.append(f"- {label} {name}: {p.note}")
    return "\n".join(lines)


# -- issue 28's goals: the default path (no server), the server's rows, the big sizes ---------

NOT_RUN = "not run"


@dataclass
class Goal:
    key: str  # the measurement's name in a size's figures
    label: str  # the row's text; {n} is the size
    sizes: tuple[int, ...]
    target: float  # the bound: a ratio, or seconds / MiB when absolute
    unit: str = "×"  # "×" a ratio to the peer; "s" or "MiB" an absolute figure; "% " a share
    peer: str | None = None  # the peer's key in the same size's figures ("×" rows)


GOALS = [
    Goal("due_kept", "default (no server) `kq due --format json`, kept answer, {n}, vs "
         "`task next`", (2000, 10000, 100000), 1.0, peer="task"),
    Goal("due_pty", "default terminal page of `kq due` (a pty), {n}, vs `task next` in the same "
         "pty", (2000,), 1.5, peer="task_pty"),
    Goal("due_edited", "default, one customer file edited by hand, `kq due --format json`, {n}, "
         "vs `task next`", (2000,), 3.0, peer="edited_task"),
    Goal("served_pty", "`kq server start`: terminal page of `kq due` (a pty), {n}, vs `task next` "
         "in the same pty", (2000,), 1.2, peer="served_task_pty"),
    Goal("served_edited", "`kq server start`: one customer file edited, `kq due --format json`, "
         "{n}, vs `task next`", (2000,), 1.2, peer="served_task"),
    Goal("recheck", "first run of a day (`--today` one day after a warm run), `kq due --format "
         "json`, {n}", (10000,), 1.5, unit="s"),
    Goal("setting", "`kq due --format json` after a `kq.yaml` setting change (a cadence), {n}",
         (10000,), 3.0, unit="s"),
    Goal("setting", "`kq due --format json` after a `kq.yaml` setting change (a cadence), {n}",
         (100000,), 15.0, unit="s"),
    Goal("kq_size", "`.kq/` vs `customers/`, {n}", (10000, 100000), 1.0, peer="customers_size"),
    Goal("warm_due", "warm `kq due --format json`, {n}, vs `task next` over {n} tasks",
         (100000,), 0.5, peer="task"),
    Goal("warm_owner", "warm `kq due --owner 李明 --format json`, {n}, vs `task next`",
         (100000,), 0.5, peer="task"),
    Goal("warm_team", "warm `kq team --format json`, {n}, vs `task next`", (100000,), 0.5,
         peer="task"),
    Goal("warm_score", "warm `kq score --format json`, {n}, vs `task next`", (100000,), 0.5,
         peer="task"),
    Goal("warm_list", "warm `kq list --format json`, {n}, vs `task next`", (100000,), 0.5,
         peer="task"),
    Goal("check_rss", "peak memory of a cold `kq check` (process tree), {n}", (100000,), 500,
         unit="MiB"),
    Goal("first_due_rss", "peak memory of the first `kq due` after it (process tree), {n}",
         (100000,), 500, unit="MiB"),
    Goal("first_due", "first `kq due --format json` after the index (`kq check`), {n}",
         (100000,), 20, unit="s"),
    Goal("first_team", "first `kq team --format json` after it, {n}", (100000,), 5, unit="s"),
    Goal("team_edited", "`kq team --format json` after one customer file edited, {n}, vs the "
         "warm run", (10000, 100000), 1.5, peer="team_warm"),
    Goal("unchanged_share", "warm `kq due --format json` without the server, {n}: share of the "
         "run in `kqcli.store.files.unchanged`", (100000,), 30, unit="%"),
]
"""Issue 28's goal table, one row per goal and size, in the issue's order."""


@dataclass
class Figure:
    value: float | None  # seconds (median), MiB, bytes or a percentage, by the goal's unit
    note: str = ""  # why there is no value
    how: str = ""  # e.g. "median of 7", "one run"


def nolap() -> dict[str, str]:
    """The environment of a run that must not use kq's server (the default path)."""
    return bench_env({"KQ_SERVER": "0"})


def run_pty(cmd: list[str], timeout: float, env: dict[str, str] | None = None
            ) -> tuple[float, int, str, str, int]:
    """One run with stdout and stderr a pseudo-terminal of 50 x 160 (as a rep's terminal), read
    to the end by a thread so that the command never waits on a full terminal."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer closed its end
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=PROJECT, env=env or bench_env(), stdin=subprocess.DEVNULL,
                                stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        slave = -1
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - started
        timer.cancel()
        if took >= timeout:
            raise subprocess.TimeoutExpired(cmd, timeout)
        reader.join(5)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    text = b"".join(chunks).decode("utf-8", "replace")
    return took, os.waitstatus_to_exitcode(status), text, text, usage.ru_maxrss


def tree_rss_kib(root: int) -> tuple[int, int]:
    """(summed resident memory of ``root`` and every process below it, the largest high-water
    mark of one of them), KiB, from Linux's /proc."""
    parents: dict[int, int] = {}
    sizes: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE") // 1024
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
            with open(f"/proc/{name}/statm", "rb") as fh:
                resident = int(fh.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents[int(name)] = int(stat.rsplit(b")", 1)[1].split()[1])
        sizes[int(name)] = resident * page
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        grew = bool(more)
        tree |= more
    high = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"VmHWM:"):
                        high = max(high, int(line.split()[1]))
        except (OSError, ValueError, IndexError):
            pass
    return sum(sizes.get(pid, 0) for pid in tree), high


def run_peak(cmd: list[str], timeout: float, env: dict[str, str] | None = None
             ) -> tuple[float, int, str, int]:
    """(seconds, exit code, stderr, peak KiB) of one run; the peak is the larger of the process
    tree's summed RSS and of one process's high-water mark (VmHWM), polled every 20 ms from
    /proc. Not wait4's maxrss: on Linux it is never below this bench's own RSS at the fork
    (exec keeps the old high-water mark)."""
    import tempfile

    peak = 0
    done = threading.Event()
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=PROJECT, env=env or nolap(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)

        def poll() -> None:
            nonlocal peak
            while not done.wait(0.02):
                peak = max(peak, *tree_rss_kib(proc.pid))

        watcher = threading.Thread(target=poll, daemon=True)
        if os.path.isdir("/proc"):
            watcher.start()
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, _usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - started
        timer.cancel()
        done.set()
        if watcher.is_alive():
            watcher.join()
        if took >= timeout:
            raise subprocess.TimeoutExpired(cmd, timeout)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return took, os.waitstatus_to_exitcode(status), text, peak


@dataclass
class Spec:
    """One command of a group of alternating rounds."""

    cmd: Any  # a list, or a callable giving the list of this round
    env: dict[str, str] | None = None
    before: Any = None  # untimed, ahead of each run
    pty: bool = False


def rounds(specs: dict[str, Spec], repeat: int, timeout: float) -> dict[str, Figure]:
    """Medians of ``repeat`` rounds, each round running every spec once in turn (a busy machine
    weighs on each alike). A spec that fails once is n/a."""
    times: dict[str, list[float]] = {name: [] for name in specs}
    failed: dict[str, str] = {}
    for _ in range(repeat):
        for name, spec in specs.items():
            if name in failed:
                continue
            if spec.before is not None:
                spec.before()
            cmd = spec.cmd() if callable(spec.cmd) else spec.cmd
            try:
                if spec.pty:
                    took, code, out, err, _ = run_pty(cmd, timeout, spec.env)
                else:
                    took, code, out, err, _ = run_once(cmd, timeout, env=spec.env)
            except (OSError, subprocess.TimeoutExpired) as e:
                failed[name] = f"n/a: {e}"
                continue
            if code != 0:
                failed[name] = f"n/a (exit {code}): {summarise(err) or 'no message'}"
                continue
            times[name].append(took)
    return {name: Figure(None, failed[name]) if name in failed else
            Figure(statistics.median(times[name]), how=f"median of {repeat}")
            for name in specs}


def kq_server(kq: str, action: str, timeout: float = 60) -> str:
    """``kq server start|stop``, in bench/out/servers/; "" when it worked, else why not."""
    env = bench_env()
    args = [kq, "server", action] + (["--idle", "3600"] if action == "start" else [])
    try:
        took, code, out, err, _ = run_once(args, timeout, keep_stdout=True, env=env)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"n/a: {e}"
    return "" if code == 0 else f"n/a (exit {code}): {summarise(err) or summarise(out)}"


TIMING_HOOK = '''\
import os, sys, time
from kqcli.store import files
_inner, _spent = files.unchanged, [0.0]
def unchanged(*args, **kwargs):
    started = time.perf_counter()
    try:
        return _inner(*args, **kwargs)
    finally:
        _spent[0] += time.perf_counter() - started
        with open(os.environ["KQ_BENCH_UNCHANGED"], "w") as fh:
            fh.write(repr(_spent[0]))
files.unchanged = unchanged
sys.argv[0] = "kq"
from kqcli.cli.entry import main
sys.exit(main())
'''
"""bench-only: kq's launcher with ``kqcli.store.files.unchanged`` timed (set before the store's
modules import it by name); kqcli itself is not changed. Each call rewrites the total in the
file $KQ_BENCH_UNCHANGED, since kq may leave with os._exit."""


class Setting:
    """Toggle one cadence of kq.yaml before each run (normal terminals' [25, 30] <-> [24, 30]),
    so that every run is the first after a setting change; restore at the end."""

    def __init__(self, root: Path) -> None:
        self.path = root / "kq.yaml"
        self.original = self.path.read_bytes()
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        extra = b"cadence:\n  normal: [24, 30]\n" if self.count % 2 else b""
        self.path.write_bytes(self.original + extra)

    def restore(self) -> None:
        put_back(self.path, self.original)


class Recheck:
    """A warm run on day D (untimed) before each timed run on day D + 1; D moves two days a
    round, so each timed run is the first of its day."""

    def __init__(self, kq: str, repo: str, timeout: float) -> None:
        self.kq, self.repo, self.timeout = kq, repo, timeout
        self.day = dt.date.fromisoformat(TASK_TODAY)

    def command(self, day: dt.date) -> list[str]:
        return [self.kq, "--repo", self.repo, "--today", day.isoformat(), "due", "--format",
                "json"]

    def before(self) -> None:
        self.day += dt.timedelta(days=2)
        for _ in range(2):
            try:
                run_once(self.command(self.day), self.timeout, env=nolap())
            except (OSError, subprocess.TimeoutExpired):
                pass

    def timed(self) -> list[str]:
        return self.command(self.day + dt.timedelta(days=1))


def issue28_size(kq: str, size: int, root: Path, files: list[Path], args,
                 keys: set[str]) -> dict[str, Figure]:
    """The figures of the goals in ``keys`` at this size (with their peers), measured on the
    repository ``root``; everything is left as found (the edited file and kq.yaml restored)."""
    found: dict[str, Figure] = {}
    repo, pairs, timeout = str(root), args.pairs, args.timeout
    task, why = args.task
    tenv = task_env(task, size) if task is not None else None
    task_spec = {"task": Spec([task, "next"], tenv)} if task is not None else {}
    if task is None:
        for name in ("task", "task_pty", "edited_task", "served_task", "served_task_pty"):
            found[name] = Figure(None, f"n/a: {why}")
    due = [kq, "--repo", repo, "--today", TASK_TODAY, "due"]
    due_json = [*due, "--format", "json"]
    team = [kq, "--repo", repo, "--today", TASK_TODAY, "team", "--format", "json"]
    pty_env = nolap() | {"KQ_PAGER": "cat", "TERM": "xterm-256color", "COLUMNS": "160",
                         "LINES": "50"}

    def quiet(cmd: list[str], env: dict[str, str] | None = None) -> None:
        try:
            run_once(cmd, timeout, env=env or nolap())
        except (OSError, subprocess.TimeoutExpired):
            pass

    def quiet_pty(cmd: list[str], env: dict[str, str]) -> None:
        """Twice in a pty: a day's first page is worked out, the second kept."""
        for _ in range(2):
            try:
                run_pty(cmd, timeout, env)
            except (OSError, subprocess.TimeoutExpired):
                pass

    if keys & {"check_rss", "first_due_rss", "first_due", "first_team"}:
        say(f"[{size}] cold `kq check`, then the first `kq due` and `kq team` (one run each)")
        shutil.rmtree(root / ".kq", ignore_errors=True)
        for key, cmd in [("check", [kq, "--repo", repo, "check"]), ("first_due", due_json),
                         ("first_team", team)]:
            try:
                took, code, err, peak = run_peak(cmd, timeout)
            except (OSError, subprocess.TimeoutExpired) as e:
                found[key] = found[f"{key}_rss"] = Figure(None, f"n/a: {e}")
                continue
            if code not in (0, 1) or (code == 1 and key != "check"):
                note = f"n/a (exit {code}): {summarise(err) or 'no message'}"
                found[key] = found[f"{key}_rss"] = Figure(None, note)
                continue
            found[key] = Figure(took, how="one run")
            found[f"{key}_rss"] = Figure(peak / 1024, how="one run")

    say(f"[{size}] warming: each command twice (index up to date, answer kept)")
    warm = {"warm_due": due_json,
            "warm_owner": [*due, "--owner", "李明", "--format", "json"],
            "warm_team": team,
            "warm_score": [kq, "--repo", repo, "--today", "2026-11-30", "score", "--format",
                           "json"],
            "warm_list": [kq, "--repo", repo, "list", "--format", "json"]}
    wanted = {k: v for k, v in warm.items()
              if k in keys or (k == "warm_due" and keys & {"due_kept", "unchanged_share"})
              or (k == "warm_team" and "team_edited" in keys)}
    for cmd in wanted.values():
        quiet(cmd)
        quiet(cmd)
    pty_cmd = [*due]  # the terminal page: the default table, paged by a pager that exits (cat)
    if keys & {"due_kept", "due_pty"} or any(k.startswith("warm_") for k in keys):
        quiet_pty(pty_cmd, pty_env)
        say(f"[{size}] warm runs against `task next`, {pairs} alternating rounds")
        specs = {**task_spec, "due_kept": Spec(due_json, nolap())}
        if "due_pty" in keys:
            if task is not None:
                specs["task_pty"] = Spec([task, "next"], tenv | {"TERM": "xterm-256color"},
                                         pty=True)
            specs["due_pty"] = Spec(pty_cmd, pty_env, pty=True)
        specs.update({k: Spec(v, nolap()) for k, v in wanted.items() if k != "warm_due"})
        found.update(rounds(specs, pairs, timeout))
        found["warm_due"] = found["due_kept"]  # the same command

    if "unchanged_share" in keys:
        say(f"[{size}] warm `kq due`: the time in files.unchanged, {pairs} runs")
        import tempfile

        shares: list[float] = []
        note = ""
        with tempfile.TemporaryDirectory() as place:
            hook = Path(place) / "kq_timed.py"
            hook.write_text(TIMING_HOOK, encoding="utf-8")
            spent = Path(place) / "spent"
            env = nolap() | {"KQ_BENCH_UNCHANGED": str(spent)}
            python = kq_python(Path(kq))
            for _ in range(pairs):
                spent.write_text("0", encoding="utf-8")
                took, code, _out, err, _ = run_once([python, str(hook), *due_json[1:]], timeout,
                                                    env=env)
                if code != 0:
                    note = f"n/a (exit {code}): {summarise(err) or 'no message'}"
                    break
                shares.append(100 * float(spent.read_text(encoding="utf-8")) / took)
        found["unchanged_share"] = (Figure(None, note) if note or not shares else
                                    Figure(statistics.median(shares), how=f"median of {pairs}"))

    if keys & {"due_edited", "team_edited"}:
        say(f"[{size}] one customer file edited before each run, {pairs} alternating rounds")
        touch = Touch(files)
        specs = {**task_spec}
        if "due_edited" in keys:
            specs["due_edited"] = Spec(due_json, nolap(), touch)
        if "team_edited" in keys:
            specs["team_warm"] = Spec(team, nolap(), lambda: quiet(team))
            specs["team_edited"] = Spec(team, nolap(), touch)
        try:
            edited = rounds(specs, pairs, timeout)
        finally:
            touch.restore()
            quiet(due_json)
        if "task" in edited:
            edited["edited_task"] = edited.pop("task")
        found.update(edited)

    if keys & {"served_pty", "served_edited"}:
        say(f"[{size}] with `kq server start`, {pairs} alternating rounds")
        problem = kq_server(kq, "start")
        if problem:
            found["served_pty"] = found["served_edited"] = Figure(None, problem)
        else:
            served = bench_env()
            served_pty = served | {"KQ_PAGER": "cat", "TERM": "xterm-256color",
                                   "COLUMNS": "160", "LINES": "50"}
            touch = Touch(files)
            try:
                for _ in range(2):
                    quiet(due_json, served)
                quiet_pty(pty_cmd, served_pty)
                # the terminal page first, in rounds of its own: after an edit the next run
                # would be a first run, not the page asked again
                specs = {}
                if task is not None:
                    specs["task_pty"] = Spec([task, "next"], tenv | {"TERM": "xterm-256color"},
                                             pty=True)
                specs["served_pty"] = Spec(pty_cmd, served_pty, pty=True)
                got = rounds(specs, pairs, timeout)
                got.update(rounds({**task_spec, "served_edited": Spec(due_json, served, touch)},
                                  pairs, timeout))
            finally:
                touch.restore()
                kq_server(kq, "stop")
                quiet(due_json)
            # the peers of these rows are the ones measured beside them
            for name in ("task", "task_pty"):
                if name in got:
                    got[f"served_{name}"] = got.pop(name)
            found.update(got)

    if "recheck" in keys:
        say(f"[{size}] the first run of a day, {pairs} rounds")
        recheck = Recheck(kq, repo, timeout)
        found.update(rounds({"recheck": Spec(recheck.timed, nolap(), recheck.before)}, pairs,
                            timeout))
        quiet(due_json)

    if "setting" in keys:
        say(f"[{size}] after a kq.yaml setting change, {pairs} rounds")
        setting = Setting(root)
        try:
            found.update(rounds({"setting": Spec(due_json, nolap(), setting)}, pairs, timeout))
        finally:
            setting.restore()
            quiet(due_json)

    if "kq_size" in keys:
        found["kq_size"] = Figure(dir_size(root / ".kq") / 2**20, how="MiB")
        found["customers_size"] = Figure(dir_size(root / "customers") / 2**20, how="MiB")
    return found


def relative(text: str) -> str:
    """``text`` with this machine's path of the project left out (a table gets pasted)."""
    return text.replace(str(PROJECT) + os.sep, "").replace(str(PROJECT), ".")


def issue28_table(figures: dict[int, dict[str, Figure]], every: int | None = None) -> str:
    """| path | kq | peer | ratio | goal | met |: one row per goal and size, "not run" for a size
    that was not measured; ``every``: each goal at that one size instead (a tiny repository)."""
    lines = ["| path | kq | peer | ratio | goal | met |", "|---|---:|---:|---:|---:|---|"]

    def shown(f: Figure | None, unit: str) -> str:
        if f is None:
            return "n/a"
        if f.value is None:
            return f.note.split(":", 1)[0] or "n/a"
        if unit == "MiB":
            return f"{f.value:,.1f} MiB"
        if unit == "%":
            return f"{f.value:.1f} %"
        return f"{f.value:.3f} s"

    for goal in GOALS:
        for size in (goal.sizes if every is None else (every,)):
            label = goal.label.format(n=f"{size:,}")
            got = figures.get(size)
            if got is None:
                bound = f"≤ {goal.target:g}" + ("×" if goal.unit == "×" else f" {goal.unit}")
                lines.append(f"| {label} | {NOT_RUN} | | | {bound} | {NOT_RUN} |")
                continue
            mine = got.get(goal.key)
            if goal.unit == "×":
                peer = got.get(goal.peer or "")
                unit = "MiB" if goal.key == "kq_size" else "s"
                value = (mine.value / peer.value if mine and peer and mine.value is not None
                         and peer.value else None)
                met = "n/a" if value is None else "yes" if value <= goal.target else "**no**"
                lines.append(f"| {label} | {shown(mine, unit)} | {shown(peer, unit)} | "
                             f"{'' if value is None else f'{value:.2f}×'} | ≤ {goal.target:g}× "
                             f"| {met} |")
            else:
                value = mine.value if mine else None
                met = "n/a" if value is None else "yes" if value <= goal.target else "**no**"
                bound = f"≤ {goal.target:g} {goal.unit}"
                lines.append(f"| {label} | {shown(mine, goal.unit)} | — | — | {bound} | {met} |")
    notes = sorted({f"- {size:,} {name}: {relative(f.note)}" for size, got in figures.items()
                    for name, f in got.items() if f.value is None and f.note})
    return "\n".join(lines + ([""] + notes if notes else []))


def run_issue28(kq: str, sizes: list[int], args) -> dict[int, dict[str, Figure]]:
    """Issue 28's figures at each size that one of its goals names (or every goal at a size no
    goal names, as the test's tiny repository)."""
    named = {size for goal in GOALS for size in goal.sizes}
    figures = {}
    for size in sizes:
        keys = {g.key for g in GOALS if size in g.sizes or size not in named}
        root, created = ensure_repo(size, args.interactions, args.seed)
        files = sorted((root / "customers").glob("*.yaml"))
        try:
            figures[size] = issue28_size(kq, size, root, files, args, keys)
        finally:
            if created and not args.keep:
                shutil.rmtree(root)
    return figures


def print_issue28(kq: str, args, figures: dict[int, dict[str, Figure]]) -> None:
    print("\n## Goals (issue 28): the default path, the server, 10,000 and 100,000 customers\n")
    task, why = args.task
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"- sizes run: {', '.join(f'{n:,}' for n in figures) or 'none'}; "
          f"peer: {why if task is None else why.splitlines()[0]}; medians of {args.pairs} "
          "alternating rounds (the cold check, the first `kq due` and `kq team`: one run each)"
          + (f"; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end" if load
             else "") + "\n")
    named = {size for goal in GOALS for size in goal.sizes}
    print(issue28_table({n: f for n, f in figures.items() if n in named}))
    for size in (n for n in figures if n not in named):  # a size no goal names: all at it
        print(f"\n{size:,} customers (no goal names this size: every row measured at it)\n")
        print(issue28_table({size: figures[size]}, every=size))


def history_repo(commits: int) -> tuple[Path, str]:
    """A repository whose one customer file has ``commits`` commits (one visit each), written
    with git fast-import so that building it takes a second, not minutes."""
    root = OUT / f"history-{commits}"
    if (root / ".git").exists():
        return root, "h"
    shutil.rmtree(root, ignore_errors=True)
    (root / "customers").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    text = "name: 华信大药房(历史)\nkind: terminal\nstatus: active\ngrade: B\nvisits:\n"
    stream = []
    for n in range(commits):
        day = f"2024-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"
        text += f"  - {{date: {day}, kind: visit, note: 第{n + 1}次}}\n"
        if n % 100 == 99:
            text = text.replace("grade: B", "grade: A") if "grade: B" in text else \
                text.replace("grade: A", "grade: B")
        data = text.encode()
        stream.append(b"commit refs/heads/main\n"
                      + f"committer 李明 <lm@example.com> {1700000000 + n * 3600} +0800\n".encode()
                      + f"data {len(f'log {n}'.encode())}\nlog {n}\n".encode()
                      + f"M 100644 inline customers/h.yaml\ndata {len(data)}\n".encode() + data
                      + b"\n")
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(stream),
                   check=True)
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "-f", "main"], check=True)
    (root / "kq.yaml").write_text("reps: []\n", encoding="utf-8")
    return root, "h"


def run_quietly(cmd: list[str], timeout: float) -> None:
    try:
        run_once(cmd, timeout)
    except (OSError, subprocess.TimeoutExpired):
        pass


LABELS = {
    "floor": "parse floor: CSafeLoader over every file, in-process",
    "check": "`kq check`, cold (no .kq)",
    "list": "`kq list --format json`, warm",
    "touched": "`kq list --format json`, one file changed",
    "due": "`kq due --format json`, warm",
    "score": "`kq score --format json`, warm",
    "classify": "`kq classify --format json`, warm",
}


def table(results: list[dict]) -> str:
    head = "| measurement | " + " | ".join(
        f"{r['size']:,} customers ({r['mb']:.1f} MB): s | % of floor" for r in results) + " |"
    rule = "|---|" + "---:|---:|" * len(results)
    lines = [head, rule]
    for key, label in LABELS.items():
        cells = []
        for r in results:
            res, floor = r["rows"][key], r["rows"]["floor"].seconds
            cells.append(res.cell())
            cells.append(f"{100 * res.seconds / floor:.0f} %" if res.seconds is not None and floor
                         else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000", help="customer counts, comma-separated")
    parser.add_argument("--kq", default=".venv/bin/kq", help="the kq executable")
    parser.add_argument("--keep", action="store_true",
                        help="keep repositories this run generated (reused ones are always kept)")
    parser.add_argument("--interactions", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--floor-repeat", type=int, default=3, help="best of N for the floor")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per kq run")
    parser.add_argument("--pairs", type=int, default=7,
                        help="alternating rounds for the goals (medians); start-up gets 2N+1")
    parser.add_argument("--goals", action="store_true",
                        help="only issue 28's goal table (no floor table, no issue 11 goals)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    SERVERS.mkdir(parents=True, exist_ok=True)
    SERVERS.chmod(0o700)
    try:
        return run_all(args, sizes)
    finally:
        stop_servers()


def run_all(args, sizes: list[int]) -> int:

    kq = Path(args.kq)
    if not kq.exists() and (PROJECT / args.kq).exists():
        kq = PROJECT / args.kq
    kq_cmd = str(kq.resolve()) if kq.exists() else args.kq
    python = kq_python(kq) if kq.exists() else sys.executable
    if args.goals:
        args.task = ensure_taskwarrior()
        figures = run_issue28(kq_cmd, sizes, args)
        print_issue28(kq_cmd, args, figures)
        return 0

    import yaml

    version = "?"
    try:
        _, code, out, err, _ = run_once([kq_cmd, "--version"], 60, keep_stdout=True)
        version = out.strip() if code == 0 else f"n/a (exit {code}): {summarise(err)}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        version = f"n/a: {exc}"
    say("start-up: kq --version and python -c pass, best of 10 each")
    start_kq = measure([kq_cmd, "--version"], 10, 60)
    start_py = measure([python, "-c", "pass"], 10, 60)

    args.task = ensure_taskwarrior()
    task_note = args.task[1] if args.task[0] is None else f"peer: {args.task[1]}"
    start = start_goals(kq_cmd, python, args)
    results = [bench_size(kq_cmd, size, args) for size in sizes]
    say("kq history on a file with 1,000 commits")
    hist_root, hist_id = history_repo(1000)
    run_quietly([kq_cmd, "--repo", str(hist_root), "list"], args.timeout)
    history = measure([kq_cmd, "--repo", str(hist_root), "history", hist_id, "--format", "json"],
                      3, args.timeout)

    print("## kq benchmark\n")
    shown = os.path.relpath(kq_cmd, PROJECT) if kq_cmd.startswith(str(PROJECT)) else kq_cmd
    print(f"- kq: `{shown}` ({version})")  # no path of this machine in a pasted table
    print(f"- Python {platform.python_version()} ({platform.python_implementation()}), "
          f"PyYAML {yaml.__version__}, libyaml {'yes' if yaml.__with_libyaml__ else 'NO'}")
    print(f"- {platform.platform()}, {platform.machine()}, {os.cpu_count()} cores")
    print(f"- start-up, best of 10: `kq --version` {start_kq.cell()} s, "
          f"`python -c pass` {start_py.cell()} s"
          + (f" (difference {start_kq.seconds - start_py.seconds:+.3f} s)"
             if start_kq.seconds is not None and start_py.seconds is not None else ""))
    print(f"- warm figures are best of 3; the cold check runs once; the floor is best of "
          f"{args.floor_repeat}; `--today` is 2026-11-24 (2026-11-30 for score)\n")
    print(table(results))
    print()
    print(f"- `kq history` of one customer file with 1,000 commits (one `git log` pass, one "
          f"`git cat-file --batch`), best of 3: {history.cell()} s\n")
    for r in results:
        print(f"- {r['size']:,}: .kq cache {r['cache'] / 1e6:.1f} MB after the runs; "
              f"touched file customers/{r['touched']}")
        for key, res in r["rows"].items():
            name = LABELS[key].split(",")[0]
            if res.seconds is None and res.note:
                print(f"  - {name}: {res.note}")
            elif res.runs > 1 and res.first and res.first > 2 * res.seconds + 0.1:
                print(f"  - {name}: the first of {res.runs} runs took {res.first:.3f} s "
                      "(the cache was not warm)")
    print("\n## Goals (issue 11): each figure against a peer measured in the same run\n")
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"- medians of {args.pairs} alternating rounds ({args.pairs * 2 + 1} for start-up); "
          f"the check and its floor as above"
          + (f"; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end" if load
             else "") + "\n")
    print(goals_table(start, results, task_note))
    print_issue28(kq_cmd, args, run_issue28(kq_cmd, sizes, args))
    failed = any(res.seconds is None for r in results for res in r["rows"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
