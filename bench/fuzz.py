"""Fuzz kq's reading of customer files and kq.yaml: no traceback and no hang, whatever the bytes.

    .venv/bin/python bench/fuzz.py [COUNT] [--seed N] [--cli EVERY] [--timeout S]

Each case is a seeded mutation of a file in examples/ (a nasty scalar in place of a value, a
line from the YAML test suite's corners, a deleted or duplicated line, a flipped byte, a BOM, a
tab, a truncation), or one of a few whole nasty documents. Every case goes through the library
(``validate_customer``, then the summary, the daily facts, the month-end ledger and ``kq due``'s
rules for two days at the ends of the range); every ``--cli``-th case also through ``kq check``,
``list``, ``due`` and ``show`` in-process. A case that raises, or runs past ``--timeout``
seconds, is printed with its seed so ``--seed`` replays it. tests/test_fuzz.py runs a few
hundred of the same cases in CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLES = PROJECT / "examples"
GOOD_ID = "hx-renmin"  # a valid example customer that must be served beside every case

NASTY_SCALARS = [
    "2026-02-30", "9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01", "1986-13-45",
    "2026-11-20T25:00:00", "2026-11-20 10:00:00 +08:00", "1e999", "-1e999", ".inf", "-.inf",
    ".nan", ".NaN", "1e15", "1e16", "99999999999", "99999999999999999999", "9" * 5000, "0x_",
    "0x1F", "0o17", "-0", "+12", "1_000", "3.", "-.5", "10:30", "190:20:30", "yes", "No", "~",
    "null", "", "''", '""', "'unterminated", '"\\x00"', '"\\uD800"', "!foo bar", "!!int abc",
    "!!float x", "!!str 12", "!!binary aGVsbG8=", "!!timestamp 2026-02-30", "!!set {a}",
    "!!omap [a: 1]", "!!python/object/apply:os.system [true]", "!<tag:yaml.org,2002:int> 1",
    "*undefined", "&a x", "&a [*a]", "[", "]", "{", "{a: 1}", "[1, [2, [3]]]", "[[[[[[[[]]]]]]]]",
    "{? [a] : b}", "- x", "? x", ": x", "|", ">-\n  folded", "|+\n\n", "L04-10", "13-45", "08-15",
    "\t", "a\tb", "\x07bell", "\x00nul", "\x1b[31mred", "\u202eevil", "\ufeffbom", "\u2028",
    "\r", "x" * 20000, "中" * 3000, "#comment", "@at", "`back", "%percent", "<<",
]

NASTY_LINES = [
    "<<: *a", "a: &a {kind: shop}", "<<: {owner: 李明}", "<<: [x]", "<<: 3", "%YAML 1.1",
    "%TAG !e! tag:example.com,2000:app/", "---", "--- !e!foo bar", "...", "? [complex]",
    ": value", "\t- tab", "\ttags: [a]", "<<<<<<< HEAD", "=======", ">>>>>>> theirs",
    "\x07", "\x00", "\r", "\u2028", "\ufeff", "name: 重名", "name:", "visits: 3", "contacts: x",
    "tags: &t [a, *t]", "x: &x [*x]", "cadence: [1, 99999999999]",
    "visits: [{date: 9999-12-31, kind: visit}]", "visits: [{date: 2199-12-31, kind: delivery}]",
    "cadence: [3650, 3650]", "months: {9999-12: {collections: 1}}", "tags: [2026-02-30]",
    "tags: [!foo bar]", "extra: !!python/name:os.system", "&anchor key: value", "*alias : value",
    "[a, b]: c", "{a: b}: c", "- just a list item", "  indented: wrong", "key with spaces: 1",
]

WHOLE_DOCUMENTS = [
    "", "\n", "---\n", "--- a\n--- b\n", "name: a\n---\nname: b\n", "- name: x\n", "x\n", "42\n",
    "~\n", "[]\n", "{}\n", "\ufeffname: x\n", "name: x\r\nkind: terminal\r\n", "name: x\rkind: t\r",
    "%YAML 1.2\n---\nname: x\n", "%TAG !e! tag:example.com,2000:app/\n---\n- !e!foo \"bar\"\n",
    "--- !!set\n? a\n? b\n", "!!omap\n- a: 1\n", "name: &n x\nowner: *n\n",
    "name: x\n<<: {kind: terminal, tier: key}\n", "a: &a [lol, lol]\nb: &b [*a, *a]\nname: x\n",
    "name: x\ntags: " + "[" * 200 + "]" * 200 + "\n", "name: x\nnotes: " + "{a: " * 200 + "b" +
    "}" * 200 + "\n", "name: \"\\ud800\"\n", "name: x\n\tkind: terminal\n", "? name\n: x\n",
    "name: x\nname: y\n", "\"name\": x\n'name': y\n", "name: x\n...\ngarbage: [\n",
]


def examples() -> list[tuple[str, str]]:
    """(id, text) of every example customer."""
    return [(p.stem, p.read_text(encoding="utf-8"))
            for p in sorted((EXAMPLES / "customers").glob("*.yaml"))]


def _replace_value(rng: random.Random, lines: list[str]) -> None:
    spots = [i for i, line in enumerate(lines) if ": " in line or line.lstrip().startswith("- ")]
    if not spots:
        return
    i = rng.choice(spots)
    line = lines[i]
    cut = line.index(": ") + 2 if ": " in line else line.index("- ") + 2
    value = rng.choice(NASTY_SCALARS)
    if "[" in line[cut:] and rng.random() < 0.5:  # inside a flow list: one item only
        start = line.index("[", cut) + 1
        lines[i] = line[:start] + value + ", " + line[start:]
    else:
        lines[i] = line[:cut] + value


def _insert_line(rng: random.Random, lines: list[str]) -> None:
    lines.insert(rng.randrange(len(lines) + 1), rng.choice(NASTY_LINES))


def _delete_line(rng: random.Random, lines: list[str]) -> None:
    if len(lines) > 1:
        del lines[rng.randrange(len(lines))]


def _duplicate_line(rng: random.Random, lines: list[str]) -> None:
    i = rng.randrange(len(lines))
    lines.insert(rng.randrange(len(lines) + 1), lines[i])


def _indent(rng: random.Random, lines: list[str]) -> None:
    i = rng.randrange(len(lines))
    lines[i] = rng.choice(["  ", "\t", ""]) + lines[i].lstrip(" ") if rng.random() < 0.5 \
        else lines[i].replace("  ", "\t", 1)


def _alias_bomb(rng: random.Random, lines: list[str]) -> None:
    depth, width = rng.randint(2, 9), rng.randint(2, 9)
    bomb = [f"x0: &x0 [{', '.join(['lol'] * width)}]"]
    bomb += [f"x{n}: &x{n} [{', '.join([f'*x{n - 1}'] * width)}]" for n in range(1, depth)]
    lines[0:0] = bomb


TEXT_MUTATIONS: list[Callable[[random.Random, list[str]], None]] = [
    _replace_value, _replace_value, _replace_value, _insert_line, _insert_line, _delete_line,
    _duplicate_line, _indent, _alias_bomb,
]


def _bytes_mutation(rng: random.Random, raw: bytes) -> bytes:
    how = rng.randrange(5)
    if how == 0 and raw:  # flip a byte: often invalid UTF-8
        i = rng.randrange(len(raw))
        return raw[:i] + bytes([rng.randrange(256)]) + raw[i + 1:]
    if how == 1:  # truncate, maybe inside a multibyte character
        return raw[:rng.randrange(len(raw) + 1)]
    if how == 2:
        return b"\xef\xbb\xbf" + raw
    if how == 3:
        return raw.replace(b"\n", b"\r\n")
    return raw.decode("utf-8", "replace").encode("gbk", "replace")


def case(seed: int, pool: list[tuple[str, str]]) -> tuple[str, bytes]:
    """The case of this seed: (a short description, the bytes of the file)."""
    rng = random.Random(seed)
    if rng.random() < 0.08:
        return "whole document", rng.choice(WHOLE_DOCUMENTS).encode("utf-8", "surrogatepass")
    cid, text = rng.choice(pool)
    lines = text.splitlines()
    names = []
    for _ in range(rng.randint(1, 3)):
        mutate = rng.choice(TEXT_MUTATIONS)
        names.append(mutate.__name__.strip("_"))
        mutate(rng, lines)
    raw = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    if rng.random() < 0.15:
        names.append("bytes")
        raw = _bytes_mutation(rng, raw)
    return f"{cid}: {', '.join(names)}", raw


def settings_case(seed: int) -> tuple[str, bytes]:
    """A mutated examples/kq.yaml."""
    rng = random.Random(seed)
    lines = (EXAMPLES / "kq.yaml").read_text(encoding="utf-8").splitlines()
    names = []
    for _ in range(rng.randint(1, 2)):
        mutate = rng.choice([_replace_value, _replace_value, _insert_line, _delete_line, _indent])
        names.append(mutate.__name__.strip("_"))
        mutate(rng, lines)
    return f"kq.yaml: {', '.join(names)}", ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in this (main) thread after ``seconds``."""

    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


