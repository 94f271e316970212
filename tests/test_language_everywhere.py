"""Issue 24's "done when": every command speaks the user's language, everywhere a person reads.

Each subcommand's --help, each command run on a copy of examples/ (its help's example, as
--today 2026-11-24 sees it, csv where it writes csv) and on the error paths of
tests/test_error_paths.py, in-process: in the default language no output line may hold an
English word outside what is not language (ids, keys, option names, file paths, command
names, units, placeholders, customer data); with --lang en no line may hold a Han character
outside customer data and the Chinese words kq accepts as input (enum aliases, import headers).

Every command runs once per language for the whole module (a fixture), and each test reads
its part, so a failure names the command and the line."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kqcli.cli.app import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Each command on examples/, as its help's example runs it (the repository and today given
# by the test; files written under OUT). One line each; csv where the command writes csv.
RUNS = """
due
due --all --format csv
due --within 7 --owner 李明
due --full --reason visit
list --tier 重点 --owner 李明
list --format csv
show hx-dongfeng
show dist-kmyy
score --month 2026-10
score --month 2026-10 --by owner
score --month 2026-10 --format csv
classify --field tier --owner 李明
classify --format csv
team --month 2026-10
team --format csv
expenses --month 2026-10
expenses --month 2026-10 --format csv
expenses --month 2026-10 --by owner --format csv
pool
route 周二 --owner 李明
route --format csv
plan --date 2026-11-24 --owner 李明
plan --date 2026-11-24 --owner 李明 --format csv
history hx-dongfeng --field grade
check
check --full
calendar --owner 李明 --days 30 -o OUT/李明.ics
report --month 2026-10 --output OUT/2026-10.html
statement list
statement list --format csv
import customers examples/import/customers.xlsx
import customers examples/import/customers.xlsx --format csv
import figures examples/import/figures-2026-11.xlsx --month 2026-11
ack qjkr risk --until 2026-12-31 --note 已约老板
alert 昆明/五华区 --from 2026-07-01 --to 2026-07-05 --note 暴雨
intel dist-qjkr 康润往昭通低价走货 --source 昭通仁和药店老板
issue bct 变质退货12箱 --kind return
issue bct --close 1 --note 批号已查
log hx-dongfeng --contact 王芳 --goal 推新品陈列 --outcome 同意端架两周 --done pop,display
log hx-dongfeng --date 2026-11-27 --goal 送陈列物料 --planned
log fst --kind call --contact 赵德明 --for birthday
log --for holiday --due --owner 李明 --kind wechat --note 冬至快乐
log nobody-like-this
done hx-dongfeng --date 2026-12-05 --note 端架已送到
done hx-dongfeng
expense hx-dongfeng 300 --purpose 中秋礼品 --recipient 王芳 --date 2026-09-20
figures hx-dongfeng 2026-11 --collections 118000 --sell-out 95000 --inventory 41000
figures wjh 2026-10 --waive --note 总部系统故障
claim 健民 --as 王强
reassign 张强 --to 李明
statement submit --month 2026-11 --owner 李明 --special
statement sign --month 2026-11 --rep 李明 --as manager --by 赵经理
statement submit
new 华信大药房(人民路店) --kind terminal --owner 李明
edit hx-dongfeng
undo
init
sync
help
help --roff
help due
"""

# Words that are no language: kq's own names, formats, programs and the units it prints; the
# kq.yaml key lang and the shape of an acks: entry ({reason: risk, on: today, …}) that help
# texts quote; pinyin initials of customers; md (Markdown), kq day's --format; me, the key of
# .kq/local.yaml that kq config sets (kq config me 李明) and the owner's help quotes; PowerShell's
# names and the line kq completion's help gives for a PowerShell profile.
NAMES = {"kq", "git", "Excel", "csv", "tsv", "json", "xlsx", "xls", "yaml", "html", "table",
         "md", "Markdown", "me",
         "bash", "zsh", "fish", "less", "nano", "pinyin", "cron", "stdout", "stderr", "pid",
         "id", "ids", "man", "roff", "km", "min", "zh", "en", "ics", "iCalendar", "gitignore",
         "gitattributes", "pre", "commit", "hook", "merge", "driver", "config", "remote", "add",
         "origin", "pull", "push", "rebase", "cat", "file", "log", "cd", "Asia", "Shanghai",
         "OTC", "POP", "shell", "lang", "today", "hxdyf", "hxdyfrm", "wjh", "bct", "fst", "qjkr",
         "Windows", "PowerShell", "powershell", "pwsh", "Out", "String", "Invoke", "Expression"}


def _tokens(text: str) -> Iterator[str]:
    return iter(re.findall(r"[A-Za-z][A-Za-z']*", text))


@cache
@cache
def _customer_data() -> tuple[set[str], str]:
    """The English words and the text of the customers' files, kq.yaml, the sheets to import
    and the error paths' values (what a rep wrote, shown as it is in either language)."""
    from python_calamine import CalamineWorkbook
    from test_error_paths import HX

    words, texts = set(), [HX, "客户名称,月份 华信大药房 新开药店 李明 张强 周敏 测试"]
    for path in EXAMPLES.rglob("*"):
        if path.is_file() and path.suffix in (".yaml", ".csv"):
            texts.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".xlsx":
            book = CalamineWorkbook.from_path(str(path))
            texts += [str(c) for name in book.sheet_names
                      for row in book.get_sheet_by_name(name).to_python() for c in row]
        words.update(path.stem.split("-"))
    text = "\n".join(texts)
    words.update(_tokens(text))
    return words, text


@cache
def _input_words() -> tuple[set[str], set[str]]:
    """What a user types that is no language: the customer file's keys and enum values (its
    JSON schema), the values of --reason and of kq shelf --pop (yes, no), and the Chinese
    spellings kq reads as input (enum aliases, reason labels, import headers)."""
    from kqcli.core.shelf import NO, YES
    from kqcli.schema.enums import ALIASES
    from kqcli.schema.reasons import LABELS, REASONS
    from kqcli.store.importing import CUSTOMER_HEADERS, FIGURE_HEADERS

    schema = json.loads(CliRunner().invoke(app, ["schema"]).stdout)
    words: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("properties", "$defs"):
                    words.update(w for k in value for w in _tokens(k))
                if key == "enum":
                    words.update(w for v in value if isinstance(v, str) for w in _tokens(v))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    from kqcli.schema.config import Settings

    walk(Settings.model_json_schema())  # kq.yaml's keys: due.issue_days, timezone, lang
    han = {a for aliases in ALIASES.values() for a in aliases if not a.isascii()}
    han |= set(LABELS.values())
    words.update(w for reason in REASONS for w in _tokens(reason))  # --reason's values
    words.update(w for w in (*YES, *NO) if w.isascii() and w.isalpha())  # kq shelf --pop's
    han |= {h for headers in (*CUSTOMER_HEADERS.values(), *FIGURE_HEADERS.values())
            for h in headers if not h.isascii()}
    return words, han


@cache
def _command_names() -> set[str]:
    from typer.main import get_command

    found: set[str] = set()

    def walk(command: object) -> None:
        for name, sub in (getattr(command, "commands", None) or {}).items():
            found.update(name.split("-"))
            found.update(w for p in getattr(sub, "params", []) for w in _tokens(p.name or ""))
            walk(sub)

    walk(get_command(app))
    return found


