"""Turn the bytes of a file into text. One function a format; each raises InputError on bad input.

A reader returns ``(text, encoding)``; the text becomes ``Document.original``, so readers keep
the report's own characters and only rebuild lines (PDF) or drop markup (HTML, docx).
"""

from __future__ import annotations

import codecs
import html as htmllib
import io
import logging
import os
import re
import zipfile
import zlib
from collections import Counter
from itertools import islice
from statistics import median
from typing import Callable, NamedTuple

from ..errors import InputError
from .normalize import NOT_TEXT, rare_chars

Reader = Callable[[bytes, object], "tuple[str, str | None]"]

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Binary formats people mistake for text: say what the file is rather than "cannot decode".
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ\x90\x00", "a Windows executable"),
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a zip archive (.docx?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.doc) or an encrypted .docx"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
)

# Encodings a Chinese report actually comes in; tried before an open-ended guess.
CHINESE_ENCODINGS = ["gb18030", "big5", "big5hkscs", "utf_16_le", "utf_16_be"]


def _sniff(data: bytes) -> str | None:
    for magic, what in MAGIC:
        if data.startswith(magic):
            return what
    return None


_NOT_TEXT = re.compile(f"[{NOT_TEXT}]")


def _is_texty(text: str) -> bool:
    """Few control, private-use or replacement characters: a decoding that makes sense. They are
    counted among the characters ``normalize`` looks for, found in the same scan."""
    if not text:
        return True
    return sum(1 for c in rare_chars(text) if _NOT_TEXT.match(c)) / len(text) < 0.01


def decode_text(data: bytes, path: object) -> tuple[str, str]:
    """Decode plain-text bytes; returns (text, encoding). Detected from the bytes, never assumed.

    BOM first; then strict UTF-8 (which almost never validates by accident); then
    charset-normalizer limited to the Chinese encodings (an open guess reads a short GB18030
    line as Korean); then an open guess. Binary data fails every step.
    """
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise InputError(path, f"cannot decode as {enc} (it has a {enc} byte-order mark): {e.reason}") from None
    what = _sniff(data)
    if what:
        raise InputError(path, f"binary file ({what}), not text")
    try:
        text = data.decode("utf-8")
        if _is_texty(text):
            return text, "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    for isolation in (CHINESE_ENCODINGS, None):
        best = from_bytes(data, cp_isolation=isolation).best()
        if best is not None:
            text = str(best)
            if _is_texty(text):
                return text, best.encoding
    raise InputError(path, "binary file or unknown text encoding")


def read_txt(data: bytes, path: object) -> tuple[str, str | None]:
    return decode_text(data, path)


def limit(name: str, default: int) -> int:
    """A limit from env ``LUOSHI_<NAME>`` (read on each call), else ``default``."""
    raw = os.environ.get(f"LUOSHI_{name}", "").strip()
    return int(raw) if raw.isdigit() else default


# -- docx -------------------------------------------------------------------------------------

# A zip bomb stops at the zip directory, before anything is inflated. python-docx holds every
# part in memory, and walking the XML costs ~2 s and ~20 MB per MB: a real report's XML is a
# few MB, a 20 MB .docx of images unpacks to about its size.
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_XML = 20 * 1024 * 1024