DAYS = (dt.date(1900, 1, 1), dt.date(2026, 11, 24), dt.date(2199, 12, 31))


def through_core(raw: bytes, settings: Any, name: str = "c") -> list[Any]:
    """Validate one customer file and, when valid, run what list, show, due and score run on
    it. Returns the problems; raises only on a bug."""
    from kqcli.core.due import customer_reminders, morning_list
    from kqcli.core.facts import extract, ledger
    from kqcli.core.summary import summarize
    from kqcli.store.problems import Problem
    from kqcli.store.validate import validate_customer

    customer, problems = validate_customer(raw, f"{name}.yaml")
    assert (customer is None) == bool(problems), "a file is either valid or has problems"
    for p in problems:
        assert isinstance(p, Problem) and p.line >= 1 and p.column >= 1 and p.message, p
        assert "\n" not in str(p), f"a problem is one line: {p}"
    if customer is None:
        return problems
    summary = summarize(name, customer)
    json.dumps(summary, ensure_ascii=False)
    json.dumps(customer.model_dump(mode="json"), ensure_ascii=False)
    facts = extract(customer)
    ledger(customer)
    for today in DAYS:
        customer_reminders([(summary, facts)], settings, today, within=30)
        morning_list([(summary, facts)], settings, today)
    return problems


