"""A usage error as one line in the user's language, with the next step: what click (vendored
in typer) raises, read by its class and fields rather than its English text.

``kq due: 错误: 没有这个选项 --fromat (是不是 --format?); 用法见 kq due --help``
"""

from __future__ import annotations

import re
from typing import Any

from .i18n import N_, _

TYPES = {"integer": N_("an integer"), "int": N_("an integer"), "integer range": N_("an integer"),
         "int range": N_("an integer"), "float": N_("a number"), "float range": N_("a number"),
         "boolean": N_("yes or no"), "UUID": N_("a UUID")}
"""click's type names (``ParamType.name``) as the user reads them."""


def line(error: Any) -> str:
    """The one line for a click ``UsageError`` or ``ClickException``."""
    from typer._click import exceptions as x

    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else "kq"
    if isinstance(error, x.NoSuchOption):
        text = _("no such option {option}").format(option=error.option_name)
        if error.possibilities:
            text += _(" (did you mean {options}?)").format(
                options=", ".join(sorted(error.possibilities)))
    elif isinstance(error, x.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param else "")
        name = _hint(error)
        text = (_("missing argument {name}") if kind == "argument"
                else _("missing option {name}") if kind == "option"
                else _("missing {name}")).format(name=name)
    elif isinstance(error, x.BadParameter):
        text = _("{name}: {problem}").format(name=_hint(error), problem=problem(error.message))
    elif isinstance(error, x.BadOptionUsage) and "requires an argument" in error.message:
        text = _("option {option} needs a value").format(option=error.option_name)
    elif isinstance(error, x.UsageError):
        text = _usage(error.message)
    else:
        text = problem(error.format_message())
    return _("{path}: error: {text}; see {path} --help").format(path=path, text=text)


def _hint(error: Any) -> str:
    hint = error.param_hint
    if hint is None and error.param is not None:
        hint = error.param.get_error_hint(error.ctx)
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    return str(hint or "").replace("'", "")


def problem(message: str) -> str:
    """click's words on a bad value, in the user's language."""
    message = message.rstrip(".")
    found = re.fullmatch(r"(.*) is not a valid (.+)", message, re.S)
    if found:
        kind = TYPES.get(found.group(2), found.group(2))
        return _("{value} is not {kind}").format(value=found.group(1), kind=_(kind))
    found = re.fullmatch(r"(.*) is not one of (.+)", message, re.S)
    if found:
        return _("{value} is not one of {choices}").format(value=found.group(1),
                                                           choices=found.group(2))
    found = re.fullmatch(r"(.*) is not in the range (.+)", message, re.S)
    if found:
        return _("{value} is not in the range {range}").format(value=found.group(1),
                                                               range=found.group(2))
    found = re.fullmatch(r"(.*) does not match the formats (.+)", message, re.S)
    if found:
        return _("{value} is not a date in the form {formats}").format(value=found.group(1),
                                                                      formats=found.group(2))
    return _(message)


def _usage(message: str) -> str:
    message = message.strip()
    found = re.fullmatch(r"No such command '(.*)'\.(?: Did you mean (.*)\?)?", message, re.S)
    if found:
        text = _("no such command {name}").format(name=found.group(1))
        if found.group(2):
            text += _(" (did you mean {options}?)").format(options=found.group(2).replace("'", ""))
        return text
    if message == "Missing command.":
        return _("missing command")
    found = re.fullmatch(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", message, re.S)
    if found:
        return _("unexpected extra arguments: {args}").format(args=found.group(1))
    return problem(message)
