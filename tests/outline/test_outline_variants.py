"""The example laid out differently gives the same outline: traditional characters, no
indentation with CRLF, text wrapped at a fixed width (as from PDF or HTML)."""

from __future__ import annotations

import opencc
import pytest

from luoshi import read_text
from luoshi.outline import Node, build

S2T = opencc.OpenCC("s2t")


def shape(node: Node, title=lambda t: t) -> tuple:
    """The tree without offsets: kinds, titles, flags, children."""
    return (node.kind, title(node.title), tuple(sorted(node.flags.items())),
            tuple(shape(c, title) for c in node.children))


def wrap(text: str, width: int = 36, indent: bool = True, blank: bool = False) -> str:
    """Break every line at ``width`` characters, like text taken from a PDF."""
    out = []
    for line in text.replace("[bookmark: _GoBack]", "").split("\n"):
        body = line.lstrip("\u3000 ")
        if not body:
            continue
        chunks = [body[i:i + width] for i in range(0, len(body), width)]
        if indent and line.startswith("\u3000"):
            chunks[0] = "\u3000\u3000" + chunks[0]
        out += chunks + ([""] if blank else [])
    return "\n".join(out)


@pytest.fixture(scope="module")
def base(example_text):
    return build(read_text(example_text.replace("[bookmark: _GoBack]", "")))


def test_traditional(example, example_text):
    doc = read_text(S2T.convert(example_text))
    assert doc.traditional
    ol = build(doc)
    assert shape(ol.root) == shape(example.root, S2T.convert)
    assert ol.parts[0].title == "一、2023年工作回顧"
    assert [i.title for i in ol.nodes("item")][0] == S2T.convert("一要建设更强担当的有为政府。")
    for n in ol.nodes():
        if n.title:
            assert doc.original[n.start:n.end].startswith(n.title)
    md = ol.metadata
    assert md["title"] == "2024年遼寧省政府工作報告"  # as written
    assert {k: md[k] for k in ("region", "level", "date", "speaker", "review_year", "plan_year")} == {
        "region": "辽宁省", "level": "province", "date": "2024-01-23", "speaker": "李乐成",
        "review_year": 2023, "plan_year": 2024}


def test_no_indent_crlf(example, example_text):
    text = "\r\n".join(line.lstrip("\u3000") for line in example_text.split("\n"))
    doc = read_text(text)
    ol = build(doc)
    assert shape(ol.root) == shape(example.root)
    assert ol.metadata == example.metadata
    sec = ol.nodes("section")[0]
    assert doc.original[sec.start:sec.end].startswith("（一）全力以赴稳增长")
    assert "\r" not in doc.original[sec.start:sec.end]


@pytest.mark.parametrize("layout", [dict(indent=True), dict(indent=False, blank=True)],
                         ids=["indented", "blank-lines"])
def test_wrapped_marked_paragraphs(base, example_text, layout):
    """Paragraphs marked by indentation or blank lines: exactly the same tree, sentences too."""
    doc = read_text(wrap(example_text, **layout))
    ol = build(doc)
    assert shape(ol.root) == shape(base.root)
    for n in ol.nodes():
        if n.title:
            flat = doc.original[n.start:n.end].replace("\n", "").replace("\u3000", "")
            assert flat.startswith(n.title)


def test_wrapped_unmarked_paragraphs(base, example_text):
    """No mark of paragraphs: parts, sections, items and the targets still come out right."""
    ol = build(read_text(wrap(example_text, indent=False)))
    for kind in ("part", "section", "item"):
        assert [n.title for n in ol.nodes(kind)] == [n.title for n in base.nodes(kind)]
    assert [len(s.children) > 1 for s in ol.nodes("section")] == [len(s.children) > 1 for s in base.nodes("section")]
    themed = [n.title for n in ol.nodes("paragraph") if n.flags.get("themed")]
    assert len(themed) >= 25
    assert [n.kind for n in ol.nodes() if n.flags.get("main_targets")] == ["paragraph"]