def through_settings(raw: bytes, rows: list[tuple[dict, dict]]) -> list[Any]:
    """Validate a kq.yaml and, when valid, run ``kq due``'s rules with it."""
    from kqcli.core.due import morning_list
    from kqcli.schema.config import Settings
    from kqcli.store.validate import validate

    settings, problems = validate(raw, "kq.yaml", Settings)
    assert (settings is None) == bool(problems)
    if settings is not None:
        for today in DAYS:
            morning_list(rows, settings, today)
    return problems


def example_rows() -> list[tuple[dict, dict]]:
    from kqcli.core.facts import extract
    from kqcli.core.summary import summarize
    from kqcli.store.validate import validate_customer

    rows = []
    for cid, text in examples()[:12]:
        customer, _ = validate_customer(text.encode(), f"{cid}.yaml")
        rows.append((summarize(cid, customer), extract(customer)))
    return rows


def default_settings() -> Any:
    from kqcli.schema.config import Settings
    from kqcli.store.validate import validate

    settings, problems = validate((EXAMPLES / "kq.yaml").read_bytes(), "kq.yaml", Settings)
    assert not problems, problems
    return settings


def through_cli(raw: bytes, root: Path) -> None:
    """``check``, ``list``, ``due``, ``show`` on a repository holding the case as zz.yaml next
    to a valid customer: no exception, exit 0 or 1, and the valid customer always served."""
    from typer.testing import CliRunner

    from kqcli.cli.app import app

    (root / "customers").mkdir(parents=True)
    (root / "kq.yaml").write_bytes((EXAMPLES / "kq.yaml").read_bytes())
    good = (EXAMPLES / "customers" / f"{GOOD_ID}.yaml").read_bytes()
    (root / "customers" / f"{GOOD_ID}.yaml").write_bytes(good)
    (root / "customers" / "zz.yaml").write_bytes(raw)
    runner = CliRunner()

    def kq(*args: str) -> Any:
        result = runner.invoke(app, ["--repo", str(root), "--today", "2026-11-24", *args],
                               catch_exceptions=False)
        assert "Traceback" not in result.stdout + result.stderr, result.stderr
        assert result.exit_code in (0, 1), (args, result.exit_code, result.stderr)
        return result

    kq("check")
    listed = kq("list", "--format", "json")
    assert GOOD_ID in [row["id"] for row in json.loads(listed.stdout)]
    due = kq("due", "--format", "json")
    json.loads(due.stdout)
    assert kq("show", GOOD_ID, "--format", "json").exit_code == 0


def run(count: int, seed: int = 0, cli_every: int = 10, timeout: float = 10.0,
        out: Callable[[str], None] = print) -> list[str]:
    """Run ``count`` cases from ``seed``; the failures, each with the seed that replays it."""
    pool = examples()
    settings, rows = default_settings(), example_rows()
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kq-fuzz-") as tmp:
        for n in range(seed, seed + count):
            settings_turn = n % 7 == 6
            what, raw = settings_case(n) if settings_turn else case(n, pool)
            try:
                with time_limit(timeout):
                    if settings_turn:
                        through_settings(raw, rows)
                    else:
                        through_core(raw, settings)
                        if cli_every and n % cli_every == 0:
                            through_cli(raw, Path(tmp) / str(n))
            except Exception as e:  # noqa: BLE001 - every escape is a finding
                detail = "".join(traceback.format_exception_only(type(e), e)).strip()
                failures.append(f"seed {n} ({what}): {detail}\n    input: {raw[:300]!r}")
                out(failures[-1])
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=2000)
    parser.add_argument("--seed", type=int, default=0, help="first seed (replay a failure)")
    parser.add_argument("--cli", type=int, default=20, help="every N-th case also through the CLI")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a hang")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT))
    start = time.monotonic()
    failures = run(args.count, args.seed, args.cli, args.timeout)
    took = time.monotonic() - start
    print(f"{args.count} cases in {took:.1f} s ({args.count / took:.0f}/s): "
          f"{len(failures)} failure{'s' if len(failures) != 1 else ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
