"""Hard-wrapped text (copied out of a PDF) is joined back into paragraphs; text whose lines are
its own is left alone; every character still maps to its original position."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import luoshi
from luoshi import build_outline, extract_figures
from luoshi.ingest import read_text
from luoshi.ingest.normalize import normalize
from luoshi.ingest.unwrap import layout

SAMPLE = luoshi.sample_path().read_text("utf-8").replace("[bookmark: _GoBack]", "")
NO_LINE_START = set(",，。、;；:：!！?？)）”’》%")


def wrap(text: str, width: int, indent: str = "\u3000\u3000", ragged: int = 0) -> str:
    """Every paragraph broken into lines of ``width`` characters, its first line indented with
    ``indent``, never cut inside a Latin word or number (CBA, 5.3%); ``ragged``: lines up to that
    many characters short (varying), never opening with punctuation, as a word processor sets
    them."""
    out, k = [], 0
    for para in text.split("\n"):
        body = para.strip("\u3000 ")
        if not body:
            continue
        i, first = 0, True
        while i < len(body):
            j = min(len(body), i + width - (k * 7 % (ragged + 1) if ragged else 0))
            k += 1
            while j < len(body) and j - 1 > i and re.match(r"[!-~]", body[j - 1]) and re.match(r"[!-~]", body[j]):
                j -= 1
            if ragged:
                while j < len(body) and body[j] in NO_LINE_START:
                    j += 1
            out.append((indent if first else "") + body[i:j])
            i, first = j, False
    return "\n".join(out)


def lines(text: str) -> list[str]:
    return [ln.strip() for ln in normalize(text)[0].split("\n") if ln.strip()]


LAYOUTS = [dict(width=38), dict(width=30), dict(width=45), dict(width=38, ragged=5),
           dict(width=30, indent=""), dict(width=45, indent="", ragged=4)]
IDS = ["38", "30", "45", "38-ragged", "30-flush", "45-flush-ragged"]


@pytest.mark.parametrize("shape", LAYOUTS, ids=IDS)
def test_wrapped_reads_like_the_original(shape):
    """Each line of the original is one line again. With paragraphs marked by an indent that is
    exact; without, a paragraph whose last line happens to fill the width runs on into the next
    one, but no line is ever split."""
    doc = read_text(wrap(SAMPLE, **shape))
    got, want = [ln.strip() for ln in doc.text.split("\n") if ln.strip()], lines(SAMPLE)
    if shape.get("indent") == "":
        assert all(any(w in g for g in got) for w in want)
        assert len(got) >= len(want) - 3
    else:
        assert got == want


@pytest.mark.parametrize("shape", LAYOUTS, ids=IDS)
def test_wrapped_figures_are_the_originals(shape):
    """Figures cut by a line break ("增\\n长5.3%") come out whole, with the same role and year, and
    their text is the original span, line break and all."""
    def figures(text):
        doc = read_text(text)
        return doc, extract_figures(doc, build_outline(doc))

    _, want = figures(SAMPLE)
    doc, got = figures(wrap(SAMPLE, **shape))
    key = lambda f: (f.indicator, f.value, f.unit, f.role, f.year)  # noqa: E731
    assert sorted(map(key, got)) == sorted(map(key, want))
    cut = [f for f in got if "\n" in f.text]
    assert cut, "some figure is cut by a line break"
    for f in got:
        assert doc.original[f.start:f.end] == f.text


@pytest.mark.parametrize("shape", LAYOUTS, ids=IDS)
def test_layout_is_found(shape):
    wrap_ = layout(normalize(wrap(SAMPLE, **shape))[0])
    assert wrap_ is not None
    assert shape["width"] - shape.get("ragged", 0) - 1 <= wrap_.width <= shape["width"]
    assert wrap_.indented == (shape.get("indent", "x") != "")


def test_offsets_map_back():
    """The joined text maps back character by character: a deleted break sits inside the
    original span of what it cut."""
    original = wrap(SAMPLE, 38)
    doc = read_text(original)
    assert len(doc.offsets) == len(doc.text) + 1 and doc.offsets[-1] == len(original)
    assert all(a < b for a, b in zip(doc.offsets, doc.offsets[1:]))
    text = normalize(original)[0]
    assert all(text[o] == c or (c, text[o]) == (" ", "\n") for o, c in zip(doc.offsets, doc.text))
    dropped = set(range(len(original))) - set(doc.offsets)
    assert dropped and all(text[i] in " \n" for i in dropped)


UNCHANGED = {
    "one line a paragraph": SAMPLE,
    "short real lines": "\n".join([
        "2024年重点工作清单", "推动有效投资持续增长", "加快建设现代化产业体系", "培育壮大新质生产力",
        "深化重点领域改革攻坚", "推进高水平对外开放", "全面推进乡村振兴战略", "促进区域协调发展",
        "持续改善生态环境质量", "加强社会民生保障", "统筹发展和安全工作", "建设人民满意政府",
    ] * 2),
    "a list of headings": "\n".join(
        f"{n}、{t}" for n, t in zip("一二三四五六七八九十", [
            "全力以赴稳增长，促进经济回升", "凝心聚力抓创新，释放科教潜能", "强链壮群筑根基，优化产业结构",
            "综合施策优环境，攻坚重点改革", "全力打造新前沿，深化开放合作", "坚持不懈强三农，推进乡村振兴",
            "多极发力促协调，蓄势区域发展", "持续用力护生态，厚植绿色底蕴", "倾情倾力惠民生，推进各项事业",
            "积极稳妥保安全，维护社会稳定"])),
    "short sentences": "\n".join(["城镇新增就业45万人，调查失业率5.5%。", "粮食产量达到2500万吨以上。",
                                  "居民收入增长与经济增长同步。", "单位地区生产总值能耗下降2.5%。"] * 4),
}


@pytest.mark.parametrize("name", UNCHANGED)
def test_own_lines_are_left_alone(name):
    """Real paragraphs, short real lines (headings of similar length, with or without a number)
    and short sentences are not a page's wrapping: the text is exactly the normalised one."""
    text = UNCHANGED[name]
    assert layout(normalize(text)[0]) is None
    assert read_text(text).text == normalize(text)[0]


