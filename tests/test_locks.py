"""The writer's locks (kqcli.store.writer): a customer file's write holds its own lock under a shared
one; a write of many files takes that one alone, with one descriptor, not one per file."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from kqcli.store import writer

PROJECT = Path(__file__).resolve().parents[1]

MANY = """
import resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from kqcli.store import writer
resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
root = Path(sys.argv[1])
changes = {p: (lambda raw: raw + "grade: A\\n".encode())
           for p in sorted((root / "customers").glob("*.yaml"))}
writer.update_many(root, changes, "grade A for everyone", autocommit=False)
print(len(changes))
"""


def test_a_write_of_many_files_holds_one_descriptor_not_one_per_file(make_repo):
    """2,000 rows of kq import figures --apply ran out of a desktop's 1,024 descriptors (one
    lock file open per customer): here 200 files under a limit of 64."""
    root = make_repo({f"c{n:03d}": f"name: 客户{n}\n" for n in range(200)},
                     kq_yaml="git:\n  autocommit: false\n")
    done = subprocess.run([sys.executable, "-c", MANY, str(root), str(PROJECT)],
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "200"), done.stderr
    texts = {p.read_text(encoding="utf-8") for p in (root / "customers").glob("*.yaml")}
    assert len(texts) == 200 and all(t.endswith("grade: A\n") for t in texts)


def test_a_write_of_many_waits_for_a_customer_file_being_written(make_repo):
    root = make_repo({"hx": "name: 华信\n", "jm": "name: 健民\n"},
                     kq_yaml="git:\n  autocommit: false\n")
    finished = threading.Event()

    def many() -> None:
        writer.update_many(root, {root / "customers" / "jm.yaml": lambda raw: raw + b"grade: A\n"},
                           "grade", autocommit=False)
        finished.set()

    with writer.customer_locked(root, "hx"):
        worker = threading.Thread(target=many)
        worker.start()
        time.sleep(0.3)
        assert not finished.is_set()  # jm is not hx, but a write of many waits for every one
    worker.join(10)
    assert finished.is_set()
    assert (root / "customers" / "jm.yaml").read_text(encoding="utf-8").endswith("grade: A\n")


def test_a_customer_named_git_is_written_and_committed(make_repo):
    """Its lock was the one git's commit takes, held twice by one process: kq log waited
    forever."""
    root = make_repo({"git": "name: 吉特商行\nkind: terminal\n"})
    env = {**os.environ, "GIT_AUTHOR_NAME": "李明", "GIT_AUTHOR_EMAIL": "li@example.com",
           "GIT_COMMITTER_NAME": "李明", "GIT_COMMITTER_EMAIL": "li@example.com",
           "KQ_SERVER": "0"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "seed"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env)
    done = subprocess.run([sys.executable, "-m", "kqcli", "--repo", str(root), "--today",
                           "2026-11-24", "log", "git", "--kind", "call", "--goal", "问候"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    last = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%s"],
                          capture_output=True, text=True, check=True).stdout
    assert "吉特商行" in last