def _repack(data: bytes) -> bytes:
    """The package again, every part inflated in 1 MB pieces up to its declared size, stored.

    zipfile's ``read()`` inflates up to 2 GB in one call before cutting to the declared size, so
    a directory that lies (1 KB declared, gigabytes of data) would spike memory in python-docx.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zipfile.ZipFile(buf, "w") as out:
        for info in zf.infolist():
            with zf.open(info) as f:
                out.writestr(info.filename, b"".join(iter(lambda: f.read(1 << 20), b"")))
    return buf.getvalue()


def read_docx(data: bytes, path: object) -> tuple[str, str | None]:
    """Paragraphs in body order (content controls opened); tables flattened row by row, cells
    joined by ' | '. Headers, footers and footnotes are page furniture and left out."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(path, "a legacy .doc (Word 97-2003) or password-protected file; save it as an unprotected .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError):  # NotImplementedError:
        raise InputError(path, "not a .docx file (not a zip archive)") from None  # zip version > 6.3
    names = {i.filename for i in infos}
    if "word/document.xml" not in names and "[Content_Types].xml" not in names:
        raise InputError(path, "a zip archive but not a Word .docx (no word/document.xml)")
    total = sum(i.file_size for i in infos)
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    for size, most, what in ((total, MAX_UNZIPPED, ""), (xml, MAX_XML, " of XML")):
        if size > most:
            raise InputError(path, f"the .docx unpacks to more than {most} bytes{what} ({size}): a zip bomb?")
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        d = docx.Document(io.BytesIO(_repack(data)))
        lines: list[str] = []
        stack = list(reversed(list(d.element.body.iterchildren())))
        while stack:  # iterative: content controls (w:sdt) can nest
            child = stack.pop()
            tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if tag == "p":
                lines.append(Paragraph(child, d).text)
            elif tag == "tbl":
                for row in Table(child, d).rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        t = " ".join(cell.text.split("\n")).strip()
                        if not cells or cells[-1] != t:  # merged cells repeat
                            cells.append(t)
                    lines.append(" | ".join(cells))
            elif tag in ("sdt", "sdtContent", "customXml"):
                stack.extend(reversed(list(child.iterchildren())))
    except InputError:
        raise
    except Exception as e:  # python-docx raises many kinds for a broken package
        raise InputError(path, f"not a readable .docx file ({type(e).__name__})") from None
    return "\n".join(lines), None


# -- pdf --------------------------------------------------------------------------------------

class _Line(NamedTuple):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int


# A page number alone on a line: "3", "- 3 -", "— 3 —", "第3页", "第 3 页 共 10 页", "3/10", "Page 3".
PAGE_NO = re.compile(
    r"^(?:[-—–－\s]*\d{1,3}[-—–－\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?)$"
)
# A line that starts a heading: 一、 （一） 第一章 1、 1. (1)
HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|第[一二三四五六七八九十百]+[章节部分篇]"
    r"|\d{1,2}[、.．](?!\d)|[（(]\d{1,2}[）)])"
)
SENT_END = re.compile(r"[。！？；：!?;:…][”’」』）)\"']*$")
_CID = re.compile(r"\(cid:\d+\)")

# pdfminer parses in pure Python and inflates streams whole: a small file can hold a million
# pages, objects or a stream of gigabytes. Checked before parsing (bytes) and before the pages
# are read; each limit can be set by env LUOSHI_MAX_PDF_PAGES / _OBJECTS / _INFLATED.
MAX_PDF_PAGES = 1000
MAX_PDF_OBJECTS = 100_000
MAX_PDF_INFLATED = 256 * 1024 * 1024
_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm")
_N = re.compile(rb"/N\s+(\d{1,12})")
_STREAM = re.compile(rb"(?<!end)stream\r?\n")


def _inflated(data: bytes, budget: int) -> int:
    """Bytes the Flate streams inflate to, counting stops past ``budget`` (bounded memory and
    time: input is fed in pieces, output never exceeds the budget)."""
    total, view = 0, memoryview(data)
    for m in _STREAM.finditer(data):
        z, pos = zlib.decompressobj(), m.end()
        try:
            while not z.eof and pos < len(data) and total <= budget:
                total += len(z.decompress(view[pos:pos + 65536], budget + 1 - total))
                while z.unconsumed_tail and total <= budget:
                    total += len(z.decompress(z.unconsumed_tail, budget + 1 - total))
                pos += 65536
        except zlib.error:
            pass  # not a Flate stream (an image), or its end
        if total > budget:
            break
    return total


