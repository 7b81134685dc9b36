"""Metadata of reports of every level and kind, one data table (quantulum3 style)."""

from __future__ import annotations

import pytest

import luoshi
from luoshi import read_text
from luoshi.outline import read_metadata

from outline_paths import FIXTURES, SHARED

KEYS = ("title", "region", "level", "review_year", "plan_year", "date", "speaker", "kind")


def md(title, region, level, review, plan, date, speaker, kind):
    return dict(zip(KEYS, (title, region, level, review, plan, date, speaker, kind)))


BODY = "\n\u3000\u3000现在，我代表人民政府向大会报告工作，请予审议。\n\u3000\u3000一、2023年工作回顾\n\u3000\u3000过去一年，经济运行稳中向好。\n"

TABLE = [
    # (id, source: fixture file name or text, expected)
    ("example", "sample",
     md("2024年辽宁省政府工作报告", "辽宁省", "province", 2023, 2024, "2024-01-23", "李乐成", "work_report")),
    ("national", "national.txt",
     md("政府工作报告", "全国", "national", 2023, 2024, "2024-03-05", "李强", "work_report")),
    ("city", "city.txt",
     md("沈阳市人民政府工作报告", "沈阳市", "city", 2023, 2024, "2024-01-08", "王刚", "work_report")),
    ("county", "county.txt",
     md("昌图县人民政府工作报告", "昌图县", "county", 2023, 2024, "2024-01-15", "刘海涛", "work_report")),
    ("notice", "notice.txt",
     md("沈阳市人民政府办公室关于做好2024年春节期间安全生产工作的通知", "沈阳市", "city", None, None,
        "2024-01-25", "沈阳市人民政府办公室", "other")),
    ("district",
     "和平区人民政府工作报告\n——2024年1月5日在沈阳市和平区第十八届人民代表大会第四次会议上\n区长　赵　丽\n各位代表：" + BODY,
     md("和平区人民政府工作报告", "沈阳市和平区", "district", 2023, 2024, "2024-01-05", "赵丽", "work_report")),
    ("autonomous-region",
     "2024年内蒙古自治区政府工作报告\n——2024年1月23日在内蒙古自治区第十四届人民代表大会第二次会议上\n自治区主席　王莉霞\n各位代表：" + BODY,
     md("2024年内蒙古自治区政府工作报告", "内蒙古自治区", "province", 2023, 2024, "2024-01-23", "王莉霞", "work_report")),
    ("municipality",
     "政府工作报告\n——2024年1月21日在北京市第十六届人民代表大会第二次会议上\n北京市市长　殷勇\n各位代表：" + BODY,
     md("政府工作报告", "北京市", "province", 2023, 2024, "2024-01-21", "殷勇", "work_report")),
    ("banner",
     "鄂托克旗人民政府工作报告\n——2024年1月10日在鄂托克旗第十八届人民代表大会第三次会议上\n旗长　张建国\n各位代表：" + BODY,
     md("鄂托克旗人民政府工作报告", "鄂托克旗", "county", 2023, 2024, "2024-01-10", "张建国", "work_report")),
    ("prefecture-abbreviated-meeting",
     "延边朝鲜族自治州人民政府工作报告\n——2024年1月9日在州十六届人大三次会议上\n州长　胡玉亭\n各位代表：" + BODY,
     md("延边朝鲜族自治州人民政府工作报告", "延边朝鲜族自治州", "city", 2023, 2024, "2024-01-09", "胡玉亭", "work_report")),
    ("bulletin",
     "沈阳市2023年国民经济和社会发展统计公报\n沈阳市统计局\n（2024年3月20日）\n\u3000\u3000初步核算，全年地区生产总值8122.1亿元，比上年增长6.1%。\n",
     md("沈阳市2023年国民经济和社会发展统计公报", "沈阳市", "city", 2023, None, "2024-03-20", "沈阳市统计局", "bulletin")),
    ("plan-exec-title",
     "关于辽宁省2024年国民经济和社会发展计划执行情况\n与2025年国民经济和社会发展计划草案的报告\n"
     "——2025年1月16日在辽宁省第十四届人民代表大会第三次会议上\n辽宁省发展和改革委员会\n各位代表:\n"
     "受省人民政府委托,向大会提交计划执行情况与计划草案,请予审议。\n",
     md("关于辽宁省2024年国民经济和社会发展计划执行情况与2025年国民经济和社会发展计划草案的报告", "辽宁省",
        "province", 2024, 2025, "2025-01-16", "辽宁省发展和改革委员会", "plan_execution")),
    ("no-header",
     "一、总体情况\n经济运行稳中向好，发展质量稳步提升。\n二、下一步工作\n继续抓好各项工作落实。\n",
     md(None, None, None, None, None, None, None, "other")),
]


