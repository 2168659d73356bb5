"""The directory of units and leaders, and the matching every query goes through."""

from __future__ import annotations

import pickle
import re
from importlib import resources
from pathlib import Path

import pytest

from xatrack.directory import Directory, Group, Leader, Unit, parse_directory
from xatrack.errors import InputError

SEED = Path("/work/shared/seeds/000_62ed9874ae27b31b.txt")
TOWNS_AND_STREETS = (
    "汀泗桥镇", "向阳湖镇", "官埠桥镇", "横沟桥镇", "贺胜桥镇", "双溪桥镇", "马桥镇", "桂花镇", "高桥镇",
    "浮山街道办事处", "永安街道办事处", "温泉街道办事处",
)  # fmt: skip


def bundled_text() -> str:
    return resources.files("xatrack").joinpath("data/2025-xianan.units.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def directory() -> Directory:
    d, problems = parse_directory(bundled_text(), "units.yaml")
    assert problems == [], [str(p) for p in problems]
    return d


def seed_assignments(text: str) -> list[dict[str, list[str]]]:
    """Every (责任领导:…;牵头单位:…;责任单位:…) bracket of the document, split into names.

    Handles 〔〕 brackets, nested () as in 区财政局(国资局), full-width or ASCII
    punctuation, the ':' typed for ';' in task 86, and 、 / , separators.
    """
    closing = {"(": ")", "(": ")", "〔": "〕"}
    out = []
    for m in re.finditer(r"[((〔]\s*责任领导\s*[::]", text):
        start, opener = m.start(), text[m.start()]
        depth, end = 0, None
        for j in range(start, len(text)):
            if text[j] == opener:
                depth += 1
            elif text[j] == closing[opener]:
                depth -= 1
                if depth == 0:
                    end = j
                    break
        assert end is not None, f"unclosed bracket at {start}"
        body = text[start + 1 : end]
        parts = re.split(r"[;;::]?\s*(责任领导|牵头单位|责任单位)\s*[::]", body)
        fields = {}
        for key, value in zip(parts[1::2], parts[2::2]):
            fields[key] = [n.strip() for n in re.split(r"[、,,]", value) if n.strip()]
        out.append(fields)
    return out


# ------------------------------------------------------------------ exact / alias / canonical


def test_exact_name(directory):
    q = directory.unit_query("区科经局", ["区科经局"])
    assert (q.name, q.is_group) == ("区科经局", False)
    assert q.matches(["区科经局"])
    assert not q.matches(["区发改局"])


def test_both_finance_aliases_are_the_finance_bureau(directory):
    assert directory.canonical_unit("区财政局(国资局)") == "区财政局"
    assert directory.canonical_unit("区财政局(区国资局)") == "区财政局"
    assert directory.canonical_unit("区财政局(国资局)") == "区财政局"  # full-width brackets
    q = directory.unit_query("区财政局", [])
    assert q.matches(["区财政局(国资局)"])  # task 43
    assert q.matches(["区财政局(区国资局)"])  # task 46
    # typing an alias finds the same unit
    assert directory.unit_query("区财政局(区国资局)", []).name == "区财政局"
    assert directory.unit_query("国资局", []).name == "区财政局"


def test_transport_and_government_office_aliases(directory):
    assert directory.canonical_unit("区交通局") == "区交通运输局"
    assert directory.canonical_unit("区政府办") == "区政府办公室"
    assert directory.unit_query("区交通运输局", []).matches(["区交通局"])  # task 93
    office = directory.unit_query("区政府办", [])
    assert office.name == "区政府办公室"
    assert office.matches(["区政府办公室"]) and office.matches(["区政府办"])


def test_unknown_name_is_its_own_canonical(directory):
    assert directory.canonical_unit("某某公司") == "某某公司"
    assert directory.canonical_leader("张三") == "张三"


# ------------------------------------------------------------------ groups


def test_town_sees_tasks_of_all_towns(directory):
    q = directory.unit_query("桂花镇", [])
    assert q.matches(["各乡镇办场"])
    assert q.matches(["各乡镇办"])
    assert q.matches(["区直相关单位", "各乡镇办场", "咸安经济开发区"])
    assert not q.matches(["区直相关单位", "咸安经济开发区"])
    assert not q.matches(["贺胜桥镇"])


def test_farm_is_in_xiangzhenbanchang_not_in_xiangzhenban(directory):
    q = directory.unit_query("向阳湖奶牛场", [])
    assert q.matches(["各乡镇办场"])
    assert not q.matches(["各乡镇办"])
    assert not q.matches(["项目沿线乡镇办"])
    assert q.matches(["相关乡镇办场"])


def test_partial_groups_are_seen_by_every_possible_member(directory):
    town = directory.unit_query("官埠桥镇", [])
    for name in ("相关乡镇办场", "相关乡镇办", "项目沿线乡镇办"):
        assert town.matches([name]), name
    assert directory.group("相关乡镇办场").partial is True
    assert directory.group("各乡镇办场").partial is False


def test_group_members_and_groups_of(directory):
    assert directory.members("各乡镇办") == TOWNS_AND_STREETS
    assert directory.members("各乡镇办场") == TOWNS_AND_STREETS + ("向阳湖奶牛场",)
    assert directory.groups_of("桂花镇") == ("各乡镇办", "各乡镇办场", "相关乡镇办场", "相关乡镇办", "项目沿线乡镇办")
    assert directory.groups_of("向阳湖奶牛场") == ("各乡镇办场", "相关乡镇办场")
    assert directory.groups_of("区交通局") == ("区政府各部门", "区直相关单位")
    assert directory.groups_of("区经发集团") == ()  # listed beside 区直相关单位 in the document
    assert directory.groups_of("区委组织部") == ("区直相关单位",)


def test_department_sees_government_wide_tasks(directory):
    q = directory.unit_query("科经局", [])
    assert q.matches(["区政府各部门", "各乡镇办场"])  # tasks 97–100
    assert q.matches(["区直有关单位"])  # task 88, alias of 区直相关单位
    assert not q.matches(["各乡镇办场", "咸安经济开发区"])


def test_group_query_matches_the_group_and_complete_supersets(directory):
    q = directory.unit_query("各乡镇办", [])
    assert (q.name, q.is_group) == ("各乡镇办", True)
    assert q.matches(["各乡镇办"])
    assert q.matches(["各乡镇办场"])  # applies to every 乡镇办
    assert not q.matches(["相关乡镇办场"])  # only some of them
    assert not q.matches(["桂花镇"])  # one town is not all of them
    whole = directory.unit_query("各乡镇办场", [])
    assert whole.matches(["各乡镇办场"]) and not whole.matches(["各乡镇办"])


# ------------------------------------------------------------------ substring and errors


def test_substring(directory):
    assert directory.unit_query("科经局", []).name == "区科经局"
    assert directory.unit_query("科经", []).name == "区科经局"
    assert directory.unit_query("财政", []).name == "区财政局"  # name and its aliases: one unit
    assert directory.unit_query("桂花", []).name == "桂花镇"
    assert directory.unit_query("开发区", []).name == "咸安经济开发区"


def test_ambiguous_substring_names_the_candidates(directory):
    with pytest.raises(InputError) as err:
        directory.unit_query("街道办事处", [])
    assert err.value.message == (
        '单位"街道办事处"有多个匹配:浮山街道办事处、永安街道办事处、温泉街道办事处,请输入更完整的名称'
    )


def test_ambiguous_lists_at_most_five(directory):
    with pytest.raises(InputError) as err:
        directory.unit_query("镇", [])
    assert err.value.message == (
        '单位"镇"有多个匹配:汀泗桥镇、向阳湖镇、官埠桥镇、横沟桥镇、贺胜桥镇等14个,请输入更完整的名称'
    )


def test_exact_name_wins_over_longer_names_containing_it(directory):
    # 各乡镇办 is inside 各乡镇办场 and 相关乡镇办…, but typed exactly it is that group
    assert directory.unit_query("各乡镇办", []).name == "各乡镇办"
    with pytest.raises(InputError, match="有多个匹配:各乡镇办、各乡镇办场、相关乡镇办场、相关乡镇办、项目沿线乡镇办"):
        directory.unit_query("乡镇办", [])


def test_unknown_with_suggestion(directory):
    with pytest.raises(InputError) as err:
        directory.unit_query("区科金局", [])
    assert err.value.message == '没有找到单位"区科金局",是否为"区科经局"?'


def test_unknown_without_suggestion(directory):
    with pytest.raises(InputError) as err:
        directory.unit_query("大数据中心xyz", [])
    assert err.value.message == '没有找到单位"大数据中心xyz"'


def test_empty_query_is_an_input_error(directory):
    with pytest.raises(InputError, match="单位名称不能为空"):
        directory.unit_query("  ", [])


# ------------------------------------------------------------------ empty directory


def test_empty_directory_matches_plan_names():
    d = Directory.empty()
    names = ["区财政局", "区财政局(国资局)", "区科经局", "各乡镇办场"]
    q = d.unit_query("科经局", names)
    assert q.name == "区科经局" and q.matches(["区科经局"]) and not q.matches(["各乡镇办场"])
    assert d.unit_query("财政局", names).name == "区财政局"  # 区 + query is an exact name
    with pytest.raises(InputError, match='单位"财政"有多个匹配:区财政局、区财政局\\(国资局\\)'):
        d.unit_query("财政", names)
    assert d.canonical_unit("区交通局") == "区交通局"
    assert d.groups_of("桂花镇") == ()
    assert not d.unit_query("桂花镇", ["桂花镇"]).matches(["各乡镇办场"])
    assert d.leader_query("洪声耀", ["洪声耀"]).matches(["洪声耀"])


def test_directory_pickles_and_rebuilds_its_index(directory):
    copy = pickle.loads(pickle.dumps(directory))
    assert copy == directory
    assert copy.canonical_unit("区交通局") == "区交通运输局"


# ------------------------------------------------------------------ leaders


def test_leader_names_only_by_default(directory):
    q = directory.leader_query("洪声耀", ["洪声耀", "区政府班子成员"])
    assert q.matches(["洪声耀"])
    assert q.matches(["常务副区长", "洪声耀"])
    assert not q.matches(["区政府班子成员"])
    assert not q.matches(["常务副区长"])


def test_leader_with_collective(directory):
    q = directory.leader_query("洪声耀", [], include_collective=True)
    assert q.matches(["区政府班子成员"])
    assert q.matches(["洪声耀"])
    assert not q.matches(["陈浩"])
    post = directory.leader_query("常务副区长", [], include_collective=True)
    assert post.matches(["区政府班子成员"]) and post.matches(["常务副区长"])


def test_leader_substring_and_unknown(directory):
    assert directory.leader_query("声耀", []).name == "洪声耀"
    assert directory.leader_query("常务", []).name == "常务副区长"
    with pytest.raises(InputError) as err:
        directory.leader_query("洪生耀", [])
    assert err.value.message == '没有找到领导"洪生耀",是否为"洪声耀"?'


def test_post_holder_sees_the_posts_items():
    text = "leaders:\n  - {name: 洪声耀}\n  - {name: 常务副区长, type: 职务, holder: 张三}\n"
    d, problems = parse_directory(text, "units.yaml")
    assert problems == []
    q = d.leader_query("张三", [])
    assert q.name == "张三" and q.matches(["常务副区长"]) and not q.matches(["洪声耀"])
    assert not d.leader_query("洪声耀", []).matches(["常务副区长"])


def test_leader_counts_on_the_seed(directory):
    items = seed_assignments(SEED.read_text(encoding="utf-8"))
    hong = directory.leader_query("洪声耀", [])
    assert sum(hong.matches(i["责任领导"]) for i in items) == 28  # G3 + 27 tasks
    hong_all = directory.leader_query("洪声耀", [], include_collective=True)
    assert sum(hong_all.matches(i["责任领导"]) for i in items) == 30  # + 97, 98


# ------------------------------------------------------------------ pinyin


def test_pinyin_full_and_initials(directory):
    assert directory.leader_query("hsy", []).name == "洪声耀"
    assert directory.leader_query("hongshengyao", []).name == "洪声耀"
    assert directory.leader_query("HongShengYao", []).name == "洪声耀"
    assert directory.unit_query("kjj", []).name == "区科经局"  # initials without the leading 区
    assert directory.unit_query("qkjj", []).name == "区科经局"
    assert directory.unit_query("guihua", []).name == "桂花镇"
    assert directory.unit_query("jiaotong", []).name == "区交通运输局"
    assert directory.unit_query("kejingj", []).name == "区科经局"  # mixed full and initials


def test_pinyin_shared_initials_are_ambiguous(directory):
    with pytest.raises(InputError) as err:
        directory.unit_query("swj", [])  # 区商务局 / 区税务局
    assert err.value.message == '单位"swj"有多个匹配:区商务局、区税务局,请输入更完整的名称'
    with pytest.raises(InputError) as err:
        directory.leader_query("ch", [])  # 陈浩's initials, but also chéng / cháng
    assert err.value.message == '领导"ch"有多个匹配:陈浩、程文敏、常务副区长,请输入更完整的名称'
    assert directory.unit_query("shangwu", []).name == "区商务局"
    assert directory.leader_query("chenhao", []).name == "陈浩"


def test_pinyin_whole_name_wins_over_longer_names(directory):
    # gexiangzhenban spells 各乡镇办 entirely and is also the start of 各乡镇办场
    assert directory.unit_query("gexiangzhenban", []).name == "各乡镇办"
    assert directory.unit_query("gexiangzhenbanchang", []).name == "各乡镇办场"
    with pytest.raises(InputError, match="有多个匹配:各乡镇办、各乡镇办场,"):
        directory.unit_query("gxzb", [])  # initials are not a whole-name match


def test_pinyin_unknown_suggests(directory):
    with pytest.raises(InputError) as err:
        directory.leader_query("hongshenyoa", [])
    assert err.value.message == '没有找到领导"hongshenyoa",是否为"洪声耀"?'


def test_pypinyin_not_imported_for_chinese_queries(directory):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from xatrack.directory import Directory\n"
        "d = Directory.empty()\n"
        "d.unit_query('科经局', ['区科经局'])\n"
        "print('pypinyin' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------ the file


def test_malformed_yaml_gives_a_problem_with_its_line():
    text = "units:\n  - {name: 区财政局}\n  - {name: 区交通运输局, aliases: [区交通局}\n"
    d, problems = parse_directory(text, "units.yaml")
    assert len(problems) == 1
    assert (problems[0].file, problems[0].line, problems[0].severity) == ("units.yaml", 3, "error")
    assert problems[0].message.startswith("YAML 格式错误:")
    assert d.units == ()


def test_duplicate_key_is_a_problem_not_an_exception():
    text = "groups:\n  各乡镇办: [桂花镇]\n  各乡镇办: [马桥镇]\nunits: [桂花镇, 马桥镇]\n"
    _, problems = parse_directory(text, "units.yaml")
    assert [(p.line, p.message) for p in problems] == [(3, "YAML 格式错误:重复的键")]


def test_semantic_problems_carry_lines():
    text = (
        "units:\n"  # 1
        "  - {name: 区财政局, aliases: [区国资局]}\n"  # 2
        "  - {name: 区国资局}\n"  # 3
        "  - name: 桂花镇\n"  # 4
        "    colour: red\n"  # 5
        "groups:\n"  # 6
        "  甲组: [乙组, 不存在的单位]\n"  # 7
        "  乙组: [甲组]\n"  # 8
        "leaders:\n"  # 9
        "  - {name: 洪声耀, type: 领导}\n"  # 10
    )
    d, problems = parse_directory(text, "units.yaml")
    got = [(p.line, p.severity, p.message) for p in problems]
    assert got == [
        (5, "warning", '单位"桂花镇"中未知的键"colour"(可用:name、aliases、type、note、contact、phone)'),
        (10, "error", '领导"洪声耀"的 type"领导"无效(可用:个人、职务、集体)'),
        (3, "error", '名称"区国资局"已用于"区财政局"(第2行),不能再用于"区国资局"'),
        (7, "warning", '分组"甲组"的成员"不存在的单位"不在单位列表中'),
        (7, "error", '分组"甲组"直接或间接包含了自己'),
        (8, "error", '分组"乙组"直接或间接包含了自己'),
    ]
    # what could be read is kept, and a cycle does not hang matching
    assert d.canonical_unit("区国资局") == "区财政局"
    assert d.unit_query("桂花镇", []).matches(["区财政局", "桂花镇"])
    assert d.members("甲组") == ("不存在的单位",)


def test_top_level_must_be_a_mapping():
    _, problems = parse_directory("- 桂花镇\n", "units.yaml")
    assert [(p.line, p.message) for p in problems] == [(1, "目录文件的顶层应为 units / groups / leaders 三部分")]


def test_empty_file_is_an_empty_directory():
    d, problems = parse_directory("# 暂无\n", "units.yaml")
    assert problems == [] and d == Directory.empty("units.yaml")


def test_list_style_groups_and_plain_entries():
    text = "units: [桂花镇, 马桥镇]\ngroups:\n  - {name: 两镇, members: [桂花镇, 马桥镇], aliases: [两个镇]}\nleaders: [洪声耀]\n"
    d, problems = parse_directory(text, "units.yaml")
    assert problems == []
    assert d.units == (Unit("桂花镇", line=1), Unit("马桥镇", line=1))
    assert d.groups == (Group("两镇", members=("桂花镇", "马桥镇"), aliases=("两个镇",), line=3),)
    assert d.leaders == (Leader("洪声耀", line=4),)
    assert d.unit_query("桂花镇", []).matches(["两个镇"])


# ------------------------------------------------------------------ the real document


def test_seed_brackets_are_all_found():
    items = seed_assignments(SEED.read_text(encoding="utf-8"))
    assert len(items) == 107  # 7 targets + 100 tasks
    task86 = items[7 + 85]
    assert task86["牵头单位"] == ["市生态环境局咸安区分局"]  # ':' typed for ';'
    assert task86["责任单位"][-1] == "向阳湖奶牛场"
    assert items[7 + 42]["责任单位"][1] == "区财政局(国资局)"  # 〔〕 with nested ()
    assert items[7 + 45]["牵头单位"] == ["区财政局(区国资局)"]


def test_every_unit_and_leader_in_the_seed_is_known(directory):
    items = seed_assignments(SEED.read_text(encoding="utf-8"))
    units = {n for i in items for key in ("牵头单位", "责任单位") for n in i.get(key, [])}
    leaders = {n for i in items for n in i.get("责任领导", [])}
    assert len(units) == 82
    assert sorted(n for n in units if not directory.knows_unit(n)) == []
    assert leaders == {"洪声耀", "陈浩", "程文敏", "丁玲", "刘伍寿", "姜黎明", "常务副区长", "区政府班子成员"}
    assert sorted(n for n in leaders if not directory.knows_leader(n)) == []


def test_seed_town_and_farm_see_the_right_items(directory):
    items = seed_assignments(SEED.read_text(encoding="utf-8"))
    ids = [f"G{n}" for n in range(1, 8)] + [str(n) for n in range(1, 101)]

    def selected(query: str) -> set[str]:
        q = directory.unit_query(query, [])
        return {i for i, item in zip(ids, items) if q.matches(item.get("牵头单位", []) + item.get("责任单位", []))}

    town, farm = selected("桂花镇"), selected("向阳湖奶牛场")
    assert len(town) == 69
    assert {"G1", "97", "98", "99", "100"} <= town  # 各乡镇办场
    # 各乡镇办 (38, 44), 项目沿线乡镇办 (49), 相关乡镇办 (52), and the three naming 桂花镇 itself
    assert town - farm == {"38", "44", "49", "52", "70", "72", "87"}
    assert farm - town == {"64"}  # names 向阳湖奶牛场, not 桂花镇
    assert len(selected("区财政局")) == 28  # incl. 43 and 46 written with 国资局, and 区政府各部门 items
    assert {"43", "46", "97"} <= selected("区财政局")


def test_a_pasted_paragraph_as_a_key_makes_a_short_warning():
    # Found by test_fuzz_directory_loader: an unknown key of 100,000 characters was quoted whole.
    text = "units:\n  - {name: 区审计局, type:" + "长" * 5000 + " 区政府部门}\n"  # "type:长…" is one key
    _, problems = parse_directory(text)
    (problem,) = problems
    assert "未知的键" in problem.message and problem.line == 2
    assert len(str(problem)) < 200 and '"type:' + "长" * 34 + '…"' in problem.message
