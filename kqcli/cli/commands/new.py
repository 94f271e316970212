from __future__ import annotations

from typing import Annotated

import typer

from ...core.ids import slug
from ..i18n import _
from . import REP, friendly, open_repo, owner_of, said

TEMPLATE = """\
# yaml-language-server: $schema=../.kq/schema.json
# 客户档案. Only name is required; delete the comment lines you do not need.
# Every key: see the README, or `kq schema`.
name: {name}
{fields}# kind: terminal            # distributor | terminal | key_account (经销商 | 终端 | 大客户)
# status: prospect          # active | prospect | potential | terminated
# grade: near               # active: A | B | C   prospect: near | later
# tier: normal              # key | secondary | normal (重点 | 次重点 | 非重点)
# region: 昆明/五华区
# address: 人民中路 88 号
# anniversary: 2015-05-18   # store opening (店庆)
# route: {{weekday: tue, time: "09:30"}}
# contacts:
#   - name: 王芳
#     role: 店长
#     phone: "13800001111"  # in quotes
#     lunar_birthday: "08-15"
#     style: leader         # leader | influencer | checker | follower
#     familiarity: 1        # 0 none · 1 know each other · 2 familiar · 3 close
# visits:
#   - date: 2026-11-24
#     kind: visit
#     goal: 初次拜访
#     outcome: 了解经营情况
"""


@friendly
def run(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The customer's name, e.g. 华信大药房(人民路店).")],
    id: Annotated[str | None, typer.Option("--id", help="File name; default: pinyin initials.")] = None,
    kind: Annotated[str | None, typer.Option(help="distributor | terminal | key_account")] = None,
    owner: Annotated[str | None, typer.Option(
        click_type=REP, help="The rep who owns it. Default: you (KQ_OWNER, kq config me, git's "
                             "user.name); all: nobody yet.")] = None,
    edit: Annotated[bool, typer.Option("--edit/--no-edit", help="Open it in $EDITOR.")] = True,
    force: Annotated[bool, typer.Option(
        "--force", help="Create it even when a customer of that name exists.")] = False,
) -> None:
    """Create a customer from a commented template, open it in $EDITOR, validate, and commit.

    The file starts with the schema line, so editors validate as you type.

    Example: kq new 华信大药房(人民路店) --kind terminal --owner 李明
    """
    from ...schema.enums import Kind, parse_enum
    from ...store.errors import KqError
    from ...store.yamledit import scalar
    from .edit import edit_file, save

    repo = open_repo(ctx)
    _settings = repo.settings  # a broken kq.yaml stops us before the user spends time editing
    same = sorted(i for i, existing, _ in repo.index.names() if existing == name.strip())
    if same and not force:
        raise KqError(_("{path} is already {name}; open it with 'kq edit', or pass --force for a "
                        "second customer of that name").format(path=f"customers/{same[0]}.yaml",
                                                               name=name))
    if kind:
        try:
            kind = parse_enum(Kind, kind).value
        except ValueError as e:
            raise KqError(f"--kind: {said(e)}") from None
    base = id or slug(name)
    customer_id, n = base, 2
    while (repo.customers_dir / f"{customer_id}.yaml").exists():
        if id:
            raise KqError(_("{path} already exists").format(path=f"customers/{id}.yaml"))
        customer_id, n = f"{base}-{n}", n + 1
    path = repo.path_of(customer_id)
    owner = owner_of(repo, owner)  # default: me
    fields = "".join(f"{k}: {scalar(v)}\n" for k, v in (("kind", kind), ("owner", owner)) if v)
    text = TEMPLATE.format(name=scalar(name), fields=fields).encode()
    repo.customers_dir.mkdir(exist_ok=True)
    if edit:
        edited = edit_file(repo, path, text, f"customers/{path.name}")
        text = edited if edited is not None else text
    save(repo, path, None, text, "new", name)