def _check_pdf_size(data: bytes, path: object) -> None:
    objects = max([int(n) for n in _SIZE.findall(data)] or [0])
    objstm = sum(int(n.group(1)) for m in _OBJSTM.finditer(data)
                 if (n := _N.search(data, max(0, m.start() - 300), m.end() + 300)))
    headers = data.count(b"obj") - data.count(b"endobj")  # "12 0 obj", counted without a list
    objects = max(objects, headers + objstm)
    if objects > (most := limit("MAX_PDF_OBJECTS", MAX_PDF_OBJECTS)):
        raise InputError(path, f"PDF has {objects} objects; the limit is {most} (LUOSHI_MAX_PDF_OBJECTS)")
    budget = limit("MAX_PDF_INFLATED", MAX_PDF_INFLATED)
    if _inflated(data, budget) > budget:
        raise InputError(path, f"PDF streams inflate to more than {budget} bytes (LUOSHI_MAX_PDF_INFLATED)")


def _pdf_lines(data: bytes, path: object) -> list[list[_Line]]:
    import pdfplumber

    log = logging.getLogger("pdfminer")
    level = log.level
    log.setLevel(logging.CRITICAL + 1)  # pdfminer warns on stderr about harmless oddities
    try:
        pages: list[list[_Line]] = []
        _check_pdf_size(data, path)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            from pdfminer.pdfpage import PDFPage

            most = limit("MAX_PDF_PAGES", MAX_PDF_PAGES)
            if sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), most + 1)) > most:
                raise InputError(path, f"PDF has more than {most} pages (LUOSHI_MAX_PDF_PAGES)")
            if not pdf.pages:
                raise InputError(path, "PDF has no pages (corrupt?)")
            for n, page in enumerate(pdf.pages):
                chars = page.chars
                if len({(c["text"], round(c["x0"]), round(c["top"])) for c in chars}) < len(chars):
                    page = page.dedupe_chars()  # fake bold prints characters twice
                pages.append([_Line(ln["text"], ln["x0"], ln["x1"], ln["top"], ln["bottom"], n)
                              for ln in page.extract_text_lines(return_chars=False)
                              if ln["text"].strip()])
        return pages
    except InputError:
        raise
    except Exception as e:
        # pdfplumber wraps pdfminer's errors: name the underlying one
        inner = next((a for a in e.args if isinstance(a, BaseException)), e.__context__ or e)
        name = type(inner).__name__
        if "Password" in name or "Encrypt" in name:
            raise InputError(path, "encrypted PDF (needs a password)") from None
        raise InputError(path, f"not a readable PDF ({name})") from None
    finally:
        log.setLevel(level)


def _drop_furniture(pages: list[list[_Line]]) -> list[_Line]:
    """Page numbers and running headers/footers: first or last two lines of a page that are a
    page number, or whose text (digits aside) recurs at the edge of at least half the pages.
    The first line of the first page is the title even when a running header repeats it."""
    def key(ln: _Line) -> str:
        return re.sub(r"\d+", "#", ln.text.strip())

    edge = Counter(key(ln) for lines in pages for ln in {*lines[:1], *lines[-1:]})
    repeated = {k for k, c in edge.items() if len(pages) >= 3 and c >= max(3, len(pages) / 2)}
    out: list[_Line] = []
    for p, lines in enumerate(pages):
        n = len(lines)
        for i, ln in enumerate(lines):
            if (i < 2 or i >= n - 2) and PAGE_NO.match(ln.text.strip()):
                continue
            if ((i == 0 and p > 0) or i == n - 1) and key(ln) in repeated:
                continue
            out.append(ln)
    return out


