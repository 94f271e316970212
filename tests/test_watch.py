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
    w.close()


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
    assert list(watcher.folders) == [(p.stat().st_dev, p.stat().st_ino) for p in places[1:]]
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


def test_a_repository_moved_away_and_back_is_the_same_folder(folder, watcher, tmp_path):
    """Changes made while the repository was elsewhere are seen when it is back (the folder
    is held open and its names looked at in it, not at the path it had)."""
    before = as_watched(watcher, folder)
    repo = folder.parent
    moved = tmp_path.parent / (tmp_path.name + "-away")
    repo.rename(moved)
    try:
        with open(moved / "customers" / "hx-renmin.yaml", "a", encoding="utf-8") as f:
            f.write("name: 搬走时改的\n")
        (moved / "customers" / "新来的.yaml").write_text("id: n\n", encoding="utf-8")
        (moved / "customers" / "王记.yaml").unlink()
        while_away = as_watched(watcher, moved / "customers")
        assert while_away == scanned(moved / "customers")
    finally:
        moved.rename(repo)
    after = as_watched(watcher, folder)
    assert after == scanned(folder) != before
    assert sorted(after[0]) == ["hx-renmin", "zs-dongfang", "新来的"]


def test_a_hard_link_made_after_the_watch_and_written_through_is_seen(folder, watcher,
                                                                       tmp_path):
    """ln to a customer file elsewhere, then a write through that name: neither sends an event
    to the folder's watch, both reach the file's own."""
    before = as_watched(watcher, folder)
    os.link(folder / "hx-renmin.yaml", tmp_path / "elsewhere.yaml")
    linked = as_watched(watcher, folder)
    assert linked == scanned(folder)
    with open(tmp_path / "elsewhere.yaml", "a", encoding="utf-8") as f:
        f.write("name: 别处写的\n")
    after = as_watched(watcher, folder)
    assert after == scanned(folder)
    assert after[0]["hx-renmin"] != before[0]["hx-renmin"]
    os.unlink(tmp_path / "elsewhere.yaml")  # one link again: trusted from the watch again
    assert as_watched(watcher, folder) == scanned(folder)
    folder_of = watcher.folders[(folder.stat().st_dev, folder.stat().st_ino)]
    assert folder_of.entries["hx-renmin.yaml"][5] is False


def test_a_file_renamed_within_the_folder_keeps_its_own_watch(folder, watcher, tmp_path):
    as_watched(watcher, folder)
    (folder / "hx-renmin.yaml").rename(folder / "hx-renmin2.yaml")
    assert as_watched(watcher, folder) == scanned(folder)
    os.link(folder / "hx-renmin2.yaml", tmp_path / "elsewhere.yaml")
    with open(tmp_path / "elsewhere.yaml", "a", encoding="utf-8") as f:
        f.write("name: 改名后\n")
    assert as_watched(watcher, folder) == scanned(folder)
    known = watcher.folders[(folder.stat().st_dev, folder.stat().st_ino)]
    assert sorted(known.watch_of) == ["hx-renmin2.yaml", "zs-dongfang.yaml", "王记.yaml"]
    assert sorted(known.files.values()) == sorted(known.watch_of)


class _NoFileWatches:
    """libc whose inotify_add_watch refuses every customer file (max_user_watches reached)."""

    def __init__(self, libc):
        self.libc = libc

    def inotify_add_watch(self, fd, path, mask):
        return -1 if path.endswith(b".yaml") else self.libc.inotify_add_watch(fd, path, mask)

    def __getattr__(self, name):
        return getattr(self.libc, name)


def test_a_file_without_a_watch_of_its_own_is_looked_at_every_time(folder, watcher, tmp_path,
                                                                    monkeypatch):
    libc = watch._inotify()
    monkeypatch.setattr(watch, "_inotify", lambda: _NoFileWatches(libc))
    before = as_watched(watcher, folder)
    known = watcher.folders[(folder.stat().st_dev, folder.stat().st_ino)]
    assert [kept[5] for kept in known.entries.values() if kept.__class__ is tuple] == [True] * 3
    os.link(folder / "hx-renmin.yaml", tmp_path / "elsewhere.yaml")
    with open(tmp_path / "elsewhere.yaml", "a", encoding="utf-8") as f:
        f.write("name: 别处\n")
    assert as_watched(watcher, folder) == scanned(folder) != before


def test_a_folder_removed_and_made_again_is_watched_anew(folder, watcher):
    """Held open, a removed folder sends no event: the next request for its path finds
    another (device, inode) and lets the removed one go."""
    as_watched(watcher, folder)
    import shutil

    shutil.rmtree(folder)
    folder.mkdir()
    (folder / "only.yaml").write_text("id: o\n", encoding="utf-8")
    after = as_watched(watcher, folder)
    assert after == scanned(folder)
    assert list(after[0]) == ["only"]
    assert len(watcher.folders) == 1


