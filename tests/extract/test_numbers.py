"""Numbers as written: Arabic with separators, Chinese numerals, mixed."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.extract.numbers import parse_arabic, parse_chinese
from luoshi.extract.quantities import find_quantities

CHINESE = [("一千五百", 1500), ("两", 2), ("三十万", 300000), ("百", 100), ("十", 10),
           ("二十一", 21), ("一万二千", 12000), ("三千五百万", 35000000), ("二〇二四", 2024),
           ("一亿二千万", 120000000), ("两千", 2000), ("零", 0)]


@pytest.mark.parametrize("text,value", CHINESE)
def test_chinese_numerals(text, value):
    assert parse_chinese(text) == value


def test_not_a_numeral():
    assert parse_chinese("二十大x") is None
    assert parse_chinese("") is None


@pytest.mark.parametrize("text,value", [("1,234.5", 1234.5), ("32612.7", 32612.7), ("7", 7)])
def test_arabic(text, value):
    assert parse_arabic(text) == value


QUANTITIES = [
    ("增长5.3%", [(5.3, "%")]),
    ("47.9万人", [(47.9, "万人")]),
    ("3万亿", [(3, "万亿")]),
    ("超百个", [(100, "个")]),
    ("两项", [(2, "项")]),
    ("40余万名", [(40, "万名")]),
    ("三十万人", [(30, "万人")]),
    ("1.5万户", [(1.5, "万户")]),
    ("12.5亿元", [(12.5, "亿元")]),
    ("500 亿斤", [(500, "亿斤")]),
    ("提高0.5个百分点", [(0.5, "个百分点")]),
    ("增长1.7倍", [(1.7, "倍")]),
    ("32.4微克/立方米", [(32.4, "微克/立方米")]),
    ("5000万千瓦", [(5000, "万千瓦")]),
    ("2023年", []),
    ("5G", []),
    ("PM2.5", []),
    ("2021-2025年", []),
    ("占全国9成", [(9, "成")]),
    ("七成以上", [(7, "成")]),
    ("成为", []),
    ("3成为", []),
    ("事故12起", [(12, "起")]),
    ("病例15例", [(15, "例")]),
    ("缩短3个月", [(3, "个月")]),
    ("航班300班次", [(300, "班次")]),
    ("2.5万架次", [(2.5, "万架次")]),
    ("500万TEU", [(500, "万TEU")]),
    ("装机12GW", [(12, "GW")]),
    ("受教育年限11.2年", [(11.2, "年")]),
    ("受教育年限达到11.2年", [(11.2, "年")]),
    ("连续3年", []),
    ("寿命从2020年的", []),
    ("活动3万余场次", [(3, "万场次")]),
    ("服务1万户次", [(1, "万户次")]),
    ("标准801元/月", [(801, "元/月")]),
    ("全员劳动生产率达58万元/人", [(58, "万元/人")]),
    ("产能1400万吨/年", [(1400, "万吨/年")]),
]


@pytest.mark.parametrize("text,expected", QUANTITIES)
def test_quantities(text, expected):
    got = [(q.value, q.unit) for q in find_quantities(text)]
    assert got == expected


def test_range():
    (q,) = find_quantities("7.5%—8%")
    assert (q.value, q.value_max, q.unit) == (7.5, 8, "%")


ALPHABET = "0123456789.,-%亿万千百十一二两三五零个人元吨项倍点百分以上余多年度第 \n、，。：:~至A"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40), st.integers(0, 40), st.integers(0, 40))
def test_the_fast_pattern_finds_what_the_plain_pattern_finds(text, a, b):
    """find_quantities' pattern reads a number's first character as a group of its own (so
    the regex engine skips to where a number can start); it must match exactly where the
    plain pattern, lookbehind first, does (the lookbehind sees the text before the range)."""
    from luoshi.extract.quantities import _pattern, _plain_pattern

    def plain(m):
        return m.span(), m.groupdict()

    def fast(m):
        g = m.groupdict()
        first = g.pop("first")
        g["ar"] = None if g["ar"] is None else first + g["ar"]
        g["cn"] = None if g["cn"] is None else first + g["cn"]
        return m.span(), g

    start, end = min(a, b, len(text)), min(max(a, b), len(text))
    want = [plain(m) for m in _plain_pattern().finditer(text, start, end)]
    assert [fast(m) for m in _pattern().finditer(text, start, end)] == want
