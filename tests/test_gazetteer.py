"""The gazetteer of administrative divisions (luoshi.gazetteer): names resolve against the
report's own region first, every county rolls up to its city, short names only for provinces
and cities."""

from __future__ import annotations

import pytest

from luoshi import gazetteer as G

# name, within, expected (code, level, city, province) — city/province by name, None where none
CASES = [
    ("南山区", "广东省", ("440305", "district", "深圳市", "广东省")),
    ("南山区", "深圳市", ("440305", "district", "深圳市", "广东省")),
    ("朝阳区", "北京市", ("110105", "district", "北京市", "北京市")),
    ("朝阳区", "吉林省", ("220104", "district", "长春市", "吉林省")),
    ("歙县", None, ("341021", "county", "黄山市", "安徽省")),
    ("额尔古纳市", None, ("150784", "county", "呼伦贝尔市", "内蒙古自治区")),
    ("神农架林区", None, ("429021", "county", "湖北省", "湖北省")),
    ("深圳", None, ("440300", "city", "深圳市", "广东省")),
    ("黔南州", None, ("522700", "city", "黔南布依族苗族自治州", "贵州省")),
    ("广东", None, ("440000", "province", None, "广东省")),
    ("内蒙古", None, ("150000", "province", None, "内蒙古自治区")),
    ("浦东新区", None, ("310115", "district", "上海市", "上海市")),
]


@pytest.mark.parametrize("name,within,want", CASES, ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_resolve(name, within, want):
    d = G.resolve(name, within)
    assert d is not None
    city = G.city_of(name, within)
    province = G.province_of(name, within)
    assert (d.code, d.level, city.name if city else None, province.name) == want


@pytest.mark.parametrize("name,within", [("朝阳区", None), ("南山区", None), ("和平区", None)])
def test_a_name_of_several_places_is_not_guessed_without_the_report_region(name, within):
    assert len(G.find(name)) > 1
    assert G.resolve(name, within) is None


@pytest.mark.parametrize("word", ["南山", "和平", "山区", "全省", "新区"])
def test_short_and_common_words_are_not_places(word):
    assert G.find(word) == []


def test_every_county_rolls_up_to_a_city_or_its_province():
    idx = G._index().by_code
    counties = [d for d in idx.values() if d.level in ("county", "district")]
    assert len(counties) > 2800
    for d in counties:
        up = G.parent(d)
        assert up is not None and up.level in ("city", "province") and up.code[:2] == d.code[:2], d


@pytest.mark.parametrize("name,code", [("北京市朝阳区", "110105"), ("吉林省长春市朝阳区", "220104"),
                                       ("广东省深圳市", "440300"), ("深圳市南山区", "440305")])
def test_a_name_written_with_its_province_or_city(name, code):
    assert G.resolve(name).code == code
    assert G.resolve("上海市朝阳区") is None  # no such place