def test_an_error_while_reading_events_is_made_up_by_a_scan(folder, watcher, monkeypatch):
    as_watched(watcher, folder)
    (folder / "王记.yaml").unlink()
    looked = watcher._look
    failures = []

    def look_once(*args, **kwargs):
        if not failures:
            failures.append(args)
            raise ValueError("a name the watch could not take")
        return looked(*args, **kwargs)

    monkeypatch.setattr(watcher, "_look", look_once)
    after = as_watched(watcher, folder)
    assert failures
    assert after == scanned(folder)
    assert "王记" not in after[0]


def test_closing_lets_go_of_every_descriptor(folder, watcher):
    """What a child of the server does first: the watch's descriptors are the server's."""
    watcher.entries(str(folder))
    held = [watcher.fd, *(f.fd for f in watcher.folders.values())]
    watcher.close()
    for fd in held:
        with pytest.raises(OSError):
            os.fstat(fd)


def test_two_names_read_as_one_id_are_settled_alike_by_a_scan_and_the_watch(folder, watcher):
    """A name with a byte that is not UTF-8 reads as ``\\xff``; a file named so literally
    reads the same: the one first in name order is read, the other noted, in any order."""
    odd = os.fsdecode(b"\xff.yaml")
    (folder / "\\xff.yaml").write_text("id: literal\n", encoding="utf-8")
    before = as_watched(watcher, folder)
    (folder / odd).write_text("id: odd\n", encoding="utf-8")
    after = as_watched(watcher, folder)
    assert after == scanned(folder) != before
    assert after[0]["\\xff"][0].endswith(os.sep + "\\xff.yaml")
    assert "customers/\\xff.yaml: not read: its name reads as \\xff.yaml, as another file's does" \
        in after[1]


def test_files_past_the_watch_budget_are_looked_at_every_time(folder, watcher, tmp_path):
    """A quarter of fs.inotify.max_user_watches at most (editors share the rest): here the
    folder and two files; the third file is looked at every time, and what is read is the same."""
    watcher.budget = 3
    before = as_watched(watcher, folder)
    known = watcher.folders[(folder.stat().st_dev, folder.stat().st_ino)]
    assert len(watcher.by_wd) == 3
    assert sorted(kept[5] for kept in known.entries.values() if kept.__class__ is tuple) \
        == [False, False, True]
    for name in ("hx-renmin.yaml", "王记.yaml", "zs-dongfang.yaml"):
        os.link(folder / name, tmp_path / name)
        with open(tmp_path / name, "a", encoding="utf-8") as f:
            f.write("name: 别处\n")
    assert as_watched(watcher, folder) == scanned(folder) != before


def test_a_folder_whose_scan_fails_halfway_is_let_go_not_half_trusted(folder, watcher,
                                                                       monkeypatch):
    as_watched(watcher, folder)
    os.utime(folder / "hx-renmin.yaml", ns=(5, 5))
    looked = watcher._look

    def fail_after_two(folder_, name, entry=None):
        if entry is None or len(folder_.entries) == 2:
            raise ValueError("cannot take this name")
        return looked(folder_, name, entry)

    monkeypatch.setattr(watcher, "_look", fail_after_two)
    watcher.drain()  # the event's look fails: the folder is scanned again, failing halfway
    assert watcher.folders == {} and watcher.by_wd == {}
    monkeypatch.setattr(watcher, "_look", looked)
    assert as_watched(watcher, folder) == scanned(folder)


def test_a_watched_folder_moved_in_under_a_customer_name_keeps_its_own_events(tmp_path,
                                                                                watcher):
    """A file's own watch is added to what its inode is watched for: the folder moved into
    another watched folder as parked.yaml and back still sees names made in it."""
    first, second = tmp_path / "one" / "customers", tmp_path / "two" / "customers"
    for place in (first, second):
        place.mkdir(parents=True)
    (second / "a.yaml").write_text("id: a\n", encoding="utf-8")
    if watch.fs_type(str(first)) not in watch.LOCAL:
        pytest.skip("the test folder is not on a local file system")
    as_watched(watcher, second)
    as_watched(watcher, first)
    second.rename(first / "parked.yaml")
    assert as_watched(watcher, first) == scanned(first)
    (first / "parked.yaml").rename(second)
    (second / "new.yaml").write_text("id: n\n", encoding="utf-8")
    (second / "a.yaml").rename(second / "b.yaml")
    after = as_watched(watcher, second)
    assert after == scanned(second)
    assert sorted(after[0]) == ["b", "new"]


def test_a_name_replaced_while_its_old_file_lives_on_leaves_no_watch_behind(folder, watcher,
                                                                            tmp_path):
    """Saved as an editor does while a backup holds a hard link to each old version: the old
    file's watch goes with its name (else they would pile up past the budget)."""
    as_watched(watcher, folder)
    count = len(watcher.by_wd)
    for n in range(20):
        os.link(folder / "hx-renmin.yaml", tmp_path / f"backup-{n}.yaml")
        (folder / ".hx.swp").write_text(f"id: x\nn: {n}\n", encoding="utf-8")
        (folder / ".hx.swp").replace(folder / "hx-renmin.yaml")
        assert as_watched(watcher, folder) == scanned(folder)
    assert len(watcher.by_wd) == count
    in_kernel = sum(line.startswith("inotify wd:")
                    for line in Path(f"/proc/self/fdinfo/{watcher.fd}").read_text().splitlines())
    assert in_kernel == count