def _run_all(folder: Path, lang: str) -> dict[str, str]:
    """Every run's output (stdout and stderr), by its label."""
    from test_error_paths import COMMANDS, SCENARIOS, _argv, _values

    runner = CliRunner()
    chosen = ["--lang", "en"] if lang == "en" else []
    out: dict[str, str] = {}

    def run(label: str, argv: list[str]) -> None:
        if _format_output(label):
            return  # a file format: not read here
        result = runner.invoke(app, [*chosen, *argv], input="", env=dict(os.environ))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        out[label] = result.stdout + result.stderr

    for path, _command in COMMANDS:
        run(" ".join([*path, "--help"]), [*path, "--help"])
    repo = folder / "examples"
    shutil.copytree(EXAMPLES, repo, ignore=shutil.ignore_patterns(".kq"))
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "examples"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    (folder / "OUT").mkdir()
    os.chdir(folder)
    for line in RUNS.strip().splitlines():
        argv = [a.replace("OUT/", f"{folder}/OUT/") for a in shlex.split(line)]
        run(line, ["--repo", str(repo), "--today", "2026-11-24", *argv])
    made = runner.invoke(app, ["--repo", str(repo), "import", "customers", "--format", "json",
                               str(EXAMPLES / "import" / "customers.xlsx")])
    out[IDS] = " ".join(row["customer"] or "" for row in json.loads(made.stdout))
    for scenario in SCENARIOS:
        place = folder / scenario.__name__
        place.mkdir()
        values = _values(place)
        with pytest.MonkeyPatch.context() as mp:
            root = scenario(place, mp)
            mp.chdir(root)
            for path, command in COMMANDS:
                run(f"{scenario.__name__}: {' '.join(path)}", _argv(path, command, values))
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    return run_everything(tmp_path_factory)


def run_everything(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Each language's outputs, by run, in an environment of their own (as conftest's)."""
    found = {}
    with pytest.MonkeyPatch.context() as mp:
        for name in ("KQ_REPO", "KQ_TODAY", "VISUAL", "KQ_SERVER_DIR", "KQ_CLOCK", "KQ_LANG",
                     "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
            mp.delenv(name, raising=False)
        home = tmp_path_factory.mktemp("home")
        mp.setenv("HOME", str(home))
        mp.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("GIT_CEILING_DIRECTORIES", str(home.parent))
        mp.setenv("LANG", "C.UTF-8")
        mp.setenv("KQ_SERVER", "0")
        mp.setenv("KQ_TODAY", "2026-11-24")
        mp.setenv("COLUMNS", "100")
        mp.setenv("EDITOR", f"{sys.executable} -c pass")
        for who in ("AUTHOR", "COMMITTER"):
            mp.setenv(f"GIT_{who}_NAME", "测试")
            mp.setenv(f"GIT_{who}_EMAIL", "test@example.com")
        mp.chdir(home)
        for lang in ("zh", "en"):
            found[lang] = _run_all(tmp_path_factory.mktemp(lang), lang)
    from kqcli.cli import i18n

    i18n.set_flag(None)
    return found


# Outputs in a file format, not for reading: the same in either language.
FORMATS = {"schema", "completion -- bash", "completion -- zsh", "completion -- fish",
           "help --roff"}


def _format_output(label: str) -> bool:
    command = label.rpartition(": ")[2]
    return command in FORMATS or command.startswith(("completion", "schema"))


def _read(text: str) -> str:
    """What a person reads of an output: an HTML page's text (not its tags and style)."""
    if not text.lstrip().lower().startswith("<!doctype html"):
        return text
    text = re.sub(r"(?s)<style.*?</style>", "", text)
    text = re.sub(r'(?:aria-label|data-label|title)="([^"]*)"', r">\1<", text)
    return re.sub(r"<[^>]*>", "\n", text)


def _typed(label: str) -> set[str]:
    """The words the run itself typed (a note, a name): the user's, shown back to them."""
    return set(_tokens(label)) | set(re.findall(r"[\u3400-\u9fff]+", label))


IDS = "ids the import makes"  # the ids a sheet's new customers get: customer data


def english_words(label: str, text: str, ids: str = "") -> list[str]:
    """Lines of ``text`` with an English word outside the allowed set."""
    data_words, _han = _customer_data()
    schema_words, _input = _input_words()
    allowed = NAMES | data_words | schema_words | _command_names() | _typed(label) | set(ids.split())
    found = []
    for line in _read(text).splitlines():
        rest = re.sub(r"<[^>]*>|\{[^}]*\}|\[[a-z]+\]|'Header=[^']*'", " ", line)  # metavars
        rest = re.sub(r"(?<![\w])--?[A-Za-z][\w-]*", " ", rest)  # options
        rest = re.sub(r"\S*[/\\]\S*|\S+\.(yaml|csv|ics|html|xlsx|xls|json|po|mo|sqlite)\b", " ",
                      rest)  # paths
        rest = re.sub(r"\$?\b[A-Za-z]\w*[._]\w[\w.]*", " ", rest)  # keys: due.issue_days, KQ_LANG
        rest = re.sub(r"\b[A-Z][A-Z]+\b", " ", rest)  # placeholders and names: FILE, YYYY, UTF
        rest = re.sub(r"\b[0-9a-f]{7,}\b( '[^']*')?", " ", rest)  # commits (and subjects)
        bad = [w for w in _tokens(rest) if len(w) > 1 and w not in allowed
               and w.lower() not in allowed and w.strip("'") not in allowed]
        if bad:
            found.append(f"{bad}: {line.strip()}")
    return found


