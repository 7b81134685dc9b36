"""What the fuzzer, the property tests and sweeps found, kept as tests (each fixed in the source).

Crashes (an exception other than InputError):

- a .docx whose zip directory says "version needed to extract 6.4" (one flipped byte):
  zipfile raised NotImplementedError;
- an HTML page declaring ``<meta charset="undefined">`` (as broken page scripts write) or
  "punycode" (a sweep of every codec name as the declared charset): the codec raised
  UnicodeError, not the UnicodeDecodeError that was caught.

Time and memory:

1. One paragraph of 100,000 sentences (a 2 MB line): ``Outline.path_at`` scanned the children
   linearly for every figure — quadratic (17 s of a 22 s run). Now a binary search.
2. One sentence of 100,000 figures ('5%，5%，…'): the clause lookup and the role/year reading
   scanned the whole sentence per figure — quadratic time — and each figure that borrows the
   indicator before it spanned back to the first one — quadratic memory (a 600 KB line was
   killed for lack of memory). Now bisect, a 1000-character look-back, and spans and borrowed
   indicators of at most MAX_TEXT characters.

Each case would take minutes (or gigabytes) before the fix; here it must take seconds.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest

import luoshi
from checks import check_figures, check_outline
from luoshi.errors import InputError
from luoshi.extract.figures import MAX_TEXT
from luoshi.ingest import read_text


def _path_at_linear(ol, npos):
    """The original path_at: the first non-sentence child containing npos, level by level."""
    path, node = [], ol.root
    while True:
        nxt = next((c for c in node.children if c.kind != "sentence" and c.nstart <= npos < c.nend), None)
        if nxt is None:
            return path
        path.append(nxt)
        node = nxt


def test_path_at_same_as_linear_scan():
    doc = luoshi.read(luoshi.sample_path())
    ol = luoshi.build_outline(doc)
    for pos in range(-1, len(doc.text) + 2):
        assert ol.path_at(pos) == _path_at_linear(ol, pos), pos


def test_paragraph_of_100k_sentences():
    doc = read_text("一、工作回顾\n" + "全省经济增长。" * 100_000)
    t0 = time.perf_counter()
    ol = luoshi.build_outline(doc)
    sentences = ol.sentences()
    assert len(sentences) > 100_000
    for s in sentences:
        ol.path_at(s.nstart)
    assert time.perf_counter() - t0 < 10
    check_outline(doc, ol)


def test_sentence_of_20k_figures():
    doc = read_text("全省地区生产总值增长5%，" + "5%，" * 20_000)
    t0 = time.perf_counter()
    figs = luoshi.extract_figures(doc)
    assert time.perf_counter() - t0 < 15
    assert len(figs) > 20_000
    assert max(f.end - f.start for f in figs) <= MAX_TEXT
    check_figures(doc, figs)


def test_borrowed_indicators_stop_growing():
    """'总量' borrows the indicator before it and appends itself: 2,000 times is not an indicator."""
    for unit in ("总量5%，", "规模5亿元，", "按时办结率99.6%，"):
        doc = read_text("全省地区生产总值增长5%，" + unit * 2000)
        figs = luoshi.extract_figures(doc)
        assert max(len(f.indicator) for f in figs) <= MAX_TEXT
        assert max(f.end - f.start for f in figs) <= MAX_TEXT
        check_figures(doc, figs)


def test_docx_zip_version_too_new(tmp_path):
    """Found by the fuzzer: one flipped byte, 'version needed to extract' 6.4 in the zip
    directory, made zipfile raise NotImplementedError — a traceback instead of an InputError."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    data = bytearray(buf.getvalue())
    data[data.index(b"PK\x01\x02") + 6] = 64  # version needed to extract: 6.4
    p = tmp_path / "new.docx"
    p.write_bytes(bytes(data))
    with pytest.raises(InputError, match="not a zip archive"):
        luoshi.read(p)


@pytest.mark.parametrize("charset", ["undefined", "punycode", "idna", "rot13", "utf-7"])
def test_html_odd_declared_charset(tmp_path, charset):
    """A declared codec that fails with UnicodeError: the bytes decide instead."""
    p = tmp_path / "page.html"
    p.write_bytes(f'<html><head><meta charset="{charset}"></head><body><p>一、回顾\xff</p></body></html>'
                  .encode("utf-8", "surrogateescape"))
    try:
        doc = luoshi.read(p)
    except InputError:
        return
    assert "回顾" in doc.text