PARA = ("2025年，全省地区生产总值增长5.3%，规模以上工业增加值增长6.8%，一般公共预算收入增长"
        "4.1%，城镇新增就业45万人，城镇调查失业率5.2%，居民人均可支配收入增长5.5%，粮食产量达到"
        "2500万吨以上，单位地区生产总值能耗下降2.5%，经济运行总体平稳、稳中有进。")


def test_headings_and_furniture_stay_on_their_lines():
    """Flush text (no indents): a heading after a full line, a page number between lines, the
    date line and the title are not joined into paragraphs."""
    body = wrap(PARA * 3, 38, indent="").split("\n")
    text = "\n".join(["2025年某省政府工作报告", "——2025年1月20日在某省第十四届人民代表大会第三次会议上",
                      "各位代表：", "一、2024年工作回顾", *body[:5], "第3页", *body[5:],
                      "二、2025年工作安排", *body, "（一）扩大有效需求", *body])
    got = read_text(text).text.split("\n")
    for line in ("2025年某省政府工作报告", "——2025年1月20日在某省第十四届人民代表大会第三次会议上",
                 "各位代表:", "一、2024年工作回顾", "第3页", "二、2025年工作安排", "(一)扩大有效需求"):
        assert line in got
    assert got[-1] == normalize(PARA * 3)[0]


def test_a_heading_number_inside_a_sentence_is_joined():
    """A full line cut mid-sentence before "二、三级子公司…" runs on: the number is not a part."""
    cut = "全省攻坚克难，招商引资成效明显，对外开放持续扩大，引进了央企"  # 30 characters
    assert len(cut) == 30
    lines_ = [*wrap(PARA, 30).split("\n"), "\u3000\u3000" + cut, "二、三级子公司超800家，合作持续深化。",
              *wrap(PARA, 30).split("\n")]
    assert read_text("\n".join(lines_)).text.split("\n") == normalize(
        "\n".join("\u3000\u3000" + p for p in (PARA, cut + "二、三级子公司超800家，合作持续深化。", PARA)))[0].split("\n")


def test_latin_words_keep_a_space():
    """Two Latin words either side of a break keep the break as a space; Han characters and
    digits join directly."""
    lines_ = wrap(PARA * 3, 30).split("\n")
    lines_[2] = lines_[2][:-6] + " open"
    lines_[3] = "source" + lines_[3][6:]
    doc = read_text("\n".join(lines_))
    assert "open source" in doc.text
    assert "\n" not in doc.text.strip()
    a, b = doc.to_original(doc.text.index("open source"), doc.text.index("open source") + 11)
    assert doc.original[a:b] == "open\nsource"


WORDS = st.sampled_from(["全省", "地区生产总值", "增长", "5.3%", "，", "。", "、", "一、", "（一）", "第3页", "CBA",
                         "open", " ", "——", "“", "”", "：", "45万人", "2025年", "\u3000"])
PARAS = st.lists(st.lists(WORDS, min_size=1, max_size=40).map("".join), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(PARAS, st.integers(8, 60), st.sampled_from(["\u3000\u3000", ""]), st.integers(0, 6))
def test_joining_only_drops_breaks(paras, width, indent, ragged):
    """Whatever the text and its wrapping, joining deletes only line breaks and the spaces
    around them (or keeps a break as a space), and every character maps back to its own."""
    original = wrap("\n".join(paras), width, indent, ragged)
    if not original.strip():
        return
    doc = read_text(original)
    text = normalize(original)[0]
    assert len(doc.offsets) == len(doc.text) + 1 and doc.offsets[-1] == len(original)
    assert all(a < b for a, b in zip(doc.offsets, doc.offsets[1:]))
    assert all(text[o] == c or (c, text[o]) == (" ", "\n") for o, c in zip(doc.offsets, doc.text))
    assert all(text[i] in " \n" for i in set(range(len(text))) - set(doc.offsets))


TOKEN_CASES = json.loads((Path(__file__).parent / "token_line_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", TOKEN_CASES, ids=[c["id"] for c in TOKEN_CASES])
def test_a_token_broken_over_lines_is_joined(case):
    """A line that is only a number-like token ("PM\\n2.5\\n浓度", a web page's break) joins the
    lines around it when they read on as one phrase; its characters keep their places."""
    doc = read_text(case["text"])
    assert doc.text == case["joined"]
    for k, ch in enumerate(doc.text):
        assert doc.original[doc.offsets[k]] == ch or ch in ",()" or ch == " "
