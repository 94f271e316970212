"""The customer folders kq's server watches (kqcli.store.watch): what a served run takes from
the watch instead of an lstat of every file is exactly what a scan finds, after every kind of
change, a lost event, a folder replaced; and nothing is vouched for where the events could be
incomplete."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kqcli.store import files, watch


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """customers/ with customer files, names a scan only notes, and no racy window (a file is
    trusted at once), so that signatures show every change."""
    monkeypatch.setattr(files, "RACY_NS", 0)
    place = tmp_path / "customers"
    place.mkdir()
    for name in ("hx-renmin.yaml", "王记.yaml", "zs-dongfang.yaml"):
        (place / name).write_text("id: x\n", encoding="utf-8")
    (place / "old.yml").write_text("id: y\n", encoding="utf-8")
    (place / ".hidden.yaml").write_text("id: z\n", encoding="utf-8")
    (place / "notes.txt").write_text("备注\n", encoding="utf-8")
    if watch.fs_type(str(place)) not in watch.LOCAL:
        pytest.skip("the test folder is not on a local file system")
    return place


@pytest.fixture
def watcher():
    w = watch.Watcher()
    yield w
    if w.fd is not None and w.fd >= 0:
        os.close(w.fd)


def as_watched(watcher: watch.Watcher, place: Path, cap: int = 1000):
    """What a served run's scan of ``place`` finds through the watch."""
    found = watcher.entries(str(place))
    assert found is not None, "the folder is not watched"
    files.WATCHED = found
    try:
        return files._scan(str(place), cap)
    finally:
        files.WATCHED = None


def scanned(place: Path, cap: int = 1000):
    assert files.WATCHED is None
    return files._scan(str(place), cap)


def test_a_watched_folder_reads_as_a_scan_does(folder, watcher):
    found = as_watched(watcher, folder)
    assert found == scanned(folder)
    assert sorted(found[0]) == ["hx-renmin", "zs-dongfang", "王记"]
    assert [note.split(":")[0] for note in found[1]] == ["customers/.hidden.yaml",
                                                         "customers/old.yml"]


