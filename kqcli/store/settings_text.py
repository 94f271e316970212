"""``kq.yaml`` as ``kq init`` writes it: every default, each with its comment."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..schema.config import Settings
from .yamledit import flow, scalar

HEADER = """\
# kq.yaml: settings of this kq (客情) repository.
# Every number below is the default from the domain notes; change what your team does
# differently, or delete a line to go back to the default.
"""

REPS = """\
# The team. A rep who leaves gets `left: YYYY-MM-DD`; their customers become orphans (孤儿客户)
# in `kq due` until reassigned. `role` picks the scorecards of the customers they own
# (score.cards): rep (业务代表, the default), terminal_supervisor, business_supervisor,
# province_manager, terminal_staff. Example:
#   reps:
#     - {name: 李明}
#     - {name: 王经理, role: province_manager}
#     - {name: 张强, left: 2026-10-31}
reps: []
"""

ALERTS = """\
# Area alerts (重大环境事件: flood, typhoon, epidemic, water cut): while one lasts, every active
# customer whose region starts with `region` gets a daily call in `kq due`. `kq alert` writes them:
#   alerts:
#     - {region: 昆明/五华区, from: 2026-07-01, to: 2026-07-05, note: 暴雨}
alerts: []
"""

POOL = """\
# The customer pool (公海): off while this key is absent. An active customer of these kinds
# with no in-person interaction for after_days, or whose rep left more than departed_days ago,
# goes to the pool (`kq pool`) until a rep claims it (`kq claim`). To switch it on:
#   pool: {after_days: 90, kinds: [terminal], departed_days: 30}
"""


def _scalar(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 3, not 3.0, for numbers people will edit
    return scalar(value)


def _flow(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return flow(list(value) if isinstance(value, tuple) else value)


def _block(model: BaseModel, indent: str) -> list[str]:
    lines: list[str] = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        note = f"  # {field.description}" if field.description else ""
        if isinstance(value, BaseModel):
            lines.append(f"{indent}{name}:{note}")
            lines += _block(value, indent + "  ")
        elif isinstance(value, dict) and value and all(isinstance(v, list) for v in value.values()):
            lines.append(f"{indent}{name}:{note}")
            for key, items in value.items():
                lines.append(f"{indent}  {key}:")
                lines += [f"{indent}    - {_flow(item)}" for item in items]
        elif isinstance(value, dict) and value:
            lines.append(f"{indent}{name}:{note}")
            lines += [f"{indent}  {k}: {_scalar(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            lines.append(f"{indent}{name}:{note}")
            lines += [f"{indent}  - {_flow(item)}" for item in value]
        else:
            lines.append(f"{indent}{name}: {_flow(value)}{note}")
    return lines


def settings_yaml() -> str:
    defaults = Settings()
    out = [HEADER, REPS, ALERTS, POOL]
    for name in Settings.model_fields:
        if name in ("reps", "alerts", "pool"):
            continue
        section = getattr(defaults, name)
        if not isinstance(section, BaseModel):  # a setting of its own (timezone)
            note = Settings.model_fields[name].description
            out.append((f"# {note}\n" if note else "") + f"{name}: {_flow(section)}\n")
            continue
        doc = (type(section).__doc__ or "").strip().splitlines()
        out.append("\n".join([*(f"# {line.strip()}" for line in doc if line.strip()),
                              f"{name}:", *_block(section, "  ")]) + "\n")
    return "\n".join(out)
