"""A customer file saved with CRLF (Windows' Notepad) keeps CRLF on every kq write: the lines a
command adds or changes take the file's line ending, kq.yaml's too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

WRITES = {
    "log": ["log", "hx-dongfeng", "--goal", "送物料", "--outcome", "店长收下"],
    "done": ["done", "dst-qilin"],
    "expense": ["expense", "hx-dongfeng", "300", "--purpose", "中秋礼品", "--recipient", "王芳",
                "--date", "2026-09-20"],
    "figures": ["figures", "hx-dongfeng", "2026-11", "--collections", "118000", "--sell-out",
                "95000", "--inventory", "41000"],
    "intel": ["intel", "dist-qjkr", "康润往昭通低价走货", "--source", "昭通仁和药店老板"],
    "issue": ["issue", "bct", "变质退货 12 箱", "--kind", "return"],
    "issue --close": ["issue", "bct", "--close", "1", "--note", "已换货"],
    "ack": ["ack", "qjkr", "risk", "--until", "2026-12-31", "--note", "已约老板"],
    "claim": ["claim", "ml-tongji", "--as", "李明"],
    "reassign": ["reassign", "张强", "--to", "李明", "--apply"],
    "classify": ["classify", "--field", "tier", "--owner", "李明", "--apply"],
    "import": ["import", "customers", "{root}/import/customers.xlsx", "--apply"],
    "alert (kq.yaml)": ["alert", "昆明/五华区", "--from", "2026-07-01", "--to", "2026-07-05",
                        "--note", "暴雨"],
}


def _crlf(root: Path) -> dict[Path, bytes]:
    """Every customer file and kq.yaml saved with CRLF; what each holds then."""
    saved = {}
    for path in [root / "kq.yaml", *sorted((root / "customers").glob("*.yaml"))]:
        data = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        path.write_bytes(data)
        saved[path] = data
    return saved


@pytest.mark.parametrize("name", list(WRITES))
def test_a_crlf_file_keeps_crlf_on_every_line_kq_writes(examples_copy, kq, name):
    args = WRITES[name]
    saved = _crlf(examples_copy)
    today = "2026-12-05" if name == "claim" else "2026-11-30"  # in the pool by then
    result = kq("--repo", examples_copy, "--today", today,
                *(a.format(root=examples_copy) for a in args))
    assert result.exit_code == (1 if args[0] == "import" else 0), result.output  # a row skipped
    changed = {p: p.read_bytes() for p, before in saved.items() if p.read_bytes() != before}
    assert changed, "nothing was written"
    bare = {p.name: len(re.findall(rb"(?<!\r)\n", data)) for p, data in changed.items()}
    assert not any(bare.values()), bare
