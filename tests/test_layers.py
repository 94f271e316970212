"""The house's layers, read from the code: every import in kqcli/ (at the top of a module or
inside a function) is an arrow; there is no circle, and the layers are what the tree shows:
cli/ (console script, app, commands, rendering) over store/ (disk, index, git) over core/
(rules) over schema/ (the files' models and vocabulary); serve/ is the optional server, which
nothing below cli/ imports.

core/ may import core/ and schema/ only (no CLI, store, labels, os, subprocess or sqlite):
``KNOWN_CORE_REACHES`` lists reaches out still to be removed; it is empty since the YAML
editing (merge, handover, import) moved to the store and the month report's page to the command
line. A new reach fails.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kqcli"

KNOWN_CORE_REACHES: set[tuple[str, str]] = set()  # none left: the rules reach nothing above
KNOWN_STORE_REACHES: set[tuple[str, str]] = set()
"""None: the store says its own warnings (store.errors.warn, translated through the run)."""
NOT_IN_CORE = ("os", "subprocess", "sqlite3", "socket", "shutil", "typer", "rich", "click")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Each module of kqcli -> the modules it imports (kqcli's own, and top-level others)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                graph[name].update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                for alias in node.names:  # `from . import agenda` imports kqcli.store.agenda
                    graph[name].add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules
                                    else target)
    return {n: {t for t in ts if t != n and (t in modules or not t.startswith("kqcli"))}
            for n, ts in graph.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if not w.startswith("kqcli"):
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_itself_round_a_circle():
    assert circles(imports()) == []


def test_the_circle_finder_finds_a_circle():
    assert circles({"kqcli.a": {"kqcli.b"}, "kqcli.b": {"kqcli.c"}, "kqcli.c": {"kqcli.a"},
                    "kqcli.d": {"kqcli.a"}}) == [["kqcli.a", "kqcli.b", "kqcli.c"]]


def test_the_rules_import_only_rules_and_the_schema():
    graph = imports()
    reaches = {(m, t) for m, ts in graph.items() if m.startswith("kqcli.core")
               for t in ts if t.startswith("kqcli") and not t.startswith(("kqcli.core", "kqcli.schema"))
               and t != "kqcli"}
    assert reaches - KNOWN_CORE_REACHES == set(), "a new reach out of core/"
    assert KNOWN_CORE_REACHES - reaches == set(), "gone: take it off KNOWN_CORE_REACHES"


def test_the_rules_touch_no_file_process_or_terminal():
    graph = imports()
    touching = {(m, t) for m, ts in graph.items() if m.startswith("kqcli.core")
                for t in ts if t.split(".")[0] in NOT_IN_CORE}
    assert touching == set()


def test_the_schema_does_not_import_the_store_or_the_command_line():
    graph = imports()
    upward = {(m, t) for m, ts in graph.items() if m.startswith("kqcli.schema")
              for t in ts if t.startswith(("kqcli.store", "kqcli.cli", "kqcli.serve"))}
    assert upward == set()  # kq init's kq.yaml text is the store's (store/settings_text.py)


def test_the_schema_is_under_the_rules():
    """The rules read the schema's models and vocabulary; the schema reads nothing of them."""
    graph = imports()
    upward = {(m, t) for m, ts in graph.items() if m.startswith("kqcli.schema")
              for t in ts if t.startswith("kqcli.core")}
    assert upward == set()


def test_the_store_imports_nothing_of_the_command_line_or_the_server():
    graph = imports()
    upward = {(m, t) for m, ts in graph.items() if m.startswith("kqcli.store")
              for t in ts if t.startswith(("kqcli.cli", "kqcli.serve"))}
    assert upward - KNOWN_STORE_REACHES == set(), "a new import from store/ up to cli/ or serve/"
    assert KNOWN_STORE_REACHES - upward == set(), "gone: take it off KNOWN_STORE_REACHES"


def test_only_the_console_script_and_kq_server_reach_the_server():
    graph = imports()
    reaching = {m for m, ts in graph.items() for t in ts
                if t.startswith("kqcli.serve") and not m.startswith("kqcli.serve")}
    assert reaching == {"kqcli.cli.entry", "kqcli.cli.commands.server"}


def test_the_top_of_the_package_holds_only_the_layers():
    top = sorted(p.name for p in PACKAGE.iterdir() if not p.name.startswith(("_", ".")))
    assert top == ["cli", "core", "locale", "schema", "serve", "store"]  # locale: the catalogue's data


def test_the_agenda_is_the_same_whatever_language_built_it(examples_copy):
    """The rules know no language: an agenda worked out under KQ_LANG=en answers a Chinese
    run with the same rows (JSON values never follow the language)."""
    from helpers import probe_kq

    args = ["--today", "2026-11-24", "due", "--format", "json", "--within", "30"]
    english_first = probe_kq(examples_copy, *args, env={"KQ_LANG": "en"})
    chinese_after = probe_kq(examples_copy, *args, env={"KQ_LANG": "zh"})
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (examples_copy / ".kq" / name).unlink(missing_ok=True)
    chinese_fresh = probe_kq(examples_copy, *args, env={"KQ_LANG": "zh"})
    assert english_first.code == chinese_after.code == chinese_fresh.code == 0
    assert english_first.stdout == chinese_after.stdout == chinese_fresh.stdout


KEPT_GLOBALS = {
    ("kqcli.store.context", "_run"),  # the run in progress: begin() replaces it
    ("kqcli.store.stamp", "_PACKAGE_STAMP"),  # caches of what the code on disk is, per process
    ("kqcli.store.stamp", "_CODE_STAMP"),
}


def test_a_run_hands_nothing_over_through_a_module_global():
    """What one part of a run tells another goes through the run context
    (kqcli/store/context.py): no module rebinds a global of its own (``global X``) but the
    context itself and the stamp's caches, and none sets another module's variable
    (``pager.through = …``) of kq's own."""
    rebound, set_elsewhere = set(), set()
    for path in PACKAGE.rglob("*.py"):
        module = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.asname or alias.name for node in ast.walk(tree)  # kq's own modules
                    if isinstance(node, ast.ImportFrom)
                    and (node.level > 0 or (node.module or "").startswith("kqcli"))
                    for alias in node.names}
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                rebound.update((module, name) for name in node.names)
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                for target in getattr(node, "targets", None) or [node.target]:
                    if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                            and target.value.id in imported):
                        set_elsewhere.add((module, f"{target.value.id}.{target.attr}"))
    assert rebound == KEPT_GLOBALS
    assert set_elsewhere == set()


def test_the_global_finder_finds_a_hand_over(tmp_path):
    tree = ast.parse("from . import pager\ndef f():\n    global X\n    pager.through = 1\n")
    assert any(isinstance(n, ast.Global) for n in ast.walk(tree))
    assert any(isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Attribute)
               for n in ast.walk(tree))


GETTEXT = {"_"}  # the catalogue's function, named as gettext names it everywhere


def test_no_private_name_of_kq_is_used_outside_its_module():
    """``from .new import _slug`` or ``index._code_stamp``: a module's private names stay its
    own (typer's and the standard library's are theirs to keep)."""
    reached = set()
    for path in PACKAGE.rglob("*.py"):
        module = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (
                    node.level > 0 or (node.module or "").startswith("kqcli")):
                for alias in node.names:
                    own.add(alias.asname or alias.name)
                    if (alias.name.startswith("_") and alias.name not in GETTEXT
                            and not alias.name.endswith("__")):  # __version__, __date__
                        reached.add((module, alias.name))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in own and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                reached.add((module, f"{node.value.id}.{node.attr}"))
    assert reached == set()
