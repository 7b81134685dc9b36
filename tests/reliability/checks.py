"""The invariants every parser stage must keep, and the inputs that try to break them.

Shared by the property tests (test_properties.py, test_regressions.py) and the fuzzer
(fuzz/fuzz_parsers.py), so a crash found by one is checked the same way by the other.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import luoshi
from luoshi.errors import InputError
from luoshi.ingest import Document, read, read_text
from luoshi.ingest.normalize import normalize

SAMPLE = luoshi.sample_path().read_text("utf-8")

# What a mutation injects: the characters reports (and broken converters) are made of.
POOLS = {
    "digits": "0123456789０１２３４５６７８９.．,，%％‰-－~～—",
    "units": ["%", "个百分点", "万元", "亿元", "万人", "公里", "万吨", "亿斤", "千瓦", "平方米", "万亩", "倍", "户"],
    "quotes": "“”‘’\"'「」『』《》〈〉",
    "brackets": "（）()【】[]{}｛｝〔〕",
    "fullwidth": "ＡＢＣａｂｃ！＃＄＆＊＋／：；＜＝＞？＠＼＾＿｀｜　",
    "traditional": "經濟發展國內生產總值億萬點與業區廣東臺灣縣鄉鎮",
    "control": "\x00\x01\x07\x08\x0b\x0c\r\n\t\x1b\x7f\x85\u00ad\u200b\u200d\u2028\u2029\ufeff\ufffd",
    "structure": ["一、", "（一）", "(二)", "第一部分", "1.", "（1）", "①", "一是", "二是", "三要",
                  "\n", "\n\n", "　　", "。", "；", "：", "主要预期目标", "增长", "左右", "以上",
                  "以内", "力争", "2024年", "去年", "预计", "各位代表", "比上年", "[bookmark: x]"],
    "unicode": ["\u0301", "\u0336\u0336", "\u202e", "\u200f", "عربي", "עברית", "\ue000", "\U000f0000",
                "\U00020000", "𝟘𝟙", "😀", "\U0001f1e8\U0001f1f3", "ﬀ", "Å", "ǅ", "\u3007", "〇"],
}


def mutate(text: str, rnd: random.Random, n: int) -> str:
    """``n`` random edits: insert from a pool, delete, swap, duplicate or reverse a piece."""
    chars = list(text)
    for _ in range(n):
        op = rnd.randrange(6)
        i = rnd.randrange(len(chars) + 1)
        if op <= 1 or not chars:
            pool = POOLS[rnd.choice(sorted(POOLS))]
            chars[i:i] = list(rnd.choice(pool))
        elif op == 2:
            del chars[i:i + rnd.randrange(1, 8)]
        elif op == 3 and len(chars) > 1:
            j = rnd.randrange(len(chars))
            i = min(i, len(chars) - 1)
            chars[i], chars[j] = chars[j], chars[i]
        elif op == 4:
            chars[i:i] = chars[i:i + rnd.randrange(1, 40)]
        else:
            chars[i:i + 20] = chars[i:i + 20][::-1]
    return "".join(chars)


def sample_slice(rnd: random.Random, max_len: int = 3000) -> str:
    a = rnd.randrange(len(SAMPLE))
    return SAMPLE[a:a + rnd.randrange(1, max_len)]


def check_document(doc: Document) -> None:
    """The offset map: one entry per normalised character plus one, strictly increasing."""
    assert len(doc.offsets) == len(doc.text) + 1
    assert doc.offsets[-1] == len(doc.original)
    assert all(a < b for a, b in zip(doc.offsets, doc.offsets[1:])), "offsets not increasing"
    assert not doc.offsets or doc.offsets[0] >= 0


def check_outline(doc: Document, ol) -> None:
    """Nodes nested in their parents, siblings in order, spans inside the text and consistent."""
    root = ol.root
    assert (root.start, root.end, root.nstart, root.nend) == (0, len(doc.original), 0, len(doc.text))
    stack = [root]
    while stack:
        node = stack.pop()
        assert 0 <= node.nstart <= node.nend <= len(doc.text), node
        assert 0 <= node.start <= node.end <= len(doc.original), node
        if node is not root:
            assert (node.start, node.end) == doc.to_original(node.nstart, node.nend), node
        prev_end = node.nstart
        for c in node.children:
            assert c.level == node.level + 1, (node.kind, c.kind)
            assert node.nstart <= c.nstart and c.nend <= node.nend, (node, c)
            assert c.nstart >= prev_end, f"siblings overlap: {c}"
            prev_end = c.nend
            stack.append(c)
    json.dumps(ol.metadata, default=str)


def check_figures(doc: Document, figures) -> None:
    for f in figures:
        assert 0 <= f.start <= f.end <= len(doc.original), f
        assert doc.original[f.start:f.end] == f.text, (f.text, doc.original[f.start:f.end])
        assert 0 <= f.nstart <= f.nend <= len(doc.text), f
        assert math.isfinite(f.value), f
        assert f.value_max is None or math.isfinite(f.value_max), f
        json.dumps(f.to_dict(explain=True), allow_nan=False)


def check_pipeline(doc: Document) -> None:
    check_document(doc)
    ol = luoshi.build_outline(doc)
    check_outline(doc, ol)
    check_figures(doc, luoshi.extract_figures(doc, ol))


def check_text(text: str) -> None:
    """normalize, then read_text → outline → figures; InputError (empty) is the only failure."""
    norm, offsets, _ = normalize(text)
    assert len(offsets) == len(norm) + 1
    try:
        doc = read_text(text, "fuzz")
    except InputError:
        assert not norm.strip()
        return
    check_pipeline(doc)


def check_file(path: Path, **kw) -> None:
    """read a file of any kind: a Document that keeps every invariant, or an InputError."""
    try:
        doc = read(path, **kw)
    except InputError as e:
        assert e.path == str(path) and e.reason
        return
    check_pipeline(doc)
