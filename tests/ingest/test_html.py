"""HTML: the main text only, and no crash on hostile pages."""

from __future__ import annotations

import time

import pytest

from luoshi.ingest import read, readers


def write(tmp_path, markup: str, name: str = "page.html", encoding: str = "utf-8"):
    p = tmp_path / name
    p.write_bytes(markup.encode(encoding))
    return p


def test_deeply_nested(tmp_path):
    """10,000 levels: no RecursionError, the text is still found."""
    markup = ("<html><body>" + "<div><span>" * 10000 + "一、深处的标题" + "</span></div>" * 10000
              + "<p>（一）尾部段落。</p></body></html>")
    doc = read(write(tmp_path, markup))
    assert doc.text.split() == ["一、深处的标题", "(一)尾部段落。"]


def test_deeply_nested_unclosed(tmp_path):
    doc = read(write(tmp_path, "<div>" * 10000 + "<b>" * 5000 + "正文。"))
    assert doc.text == "正文。"


def test_recursion_fallback(tmp_path, monkeypatch):
    """If the tree walk ever recurses too deep, a regex pass still gives the text."""
    def boom(markup):
        raise RecursionError

    monkeypatch.setattr(readers, "_html_text", boom)
    markup = ("<html><head><title>标题</title><style>p{}</style></head><body><script>var x='脚本';</script>"
              "<nav>导航</nav><p>一、工作\n回顾</p><!-- 注释 --><p>　　正文&amp;内容。</p></body></html>")
    doc = read(write(tmp_path, markup))
    assert doc.original == "一、工作回顾\n　　正文&内容。"


def test_huge_single_line(tmp_path):
    line = "很长的一行文字，没有换行。" * 400_000  # 5.2 million characters, 15 MB
    t0 = time.perf_counter()
    doc = read(write(tmp_path, f"<html><body><p>{line}</p><p>二、结尾</p></body></html>"))
    assert doc.original == line + "\n二、结尾"
    t1 = time.perf_counter()
    txt = tmp_path / "huge.txt"
    txt.write_text(line, "utf-8")
    assert read(txt).original == line
    assert time.perf_counter() - t0 < 20, f"html {t1 - t0:.1f}s"


def test_source_line_breaks_and_spaces(tmp_path):
    """A newline inside a <p> is not a paragraph break; between Chinese characters it vanishes,
    between Latin words it is a space. <br> and block elements are line breaks."""
    markup = ("<body><p>第一句，\n   第二句。 The\n report  says</p><div>甲<br>乙</div>"
              "<table><tr><td>指标</td><td>目标</td></tr><tr><td>增长</td><td>5%</td></tr></table>"
              "<pre>  保留\n  格式</pre></body>")
    doc = read(write(tmp_path, markup))
    assert doc.original.split("\n") == ["第一句，第二句。 The report says", "甲", "乙", "指标 | 目标",
                                        "增长 | 5%", "保留", "格式"]


def test_menus_and_roles_dropped(tmp_path):
    markup = """<body>
      <div id="topmenu"><a>首页</a><a>机构</a></div>
      <ul class="sub-nav"><li>信息公开</li></ul>
      <div role="navigation">导航栏</div>
      <div class="breadcrumbs">当前位置</div>
      <div class="content"><p>一、正文。</p><header><h2>文章内标题</h2></header></div>
      <div class="footer-links">友情链接</div>
      <div class="copyright">版权</div>
    </body>"""
    doc = read(write(tmp_path, markup))
    assert doc.text.split("\n") == ["一、正文。"]


def test_article_header_kept(tmp_path):
    """<header> inside the <article> is its title, not site chrome."""
    markup = ("<body><header>网站</header><article><header><h1>政府工作报告</h1></header>"
              "<p>一、回顾。</p></article></body>")
    assert read(write(tmp_path, markup)).text.split("\n") == ["政府工作报告", "一、回顾。"]


def test_main_container_is_not_dropped(tmp_path):
    """A class like 'main-header-wrap' around all the text is not mistaken for chrome."""
    markup = '<body><div class="page-header-wrap"><p>一、回顾。</p><p>二、安排。</p></div></body>'
    assert read(write(tmp_path, markup)).text.split("\n") == ["一、回顾。", "二、安排。"]


@pytest.mark.parametrize("declared,encoding", [("gb2312", "gb18030"), ("GBK", "gbk"), (None, "gb18030"),
                                               ("big5", "big5"), ("utf-8", "utf-8")])
def test_html_encodings(tmp_path, declared, encoding):
    meta = f'<meta charset="{declared}">' if declared else ""
    text = "一、经济运行稳中向好，镕基" if encoding != "big5" else "一、經濟運行穩中向好"
    doc = read(write(tmp_path, f"<html><head>{meta}</head><body><p>{text}</p></body></html>", encoding=encoding))
    assert doc.original == text


def test_html_wrong_declared_charset(tmp_path):
    """Declared UTF-8 but really GB18030: the declaration fails and the bytes decide."""
    body = "<p>一、经济运行稳中向好，全省地区生产总值增长百分之五点三。</p>" * 3
    doc = read(write(tmp_path, f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>',
                     encoding="gb18030"))
    assert doc.original.startswith("一、经济运行稳中向好")
