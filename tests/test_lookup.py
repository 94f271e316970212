"""Finding customers: `kq show CUSTOMER` resolution and `kq list` search and filters."""

from __future__ import annotations

import json

import pytest

from kqcli.core.pinyin import initials, matches


@pytest.fixture(autouse=True)
def _messages_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The messages as the code writes them: English, the catalogue's source (their Chinese is
    tests/test_people_output.py's and the catalogue's)."""
    monkeypatch.setenv("KQ_LANG", "en")


RENMIN = """
    name: 华信大药房(人民路店)
    kind: terminal
    tier: key
    owner: 李明
    region: 昆明/五华区
    tags: [连锁, 医保]
    """
BEIJING = """
    name: 华信大药房(北京路店)
    kind: terminal
    tier: secondary
    owner: 张强
    region: 昆明/盘龙区
    tags: [连锁]
    """
ZENG = """
    name: 曾氏药店
    kind: terminal
    tier: normal
    owner: 李明
    region: 大理/古城
    tags: [单体]
    """
LIANGFANG = """
    name: 良方医药
    kind: 经销商
    owner: 张强
    region: 曲靖
    """


@pytest.fixture
def shop_repo(make_repo):
    """One 华信 store, 曾氏药店 and a distributor: every lookup here has one answer."""
    return make_repo({"hx-renmin": RENMIN, "zeng": ZENG, "liangfang": LIANGFANG})


@pytest.fixture
def chain_repo(make_repo):
    """Two 华信 stores that share a name prefix, id prefix and pinyin initials."""
    return make_repo({"hx-renmin": RENMIN, "hx-beijing": BEIJING, "zeng": ZENG})


def shown_id(kq, root, query: str) -> str:
    result = kq("--repo", root, "show", query, "--format", "json")
    assert result.exit_code == 0, result.stderr
    [card] = json.loads(result.stdout)
    return card["id"]


def listed_ids(kq, root, *args: str) -> list[str]:
    result = kq("--repo", root, "list", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


# --- kq show ---------------------------------------------------------------------------------


def test_show_finds_a_customer_by_exact_id(chain_repo, kq):
    assert shown_id(kq, chain_repo, "hx-renmin") == "hx-renmin"


def test_show_finds_a_customer_by_unique_id_prefix(chain_repo, kq):
    assert shown_id(kq, chain_repo, "hx-b") == "hx-beijing"


def test_show_finds_a_customer_by_unique_name_substring(chain_repo, kq):
    assert shown_id(kq, chain_repo, "人民路") == "hx-renmin"


def test_show_finds_a_customer_by_pinyin_initials(shop_repo, kq):
    assert shown_id(kq, shop_repo, "hxdyf") == "hx-renmin"


def test_show_pinyin_initials_are_case_insensitive(shop_repo, kq):
    assert shown_id(kq, shop_repo, "HXDYF") == "hx-renmin"


def test_longer_pinyin_initials_tell_two_branches_apart(chain_repo, kq):
    assert shown_id(kq, chain_repo, "hxdyfbjl") == "hx-beijing"


def test_surname_zeng_is_found_by_its_z_reading(shop_repo, kq):
    assert shown_id(kq, shop_repo, "zsyd") == "zeng"


def test_surname_zeng_is_found_by_its_c_reading(shop_repo, kq):
    assert shown_id(kq, shop_repo, "csyd") == "zeng"


def test_show_card_carries_the_customer_fields_plus_id(shop_repo, kq):
    result = kq("--repo", shop_repo, "show", "liangfang", "--format", "json")
    assert json.loads(result.stdout) == [{
        "id": "liangfang", "name": "良方医药", "kind": "distributor", "owner": "张强",
        "owners": [], "region": "曲靖", "tags": [], "seasons": [], "contacts": [], "products": [],
        "visits": [], "months": {}, "assessments": {}, "synergy": {}, "expenses": [], "intel": [],
        "acks": [], "issues": [], "skips": [],
    }]


def test_ambiguous_name_exits_2_and_lists_the_candidates(chain_repo, kq):
    result = kq("--repo", chain_repo, "show", "华信")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "kq: '华信' matches 2 customers; say which:\n"
        "  hx-beijing  华信大药房(北京路店)\n"
        "  hx-renmin  华信大药房(人民路店)\n"
    )


def test_ambiguous_pinyin_initials_exit_2(chain_repo, kq):
    result = kq("--repo", chain_repo, "show", "hxdyf")
    assert result.exit_code == 2
    assert result.stderr.startswith("kq: 'hxdyf' matches 2 customers; say which:\n")


def test_ambiguous_id_prefix_exits_2(chain_repo, kq):
    result = kq("--repo", chain_repo, "show", "hx-")
    assert result.exit_code == 2
    assert "hx-beijing" in result.stderr and "hx-renmin" in result.stderr


def test_exact_id_wins_over_a_longer_id_it_prefixes(make_repo, kq):
    root = make_repo({"hx": "name: 华信总店\n", "hx-renmin": RENMIN})
    assert shown_id(kq, root, "hx") == "hx"


def test_no_match_exits_2(shop_repo, kq):
    result = kq("--repo", shop_repo, "show", "同仁堂")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "kq: no customer matches '同仁堂' (by id, name or pinyin initials)\n"


@pytest.mark.parametrize("query", ["../kq", "../../etc/passwd", "../customers/zeng", "/etc/passwd"])
def test_a_path_never_reads_outside_customers(shop_repo, kq, query):
    (shop_repo.parent / "secret.yaml").write_text("name: 机密\n", encoding="utf-8")
    result = kq("--repo", shop_repo, "show", query, "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"kq: no customer matches '{query}' (by id, name or pinyin initials)\n"


def test_a_path_to_a_yaml_file_next_to_the_repository_is_not_a_customer(shop_repo, kq):
    (shop_repo.parent / "secret.yaml").write_text("name: 机密\n", encoding="utf-8")
    result = kq("--repo", shop_repo, "show", "../../secret")
    assert result.exit_code == 2
    assert "机密" not in result.stdout + result.stderr


def test_repo_path_of_refuses_ids_that_climb_out(shop_repo):
    from kqcli.store.errors import KqError
    from kqcli.store.repo import Repo

    repo = Repo(shop_repo, today=None)  # type: ignore[arg-type]
    with pytest.raises(KqError, match="not a valid customer id"):
        repo.path_of("../kq")


# --- odd file names: check, list and show follow one id rule ---------------------------------

ODD_NAMES = ["-rf", "a b", "c:d"]
ID_REFUSED = ("cannot be a customer id: an id starts with a letter, digit or Chinese character "
              "and holds only those, '.', '-' and '_'; rename the file")


@pytest.mark.parametrize("odd", ODD_NAMES)
def test_check_reports_a_file_name_that_is_not_a_customer_id(make_repo, kq, odd):
    root = make_repo({"zeng": ZENG, odd: "name: 怪名药店\n"})
    result = kq("--repo", root, "check")
    assert result.exit_code == 1
    assert result.stdout == f"customers/{odd}.yaml:1:1: '{odd}' {ID_REFUSED}\n"


@pytest.mark.parametrize("odd", ODD_NAMES)
def test_list_skips_a_file_name_that_is_not_a_customer_id_and_exits_1(make_repo, kq, odd):
    root = make_repo({"zeng": ZENG, odd: "name: 怪名药店\n"})
    result = kq("--repo", root, "--lang", "en", "list", "--format", "json")
    assert result.exit_code == 1
    assert [row["id"] for row in json.loads(result.stdout)] == ["zeng"]
    assert result.stderr.startswith(f"skipped customers/{odd}.yaml:1:1: '{odd}' {ID_REFUSED}\n")


@pytest.mark.parametrize("odd", ODD_NAMES)
def test_show_of_a_file_name_that_is_not_a_customer_id_says_to_run_check(make_repo, kq, odd):
    root = make_repo({"zeng": ZENG, odd: "name: 怪名药店\n"})
    result = kq("--repo", root, "show", "--", odd)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"kq: '{odd}' is {odd}, whose file is invalid; run 'kq check'\n"


def test_show_by_the_name_inside_a_file_with_an_odd_name_finds_nothing(make_repo, kq):
    root = make_repo({"zeng": ZENG, "a b": "name: 怪名药店\n"})
    result = kq("--repo", root, "show", "怪名药店")
    assert result.exit_code == 2
    assert result.stderr == "kq: no customer matches '怪名药店' (by id, name or pinyin initials)\n"


@pytest.mark.parametrize("customer_id", ["hx\n", "hx\nx", "-rf", "a b", "c:d", ".", "..", ""])
def test_id_rule_refuses_the_whole_string_not_just_a_prefix(customer_id):
    from kqcli.store.repo import valid_id

    assert not valid_id(customer_id)


@pytest.mark.parametrize("customer_id", ["hx-renmin", "华信_1", "a.b", "Z9"])
def test_id_rule_accepts_ordinary_ids(customer_id):
    from kqcli.store.repo import valid_id

    assert valid_id(customer_id)


def test_repo_path_of_refuses_an_id_ending_in_a_newline(shop_repo):
    from kqcli.store.errors import KqError
    from kqcli.store.repo import Repo

    repo = Repo(shop_repo, today=None)  # type: ignore[arg-type]
    with pytest.raises(KqError, match="not a valid customer id"):
        repo.path_of("zeng\n")


# --- pinyin initials -------------------------------------------------------------------------


def test_initials_have_one_entry_per_character_without_the_brackets():
    letters = initials("华信大药房(人民路店)")
    assert len(letters) == 9
    assert all(first in readings for first, readings in zip("hxdyfrmld", letters, strict=True))


def test_initials_of_zeng_have_both_readings():
    assert set(initials("曾")[0]) == {"z", "c"}


def test_initials_match_a_run_in_the_middle_of_a_name():
    assert matches("rml", initials("华信大药房(人民路店)"))


def test_initials_prefix_only_match_needs_the_start():
    assert not matches("rml", initials("华信大药房(人民路店)"), prefix_only=True)


# --- kq list search --------------------------------------------------------------------------


def test_list_search_matches_a_region(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "五华") == ["hx-renmin"]


def test_list_search_matches_a_tag(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "医保") == ["hx-renmin"]


def test_list_search_matches_pinyin_initials(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "hxdyf") == ["hx-beijing", "hx-renmin"]


def test_list_search_matches_heteronym_initials(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "csyd") == ["zeng"]


def test_list_search_matches_an_owner(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "张强") == ["hx-beijing"]


def test_list_search_without_a_match_is_empty_and_exits_0(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "同仁堂") == []


# --- kq list filters -------------------------------------------------------------------------


def test_tier_filter_takes_the_chinese_term(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "--tier", "重点") == ["hx-renmin"]


def test_tier_filter_secondary_in_chinese(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "--tier", "次重点") == ["hx-beijing"]


def test_kind_filter_takes_the_chinese_term(shop_repo, kq):
    assert listed_ids(kq, shop_repo, "--kind", "经销商") == ["liangfang"]


def test_region_filter_matches_the_start_of_the_region(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "--region", "昆明") == ["hx-beijing", "hx-renmin"]


def test_region_filter_does_not_match_the_middle(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "--region", "五华区") == []


def test_owner_filter_is_exact(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "--owner", "李明") == ["hx-renmin", "zeng"]


def test_repeated_tag_filters_all_must_hold(chain_repo, kq):
    assert listed_ids(kq, chain_repo, "--tag", "连锁", "--tag", "医保") == ["hx-renmin"]


def test_bad_filter_value_exits_2_naming_the_allowed_values(chain_repo, kq):
    result = kq("--repo", chain_repo, "list", "--tier", "vip")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "kq: --tier: 'vip' is not one of key | secondary | normal (or 次重点, 重点, 非重点)\n")


# --- the store: names as a pure function, and .kq/schema.json kept in step ------------------

NAMES = [("hx", "华信大药房", [["h"], ["x"], ["d"], ["y"], ["f"]]),
         ("hx2", "华信二店", [["h"], ["x"], ["e"], ["d"]])]


def test_an_exact_id_wins_over_an_id_prefix():
    from kqcli.store.names import candidates

    assert candidates("hx", NAMES) == [("hx", "华信大药房")]


def test_a_shared_prefix_gives_every_candidate_in_id_order():
    from kqcli.store.names import candidates

    assert candidates("华信", NAMES) == [("hx", "华信大药房"), ("hx2", "华信二店")]


def test_schema_json_is_written_on_first_use(shop_repo, kq):
    from kqcli.schema.customer import json_schema_text

    kq("--repo", shop_repo, "list")
    assert (shop_repo / ".kq" / "schema.json").read_text(encoding="utf-8") == json_schema_text()


def test_schema_json_is_rewritten_when_kq_version_changes(shop_repo, kq, monkeypatch):
    import kqcli
    from kqcli.schema.customer import json_schema_text

    kq("--repo", shop_repo, "list")
    (shop_repo / ".kq" / "schema.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(kqcli, "__version__", "9.9.9")
    kq("--repo", shop_repo, "list")
    assert (shop_repo / ".kq" / "schema.json").read_text(encoding="utf-8") == json_schema_text()


def test_schema_json_is_rewritten_when_it_is_gone(shop_repo, kq):
    kq("--repo", shop_repo, "list")
    (shop_repo / ".kq" / "schema.json").unlink()
    kq("--repo", shop_repo, "list")
    assert (shop_repo / ".kq" / "schema.json").is_file()


def test_a_fresh_schema_json_is_not_written_again(shop_repo):
    from kqcli.store import schema_file
    from kqcli.store.index import Index

    index = Index(shop_repo)
    assert schema_file.keep(shop_repo, index) is True
    assert schema_file.keep(shop_repo, index) is False


# --- initials kept in the index --------------------------------------------------------------


def _stored_initials(root) -> dict[str, str | None]:
    import sqlite3

    db = sqlite3.connect(root / ".kq" / "index.sqlite")
    try:
        return dict(db.execute("select id, initials from files"))
    finally:
        db.close()


def test_a_small_index_leaves_initials_to_the_first_lookup_which_keeps_them(shop_repo, kq):
    assert kq("--repo", shop_repo, "check").exit_code == 0
    assert set(_stored_initials(shop_repo).values()) == {None}  # pypinyin not imported
    assert shown_id(kq, shop_repo, "lfyy") == "liangfang"
    stored = _stored_initials(shop_repo)
    assert json.loads(stored["zeng"]) == initials("曾氏药店")
    assert None not in stored.values()


def test_a_renamed_customer_is_found_by_its_new_initials(shop_repo, kq):
    assert shown_id(kq, shop_repo, "zsyd") == "zeng"
    path = shop_repo / "customers" / "zeng.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("曾氏药店", "单家诊所"),
                    encoding="utf-8")
    assert shown_id(kq, shop_repo, "djzs") == "zeng"
    assert kq("--repo", shop_repo, "show", "zsyd", "--format", "json").exit_code == 2


def test_a_large_refresh_works_initials_out_in_its_workers(tmp_path):
    from kqcli.store.index import PARALLEL_FROM, Index

    (tmp_path / "customers").mkdir()
    for n in range(PARALLEL_FROM):
        (tmp_path / "customers" / f"c{n}.yaml").write_text(
            f"name: 曾氏药店{n}\nkind: terminal\n", encoding="utf-8")
    index = Index(tmp_path)
    index.refresh()
    stored = dict(index.db.execute("select id, initials from files"))
    assert json.loads(stored["c7"]) == initials("曾氏药店7")
    assert None not in stored.values()
