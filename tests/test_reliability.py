"""What kq guarantees about the data when things go wrong (issue 26, the data part): it never
writes outside the repository through a folder that is a symbolic link, leaves no worker
process behind when it is stopped, leaves nothing in ``git status`` when killed during a write,
ends a run whose output cannot be written with one line, and keeps no progress bar in an
answer it replays."""

from __future__ import annotations

from helpers import probe_kq

DAY = ("--today", "2026-11-24")
HX = "name: 华信大药房\nkind: terminal\ntier: key\n"


# -- .kq and customers/ are never symbolic links ------------------------------------------------

def test_a_kq_folder_that_is_a_symbolic_link_is_refused_in_one_line(make_repo, kq, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = make_repo({"hx": HX})
    (root / ".kq").symlink_to(elsewhere)
    result = kq("--repo", root, *DAY, "list", "--format", "json")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"kq: .kq is a symbolic link to '{elsewhere}'; kq keeps its cache "
                             "only in a folder of its own: remove the link (rm .kq) and kq "
                             "makes the folder\n")


def test_nothing_is_written_or_deleted_behind_a_linked_kq_folder(make_repo, kq, tmp_path):
    """The index took a file named index.sqlite that is not SQLite for a corrupt cache and
    deleted it; it wrote its tables, locks and schema.json wherever the link pointed."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.sqlite").write_bytes(b"not a database, and not kq's")
    root = make_repo({"hx": HX})
    (root / ".kq").symlink_to(elsewhere)
    kq("--repo", root, *DAY, "due", "--format", "json")
    kq("--repo", root, *DAY, "log", "hx", "--kind", "call")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["index.sqlite"]
    assert (elsewhere / "index.sqlite").read_bytes() == b"not a database, and not kq's"


def test_a_customers_folder_that_is_a_symbolic_link_is_refused_in_one_line(make_repo, kq,
                                                                           tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "hx.yaml").write_text(HX, encoding="utf-8")
    root = make_repo({})
    (root / "customers").rmdir()
    (root / "customers").symlink_to(elsewhere)
    result = kq("--repo", root, *DAY, "list", "--format", "json")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"kq: customers is a symbolic link to '{elsewhere}'; kq reads and "
                             "writes customer files only in a folder inside the repository: "
                             "put the folder itself here\n")


def test_a_file_behind_a_linked_customers_folder_is_not_rewritten(make_repo, kq, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "hx.yaml").write_text(HX, encoding="utf-8")
    root = make_repo({})
    (root / "customers").rmdir()
    (root / "customers").symlink_to(elsewhere)
    result = kq("--repo", root, *DAY, "log", "hx", "--kind", "call", "--goal", "问候")
    assert result.exit_code == 1
    assert (elsewhere / "hx.yaml").read_text(encoding="utf-8") == HX


def test_a_kept_answer_is_not_given_once_kq_is_a_symbolic_link(examples_copy, tmp_path):
    """The answers kept are read, and kept, in .kq: once it is a link (a pull brought one),
    the warm path leaves the run to the full command, which refuses."""
    args = [*DAY, "score", "--format", "json"]
    for _ in range(3):
        warm = probe_kq(examples_copy, *args)
    assert (warm.code, warm.path) == (0, "warm")
    moved = tmp_path / "moved"
    (examples_copy / ".kq").rename(moved)
    (examples_copy / ".kq").symlink_to(moved)
    refused = probe_kq(examples_copy, *args)
    assert (refused.code, refused.stdout) == (1, b"")
    assert refused.stderr.startswith(f"kq: .kq is a symbolic link to '{moved}'")


def test_init_refuses_a_kq_folder_that_is_a_symbolic_link(kq, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "new"
    root.mkdir()
    (root / ".kq").symlink_to(elsewhere)
    result = kq("init", root)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"kq: .kq is a symbolic link to '{elsewhere}'")
    assert list(elsewhere.iterdir()) == []
    assert not (root / "kq.yaml").exists()


def test_a_repository_found_from_a_folder_inside_it_is_refused_too(make_repo, kq, tmp_path,
                                                                   monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = make_repo({"hx": HX})
    (root / ".kq").symlink_to(elsewhere)
    monkeypatch.chdir(root / "customers")
    result = kq(*DAY, "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("kq: .kq is a symbolic link")
