"""各地目标's choices (``web.pages.regions``) without a server."""

from __future__ import annotations

from luoshi.web.pages.regions import _scopes


def test_the_page_offers_the_places_inside_a_province_only_when_there_are_some():
    assert _scopes(["辽宁省", "吉林省"]) == [("", "全部地区"), ("province", "各省（区、市）")]
    assert _scopes(["辽宁省", "吉林省", "沈阳市"])[2:] == [("辽宁省", "辽宁省所辖各地")]


def test_chart_values_in_one_unit():
    from luoshi.web.pages.regions import _in_unit

    assert _in_unit(1.5, "万亿元", "亿元", "gdp") == 15000 and _in_unit(5, "%", "亿元", "gdp") is None
    assert _in_unit(None, None, "%", "gdp") is None
