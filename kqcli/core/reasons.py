"""The reasons a reminder is listed for, and their Chinese labels: plain constants, so the
warm path of ``kq due`` (:mod:`kqcli.warm`) checks ``--reason`` without importing the rules."""

REASONS = ("visit", "route", "care_call", "follow_up", "next_action", "birthday", "anniversary",
           "opening", "holiday", "event", "report_missing", "expense_statement",
           "intel_unconfirmed", "orphan", "risk", "deep_visit", "alert", "expense_check",
           "handover", "pool", "coverage")
LABELS = {"visit": "拜访", "route": "固定拜访", "care_call": "情感电话", "follow_up": "到货回访",
          "next_action": "待办", "birthday": "生日", "anniversary": "店庆", "opening": "新店开业",
          "holiday": "节日",
          "event": "家庭大事", "report_missing": "未报数据", "expense_statement": "费用报表",
          "intel_unconfirmed": "信息待核实", "orphan": "孤儿客户", "risk": "风险",
          "deep_visit": "蹲点", "alert": "区域预警", "expense_check": "费用审核",
          "handover": "交接拜访", "pool": "公海", "coverage": "决策人"}
