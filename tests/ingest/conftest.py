"""Test files in every supported format, built once per session from the bundled example.

Nothing binary is committed: the docx, PDF, HTML and encoded texts are generated here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import luoshi

SAMPLE = luoshi.sample_path().read_text("utf-8")
TITLE = SAMPLE.splitlines()[0]


def write_docx(text: str, path: Path) -> Path:
    """One Word paragraph per line, plus a table after the first part heading."""
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    d.save(str(path))
    return path


def wrap(line: str, width: float, measure) -> list[str]:
    """Wrap like a Chinese word processor: break between Han characters, never inside an
    ASCII run (numbers like 5022.6 or words like CBA stay whole)."""
    tokens = re.findall(r"[!-~]+|.", line)
    out, cur = [], ""
    for tok in tokens:
        if cur and measure(cur + tok) > width:
            out.append(cur)
            cur = tok.lstrip(" ")
        else:
            cur += tok
    out.append(cur)
    return out


def write_pdf(text: str, path: Path, *, header: str | None = "辽宁省人民政府", page_no: str = "- {} -") -> Path:
    """A4 with reportlab's built-in CID font STSong-Light (no font file needed).

    The text layer is what pdfplumber reads back. STSong-Light has no glyph for U+00B7 (·):
    reportlab silently drops it, so the Chinese interpunct U+30FB (・) is drawn instead — the
    normaliser folds both to ·. Paragraphs keep their full-width indent; each page has a
    running header (from page 2) and a page number in the footer, as real reports do.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size = "STSong-Light", 11
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    margin = 60
    y = h - margin
    page = 1

    def measure(s: str) -> float:
        return pdfmetrics.stringWidth(s, font, size)

    def furniture() -> None:
        c.setFont(font, 9)
        if header and page > 1:
            c.drawCentredString(w / 2, h - 35, header)
        c.drawCentredString(w / 2, 30, page_no.format(page))

    furniture()
    for line in text.replace("\u00b7", "\u30fb").splitlines():
        indent = len(line) - len(line.lstrip("\u3000"))
        body = line.lstrip("\u3000")
        first = True
        for piece in wrap(body, w - 2 * margin - (indent * size), measure) if indent else wrap(body, w - 2 * margin, measure):
            if y < margin:
                c.showPage()
                page += 1
                y = h - margin
                furniture()
            c.setFont(font, size)
            x = margin + (indent * size if first else 0)
            c.drawString(x, y, piece)
            y -= size * 1.6
            first = False
    c.showPage()
    c.save()
    return path


def write_html(text: str, path: Path, encoding: str = "utf-8", declared: str | None = None) -> Path:
    """The report inside a typical government page: head, scripts, styles, menus, breadcrumbs,
    site header and footer, a share bar and comments around an <article>.

    ``declared`` is the <meta charset>; old pages say gb2312 but hold GBK/GB18030 characters.
    """
    lines = text.splitlines()
    body = [f"<h1>{lines[0]}</h1>"]
    for i, line in enumerate(lines[1:]):
        # alternate: literal full-width indent, CSS indent, and source line breaks inside <p>
        if i % 3 == 0:
            body.append(f"<p>{line}</p>")
        elif i % 3 == 1:
            body.append(f'<p style="text-indent:2em">{line.lstrip(chr(0x3000))}</p>')
        else:
            mid = len(line) // 2
            body.append(f"<p>\n    {line[:mid]}\n    {line[mid:]}\n</p>")
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared or encoding}"><title>{lines[0]}_辽宁省人民政府</title>
<style>p {{ font-size: 16px }} .nav li {{ display: inline }}</style>
<script>var menu = ["首页", "政务公开"]; document.write("<p>脚本文字</p>");</script>
</head><body>
<header class="site-header"><div class="logo">辽宁省人民政府</div></header>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zw">政务公开</a></li><li>办事服务</li></ul></div>
<nav><a href="/">网站地图</a> | <a href="/en">English</a></nav>
<div class="breadcrumb">首页 &gt; 政务公开 &gt; 政府工作报告</div>
<div class="main-wrap"><article>
<!-- 正文开始 -->
{chr(10).join(body)}
<noscript>请启用JavaScript</noscript>
</article>
<div class="share-bar">分享到：微信 微博</div>
<aside><h3>相关链接</h3><ul><li>国务院</li></ul></aside></div>
<footer><p>主办：辽宁省人民政府办公厅 版权所有</p></footer>
<script>console.log("统计代码");</script>
</body></html>"""
    path.write_bytes(page.encode(encoding))
    return path


@pytest.fixture(scope="session")
def pdf_writer():
    return write_pdf


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE


@pytest.fixture(scope="session")
def traditional_text() -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(SAMPLE)


@pytest.fixture(scope="session")
def traditional_big5() -> str:
    """Taiwan-standard characters (為, 群, 啟): all of them exist in Big5, unlike OpenCC's s2t
    forms (爲, 羣, 啓)."""
    import opencc

    return opencc.OpenCC("s2tw").convert(SAMPLE)


@pytest.fixture(scope="session")
def files(tmp_path_factory, traditional_text, traditional_big5) -> dict[str, Path]:
    """Every variant of the example report, by name."""
    d = tmp_path_factory.mktemp("formats")
    enc = {
        "utf8": ("txt", SAMPLE.encode("utf-8")),
        "utf8-bom": ("txt", SAMPLE.encode("utf-8-sig")),
        "crlf": ("txt", SAMPLE.replace("\n", "\r\n").encode("utf-8")),
        "gb18030": ("txt", SAMPLE.encode("gb18030")),
        "gbk": ("txt", SAMPLE.encode("gbk")),
        "utf16": ("txt", SAMPLE.encode("utf-16")),  # with BOM, native order
        "utf16le-bom": ("txt", b"\xff\xfe" + SAMPLE.encode("utf-16-le")),
        "utf16be-bom": ("txt", b"\xfe\xff" + SAMPLE.encode("utf-16-be")),
        "utf16le": ("txt", SAMPLE.encode("utf-16-le")),
        "utf16be": ("txt", SAMPLE.encode("utf-16-be")),
        "trad-utf8": ("txt", traditional_text.encode("utf-8")),
        "trad-big5": ("txt", traditional_big5.encode("big5hkscs")),  # 礴 is not in plain Big5
    }
    out = {}
    for name, (ext, data) in enc.items():
        out[name] = d / f"{name}.{ext}"
        out[name].write_bytes(data)
    out["docx"] = write_docx(SAMPLE, d / "report.docx")
    out["pdf"] = write_pdf(SAMPLE, d / "report.pdf")
    out["html"] = write_html(SAMPLE, d / "report.html")
    out["html-gb"] = write_html(SAMPLE, d / "report-gb.html", encoding="gb18030", declared="gb2312")
    return out
