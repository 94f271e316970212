"""Reminders' messages are values (issue 24, issue 28): the core says a key and its params,
the agenda keeps them the same in every language, and people read them in theirs."""

from __future__ import annotations

import json
import re

from kqcli.core.messages import TEMPLATES, Message, from_data, render, to_data

HAN = re.compile(r"[\u4e00-\u9fff]")
TODAY = "2026-11-24"


def _due_json(kq, root, *env: str) -> list[dict]:
    result = kq("--repo", root, "--today", TODAY, *env, "due", "--all", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_the_json_of_kq_due_is_the_same_in_either_language(kq, examples_copy):
    chinese = kq("--repo", examples_copy, "--today", TODAY, "due", "--all", "--format", "json")
    english = kq("--lang", "en", "--repo", examples_copy, "--today", TODAY, "due", "--all",
                 "--format", "json")
    assert chinese.stdout == english.stdout
    assert len(json.loads(chinese.stdout)) > 10


def test_every_row_words_its_message_from_its_key_as_the_json_says_it(kq, examples_copy):
    rows = _due_json(kq, examples_copy)
    for row in rows:
        said = from_data({"key": row["message_key"], "params": row["message_params"]})
        assert render(said, "zh") == row["message"]
        assert render(said, "en") != row["message"] or not HAN.search(row["message"])
    keys = {row["message_key"] for row in rows}
    assert {"route", "visit_last", "care_call"} <= keys


def test_the_english_table_words_the_rules_messages_in_english(kq, examples_copy):
    table = kq("--lang", "en", "--repo", examples_copy, "--today", TODAY, "due", "--all").stdout
    chinese = kq("--repo", examples_copy, "--today", TODAY, "due", "--all").stdout
    assert "fixed visit" in table and "固定拜访" not in table
    assert "固定拜访" in chinese and "fixed visit" not in chinese


def test_a_message_and_its_nested_messages_survive_json():
    said = Message("route", {"weekday": Message("weekday_tue"), "time": " 09:30",
                             "skipped": Message("join", parts=(
                                 Message("route_holiday", {"month": 10, "day": 6}),)),
                             "see": ""})
    again = from_data(json.loads(json.dumps(to_data(said))))
    assert again == said
    assert render(again, "zh") == "固定拜访 周二 09:30, 10月6日节假日不去"
    assert render(again, "en") == "fixed visit Tue 09:30, not on the holiday 10/6"


def test_a_lunar_birthday_is_lunar_notation_in_chinese_and_numbers_in_english():
    said = Message("lunar_birthday", {"who": "赵德明(老板)", "lunar": "L06-09",
                                      "date": "2025-08-02"})
    assert render(said, "zh") == "赵德明(老板) 农历生日 闰六月初九 (2025-08-02)"
    assert render(said, "en") == "赵德明(老板): lunar birthday leap 06-09 (2025-08-02)"


def test_every_english_template_is_free_of_han_characters_where_the_reminders_are():
    """The English side of every reminder template (kq due's, from "route" on) has no Han
    character: a rep who asked for English reads no Chinese but the customers' own words."""
    keys = list(TEMPLATES)
    start = keys.index("route")
    end = keys.index("join")
    found = [key for key in keys[start:end] if HAN.search(TEMPLATES[key][0])]
    assert found == []


def test_the_owed_months_are_joined_in_each_language():
    from kqcli.core.due import owed_months

    months = owed_months(["2026-03", "2026-04", "2026-05", "2026-08", "2026-10"])
    assert months == ["2026-03~2026-05", "2026-08", "2026-10"]
    said = Message("report_missing", {"months": months, "note": Message(
        "report_deadline", {"deadline": "2026-04-10"})})
    assert render(said, "zh") == ("2026-03~2026-05、2026-08、2026-10 的出销/库存/动销未上报 "
                                  "(截止 2026-04-10)")
    assert render(said, "en") == ("2026-03~2026-05, 2026-08, 2026-10: sell-out, inventory and "
                                  "movement not reported (deadline 2026-04-10)")