def test_a_folder_named_like_a_customer_file_is_looked_at_every_time(folder, watcher):
    """What is made inside it sends no event to either watch; on btrfs or overlayfs a folder
    has one link, so the number of links cannot be what tells."""
    import stat

    one_link = os.stat_result((stat.S_IFDIR | 0o755, 7, 1, 1, 0, 0, 4096, 0, 0, 0),
                              {"st_mtime_ns": 0, "st_ctime_ns": 0})
    assert files.watched("x.yaml", one_link)[5] is True
    (folder / "x.yaml").mkdir()
    before = as_watched(watcher, folder)
    known = watcher.folders[(folder.stat().st_dev, folder.stat().st_ino)]
    assert known.entries["x.yaml"][5] is True
    (folder / "x.yaml" / "inner").mkdir()
    assert as_watched(watcher, folder) == scanned(folder) != before


AS_NOBODY = """
import os, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from kqcli.store import files, watch
files.RACY_NS = 0
place = Path(sys.argv[1]) / "customers"
place.mkdir()
for name in ("a.yaml", "b.yaml"):
    (place / name).write_text("id: x\\n", encoding="utf-8")
w = watch.Watcher()
def both():
    found = w.entries(str(place))
    assert found is not None
    files.WATCHED = found
    try:
        watched = files._scan(str(place), 1000)
    finally:
        files.WATCHED = None
    return watched, files._scan(str(place), 1000)
place.chmod(0o644)  # readable, not searchable: every name is there but "gone"
watched, scanned = both()
assert watched == scanned and sorted(watched[0]) == ["a", "b"], (watched, scanned)
assert {sig for _, sig in watched[0].values()} == {"gone"}
place.chmod(0o755)  # the folder's own chmod: looked at again
watched, scanned = both()
assert watched == scanned and "gone" not in {sig for _, sig in watched[0].values()}
place.chmod(0o644)
watched, scanned = both()
assert watched == scanned and {sig for _, sig in watched[0].values()} == {"gone"}
print("ok")
"""


def test_the_folders_own_permissions_decide_what_is_looked_at_as_a_scan_finds(tmp_path):
    """chmod of customers/ sends an event without a name: the folder is looked at again;
    a name whose lstat is refused is kept and looked at each run, as a scan lists it
    ("gone"). Root may look anywhere: run as nobody."""
    import shutil
    import subprocess
    import sys
    import tempfile

    place = tmp_path
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("root, and no setpriv to run as another user")
        probe = subprocess.run([*nobody, sys.executable, "-c", "import sys; sys.path.insert(0, "
                                f"{str(Path(__file__).parents[1])!r}); import kqcli.store.watch"],
                               capture_output=True)
        if probe.returncode != 0:
            pytest.skip("nobody cannot run this checkout's Python (a folder only root enters)")
        place = Path(tempfile.mkdtemp(prefix="kq-nobody-", dir="/tmp"))  # theirs to enter
        place.chmod(0o777)
    command = [sys.executable, "-c", AS_NOBODY, str(place), str(Path(__file__).parents[1])]
    if os.geteuid() == 0:
        command = [*nobody, *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    finally:
        if place != tmp_path:
            subprocess.run(["chmod", "-R", "u+rwx", str(place)])
            shutil.rmtree(place, ignore_errors=True)
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr


MOUNTED = """
import os, subprocess, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from kqcli.store import files, watch
files.RACY_NS = 0
base = Path(sys.argv[1]); place = base / "customers"; place.mkdir()
(place / "a.yaml").write_text("id: a\\n", encoding="utf-8")
(base / "other.yaml").write_text("id: other\\nname: 另一个文件\\n", encoding="utf-8")
w = watch.Watcher()
assert w.entries(str(place)) is not None
subprocess.run(["mount", "--bind", str(base / "other.yaml"), str(place / "a.yaml")],
               check=True)
files.WATCHED = w.entries(str(place))
watched = files._scan(str(place), 1000)
files.WATCHED = None
assert watched == files._scan(str(place), 1000), watched
print("ok")
"""


def test_a_file_system_mounted_over_a_name_is_seen(tmp_path):
    """A mount sends no inotify event; /proc/self/mountinfo tells, and everything is looked
    at again. Needs root and a mount namespace of its own (unshare -m)."""
    import shutil
    import subprocess
    import sys

    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("mount")):
        pytest.skip("needs root, unshare and mount")
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no mount namespace here")
    done = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable, "-c",
                           MOUNTED, str(tmp_path), str(Path(__file__).parents[1])],
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr
