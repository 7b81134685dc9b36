"""Normalisation keeps every position traceable: properties checked with hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.ingest import read_text
from luoshi.ingest.normalize import DEBRIS, fold, normalize, t2s_char, to_simplified, tw2s_char

# Pieces a report is made of, including the awkward ones.
PIECES = st.sampled_from([
    "　　", "一、", "（一）", "。", "，", "１２３", "ＡＢＣ", "５．３％", "1，200", "\r\n", "\r", "\n",
    "[bookmark: _GoBack]", "[comment]", "\u200b", "\ufeff", "\u00ad", "\x07", "\x0c", "\u2028",
    "\u00a0", "・", "·", "遼寧", "經濟發展", "乾隆", "乾燥", "著作", "衞生", "辽宁", "增长5%", "[注]",
    "¥", "￥", "\t",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=30).map("".join)


def check(original: str, simplify: bool | None) -> None:
    text, offsets, trad = normalize(original, simplify=simplify)
    assert len(offsets) == len(text) + 1
    assert offsets[-1] == len(original)
    assert all(a < b for a, b in zip(offsets, offsets[1:])), "strictly increasing"
    for i, ch in enumerate(text):
        src = original[offsets[i]]
        folded = "\n" if src == "\r" else fold(src)
        allowed = {folded, src}  # src: the full-width comma between digits stays
        if trad:
            allowed.update((t2s_char(folded), tw2s_char(folded)))
        assert ch in allowed, (i, src, ch)
    assert not DEBRIS.search(text)
    assert "\r" not in text


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_offsets_properties(original):
    check(original, None)
    check(original, True)
    check(original, False)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.data())
def test_spans_map_back(original, data):
    """original[slice(*to_original(s, e))] is the exact source of text[s:e]: it runs from the
    source of text[s] to that of text[e-1], and whatever else it holds was dropped (debris, CR)."""
    if not normalize(original, simplify=False)[0].strip():
        return
    doc = read_text(original)
    s = data.draw(st.integers(0, len(doc.text)))
    e = data.draw(st.integers(s, len(doc.text)))
    a, b = doc.to_original(s, e)
    assert 0 <= a <= b <= len(doc.original)
    if e == s:
        assert a == b == doc.offsets[s]
    else:
        kept = set(doc.offsets)
        assert [k for k in range(a, b) if k in kept] == doc.offsets[s:e]
        assert doc.original_span(s, e) == doc.original[a:b]
    for i in range(len(doc.text)):
        assert doc.to_normalised(doc.offsets[i]) == i


def test_examples():
    orig = "[bookmark: _GoBack]　　（一）增长５．３％，投资1，200亿元\r\n山海有情・天辽地宁"
    text, offsets, trad = normalize(orig)
    assert text == "  (一)增长5.3%,投资1，200亿元\n山海有情·天辽地宁"
    assert not trad
    assert orig[offsets[2]] == "（"


def test_to_original_exact():
    orig = "前言\r\n[bookmark: x]　　一、２０２３年工作回顾\r\n"
    doc = read_text(orig)
    s = doc.text.index("一、")
    e = doc.text.index("回顾") + 2
    a, b = doc.to_original(s, e)
    assert orig[a:b] == "一、２０２３年工作回顾"
    assert doc.original_span(s, e) == "一、２０２３年工作回顾"
    assert doc.to_original(s, s) == (a, a)


def test_traditional_alignment():
    """Phrase conversion where it is aligned, per character where it is not."""
    assert to_simplified("乾隆年間，空氣乾燥") == "乾隆年间，空气干燥"
    assert to_simplified("衞生") == "卫生"
    # Taiwan's 著 is 着 or 著 by the phrase; 么 is simplified as it stands
    assert to_simplified("經濟顯著增長，著力推進，隨著，著名，什么") == "经济显著增长，着力推进，随着，著名，什么"
    src = "經濟發展取得新突破，著力擴大內需" * 3
    text, offsets, trad = normalize(src)
    assert trad and len(text) == len(src) and text.startswith("经济发展取得新突破,着力扩大内需")


def _reference(original: str, simplify: bool | None) -> tuple[str, list[int], bool]:
    """The plain algorithm: a list entry per kept character, each step over the whole text.
    ``normalize`` skips the steps whose characters do not occur and keeps runs, not a list:
    it must give exactly this."""
    import re

    from luoshi.ingest.normalize import looks_traditional

    keep: list[int] = []
    pieces: list[str] = []
    pos = 0
    for m in DEBRIS.finditer(original):
        pieces.append(original[pos:m.start()])
        keep.extend(range(pos, m.start()))
        pos = m.end()
    pieces.append(original[pos:])
    keep.extend(range(pos, len(original)))
    text = "".join(pieces)
    if "\r\n" in text:
        drop = {m.start() for m in re.finditer("\r\n", text)}
        keep = [k for i, k in enumerate(keep) if i not in drop]
        text = text.replace("\r\n", "\n")
    text = fold(text.replace("\r", "\n"))
    chars = list(text)
    for m in re.finditer(r"(?<=\d),(?=\d)", text):
        if original[keep[m.start()]] == "\uff0c":
            chars[m.start()] = "\uff0c"
    text = "".join(chars)
    trad = looks_traditional(text) if simplify is None else simplify
    return (to_simplified(text) if trad else text), keep + [len(original)], trad


@settings(max_examples=400, deadline=None)
@given(TEXT, st.sampled_from([None, True, False]))
def test_same_as_reference(original, simplify):
    text, offsets, trad = normalize(original, simplify=simplify)
    assert (text, list(offsets), trad) == _reference(original, simplify)
    doc_offsets = list(offsets)
    for i in range(len(doc_offsets)):
        assert offsets[i] == doc_offsets[i]
    assert offsets[1:-1] == doc_offsets[1:-1]


def _leftover_cases() -> list[dict]:
    import json
    from pathlib import Path

    return json.loads((Path(__file__).parent / "leftover_cases.json").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", _leftover_cases(), ids=lambda c: c["original"])
def test_converter_leftovers(case):
    """A converter's bracketed markers are dropped as furniture, the report's own brackets kept;
    ``leftovers`` names exactly the dropped spans of the original, and every kept character
    maps back to its place."""
    from luoshi.ingest.normalize import leftovers

    doc = read_text(case["original"])
    assert doc.text == case["text"]
    spans = leftovers(case["original"])
    kept = "".join(c for i, c in enumerate(case["original"]) if not any(a <= i < b for a, b in spans))
    assert kept == case["text"]
    assert [doc.original[doc.offsets[i]] for i in range(len(doc.text))] == list(doc.text)
