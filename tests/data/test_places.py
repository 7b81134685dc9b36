"""Structure and spot checks for the place-name gazetteer src/luoshi/data/places.json."""

import json
from collections import Counter
from importlib.resources import files

import pytest


@pytest.fixture(scope="module")
def places():
    text = (files("luoshi") / "data" / "places.json").read_text(encoding="utf-8")
    return json.loads(text)


def by_name(entries):
    return {e["name"]: e for e in entries}


def test_top_level_keys(places):
    for key in ("provinces", "cities", "county_short", "areas", "region_words", "ambiguous_short"):
        assert key in places
        assert places[key]


def test_provinces(places):
    provs = places["provinces"]
    assert len(provs) == 34
    assert len({p["name"] for p in provs}) == 34
    assert Counter(p["level"] for p in provs) == {
        "province": 23, "autonomous_region": 5, "municipality": 4, "sar": 2}
    assert "全国" not in {p["name"] for p in provs}
    p = by_name(provs)
    assert p["辽宁省"]["short"][:2] == ["辽宁", "辽"]
    assert p["广西壮族自治区"]["short"][0] == "广西"
    assert p["北京市"]["level"] == "municipality"
    assert p["香港特别行政区"]["short"][0] == "香港"
    for e in provs:
        assert isinstance(e["short"], list) and e["short"]


def test_cities(places):
    cities = places["cities"]
    names = [c["name"] for c in cities]
    assert len(names) == len(set(names))
    provs = {p["name"] for p in places["provinces"]}
    for c in cities:
        assert c["province"] in provs
        assert isinstance(c["short"], str) and c["short"]
    levels = Counter(c["level"] for c in cities)
    # 333 prefecture-level divisions: 293 cities, 7 地区, 30 自治州, 3 盟
    assert levels["city"] == 293
    assert levels["prefecture"] == 7
    assert levels["autonomous_prefecture"] == 30
    assert levels["league"] == 3
    c = by_name(cities)
    assert c["沈阳市"] == {**c["沈阳市"], "short": "沈阳", "province": "辽宁省", "level": "city"}
    assert c["延边朝鲜族自治州"]["short"] == "延边"
    assert c["延边朝鲜族自治州"]["province"] == "吉林省"
    assert c["阿拉善盟"]["short"] == "阿拉善"
    assert c["大兴安岭地区"]["province"] == "黑龙江省"
    assert c["吉林市"]["province"] == "吉林省"
    assert c["海南藏族自治州"]["province"] == "青海省"
    assert "莱芜市" not in c and "巢湖市" not in c  # abolished


def test_liaoning_cities(places):
    ln = {c["short"] for c in places["cities"] if c["province"] == "辽宁省" and c["level"] == "city"}
    assert ln == set("沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛".split())


def test_no_county_list_of_one_province(places):
    """Counties come from the gazetteer of every province (data/divisions.csv); places.json keeps
    only the short names no rule gives, each naming one division by its code."""
    from luoshi import gazetteer

    assert "counties_liaoning" not in places
    for e in places["county_short"]:
        d = gazetteer.get(e["code"])
        assert d is not None and d.name == e["name"] and d.level in ("county", "district"), e
        assert all(s in d.shorts for s in e["short"]), e


def test_areas(places):
    areas = places["areas"]
    names = [a["name"] for a in areas]
    assert len(names) == len(set(names))
    terms = set()
    for a in areas:
        terms.add(a["name"])
        if a.get("short"):
            terms.add(a["short"])
        terms.update(a.get("aliases", []))
    for t in ("沈阳都市圈", "沈阳现代化都市圈", "辽宁沿海经济带", "辽西", "辽东", "辽南", "辽北",
              "辽西融入京津冀协同发展战略先导区", "辽东绿色经济区", "沈抚示范区", "大连金普新区",
              "长三角", "珠三角", "京津冀", "粤港澳大湾区", "成渝地区双城经济圈",
              "东北", "西部", "中部", "东部", "雄安新区", "浦东新区"):
        assert t in terms, t
    a = by_name(areas)
    assert a["沈抚改革创新示范区"]["short"] == "沈抚示范区"
    assert sum(1 for x in areas if x["type"] == "national_new_area") == 19


def test_region_words_and_ambiguity(places):
    for w in ("全省", "全市", "我省", "我市", "全国", "本市"):
        assert w in places["region_words"]
    amb = places["ambiguous_short"]
    assert len(amb) == len(set(amb))
    for s in ("朝阳", "吉林", "海南", "辽"):
        assert s in amb
    assert "江门" not in amb
    known = set()
    for p in places["provinces"]:
        known.update(p["short"])
    for e in places["cities"] + places["areas"]:
        known.update(x for x in [e["name"], e.get("short")] + e.get("aliases", []) if x)
    from luoshi import gazetteer

    for d in gazetteer._index().by_code.values():  # every division's short names, counties' too
        known.update(d.shorts)
    assert set(amb) <= known, sorted(set(amb) - known)
    assert set(places["ambiguous_notes"]) == set(amb)
