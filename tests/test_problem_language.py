"""What a person reads about a bad customer file or kq.yaml is in their language (issue 24):
the schema's own messages (a date, an enum, a kq.yaml setting) and YAML's (a duplicate key, an
impossible date) are Chinese by default and English with ``--lang en``; the index keeps them
language-neutral, so a problem found in one language is read back in the other."""

from __future__ import annotations

TODAY = "2026-11-24"


def check(kq, root, *lang: str) -> tuple[int, list[str]]:
    result = kq("--repo", root, "--today", TODAY, *lang, "check")
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout.splitlines()


def test_a_date_the_schema_refuses_is_said_in_chinese_by_default(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\nsince: 2026/11/01\n"})
    assert check(kq, root) == (1, [
        "customers/c.yaml:2:8: since: '2026/11/01' 不是日期; 写成 YYYY-MM-DD, 例如 2026-11-24"])


def test_a_date_the_schema_refuses_is_said_in_english_when_asked(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\nsince: 2026/11/01\n"})
    assert check(kq, root, "--lang", "en") == (1, [
        "customers/c.yaml:2:8: since: '2026/11/01' is not a date; write YYYY-MM-DD, "
        "e.g. 2026-11-24"])


def test_an_impossible_date_is_said_in_chinese_with_its_reason(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\nsince: 2026-13-01\n"})
    assert check(kq, root) == (1, [
        "customers/c.yaml:2:8: since: 2026-13-01 不是真实存在的日期 (月份要在 1..12 之间)"])


def test_an_impossible_date_is_said_in_english_when_asked(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\nsince: 2026-13-01\n"})
    assert check(kq, root, "--lang", "en") == (1, [
        "customers/c.yaml:2:8: since: 2026-13-01 is not a real date (month must be in 1..12)"])


def test_an_unknown_key_suggests_the_closest_in_chinese(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\ngrde: A\n"})
    assert check(kq, root) == (1, ["customers/c.yaml:2:1: grde: 不认识的键 'grde'; 是不是 'grade'?"])


def test_an_unknown_key_suggests_the_closest_in_english_when_asked(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\ngrde: A\n"})
    assert check(kq, root, "--lang", "en") == (1, [
        "customers/c.yaml:2:1: grde: unknown key 'grde'; did you mean 'grade'?"])


def test_a_duplicate_key_is_said_in_chinese(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\nname: 华信\n"})
    assert check(kq, root) == (1, [
        "customers/c.yaml:2:1: name: 重复的键 (第一次在第 1 行); YAML 会悄悄只保留最后一个"])


def test_a_duplicate_key_is_said_in_english_when_asked(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\nname: 华信\n"})
    assert check(kq, root, "--lang", "en") == (1, [
        "customers/c.yaml:2:1: name: duplicate key (first at line 1); YAML would silently "
        "keep only the last one"])


def test_a_wrong_enum_value_is_said_in_chinese(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\nkind: shop\n"})
    code, lines = check(kq, root)
    assert code == 1
    assert lines[0].startswith("customers/c.yaml:2:7: kind: 'shop' 不是 distributor | terminal")
    assert " 之一" in lines[0] and "is not one of" not in lines[0]


def test_a_wrong_enum_value_is_said_in_english_when_asked(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\nkind: shop\n"})
    code, lines = check(kq, root, "--lang", "en")
    assert code == 1
    assert lines[0].startswith("customers/c.yaml:2:7: kind: 'shop' is not one of distributor | ")


def test_a_customer_rule_of_the_schema_is_said_in_chinese(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\nlocation: [125.1, 102.7]\n"})
    assert check(kq, root) == (1, [
        "customers/c.yaml:2:11: location: [125.1, 102.7] 不是 [纬度, 经度]: 纬度在 -90..90 之间, "
        "经度在 -180..180 之间"])


BAD_SETTING = "care_calls:\n  min_days: 90\n  max_days: 40\n"


def test_a_bad_kq_yaml_setting_is_said_in_chinese_by_kq_check(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\n"}, kq_yaml=BAD_SETTING)
    assert check(kq, root) == (1, [
        "kq.yaml:2:3: care_calls: min_days 90 大于 max_days 40: 情感电话在上一次之后 min_days 到 "
        "max_days 天内打"])


def test_a_bad_kq_yaml_setting_is_said_in_english_by_kq_check_when_asked(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\n"}, kq_yaml=BAD_SETTING)
    assert check(kq, root, "--lang", "en") == (1, [
        "kq.yaml:2:3: care_calls: min_days 90 is above max_days 40: a care call comes min_days "
        "to max_days after the last one"])


def test_a_bad_kq_yaml_setting_stops_kq_list_in_chinese(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\n"}, kq_yaml=BAD_SETTING)
    result = kq("--repo", root, "--today", TODAY, "list")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "kq.yaml:2:3: care_calls: min_days 90 大于 max_days 40: 情感电话在上一次之后 min_days 到 "
        "max_days 天内打")


def test_a_bad_kq_yaml_setting_stops_kq_list_in_english_when_asked(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\n"}, kq_yaml=BAD_SETTING)
    result = kq("--repo", root, "--today", TODAY, "--lang", "en", "list")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "kq.yaml:2:3: care_calls: min_days 90 is above max_days 40: a care call comes min_days "
        "to max_days after the last one")


def test_a_problem_kept_by_an_english_kq_list_is_read_back_in_chinese(make_repo, kq):
    root = make_repo({"good": "name: 华信大药房\n", "c": "name: 华信\nsince: 2026/11/01\n"})
    listed = kq("--repo", root, "--today", TODAY, "--lang", "en", "list")
    assert "1 invalid file skipped" in listed.stderr  # the index now holds the problem
    assert check(kq, root) == (1, [
        "customers/c.yaml:2:8: since: '2026/11/01' 不是日期; 写成 YYYY-MM-DD, 例如 2026-11-24"])


def test_a_problem_kept_by_a_chinese_kq_list_is_read_back_in_english(make_repo, kq):
    root = make_repo({"good": "name: 华信大药房\n", "c": "name: 华信\nname: 华信2\n"})
    kq("--repo", root, "--today", TODAY, "list")
    assert check(kq, root, "--lang", "en") == (1, [
        "customers/c.yaml:2:1: name: duplicate key (first at line 1); YAML would silently "
        "keep only the last one"])


def test_the_schemas_value_error_stays_english_for_code_that_prints_it():
    from kqcli.schema.types import Invalid

    error = Invalid("{value} is not a date; write YYYY-MM-DD, e.g. 2026-11-24", value="'x'")
    assert str(error) == "'x' is not a date; write YYYY-MM-DD, e.g. 2026-11-24"


def test_a_tab_is_said_in_chinese_naming_what_libyaml_was_reading(make_repo, kq):
    root = make_repo({"c": b"name: x\n\tcity: y\n"})
    assert check(kq, root) == (1, [
        "customers/c.yaml:2:1: YAML 语法错误: 发现破坏缩进的制表符 (Tab); 请用空格缩进 (读取普通值时)"])


def test_a_tab_is_said_as_libyaml_says_it_in_english_when_asked(make_repo, kq):
    root = make_repo({"c": b"name: x\n\tcity: y\n"})
    assert check(kq, root, "--lang", "en") == (1, [
        "customers/c.yaml:2:1: YAML syntax: found a tab character that violates indentation "
        "(while scanning a plain scalar)"])


def test_a_merge_conflict_is_said_in_chinese(make_repo, kq):
    root = make_repo({"c": b"name: x\n<<<<<<< HEAD\ncity: a\n=======\ncity: b\n>>>>>>> other\n"})
    assert check(kq, root) == (1, [
        "customers/c.yaml:2:1: 未解决的合并冲突: 保留正确的版本, 删除 <<<<<<<, ======= 和 >>>>>>> 这几行"])


def test_a_list_too_long_is_said_in_chinese(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\ncadence: [1, 2, 3]\n"})
    assert check(kq, root) == (1, ["customers/c.yaml:2:10: cadence: [1, 2, 3]: 最多 2 项, 而不是 3 项"])


def test_a_setting_outside_its_choices_is_said_in_chinese(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\n"}, kq_yaml="lang: fr\n")
    assert check(kq, root) == (1, ["kq.yaml:1:7: lang: 'fr' 不是 'zh' | 'en' 之一"])


def test_a_setting_outside_its_choices_is_said_in_english_when_asked(make_repo, kq):
    root = make_repo({"c": "name: 华信大药房\n"}, kq_yaml="lang: fr\n")
    assert check(kq, root, "--lang", "en") == (1, ["kq.yaml:1:7: lang: 'fr' is not one of 'zh' | 'en'"])
