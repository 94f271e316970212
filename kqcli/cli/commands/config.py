"""``kq config [KEY [VALUE]]``: this clone's own settings in ``.kq/local.yaml`` (never
committed): ``me``, the rep kq is for by default, and ``server``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer._click.shell_completion import CompletionItem
from typer._click.types import ParamType

from ...store.errors import KqError, Text
from ..i18n import _
from ..render import Format
from . import FormatOption, default_owner, friendly, open_repo

FIELDS = ("key", "value", "source")


class _Key(ParamType):
    name = "key"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return value

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
        from ...store.local import KEYS

        return [CompletionItem(k) for k in KEYS if k.startswith(incomplete)]


class _Value(ParamType):
    """A value for KEY: a rep's name for ``me``, on or off for ``server``."""

    name = "value"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return value

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[CompletionItem]:
        from ...store.local import SERVER
        from .completion import reps

        key = ctx.params.get("key")
        if key == "me":
            return [CompletionItem(name) for name in reps(ctx, incomplete)]
        if key == "server":
            return [CompletionItem(v) for v in SERVER if v.startswith(incomplete)]
        return []


@friendly
def run(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(
        help="me (the rep kq is for by default) or server (on, off).", click_type=_Key())] = None,
    value: Annotated[str | None, typer.Argument(
        help="The new value: a rep of kq.yaml for me; on or off for server.",
        click_type=_Value())] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Remove KEY from .kq/local.yaml.")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """This clone's own settings (.kq/local.yaml, never committed): list them, print one, set one.

    me: the rep kq due, route, calendar and claim are for when --owner is not given. The
    default owner is --owner, else the KQ_OWNER variable, else me, else git's user.name when
    it is a rep of kq.yaml; --owner all lists the whole team. server: on or off (off).

    Example: kq --repo examples config me 李明
    """
    from ...store import local

    if key is not None and key not in local.KEYS:
        raise KqError(_("{key} is not a setting; the settings are {keys}").format(
            key=repr(key), keys=", ".join(local.KEYS)))
    if unset and (key is None or value is not None):
        raise KqError(_("{option}: give the KEY to remove, and no VALUE").format(option="--unset"))
    repo = open_repo(ctx)
    if value is not None or unset:
        _set(repo, key, value)  # type: ignore[arg-type]
        return
    rows = _rows(repo)
    if key is not None:
        row = next(r for r in rows if r["key"] == key)
        if fmt is Format.json:
            import json

            typer.echo(json.dumps(row, ensure_ascii=False))
        elif row["value"] is not None:
            typer.echo(row["value"])
        else:
            from ..render import warn

            warn("kq: " + _("{key} is not set; kq config {key} VALUE sets it").format(key=key))
        raise typer.Exit(0 if row["value"] is not None else 1)
    from ..render import Column, Report, emit_report

    shown = [{**r, "value": r["value"] if r["value"] is not None else "-",
              "source": _source(r["source"])} for r in rows]
    if fmt is Format.table:
        rows = shown
    emit_report(Report(rows, FIELDS, [
        Column("key", "设置", token=True, en="key"), Column("value", "值", token=True, en="value"),
        Column("source", "来源", en="from")], sheet=("设置", "config")), fmt)


def _rows(repo: Any) -> list[dict[str, Any]]:
    """Each setting in effect and where it comes from (None: nowhere, the default)."""
    from ...store import local

    owner, source = default_owner(repo)
    stored = local.read(repo.root)
    if source == local.ENVIRONMENT and owner is None:
        owner = "all"
    server = stored.get("server")
    return [{"key": "me", "value": owner, "source": source},
            {"key": "server", "value": server or local.DEFAULTS["server"],
             "source": local.SHOWN if server else "default"}]


def _source(source: str | None) -> str:
    if source == "default":
        return _("(default)")
    return source if source else _("(not set)")


def _set(repo: Any, key: str, value: str | None) -> None:
    import os

    from ...store import local
    from ..render import warn

    if value is not None:
        value = value.strip()
        if key == "me":
            _check_rep(value, repo.settings)
        problem = local.check(key, value)
        if problem is not None:
            raise KqError(Text("{key}: {problem}", {"key": key, "problem": problem}))
    local.write(repo.root, key, value)
    if value is None:
        typer.echo(_("{key} removed from {path}").format(key=key, path=local.SHOWN))
    else:
        typer.echo(_("{key}: {value} (in {path})").format(key=key, value=value, path=local.SHOWN))
    given = os.environ.get(local.ENVIRONMENT, "").strip()
    if key == "me" and given:
        warn("kq: " + _("{variable}={value} is set here, and wins over me").format(
            variable=local.ENVIRONMENT, value=given))


def _check_rep(name: str, settings: Any) -> None:
    """A name for ``me`` must be a rep of kq.yaml: one line naming them otherwise."""
    reps = [r.name for r in settings.reps]
    if name in reps:
        return
    if not reps:
        raise KqError(_("me: {name} is not a rep: kq.yaml has no reps: yet").format(name=name))
    raise KqError(_("me: {name} is not a rep of kq.yaml; reps: {reps}").format(
        name=name, reps=", ".join(reps)))
