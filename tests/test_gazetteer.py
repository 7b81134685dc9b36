"""The gazetteer of administrative divisions (luoshi.gazetteer), the one place-name normaliser:
names resolve against the report's own region first, ambiguous names are refused, every county
rolls up to its city; the cases are data (tests/gazetteer_cases.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from luoshi import gazetteer as G

CASES = json.loads((Path(__file__).parent / "gazetteer_cases.json").read_text(encoding="utf-8"))["cases"]


def _id(c: dict) -> str:
    what = c.get("name") or c.get("text") or "|".join(n for n, _ in c.get("names", []))
    return f"{c['op']}:{what}@{c.get('within')}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_case(case):
    op, within = case["op"], case.get("within")
    if op == "resolve":
        d = G.resolve(case["name"], within)
        want = case["expect"]
        got = None if d is None else {"code": d.code, "level": d.level, "chain": [x.name for x in G.chain(d)]}
        assert got == want, case["why"]
        if d is not None:  # the helpers agree with the chain
            assert G.province_of(case["name"], within).name == want["chain"][0]
            city = G.city_of(case["name"], within)
            assert (city.name if city else None) == (None if d.level == "province" else
                                                     d.name if d.level == "city" else G.parent(d).name)
    elif op == "key":
        keys = {G.region_key(n, w) for n, w in case["names"]}
        assert len(keys) == (1 if case["same"] else len(case["names"])), (keys, case["why"])
    elif op == "key_is":
        assert G.region_key(case["name"], within) == case["expect"], case["why"]
    elif op == "names":
        assert G.region_names(case["name"]) == sorted(case["expect"]), case["why"]
        assert {G.region_key(n) for n in case["expect"]} == {G.region_key(case["name"])}
    elif op == "place_in":
        d = G.place_in(case["text"])
        assert (d.name if d else None) == case["expect"], case["why"]
    elif op == "ordinary":
        assert G.ordinary(case["name"]) is case["expect"], case["why"]
    else:
        pytest.fail(f"unknown op {op!r}")


def test_every_level_and_form_has_a_case():
    """The table covers what the normaliser promises (guards against a thinned-out table)."""
    resolved = [G.resolve(c["name"], c.get("within")) for c in CASES if c["op"] == "resolve"]
    assert {d.level for d in resolved if d} == set(G.LEVELS)
    assert sum(d is None for d in resolved) >= 10  # refusals
    names = " ".join(c.get("name", "") for c in CASES)
    for form in ("自治州", "自治县", "旗", "盟", "地区", "林区", "新区", "市辖区", "镇"):
        assert form in names, form


@pytest.mark.parametrize("word", ["南山", "和平", "山区", "全省", "新区", "海淀"])
def test_short_and_common_words_are_not_places_without_a_region(word):
    assert G.find(word) == []


def test_county_short_names_only_inside_the_report_region():
    assert "海淀" in G.names("北京市") and "海淀" not in G.names() and "海淀" not in G.names("辽宁省")
    assert G.names("辽宁省")["庄河"] == (G.get("210283"),)
    assert G.names()["深圳"] == (G.get("440300"),)


def test_provinces_are_the_34_province_level_regions():
    """The outline reads its provinces and their short names from here (outline/lexicon.py)."""
    names = [d.name for d in G.provinces()]
    assert len(names) == 34 and {d.level for d in G.provinces()} == {"province"}
    assert {"北京市", "内蒙古自治区", "台湾省", "澳门特别行政区"} <= set(names) and "苏鲁交界" not in names


def test_every_county_rolls_up_to_a_city_or_its_province():
    idx = G._index().by_code
    counties = [d for d in idx.values() if d.level in ("county", "district")]
    assert len(counties) > 2800
    for d in counties:
        up = G.parent(d)
        assert up is not None and up.level in ("city", "province") and up.code[:2] == d.code[:2], d


def test_every_division_keys_itself_by_a_name_that_resolves_back():
    """region_key gives each division a name of its own (北京市朝阳区 where several share 朝阳区)
    and that name resolves to the same division with no region given."""
    seen: dict[str, str] = {}
    for d in G._index().by_code.values():
        if d.level == "city" and d.name == G.get(d.province_code).name:
            continue  # a municipality's city row
        key = G.qualified_name(d)
        assert key not in seen, (key, seen.get(key), d.code)
        seen[key] = d.code
        back = G.resolve(key)
        assert back is not None and back.code == d.code, (key, d)


def test_city_tier_lists_prefectures_and_province_run_counties():
    tier = {d.name for d in G.city_tier()}
    assert {"沈阳市", "延边朝鲜族自治州", "阿拉善盟", "仙桃市", "神农架林区"} <= tier
    assert "南山区" not in tier and "辽宁省" not in tier and "北京市" not in tier  # a municipality is a province
