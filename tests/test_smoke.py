import json


def test_list_json_carries_fields_plus_id(make_repo, kq):
    root = make_repo({"hx-renmin": "name: 华信大药房(人民路店)\nkind: 终端\ntier: key\n"})
    result = kq("--repo", root, "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["id"] == "hx-renmin"
    assert rows[0]["kind"] == "terminal"
    assert rows[0]["tier"] == "key"