def _doc(source: str):
    if source == "sample":
        return luoshi.read(luoshi.sample_path())
    if source.endswith(".txt"):
        return luoshi.read(FIXTURES / source)
    return read_text(source)


@pytest.mark.parametrize("source,expected", [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_metadata_table(source, expected):
    assert read_metadata(_doc(source)) == expected


PLAN_EXEC = SHARED / "samples" / "ln-2024-plan-exec.txt"


@pytest.mark.skipif(not PLAN_EXEC.exists(), reason="shared/ samples not beside the repository")
def test_plan_execution_sample():
    doc = luoshi.read(PLAN_EXEC)
    assert read_metadata(doc) == md(None, "辽宁省", "province", 2024, 2025, "2025-01-16",
                                    "辽宁省发展和改革委员会", "plan_execution")
    ol = luoshi.build_outline(doc)
    assert [p.title for p in ol.parts] == ["一、2024年国民经济和社会发展计划执行情况"]
    assert ol.parts[0].flags["role"] == "review"
    assert [s.title for s in ol.nodes("section")] == ["(一)经济运行总体平稳,发展预期持续向好。"]
    assert [c.flags.get("header") for c in ol.root.children[:3]] == ["date", "speaker", "salutation"]


def test_traditional_header():
    doc = read_text("2024年遼寧省政府工作報告\n——2024年1月23日在遼寧省第十四屆人民代表大會第二次會議上\n"
                    "省長　李樂成\n各位代表：\n\u3000\u3000現在，我代表省人民政府向大會報告工作，請予審議。\n"
                    "\u3000\u3000一、2023年工作回顧\n\u3000\u3000過去一年，經濟運行穩中向好，發展質效明顯提升。\n")
    assert read_metadata(doc) == md("2024年遼寧省政府工作報告", "辽宁省", "province", 2023, 2024,
                                    "2024-01-23", "李乐成", "work_report")


# Why the title is missing, when it is (outline.meta.title_gap): (id, source, expected gap).
# Sources are TABLE's ids, "sample:NAME" for a bundled sample, or text.
GAPS = [
    ("example", "example", None),
    ("title-above-the-date-line", "plan-exec-title", None),
    ("bundled-plan-exec-starts-at-its-date-line", "sample:ln-2024-plan-exec.txt", "date_line_first"),
    ("date-line-then-speaker", "——2024年1月5日在沈阳市和平区第十八届人民代表大会第四次会议上\n区长　赵　丽\n各位代表：" + BODY,
     "date_line_first"),
    ("body-first", "no-header", "no_header"),
    ("issuer-and-salutation-only", "辽宁省发展和改革委员会\n各位代表:\n受省人民政府委托,向大会提交计划草案,请予审议。\n",
     "no_title_line"),
]


@pytest.mark.parametrize("source,expected", [row[1:] for row in GAPS], ids=[row[0] for row in GAPS])
def test_title_gap(source, expected):
    """A missing title says why — never a date line taken for it; a title in the text has no gap."""
    from luoshi.outline.meta import title_gap

    rows = {row[0]: row[1] for row in TABLE}
    if source.startswith("sample:"):
        doc = luoshi.read(luoshi.sample_path(source.split(":", 1)[1]))
    else:
        doc = _doc(rows.get(source, source))
    title = read_metadata(doc)["title"]
    assert title_gap(doc, title) == expected
    assert (title is None) == (expected is not None)
    if title is not None:
        assert not title.startswith(("——", "—"))


def test_tree_says_the_title_is_missing():
    from luoshi.outline.render import render_tree

    doc = luoshi.read(luoshi.sample_path("ln-2024-plan-exec.txt"))
    tree = render_tree(doc, luoshi.build_outline(doc))
    assert tree.splitlines()[1].startswith("  title: — (none in the text: it begins at its date line")
