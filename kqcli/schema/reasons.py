"""The reasons a reminder is listed for, and their Chinese labels (which a customer file's
``for:`` may name): the vocabulary the schema checks and the rules list, as plain constants, so
the warm path of ``kq due`` (:mod:`kqcli.store.warm`) checks ``--reason`` without importing the
models or the rules."""

REASONS = ("visit", "route", "care_call", "follow_up", "next_action", "birthday", "anniversary",
           "opening", "holiday", "event", "report_missing", "expense_statement",
           "intel_unconfirmed", "orphan", "risk", "deep_visit", "alert", "expense_check",
           "handover", "pool", "coverage", "issue")
LABELS = {"visit": "拜访", "route": "固定拜访", "care_call": "情感电话", "follow_up": "到货回访",
          "next_action": "待办", "birthday": "生日", "anniversary": "店庆", "opening": "新店开业",
          "holiday": "节日",
          "event": "家庭大事", "report_missing": "未报数据", "expense_statement": "费用报表",
          "intel_unconfirmed": "信息待核实", "orphan": "孤儿客户", "risk": "风险",
          "deep_visit": "蹲点", "alert": "区域预警", "expense_check": "费用审核",
          "handover": "交接拜访", "pool": "公海", "coverage": "决策人", "issue": "客诉"}
OCCASIONS = ("birthday", "anniversary", "opening", "holiday", "event")
"""The reasons a greeting answers (an interaction's ``for:``, ``kq log --for``)."""
OTHERS = tuple(r for r in REASONS if r not in OCCASIONS)


def reason_key(text: str) -> str | None:
    """``birthday``, ``Birthday`` or its label ``生日`` -> ``birthday``; None if no reason."""
    value = text.strip()
    if value.lower() in REASONS:
        return value.lower()
    return next((key for key, label in LABELS.items() if label == value), None)


def closest_reason(text: str) -> str | None:
    """The reason a mistyped one most likely meant (``birthdya`` -> ``birthday``), for the
    message that says it is not a reason (the schema's and ``kq log --for``'s)."""
    import difflib

    close = difflib.get_close_matches(text.strip().lower(), REASONS, 1, 0.6)
    return close[0] if close else None
