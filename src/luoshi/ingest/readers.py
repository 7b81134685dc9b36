"""Turn the bytes of a file into text. One function a format; each raises InputError on bad input."""

from __future__ import annotations

import codecs
import io
import zipfile

from ..errors import InputError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, path: object) -> tuple[str, str]:
    """Decode plain-text bytes; returns (text, encoding). Detects from the bytes, never assumes."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise InputError(path, f"cannot decode as {enc}: {e.reason}") from None
    # UTF-16 without BOM: many NUL bytes at even or odd positions
    if len(data) >= 4 and data.count(b"\x00") > len(data) // 4:
        even = data[0::2].count(0)
        odd = data[1::2].count(0)
        enc = "utf-16-le" if odd > even else "utf-16-be"
        try:
            text = data.decode(enc)
            if _is_texty(text):
                return text, enc
        except UnicodeDecodeError:
            pass
        raise InputError(path, "binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _is_texty(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(path, "binary file or unknown text encoding")
    text = str(best)
    if not _is_texty(text):
        raise InputError(path, "binary file, not text")
    return text, best.encoding


def _is_texty(text: str) -> bool:
    """Most characters printable and few control characters."""
    if not text:
        return True
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0xE000 <= ord(ch) <= 0xF8FF
              or ch == "\ufffd")
    return bad / len(text) < 0.01


def read_txt(data: bytes, path: object) -> tuple[str, str | None]:
    if b"\x00" in data[:4096] and not any(data.startswith(b) for b, _ in BOMS) and data.count(b"\x00") <= len(data) // 4:
        raise InputError(path, "binary file, not text")
    return decode_text(data, path)


def read_docx(data: bytes, path: object) -> tuple[str, str | None]:
    """Paragraphs in body order; tables flattened row by row, cells joined by ' | '."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(path, "not a .docx file (not a zip archive)")
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        d = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises many kinds for a broken package
        raise InputError(path, f"not a readable .docx file ({type(e).__name__})") from None
    lines: list[str] = []
    body = d.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, d).text)
        elif tag == "tbl":
            for row in Table(child, d).rows:
                cells: list[str] = []
                for cell in row.cells:
                    t = cell.text.replace("\n", " ").strip()
                    if not cells or cells[-1] != t:  # merged cells repeat
                        cells.append(t)
                lines.append(" | ".join(cells))
    return "\n".join(lines), None


def read_pdf(data: bytes, path: object) -> tuple[str, str | None]:
    if not data.startswith(b"%PDF"):
        raise InputError(path, "not a PDF file")
    try:
        import pdfplumber

        pages = []
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                pages.append(page.extract_text() or "")
    except InputError:
        raise
    except Exception as e:
        raise InputError(path, f"not a readable PDF ({type(e).__name__})") from None
    text = "\n".join(p.strip("\n") for p in pages)
    if not text.strip():
        raise InputError(path, "PDF has no text layer (scanned?); OCR it first")
    return text, None


BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "article", "table", "ul", "ol", "blockquote", "pre", "dd", "dt", "title"}
DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form",
             "iframe", "svg", "button", "select", "template", "head"]


def read_html(data: bytes, path: object) -> tuple[str, str | None]:
    """The main text: scripts, styles and navigation dropped; blocks become lines."""
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(data, "lxml")
    except Exception as e:
        raise InputError(path, f"not readable HTML ({type(e).__name__})") from None
    for tag in soup(DROP_TAGS):
        tag.decompose()
    main = soup.find("article") or soup.find("main") or soup.body or soup
    for br in main.find_all("br"):
        br.replace_with("\n")
    for tag in main.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    raw = main.get_text()
    lines = [ln.strip(" \t\r") for ln in raw.split("\n")]
    text = "\n".join(ln for ln in lines if ln.strip())
    return text, soup.original_encoding


READERS = {
    ".txt": read_txt,
    ".text": read_txt,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".html": read_html,
    ".htm": read_html,
    ".shtml": read_html,
}
