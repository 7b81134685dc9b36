"""Unit conversion with magnitude words and the catalogue's base units."""

from __future__ import annotations

import pytest

from luoshi import link

CONVERSIONS = [
    # (value, from, to, indicator id, expected)
    (5000, "万吨", "亿斤", None, 1000),
    (1000, "亿斤", "万吨", "grain_output", 5000),
    (500.1, "亿斤", "万斤", None, 5001000),
    (1, "吨", "斤", None, 2000),
    (1.4, "万亿斤", "亿斤", None, 14000),
    (1.2, "万亿元", "亿元", None, 12000),
    (3, "万亿", "亿元", "gdp", 30000),       # a bare magnitude borrows the base
    (32612.7, "亿元", "万亿元", None, 3.26127),
    (8.5, "千万", "万", None, 8500),
    (46, "万人", "人", None, 460000),
    (4387, "名", "人", None, 4387),
    (1.5, "万户", "户", None, 15000),          # a base the table does not know still scales
    (1, "公顷", "亩", None, 15),
    (296, "万亩", "亩", None, 2960000),
    (1.7, "倍", "%", None, 170),
    (5.5, "％", "%", None, 5.5),
    (2, "个百分点", "百分点", None, 2),
    (1, "亿千瓦", "万千瓦", None, 10000),
    (3, "个", "家", "high_tech_enterprises", 3),  # the indicator's alias
    (1.65, "", "", None, 1.65),
]


@pytest.mark.parametrize("value,src,dst,ind,expected", CONVERSIONS)
def test_convert(value, src, dst, ind, expected):
    assert link.convert(value, src, dst, ind) == pytest.approx(expected)


def test_exact_on_round_numbers():
    assert link.convert(5000, "万吨", "亿斤") == 1000.0
    assert link.convert(1.2, "万亿元", "亿元") == 12000.0


@pytest.mark.parametrize("src,dst", [("亿元", "万吨"), ("%", "个百分点"), ("亿美元", "亿元"),
                                     ("个", "家"), ("万人", "万人次"), ("亿元", "")])
def test_not_convertible(src, dst):
    with pytest.raises(ValueError):
        link.convert(1, src, dst)