def _paragraphs(lines: list[_Line]) -> str:
    """Rejoin lines that the PDF broke inside a paragraph.

    A line starts a new paragraph when it is a heading, is indented (first-line indent), follows
    extra vertical space, or follows a line that stopped well short of the right margin. If the
    document has no first-line indents, a line ending in sentence punctuation short of the margin
    also ends a paragraph. Indented paragraphs get the full-width indent back, as in a .txt.
    """
    if not lines:
        return ""
    em = median(ln.bottom - ln.top for ln in lines) or 10.0
    # the left margin: the leftmost x0 that several lines share (continuation lines start there)
    xs = Counter(round(ln.x0) for ln in lines)
    left = min((x for x, c in xs.items() if c >= max(2, 0.05 * len(lines))), default=min(xs))
    x1s = sorted(ln.x1 for ln in lines)
    right = x1s[int(0.95 * (len(x1s) - 1))] if len(x1s) >= 20 else x1s[-1]
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:]) if a.page == b.page and b.top > a.top]
    pitch = median(pitches) if pitches else em * 1.5

    def indented(ln: _Line) -> bool:
        return 0.8 * em < ln.x0 - left < 4.5 * em

    indents = sum(map(indented, lines)) >= max(1, 0.02 * len(lines))
    out: list[str] = []
    prev: _Line | None = None
    for ln in lines:
        text = ln.text.strip()
        if prev is None:
            new = True
        else:
            gap = right - prev.x1
            new = (bool(HEADING.match(text))
                   or (indents and indented(ln))
                   or (ln.page == prev.page and ln.top - prev.top > 1.4 * pitch)
                   or gap > 4 * em
                   or (not indents and gap > 0.5 * em and bool(SENT_END.search(prev.text.strip()))))
        if new:
            out.append(("\u3000\u3000" if indents and indented(ln) else "") + text)
        else:
            sep = " " if out[-1][-1:].isascii() and out[-1][-1:].isalnum() and text[:1].isascii() and text[:1].isalnum() else ""
            out[-1] += sep + text
        prev = ln
    return "\n".join(out)


def read_pdf(data: bytes, path: object) -> tuple[str, str | None]:
    """The text layer, page furniture dropped and paragraphs rejoined (see ``_paragraphs``)."""
    if b"%PDF-" not in data[:1024]:
        raise InputError(path, "not a PDF file (no %PDF header)")
    lines = _drop_furniture(_pdf_lines(data, path))
    raw = "".join(ln.text for ln in lines)
    if not raw.strip():
        raise InputError(path, "PDF has no text layer (scanned?); OCR it first")
    cids = sum(len(m) for m in _CID.findall(raw))
    if cids > 0.3 * len(re.sub(r"\s", "", raw)):
        raise InputError(path, "PDF text cannot be decoded (fonts without a Unicode map); OCR it first")
    if cids:
        lines = [ln._replace(text=_CID.sub("", ln.text)) for ln in lines]
    return _paragraphs(lines), None


# -- html -------------------------------------------------------------------------------------

BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "article", "main", "table", "ul", "ol", "blockquote", "pre", "dd", "dt", "dl",
              "title", "figure", "figcaption", "hr", "center", "address"}
DROP_TAGS = {"script", "style", "noscript", "nav", "aside", "form", "iframe", "svg", "button",
             "select", "template", "head", "menu", "object", "embed", "canvas", "dialog"}
NOISE_ROLES = {"navigation", "banner", "contentinfo", "menu", "menubar", "search", "complementary"}
# class/id of site chrome: nav and menu anywhere (topmenu, mainnav), the rest as whole words
NOISE = re.compile(r"nav|menu|crumb|(?:^|[-_\s])(?:footer|header|sidebar|share|social|toolbar|banner|copyright"
                   r"|skip|pager|pagination|login|search)(?:$|[-_\s])", re.I)
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2014\u2018\u2019\u201c\u201d\u2026]"
_SOFT = "\x00"  # a line break inside a text node: a space, or nothing between Chinese characters
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)


def _decode_html(data: bytes, path: object) -> tuple[str, str]:
    """BOM, then the declared charset (GB2312/GBK read as their superset GB18030), then sniffing."""
    if not any(data.startswith(b) for b, _ in BOMS):
        m = _CHARSET.search(data[:4096])
        if m:
            enc = m.group(1).decode("ascii").lower()
            enc = "gb18030" if enc in ("gb2312", "gbk", "gb_2312-80", "x-gbk") else enc
            try:
                return data.decode(enc), enc
            except (LookupError, ValueError):  # ValueError: UnicodeError of "undefined", "punycode"
                pass
    return decode_text(data, path)


def _finish(raw: str) -> str:
    lines = []
    for ln in raw.split("\n"):
        ln = re.sub(rf"(?<={_CJK}){_SOFT}+(?={_CJK})", "", ln).replace(_SOFT, " ")
        ln = re.sub(r"[ \t]{2,}", " ", ln).strip(" \t\r")
        if ln.strip():
            lines.append(ln)
    return "\n".join(lines)


