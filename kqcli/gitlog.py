"""Everything that runs git."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def available() -> bool:
    return shutil.which("git") is not None


def run(root: Path, *args: str, check: bool = True, input: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=check, input=input)


def is_work_tree(root: Path) -> bool:
    if not available():
        return False
    result = run(root, "rev-parse", "--is-inside-work-tree", check=False)
    return result.returncode == 0 and result.stdout.strip() == "true"


def init(root: Path) -> bool:
    if not available():
        return False
    return run(root, "init", "-q", check=False).returncode == 0


def hooks_dir(root: Path) -> Path:
    out = run(root, "rev-parse", "--git-path", "hooks").stdout.strip()
    path = Path(out)
    return path if path.is_absolute() else root / path