# The names of the company's forms and rules that English text quotes as they are printed.
FORMS = {"客情", "客情费使用范围", "月客户采购及客情费统计表", "新客户特殊费用汇总表",
         "先回款后支付", "须签约前申请"}


def han_words(label: str, text: str) -> list[str]:
    """Lines of ``text`` with a Han character outside customer data (a part of it, where a
    table folds a name) and input words; an example's values are customer data too."""
    _words, data = _customer_data()
    _schema, input_han = _input_words()
    allowed = input_han | _typed(label) | FORMS
    found = []
    for line in _read(text).splitlines():
        if line.strip().startswith(("Example:", "│ Example:")):
            continue
        line = re.sub(r"\b[0-9a-f]{7,}\b '[^']*'", " ", line)  # a commit and its subject
        bad = [h for h in re.findall(r"[\u3400-\u9fff]+", line)
               if h not in allowed and h not in data]
        if bad:
            found.append(f"{bad}: {line.strip()}")
    return found


def _labels() -> list[str]:
    from test_error_paths import COMMANDS, SCENARIOS

    helps = [" ".join([*path, "--help"]) for path, _ in COMMANDS]
    runs = RUNS.strip().splitlines()
    errors = [f"{s.__name__}: {' '.join(p)}" for s in SCENARIOS for p, _ in COMMANDS]
    return [label for label in [*helps, *runs, *errors] if not _format_output(label)]


LABELS = _labels()


# What is still in the other language, named run by run (none left: the rules' messages are
# values worded where they are read, and the report page follows the language). Strict: a
# run named here must be wrong, so that the test fails again once it is right.
CHINESE_IN_ENGLISH: set[str] = set()
ENGLISH_IN_CHINESE: set[str] = set()


def _case(label: str, left: bool) -> object:
    if left:
        return pytest.param(label, marks=pytest.mark.xfail(
            strict=True, reason="named as still in the other language"))
    return label


@pytest.mark.parametrize("label", [_case(label, label in CHINESE_IN_ENGLISH)
                                   for label in LABELS])
def test_no_han_in_english(outputs, label) -> None:
    assert han_words(label, outputs["en"][label]) == []


@pytest.mark.parametrize("label", [_case(label, label in ENGLISH_IN_CHINESE)
                                   for label in LABELS])
def test_no_english_word_in_chinese(outputs, label) -> None:
    assert english_words(label, outputs["zh"][label], outputs["zh"][IDS]) == []


# -- the locale chooses the language of kq due -------------------------------------------------


def _due(kq, root) -> str:
    return kq("--repo", root, "--today", "2026-11-24", "due").stdout


def test_kq_due_is_english_when_lang_is_en_us(kq, examples_copy, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    out = _due(kq, examples_copy)
    assert "today's route" in out and "今日固定拜访" not in out


def test_kq_due_is_chinese_when_lang_is_zh_cn(kq, examples_copy, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "今日固定拜访" in _due(kq, examples_copy)


def test_kq_due_is_chinese_when_lang_is_unset(kq, examples_copy, monkeypatch):
    monkeypatch.delenv("LANG", raising=False)
    assert "今日固定拜访" in _due(kq, examples_copy)


def test_every_run_left_in_chinese_is_a_run_of_the_test():
    """A name on the lists that no run has would mark nothing."""
    assert (CHINESE_IN_ENGLISH | ENGLISH_IN_CHINESE) - set(LABELS) == set()