def _soften(s: str) -> str:
    """HTML whitespace: runs collapse to one space; a run with a newline becomes _SOFT."""
    s = re.sub(r"[ \t\r\f]*\n[ \t\r\n\f]*", _SOFT, s.replace(_SOFT, ""))
    return re.sub(r"[ \t\r\f]+", " ", s)


def _html_text(markup: str) -> str:
    """Drop chrome, pick the main container, then emit lines. Every walk uses an explicit stack
    and no tree edits but ``decompose`` (bs4's insert_* and find_parent are quadratic on deep
    trees; ``tag.decomposed`` even searches the subtree)."""
    from bs4 import BeautifulSoup
    from bs4.element import CData, NavigableString, Tag

    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception:
        soup = BeautifulSoup(markup, "html.parser")

    def size(t: Tag) -> int:
        return len("".join(t.get_text().split()))

    total = size(soup.body or soup)
    drop, cands = [], []
    walk: list[tuple[Tag, bool]] = [(soup, False)]  # (tag, inside an article or main)
    while walk:
        tag, inside = walk.pop()
        for child in tag.contents:
            if not isinstance(child, Tag):
                continue
            name = child.name
            if (name in DROP_TAGS or (name in ("header", "footer") and not inside)
                    or ((child.get("role") in NOISE_ROLES
                         or NOISE.search(" ".join([*child.get("class", []), child.get("id") or ""])))
                        and size(child) < 0.5 * total)):
                drop.append(child)
                continue
            if name in ("article", "main") or child.get("role") == "main":
                cands.append(child)
            walk.append((child, inside or name in ("article", "main")))
    for tag in drop:
        tag.decompose()
    body = soup.body or soup
    best = max(cands, key=size, default=None)
    main = best if best is not None and size(best) >= 0.3 * size(body) else body

    out: list[str] = []
    stack: list[tuple[object, bool, bool]] = [(main, False, False)]  # (node, closing, in <pre>)
    while stack:
        node, closing, pre = stack.pop()
        if closing:
            out.append("\n")
        elif isinstance(node, Tag):
            name = node.name
            if name == "br":
                out.append("\n")
                continue
            if name in ("td", "th"):
                sib = node.previous_sibling
                while sib is not None and not isinstance(sib, Tag):
                    sib = sib.previous_sibling
                if sib is not None and sib.name in ("td", "th"):
                    out.append(" | ")
            if name in BLOCK_TAGS:
                out.append("\n")
                stack.append((node, True, pre))
            pre = pre or name == "pre"
            stack.extend((child, False, pre) for child in reversed(node.contents))
        elif type(node) in (NavigableString, CData):
            out.append(str(node) if pre else _soften(str(node)))
    return "".join(out)


def _html_text_fallback(markup: str) -> str:
    """Regex markup stripping for pages too deep for the tree (no recursion anywhere)."""
    t = re.sub(r"<!--.*?-->", "", markup, flags=re.S)
    t = re.sub(r"<(script|style|noscript|nav|head|template|svg)\b.*?</\1\s*>", "", t, flags=re.S | re.I)
    t = _soften(t)
    t = re.sub(r"<br\b[^>]*>", "\n", t, flags=re.I)
    t = re.sub(r"</?(?:%s)\b[^>]*>" % "|".join(BLOCK_TAGS), "\n", t, flags=re.I)
    t = re.sub(r"<[^>]*>", "", t)
    return htmllib.unescape(t)


def read_html(data: bytes, path: object) -> tuple[str, str | None]:
    """The main text: scripts, styles, navigation, menus, site header and footer dropped;
    block elements become lines, as a browser would show them."""
    markup, enc = _decode_html(data, path)
    try:
        raw = _html_text(markup)
    except RecursionError:
        raw = _html_text_fallback(markup)
    return _finish(raw), enc


READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".text": read_txt,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".html": read_html,
    ".htm": read_html,
    ".shtml": read_html,
    ".xhtml": read_html,
}
