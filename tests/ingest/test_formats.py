"""Every format of the example report reads back to the same paragraphs as the .txt."""

from __future__ import annotations

import re

import pytest

import luoshi
from luoshi.ingest import read
from luoshi.ingest.normalize import normalize

PART_OR_SECTION = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))")


def paragraphs(doc: luoshi.Document) -> list[str]:
    """Non-empty normalised lines with all whitespace removed: the paragraph structure."""
    return [re.sub(r"\s", "", ln) for ln in doc.text.splitlines() if ln.strip()]


def headings(doc: luoshi.Document) -> list[str]:
    return [p for p in paragraphs(doc) if PART_OR_SECTION.match(p)]


@pytest.fixture(scope="module")
def reference() -> luoshi.Document:
    return read(luoshi.sample_path())


def test_reference_shape(reference):
    """The example itself: 3 parts, 10 + 8 sections, 75 paragraphs, debris gone."""
    hs = headings(reference)
    assert [h[:2] for h in hs if not h.startswith("(")] == ["一、", "二、", "三、"]
    assert sum(h.startswith("(") for h in hs) == 18
    assert len(paragraphs(reference)) == 75
    assert "[bookmark" not in reference.text and "[bookmark: _GoBack]" in reference.original
    assert reference.encoding == "utf-8" and not reference.traditional


ENCODINGS = {
    "utf8": "utf-8",
    "utf8-bom": "utf-8-sig",
    "crlf": "utf-8",
    "gb18030": "gb18030",
    "gbk": "gb18030",  # GBK is a subset: read as GB18030
    "utf16": "utf-16",
    "utf16le-bom": "utf-16",
    "utf16be-bom": "utf-16",
    "utf16le": "utf_16_le",
    "utf16be": "utf_16_be",
}


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_text_encodings(files, reference, name):
    doc = read(files[name])
    assert doc.encoding == ENCODINGS[name]
    assert doc.text == reference.text
    assert doc.format == "txt"


def test_traditional(files, reference, traditional_text):
    """Traditional characters come back simplified; the original keeps them."""
    doc = read(files["trad-utf8"])
    assert doc.traditional and doc.original == traditional_text
    assert "遼寧" in doc.original and "遼寧" not in doc.text
    assert doc.text == reference.text


def test_traditional_big5(files, reference, traditional_big5):
    """Taiwan standard in Big5-HKSCS: decoded exactly; simplified except 著, which is also a
    simplified character (显著), so Taiwan's 著 for 着 cannot be undone."""
    doc = read(files["trad-big5"])
    assert doc.encoding.startswith("big5") and doc.original == traditional_big5
    assert doc.traditional
    assert len(doc.text) == len(reference.text)
    assert {(a, b) for a, b in zip(reference.text, doc.text) if a != b} <= {("着", "著")}


@pytest.mark.parametrize("name", ["docx", "html", "html-gb", "pdf"])
def test_same_paragraphs(files, reference, name):
    doc = read(files[name])
    assert headings(doc) == headings(reference)
    assert paragraphs(doc) == paragraphs(reference)
    assert doc.format == files[name].suffix.lstrip(".")


def test_html_drops_page_chrome(files):
    doc = read(files["html"])
    for noise in ("首页", "政务公开", "网站地图", "分享到", "版权所有", "相关链接", "脚本文字",
                  "统计代码", "请启用", "正文开始", "font-size"):
        assert noise not in doc.original, noise
    assert read(files["html-gb"]).encoding == "gb18030"


def test_pdf_drops_furniture_and_rejoins(files, sample_text):
    doc = read(files["pdf"])
    assert "辽宁省人民政府\n" not in doc.original  # running header
    assert not re.search(r"^- \d+ -$", doc.original, re.M)  # page numbers
    # paragraphs come back indented, like the .txt
    assert doc.original.count("\n\u3000\u3000") == sample_text.count("\n\u3000\u3000")
    assert "山海有情·天辽地宁" in doc.text


def test_docx_table_rows(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("一、主要指标")
    t = d.add_table(rows=2, cols=3)
    for r, row in enumerate([["指标", "目标", "单位"], ["地区生产总值增长", "5.5", "%"]]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    d.add_paragraph("二、其他")
    d.save(tmp_path / "t.docx")
    assert read(tmp_path / "t.docx").original == "一、主要指标\n指标 | 目标 | 单位\n地区生产总值增长 | 5.5 | %\n二、其他"


def test_outline_same_for_every_format(files, reference):
    """The goal of ingest: every format gives the outline of the .txt."""
    build = getattr(luoshi, "build_outline", None) or getattr(luoshi, "outline")

    def shape(doc):
        return [(n.kind, re.sub(r"\s", "", normalize(n.title, simplify=doc.traditional)[0]))
                for n in build(doc).root.walk() if n.kind in ("part", "section", "paragraph")]

    want = shape(reference)
    assert want
    for name in ("docx", "html", "pdf", "trad-utf8", "gb18030", "utf16le"):
        assert shape(read(files[name])) == want, name


def test_docx_content_controls(tmp_path):
    """Paragraphs inside a content control (w:sdt), as templates use, are read in order."""
    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    d = docx.Document()
    d.add_paragraph("一、开头")
    inner = d.add_paragraph("（一）控件里的段落")
    d.add_paragraph("二、结尾")
    sdt = etree.SubElement(d.element.body, qn("w:sdt"))
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    inner._p.addprevious(sdt)
    content.append(inner._p)
    d.save(tmp_path / "sdt.docx")
    assert read(tmp_path / "sdt.docx").original == "一、开头\n（一）控件里的段落\n二、结尾"


def test_docx_zip_bomb(files, monkeypatch):
    from luoshi.ingest import readers

    monkeypatch.setattr(readers, "MAX_UNZIPPED", 1000)
    with pytest.raises(luoshi.InputError, match="unpacks to more than"):
        read(files["docx"])



@pytest.mark.parametrize("name", ["gb18030", "docx"])
def test_hash_of_the_bytes_parsed_when_asked(files, tmp_path, name):
    """The hash is taken when first asked, of the bytes that were parsed: a file changed after
    the read does not change it; a text read from memory has none."""
    import hashlib

    data = files[name].read_bytes()
    p = tmp_path / files[name].name
    p.write_bytes(data)
    doc = read(p)
    p.write_bytes(b"changed after the read")
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.sha256 == hashlib.sha256(data).hexdigest()  # asked again: the same
    assert luoshi.read_text(doc.original).sha256 is None
