"""PDF line handling: page furniture and paragraph rejoining, on synthetic lines and real PDFs."""

from __future__ import annotations

import pytest

from luoshi.ingest import read
from luoshi.ingest.readers import PAGE_NO, _drop_furniture, _Line, _paragraphs


def line(text: str, x0: float = 50, x1: float = 500, top: float = 0, page: int = 0) -> _Line:
    return _Line(text, x0, x1, top, top + 10, page)


@pytest.mark.parametrize("s", ["3", "- 3 -", "— 12 —", "－3－", "第3页", "第 3 页 共 10 页", "第3页/共10页",
                               "3/10", "Page 3", "page 3 of 10"])
def test_page_numbers(s):
    assert PAGE_NO.match(s)


@pytest.mark.parametrize("s", ["2024", "一、3", "第3条", "3%", "增长3", "3.5"])
def test_not_page_numbers(s):
    assert not PAGE_NO.match(s)


def test_furniture():
    pages = []
    for p in range(4):
        lines = [line("政府工作报告", top=20, page=p)] if p else [line("政府工作报告", top=20)]
        lines += [line(f"正文{p}", top=60 + p, page=p), line(f"第{p + 1}页", top=800, page=p)]
        pages.append(lines)
    kept = [ln.text for ln in _drop_furniture(pages)]
    assert kept == ["政府工作报告", "正文0", "正文1", "正文2", "正文3"]


def _texts(lines):
    return _paragraphs(lines).split("\n")


def test_rejoin_with_indents():
    lines = [line("一、总体要求", x0=70, x1=130, top=0),
             line("今年工作的总体要求是：以习近平新时代中国特色社", x0=70, top=16),
             line("会主义思想为指导。全面贯彻落实党的二十大精神。", top=32),  # ends 。 at the margin
             line("坚持稳中求进。", x1=120, top=48),
             line("（一）扩大内需", x0=70, x1=150, top=64),
             line("second line English", x0=70, top=80),
             line("words continue", x1=200, top=96)]
    assert _texts(lines) == ["\u3000\u3000一、总体要求",
                             "\u3000\u3000今年工作的总体要求是：以习近平新时代中国特色社会主义思想为指导。全面贯彻落实党的二十大精神。坚持稳中求进。",
                             "\u3000\u3000（一）扩大内需",
                             "\u3000\u3000second line English words continue"]


def test_rejoin_without_indents():
    """Block paragraphs: a paragraph ends at sentence punctuation short of the margin, at a
    short line, or before extra vertical space."""
    lines = [line("报告标题", x0=200, x1=300, top=0),
             line("第一段第一行，写满了整行的文字内容", top=16),
             line("第一段结束。", x1=200, top=32),
             line("第二段写满了一整行，而且恰好以句号结尾。", x1=498, top=48),  # full line ending 。: continues
             line("第二段继续", x1=495, top=64),
             line("第三段在空行之后", top=100),
             line("第三段在下一页继续。", x1=300, top=20, page=1)]
    assert _texts(lines) == ["报告标题", "第一段第一行，写满了整行的文字内容第一段结束。",
                             "第二段写满了一整行，而且恰好以句号结尾。第二段继续",
                             "第三段在空行之后第三段在下一页继续。"]


def test_block_paragraph_pdf(tmp_path, pdf_writer):
    """No first-line indent, blank line between paragraphs, paragraphs across pages."""
    paras = [("第%d段：" % i) + "全面贯彻落实党的二十大精神，坚持稳中求进工作总基调，" * 12 + "经济总体回升向好。"
             for i in range(1, 9)]
    p = pdf_writer("\n\n".join(paras), tmp_path / "blocks.pdf", header=None)
    assert read(p).original.split("\n") == paras


def test_fake_bold_deduplicated(tmp_path):
    """Some converters make bold by printing each character twice, a hair apart."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    p = tmp_path / "bold.pdf"
    c = canvas.Canvas(str(p))
    c.setFont("STSong-Light", 14)
    for dx in (0, 0.3):
        c.drawString(72 + dx, 700, "一、加粗的标题")
    c.setFont("STSong-Light", 11)
    c.drawString(94, 670, "正文。")
    c.save()
    assert read(p).original.split("\n") == ["一、加粗的标题", "\u3000\u3000正文。"]


WRAPPED = [  # (indented?, line) as a PDF sets them: a figure cut at a line end (增 | 长6.8%)
    (False, "某省政府工作报告"),
    (True, "一、2025年工作回顾"),
    (True, "2025年，全省地区生产总值增长5.3%，规模以上工业增加值增"),
    (False, "长6.8%，一般公共预算收入增长4.1%，城镇新增就业45万人，城"),
    (False, "镇调查失业率5.2%。"),
    (True, "二、2026年工作安排"),
    (True, "今年全省经济社会发展的主要预期目标是：地区生产总值增长5%左"),
    (False, "右，城镇调查失业率5.5%左右。"),
]


def test_wrapped_pdf_and_its_copied_text(tmp_path):
    """A PDF whose lines are wrapped at the page's width, a figure cut by a wrap: read as a PDF
    (lines rejoined from their geometry) and as the text a viewer copies out of it (lines joined
    by the text's own layout), the paragraphs, headings and figures are the same."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    import luoshi

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    p = tmp_path / "wrapped.pdf"
    c = canvas.Canvas(str(p))
    for k, (indent, text) in enumerate(WRAPPED):
        c.setFont("STSong-Light", 11)
        c.drawString(72 + (22 if indent else 0), 760 - 18 * k, text)
    c.save()
    copied = "\n".join(("\u3000\u3000" if indent else "") + text for indent, text in WRAPPED)

    def figures(doc):
        return sorted((f.indicator, f.value, f.role, f.year) for f in luoshi.extract_figures(doc))

    pdf, txt = read(p), luoshi.read_text(copied)
    want = ["某省政府工作报告", "一、2025年工作回顾",
            "2025年,全省地区生产总值增长5.3%,规模以上工业增加值增长6.8%,一般公共预算收入增长4.1%,"
            "城镇新增就业45万人,城镇调查失业率5.2%。", "二、2026年工作安排",
            "今年全省经济社会发展的主要预期目标是:地区生产总值增长5%左右,城镇调查失业率5.5%左右。"]
    for doc in (pdf, txt):
        assert [ln.strip() for ln in doc.text.split("\n")] == want
    assert figures(pdf) == figures(txt)
    assert ("规模以上工业增加值", 6.8, "actual", 2025) in figures(txt)
    assert ("地区生产总值", 5, "target", 2026) in figures(txt)
    cut = next(f for f in luoshi.extract_figures(txt) if f.value == 6.8)
    assert txt.original[cut.start:cut.end] == cut.text == "规模以上工业增加值增\n长6.8%"
