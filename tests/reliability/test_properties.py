"""Parsers never crash: random and mutated report text, random bytes, generated files.

Every stage either returns output that keeps its invariants (checks.py: the offset map, a
nested outline inside the text, figures whose ``original[start:end] == text``) or raises
InputError — within a per-example deadline. The normal suite runs a fast slice (profile
``ci``); ``HYPOTHESIS_PROFILE=fuzz`` runs many more examples (see fuzz/fuzz_parsers.py).
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks import POOLS, SAMPLE, check_file, check_text, mutate, sample_slice
from luoshi.errors import InputError
from luoshi.ingest.normalize import normalize
from luoshi.ingest.readers import decode_text

settings.register_profile("ci", max_examples=40, deadline=timedelta(seconds=5), database=None,
                          derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz", max_examples=int(os.environ.get("LUOSHI_FUZZ_EXAMPLES", 2000)), deadline=timedelta(seconds=20),
                          print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# applied per test, not loaded globally, so other tests' hypothesis settings stay their own
PROFILE = settings(settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci")))

# every plane: astral, combining marks, format (RTL marks), private use; no lone surrogates
ANY_CHAR = st.characters(exclude_categories=("Cs",))
ODD_CHAR = st.one_of(st.characters(min_codepoint=0x10000, exclude_categories=("Cs",)),
                     st.characters(categories=("Mn", "Me", "Cf", "Co", "Cc", "Zl", "Zp")))
TOKENS = [t for pool in POOLS.values() for t in pool] + list(SAMPLE[:400])
REPORTISH = st.lists(st.sampled_from(TOKENS), max_size=200).map("".join)


@st.composite
def mutated_sample(draw) -> str:
    rnd = draw(st.randoms(use_true_random=False))
    return mutate(sample_slice(rnd), rnd, draw(st.integers(0, 40)))


TEXTS = st.one_of(st.text(ANY_CHAR, max_size=500), st.text(ODD_CHAR, max_size=200), REPORTISH,
                  mutated_sample(),
                  st.tuples(mutated_sample(), st.text(ODD_CHAR, max_size=50)).map("".join))


@PROFILE
@given(TEXTS)
def test_text_pipeline(text):
    check_text(text)


@PROFILE
@given(st.text(ANY_CHAR, max_size=2000), st.sampled_from([None, True, False]))
def test_normalize_offsets(text, simplify):
    norm, offsets, _ = normalize(text, simplify=simplify)
    assert len(offsets) == len(norm) + 1 and offsets[-1] == len(text)
    assert all(a < b for a, b in zip(offsets, offsets[1:]))


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "gb18030", "gbk", "big5"]


@PROFILE
@given(st.one_of(st.binary(max_size=2000),
                 st.tuples(TEXTS, st.sampled_from(ENCODINGS)).map(lambda t: t[0].encode(t[1], "ignore")),
                 st.tuples(st.binary(max_size=8), TEXTS).map(lambda t: t[0] + t[1].encode())))
def test_decode_text(data):
    try:
        text, enc = decode_text(data, "x.txt")
    except InputError as e:
        assert e.reason
    else:
        assert isinstance(text, str) and enc


TAGS = ["p", "div", "span", "b", "table", "tr", "td", "li", "ul", "br", "script", "style", "nav",
        "article", "main", "header", "footer", "pre", "h1", "!--", "![CDATA[", "meta charset=gbk",
        "meta charset=undefined", "meta charset=punycode", "meta charset=utf-7", "meta charset=rot13",
        "meta charset=idna", "meta charset=utf-16",
        "a href='javascript:x()'", "p onclick='alert(1)'", "div class='menu'", "svg", "template"]


@st.composite
def html_page(draw) -> str:
    parts = draw(st.lists(st.one_of(TEXTS.map(lambda t: t[:300]),
                                    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
                                    st.sampled_from(TAGS).map(lambda t: f"</{t.split()[0]}>"),
                                    st.sampled_from(["&amp;", "&#x4e00;", "&#0;", "&#xD800;", "&bogus;",
                                                     "&#99999999;", "<", ">", "]]>", "-->"])),
                         max_size=60))
    depth = draw(st.sampled_from([0, 0, 10, 3000]))
    return "<div>" * depth + "".join(parts) + "</div>" * draw(st.integers(0, depth))


@PROFILE
@given(html_page(), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_read_html(tmp_path_factory, markup, encoding):
    p = tmp_path_factory.mktemp("h") / "page.html"
    p.write_bytes(markup.encode(encoding, "ignore"))
    check_file(p)


@PROFILE
@given(st.one_of(TEXTS.map(str.encode), st.binary(max_size=3000)), st.sampled_from(ENCODINGS))
def test_read_txt(tmp_path_factory, data, encoding):
    p = tmp_path_factory.mktemp("t") / "report.txt"
    try:
        data = data.decode().encode(encoding, "ignore")
    except UnicodeDecodeError:
        pass
    p.write_bytes(data)
    check_file(p)


def _docx(text: str) -> bytes:
    import docx

    d = docx.Document()
    for line in text.splitlines() or [""]:
        # python-docx refuses XML-illegal characters: what a real .docx cannot hold either
        d.add_paragraph("".join(c for c in line if c in "\t" or (c >= " " and c not in "\ufffe\uffff")))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return _docx(SAMPLE[:3000])


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for page in range(2):
        c.setFont("STSong-Light", 11)
        for k, line in enumerate(SAMPLE.splitlines()[page * 20:page * 20 + 20]):
            c.drawString(60, 780 - 18 * k, line[:40])
        c.showPage()
    c.save()
    return buf.getvalue()


def _flip(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    b = bytearray(data)
    for pos, val in edits:
        b[pos % len(b)] = val
    return bytes(b)


EDITS = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), min_size=1, max_size=20)


@PROFILE
@given(mutated_sample())
def test_read_docx_of_mutated_text(tmp_path_factory, text):
    p = tmp_path_factory.mktemp("d") / "report.docx"
    p.write_bytes(_docx(text))
    check_file(p)


@PROFILE
@given(EDITS, st.integers(0, 10**6))
def test_read_corrupted_docx(tmp_path_factory, docx_bytes, edits, cut):
    """Flipped bytes and truncation: python-docx and zipfile errors become InputError."""
    p = tmp_path_factory.mktemp("d") / "report.docx"
    data = _flip(docx_bytes, edits)
    p.write_bytes(data[:len(data) - cut % len(data)] if cut % 3 == 0 else data)
    check_file(p)


@PROFILE
@given(EDITS, st.integers(0, 10**6))
def test_read_corrupted_pdf(tmp_path_factory, pdf_bytes, edits, cut):
    p = tmp_path_factory.mktemp("p") / "report.pdf"
    data = _flip(pdf_bytes, edits)
    p.write_bytes(data[:len(data) - cut % len(data)] if cut % 3 == 0 else data)
    check_file(p)


@PROFILE
@given(st.binary(max_size=4000), st.sampled_from([".pdf", ".docx", ".html", ".txt"]),
       st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"<html>", b"\xef\xbb\xbf", b"\xff\xfe"]))
def test_read_random_bytes(tmp_path_factory, data, ext, head):
    p = tmp_path_factory.mktemp("b") / f"x{ext}"
    p.write_bytes(head + data)
    check_file(p)


def test_read_random_zip_as_docx(tmp_path):
    """A zip with word/document.xml that is not WordprocessingML."""
    for xml in (b"", b"<a/>", b"<?xml version='1.0'?><w:document/>", "一、回顾".encode(), b"\x00" * 50):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("[Content_Types].xml", b"<Types/>")
            zf.writestr("word/document.xml", xml)
        p = tmp_path / "x.docx"
        p.write_bytes(buf.getvalue())
        check_file(p)


# -- huge lines: one 2 MB line, several shapes; the time must stay linear -------------------------

HUGE = 2 * 1024 * 1024 // 3  # characters of a 2 MB UTF-8 line of Chinese
FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
REPORT_LINE = SAMPLE.replace("\n", "")
# a figure every 4-9 characters: 2 MB is 230,000 figures (~30 s); outside fuzz, the report's
# line is 2 MB and the odd shapes 512 KB (256 KB for the dense ones): linear is what matters
DENSE = ["增长5.5%左右，", "5%，"]


@pytest.mark.parametrize("unit", [REPORT_LINE, "（", "“", "1", "一是", "第一部分", "(1)", "經濟", "\u0301", *DENSE])
def test_huge_line(unit):
    size = HUGE if FUZZ or unit is REPORT_LINE else HUGE // 8 if unit in DENSE else HUGE // 4
    line = (unit * (size // len(unit) + 1))[:size]
    t0 = time.perf_counter()
    check_text(line)
    assert time.perf_counter() - t0 < (60 if FUZZ else 20)