CHANGES = {
    "appended": lambda p: open(p / "hx-renmin.yaml", "a", encoding="utf-8").write("name: 人民\n"),
    "truncated": lambda p: open(p / "hx-renmin.yaml", "w", encoding="utf-8").close(),
    "removed": lambda p: (p / "王记.yaml").unlink(),
    "added": lambda p: (p / "新客户.yaml").write_text("id: n\n", encoding="utf-8"),
    "renamed to .yaml": lambda p: (p / "old.yml").rename(p / "old.yaml"),
    "renamed away": lambda p: (p / "zs-dongfang.yaml").rename(p.parent / "elsewhere.yaml"),
    "moved in": lambda p: ((p.parent / "in.yaml").write_text("id: i\n", encoding="utf-8"),
                           (p.parent / "in.yaml").rename(p / "in.yaml")),
    "saved as an editor does": lambda p: ((p / ".hx.swp").write_text("id: x\nnote: 新\n"),
                                          (p / ".hx.swp").replace(p / "hx-renmin.yaml")),
    "chmod": lambda p: (p / "hx-renmin.yaml").chmod(0o600),
    "touched": lambda p: os.utime(p / "hx-renmin.yaml", ns=(1, 1)),
    "grown past the cap": lambda p: (p / "hx-renmin.yaml").write_text("#" * 2000),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_each_change_is_seen(folder, watcher, change):
    before = as_watched(watcher, folder)
    CHANGES[change](folder)
    after = as_watched(watcher, folder)
    assert after == scanned(folder)
    assert after != before


def test_a_file_written_through_another_link_is_seen(folder, watcher, tmp_path):
    """A write through a hard link elsewhere sends no event to this folder: a file with more
    than one link is looked at every time."""
    os.link(folder / "hx-renmin.yaml", tmp_path / "elsewhere.yaml")
    before = as_watched(watcher, folder)
    with open(tmp_path / "elsewhere.yaml", "a", encoding="utf-8") as f:
        f.write("name: 别处\n")
    after = as_watched(watcher, folder)
    assert after == scanned(folder) != before


def test_a_link_is_followed_every_time(folder, watcher, tmp_path):
    target = tmp_path / "target.yaml"
    target.write_text("id: t\n", encoding="utf-8")
    (folder / "linked.yaml").symlink_to(target)
    before = as_watched(watcher, folder)
    target.write_text("id: t\nname: 目标\n", encoding="utf-8")
    after = as_watched(watcher, folder)
    assert after == scanned(folder) != before


def test_lost_events_are_made_up_by_a_scan(folder, watcher):
    """More changes than the kernel queues (max_queued_events) while nobody reads: the queue
    overflows, and the folder is scanned again."""
    as_watched(watcher, folder)
    limit = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())
    if limit > 100_000:
        pytest.skip("the kernel queues too many events to overflow in a test")
    names = [folder / "hx-renmin.yaml", folder / "zs-dongfang.yaml"]
    for n in range(limit // 2 + 10):  # alternating names: equal events in a row are merged
        for path in names:
            os.utime(path, ns=(n, n))
    (folder / "王记.yaml").unlink()
    after = as_watched(watcher, folder)
    assert after == scanned(folder)
    assert "王记" not in after[0]


def test_a_replaced_folder_is_watched_anew(folder, watcher, tmp_path):
    as_watched(watcher, folder)
    folder.rename(tmp_path / "old-customers")
    folder.mkdir()
    (folder / "only.yaml").write_text("id: o\n", encoding="utf-8")
    after = as_watched(watcher, folder)
    assert after == scanned(folder)
    assert list(after[0]) == ["only"]


def test_a_folder_moved_under_its_path_is_not_taken_for_it(folder, watcher, tmp_path):
    """The repository moved and another put where it was: no event reaches the old watch,
    the folder's identity (device, inode) tells."""
    as_watched(watcher, folder)
    repo = folder.parent
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    repo.rename(moved)
    try:
        (repo / "customers").mkdir(parents=True)
        (repo / "customers" / "another.yaml").write_text("id: a\n", encoding="utf-8")
        after = as_watched(watcher, repo / "customers")
        assert list(after[0]) == ["another"]
    finally:
        import shutil

        shutil.rmtree(moved)


def test_a_network_file_system_is_not_watched(folder, watcher, monkeypatch):
    """NFS, SMB, 9p or FUSE: another machine's changes send no event; the child scans."""
    monkeypatch.setattr(watch, "fs_type", lambda path: 0x6969)  # NFS
    assert watcher.entries(str(folder)) is None


def test_the_folders_least_recently_asked_for_are_let_go(tmp_path, watcher, monkeypatch):
    monkeypatch.setattr(watch, "MAX_FOLDERS", 2)
    places = []
    for n in range(3):
        place = tmp_path / f"repo{n}" / "customers"
        place.mkdir(parents=True)
        places.append(place)
        assert watcher.entries(str(place)) is not None
    assert sorted(watcher.folders) == [os.path.realpath(p) for p in places[1:]]
    assert len(watcher.by_wd) == 2


def test_a_missing_folder_is_not_watched(tmp_path, watcher):
    assert watcher.entries(str(tmp_path / "customers")) is None


def test_the_server_says_whether_a_customer_file_changed_since_its_last_request(folder,
                                                                                watcher):
    """Then a served run skips comparing every signature with the index's for a kept answer
    (kqcli.warm): it cannot hold."""
    assert watcher.entries(str(folder))[2]  # first asked: unknown, so changed
    assert not watcher.entries(str(folder))[2]
    (folder / "notes.txt").write_text("不是客户文件\n", encoding="utf-8")
    (folder / ".hidden.yaml").write_text("id: h\n", encoding="utf-8")
    assert not watcher.entries(str(folder))[2]
    (folder / "王记.yaml").write_text("id: w\nname: 王记\n", encoding="utf-8")
    found = watcher.entries(str(folder))
    assert found[2]
    files.WATCHED = found
    try:
        assert files.changed_since_last_run(str(folder))
        assert not files.changed_since_last_run(str(folder.parent))
    finally:
        files.WATCHED = None
    assert not files.changed_since_last_run(str(folder))
