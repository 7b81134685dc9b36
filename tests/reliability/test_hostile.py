"""Hostile files: each is refused, or read, within bounded memory and time, with a clear
InputError, and nothing is written (the importer leaves the database without a report).

The bombs are built in milliseconds: a Deflate stream of one repeated piece (each piece ends in
a full flush, so copies of it chain), and PDFs written by hand. The memory-bound cases run in a
child process whose address space is capped, so a regression fails the test, not the machine.
"""

from __future__ import annotations

import io
import json
import os
import resource
import socket
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from itertools import accumulate
from pathlib import Path

import pytest
from sqlalchemy import func, select

from luoshi import store
from luoshi.errors import InputError
from luoshi.ingest import read, readers
from luoshi.services.importer import import_file
from luoshi.store.models import Report

GB = 1 << 30
HERE = Path(__file__).parent


# -- helpers -----------------------------------------------------------------------------------

def _deflate_of_zeros(n: int, byte: bytes = b"\0") -> bytes:
    """Raw Deflate of ``n`` copies of ``byte`` (n a multiple of 16 MB), made without inflating."""
    piece = 16 << 20
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(byte * piece) + c.flush(zlib.Z_FULL_FLUSH)
    return block * (n // piece) + b"\x03\x00"  # the final, empty block


def _member(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    return name, _deflate(data), len(data), zlib.crc32(data)


def _raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, raw Deflate data, size declared in its headers, CRC). A bomb's CRC is
    left 0: computing it would mean inflating gigabytes, and nothing may read that far."""
    out, central = bytearray(), bytearray()
    for name, raw, size, crc in members:
        n = name.encode()
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(raw), size,
                               len(n), 0, 0, 0, 0, 0, len(out)) + n
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(raw), size, len(n), 0) + n + raw
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'officeDocument" Target="word/document.xml"/></Relationships>')
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(document_xml: bytes | str, **parts: bytes) -> bytes:
    if isinstance(document_xml, str):
        document_xml = document_xml.encode()
    members = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS, "word/document.xml": document_xml,
               **{k.replace("__", "/"): v for k, v in parts.items()}}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _body(paragraphs: str) -> str:
    return f'<?xml version="1.0"?>\n{{dtd}}<w:document {W}><w:body>{paragraphs}</w:body></w:document>'


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of ``objects`` (object k+1 is objects[k]) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (k, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _many_pages_pdf(n: int, fanout: int = 1000) -> bytes:
    """``n`` empty pages in a two-level page tree, every object in Flate object streams (as PDF
    1.5 writers do), so a million pages fit in 9 MB."""
    mids = -(-n // fanout)
    first = 3 + mids
    bodies = [b"<</Type/Catalog/Pages 2 0 R>>",
              b"<</Type/Pages/Count %d/Kids[%s]/MediaBox[0 0 612 792]>>"
              % (n, b" ".join(b"%d 0 R" % (3 + m) for m in range(mids)))]
    bodies += [b"<</Type/Pages/Count %d/Kids[%s]>>" % (len(kids), b" ".join(b"%d 0 R" % k for k in kids))
               for kids in (range(first + m * fanout, first + min(n, (m + 1) * fanout)) for m in range(mids))]
    bodies += [b"<</Type/Page>>"] * n
    out, xref, streams = bytearray(b"%PDF-1.5\n"), bytearray(7), []  # xref row 0: free
    stm = len(bodies) + 1
    for c in range(0, len(bodies), 1000):
        chunk = bodies[c:c + 1000]
        pos = list(accumulate((len(b) + 1 for b in chunk), initial=0))
        head = b" ".join(b"%d %d" % (c + 1 + i, pos[i]) for i in range(len(chunk))) + b"\n"
        raw = zlib.compress(head + b"\n".join(chunk) + b"\n", 1)
        xref += b"".join(b"\x02" + stm.to_bytes(4, "big") + i.to_bytes(2, "big") for i in range(len(chunk)))
        streams.append(len(out))
        out += b"%d 0 obj<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>stream\n" % (
            stm, len(chunk), len(head), len(raw)) + raw + b"\nendstream endobj\n"
        stm += 1
    xref += b"".join(b"\x01" + o.to_bytes(4, "big") + b"\0\0" for o in [*streams, len(out)])
    raw = zlib.compress(bytes(xref), 1)
    start = len(out)
    out += b"%d 0 obj<</Type/XRef/Size %d/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length %d>>stream\n" % (
        stm, stm + 1, len(raw)) + raw + b"\nendstream endobj\nstartxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def _text_pdf(pages: list[list[str]]) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for lines in pages:
        for k, line in enumerate(lines):
            c.drawString(72, 720 - 20 * k, line)
        c.showPage()
    c.save()
    return buf.getvalue()


CHILD = """
import json, resource, sys, time
from luoshi.errors import InputError
from luoshi.ingest import read
t = time.perf_counter()
try:
    doc = read(sys.argv[1], max_bytes=int(sys.argv[2]))
    out = {"text": doc.text[:2000], "length": len(doc.text)}
except InputError as e:
    out = {"error": e.reason}
out["seconds"] = time.perf_counter() - t
# the peak of this process's own memory: VmHWM starts afresh at exec, while ru_maxrss keeps the
# forking parent's peak (a test run that has grown past 500 MB would be charged to the child)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
out["rss_mb"] = int(hwm[0].split()[1]) // 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps(out))
"""


def read_bounded(path: Path, *, mem_mb: int = 1024, seconds: int = 60, max_bytes: int = 20 << 20) -> dict:
    """read(path) in a child with its address space capped at ``mem_mb``: the result, or the
    InputError's reason, with the time and peak memory it took."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (mem_mb << 20, mem_mb << 20))

    r = subprocess.run([sys.executable, "-c", CHILD, str(path), str(max_bytes)], capture_output=True,
                       text=True, timeout=seconds, preexec_fn=cap)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def refused(path: Path, words: str, **kw) -> dict:
    out = read_bounded(path, **kw)
    assert "error" in out, f"not refused: {out.get('text', '')[:200]!r}"
    assert words.lower() in out["error"].lower(), out["error"]
    return out


@pytest.fixture
def db(tmp_path):
    factory = store.open(f"sqlite:///{tmp_path}/x.db")
    yield factory
    store.close(factory)


def reports(factory) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(Report))


def import_refused(factory, path: Path, words: str) -> None:
    with pytest.raises(InputError, match=words):
        import_file(factory, path)
    assert reports(factory) == 0


# -- docx: zip bombs ---------------------------------------------------------------------------

def test_docx_zip_bomb(tmp_path, db):
    """document.xml inflates to 3 GB (a 3 MB file): refused from the zip directory, at once."""
    p = tmp_path / "bomb.docx"
    p.write_bytes(_raw_zip([_member("[Content_Types].xml", CONTENT_TYPES), _member("_rels/.rels", RELS),
                            ("word/document.xml", _deflate_of_zeros(3 * GB, b" "), 3 * GB, 0)]))
    assert p.stat().st_size < 5 << 20
    out = refused(p, "zip bomb", mem_mb=768)
    assert out["seconds"] < 10, out
    assert "unpacks to more than" in out["error"]
    import_refused(db, p, "zip bomb")


def test_docx_lying_zip_directory(tmp_path):
    """The directory says 1 KB, the data inflates to 3 GB: zipfile stops at the declared size
    (then the CRC fails), so memory stays bounded and the file is refused."""
    p = tmp_path / "liar.docx"
    p.write_bytes(_raw_zip([_member("[Content_Types].xml", CONTENT_TYPES), _member("_rels/.rels", RELS),
                            ("word/document.xml", _deflate_of_zeros(3 * GB, b" "), 1024, 0)]))
    out = refused(p, "not a readable .docx", mem_mb=768)
    assert out["seconds"] < 10 and out["rss_mb"] < 500, out


def test_docx_many_small_parts(tmp_path):
    """Thousands of parts that add up past the limit are refused like one big part."""
    p = tmp_path / "parts.docx"
    blob = _deflate_of_zeros(16 << 20)
    p.write_bytes(_raw_zip([_member("[Content_Types].xml", CONTENT_TYPES), _member("word/document.xml", b"<w:document/>")]
                           + [(f"word/media/{i}.bin", blob, 16 << 20, 0) for i in range(8)]))
    with pytest.raises(InputError, match="unpacks to more than"):
        read(p)


# -- docx: XML entities ------------------------------------------------------------------------

def test_docx_external_entities_not_resolved(tmp_path, db):
    """XXE: a file entity and a network entity in document.xml and in the package's rels. Neither
    the secret nor a connection comes out: python-docx parses with resolve_entities=False."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-7f3a9c")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    dtd = (f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">'
           f'<!ENTITY net SYSTEM "http://127.0.0.1:{port}/x"><!ENTITY % pe SYSTEM "http://127.0.0.1:{port}/p"> %pe;]>')
    xml = _body('<w:p><w:r><w:t>一、回顾&xxe;&net;</w:t></w:r></w:p>'
                '<w:p><w:r><w:t>全省地区生产总值增长5%。</w:t></w:r></w:p>').replace("{dtd}", dtd)
    rels = RELS.replace(b"?>", b'?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://' + str(secret).encode() + b'">]>', 1)
    p = tmp_path / "xxe.docx"
    p.write_bytes(_docx(xml, _rels__rels=rels))
    try:
        doc = read(p)
    except InputError as e:
        assert "SECRET" not in e.reason
    else:
        assert "SECRET" not in doc.original and "全省地区生产总值增长5%" in doc.original
    try:
        import_file(db, p)
    except InputError:
        assert reports(db) == 0
    with db() as s:
        assert all("SECRET" not in r.original for r in s.scalars(select(Report)))
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody connected
    listener.close()


def _laughs(levels: int = 9) -> tuple[str, str]:
    ents = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(levels))
    return f"<!DOCTYPE x [{ents}]>", f"&{chr(97 + levels)};"


def test_docx_billion_laughs(tmp_path):
    dtd, ref = _laughs()
    xml = _body(f"<w:p><w:r><w:t>一、回顾{ref}</w:t></w:r></w:p>"
                "<w:p><w:r><w:t>全省地区生产总值增长5%。</w:t></w:r></w:p>").replace("{dtd}", dtd)
    p = tmp_path / "laughs.docx"
    p.write_bytes(_docx(xml))
    out = read_bounded(p, mem_mb=768, seconds=60)
    assert out["seconds"] < 10 and out.get("length", 0) < 10_000, out


# -- HTML ----------------------------------------------------------------------------------------

SCRIPTED = """<!DOCTYPE html><html><head><title>政府工作报告</title>
<script>document.write('SCRIPT-A'); fetch('/steal?c=' + document.cookie)</script>
<script type="module">import x from "SCRIPT-B";</script><style>p{x:'STYLE-C'}</style></head>
<body onload="alert('HANDLER-D')">
<p onclick="alert('HANDLER-E')" onmouseover="x('HANDLER-F')">一、过去一年工作回顾</p>
<img src=x onerror="alert('HANDLER-G')"><a href="javascript:alert('URL-H')">链接</a>
<svg><script>alert('SVG-I')</script></svg><noscript>NOSCRIPT-J</noscript>
<iframe srcdoc="<script>alert('IFRAME-K')</script>"></iframe><template><p>TEMPLATE-L</p></template>
<p>　　全省地区生产总值增长5%。<SCRIPT>var s = "</p>SCRIPT-M";</SCRIPT></p>
<embed src="EMBED-O"><script><!-- <p>SCRIPT-P</p> --></script>
<p style="background:url(javascript:alert('STYLE-Q'))">二、今年工作安排</p></body></html>"""
MARKERS = [w for w in "SCRIPT-A SCRIPT-B STYLE-C HANDLER-D HANDLER-E HANDLER-F HANDLER-G URL-H SVG-I "
           "NOSCRIPT-J IFRAME-K TEMPLATE-L SCRIPT-M EMBED-O SCRIPT-P STYLE-Q alert".split()]


@pytest.mark.parametrize("fallback", [False, True], ids=["tree", "regex-fallback"])
def test_html_scripts_and_handlers(tmp_path, monkeypatch, fallback):
    """Text comes out without script, style or handler content, on both paths of the reader."""
    if fallback:
        def boom(markup):
            raise RecursionError

        monkeypatch.setattr(readers, "_html_text", boom)
    p = tmp_path / "page.html"
    p.write_text(SCRIPTED, "utf-8")
    doc = read(p)
    assert "一、过去一年工作回顾" in doc.text and "全省地区生产总值增长5%。" in doc.text
    leaked = [m for m in MARKERS if m in doc.original]
    assert not leaked, (leaked, doc.original)


@pytest.mark.parametrize("ext", [".html", ".xhtml"])
def test_html_billion_laughs(tmp_path, ext):
    """HTML has no entity declarations: an internal subset is never expanded."""
    dtd, ref = _laughs()
    p = tmp_path / f"laughs{ext}"
    p.write_text(f'<?xml version="1.0"?>{dtd}<html><body><p>一、回顾{ref}</p>'
                 "<p>全省地区生产总值增长5%。</p></body></html>", "utf-8")
    out = read_bounded(p, mem_mb=768)
    assert out["seconds"] < 10 and out["length"] < 1000, out
    assert "lollol" not in out["text"]


# -- PDF -----------------------------------------------------------------------------------------

def test_pdf_million_pages(tmp_path, db):
    """A million pages in object streams (a 9 MB file): refused before pdfminer parses it."""
    p = tmp_path / "pages.pdf"
    p.write_bytes(_many_pages_pdf(1_000_000))
    assert p.stat().st_size < 20 << 20
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="objects; the limit is"):
        read(p)
    assert time.perf_counter() - t0 < 20
    import_refused(db, p, "objects")


def test_pdf_page_limit(tmp_path, monkeypatch):
    """Under the object limit but over the page limit: refused after counting pages, not after
    reading them. The limit is set by LUOSHI_MAX_PDF_PAGES."""
    p = tmp_path / "pages.pdf"
    p.write_bytes(_many_pages_pdf(20_000))
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="more than 1000 pages"):
        read(p)
    assert time.perf_counter() - t0 < 30
    small = tmp_path / "three.pdf"
    small.write_bytes(_text_pdf([["Review of the year."], ["Targets: growth about 5%."], ["Closing words."]]))
    assert read(small).text
    monkeypatch.setenv("LUOSHI_MAX_PDF_PAGES", "2")
    with pytest.raises(InputError, match="more than 2 pages"):
        read(small)


def test_pdf_million_objects(tmp_path):
    """A million bare objects, no xref (pdfminer would scan and index them all)."""
    p = tmp_path / "objects.pdf"
    p.write_bytes(b"%PDF-1.4\n" + b"".join(b"%d 0 obj null endobj\n" % i for i in range(1, 1_000_001))
                  + b"trailer<</Root 1 0 R>>\n%%EOF\n")
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="objects"):
        read(p, max_bytes=64 << 20)
    assert time.perf_counter() - t0 < 20


def test_pdf_flate_bomb(tmp_path, db):
    """A page whose content stream inflates to 2 GB (a 2 MB file): refused, memory bounded."""
    raw = _deflate_of_zeros(2 * GB, b" ")
    stream = b"x\x9c" + raw  # zlib header; the missing Adler-32 is never reached
    p = tmp_path / "bomb.pdf"
    p.write_bytes(_pdf([b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
                        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>",
                        b"<</Length %d/Filter/FlateDecode>>stream\n%s\nendstream" % (len(stream), stream)]))
    out = refused(p, "inflate to more than", mem_mb=1024)
    assert out["seconds"] < 20, out
    import_refused(db, p, "inflate")


# -- file names and sizes ------------------------------------------------------------------------

def _tree(root: Path) -> set[str]:
    return {str(q.relative_to(root)) for q in root.rglob("*")}


def test_path_traversal_names(tmp_path, db, monkeypatch):
    """'../../etc/passwd.txt' reads the file the user named (that is what a path is) and writes
    nothing; the doc id is a plain name whatever the file is called."""
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd.txt").write_text("一、回顾\n全省地区生产总值增长5%。", "utf-8")
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    odd = {"..txt": "document", "...txt": "document", "..\\..\\evil.txt": "_.._evil",
           "a\nb.txt": "a_b", ".hidden.txt": "hidden", "C:x.txt": "C_x"}
    for i, name in enumerate(odd):  # each a document of its own (the same bytes are one document)
        (work / name).write_text(f"一、回顾\n全省地区生产总值增长5%。第{i}份。", "utf-8")
    monkeypatch.chdir(work)
    before = _tree(tmp_path)
    assert read("../../etc/passwd.txt").id == "passwd"
    for name, want in odd.items():
        assert read(name).id == want
        assert read(work / name).id == want
    result = import_file(db, "../../etc/passwd.txt")
    with db() as s:
        r = s.get(Report, result.report_id)
        assert (r.doc, r.source) == ("passwd", "passwd.txt")
    import_file(db, "..\\..\\evil.txt")
    with db() as s:
        assert {r.doc for r in s.scalars(select(Report))} == {"passwd", "_.._evil"}
    assert {q for q in _tree(tmp_path) - before if not q.startswith("x.db")} == set()


@pytest.mark.parametrize("ext", [".txt", ".pdf", ".docx", ".html"])
def test_200mb_file_refused_by_stat(tmp_path, db, monkeypatch, ext):
    """A sparse 200 MB file: refused from its size before a byte is read."""
    p = tmp_path / f"big{ext}"
    with open(p, "wb") as f:
        f.truncate(200 << 20)
    assert p.stat().st_blocks < 100  # sparse: the test writes nothing

    def no_read(self, *a, **kw):
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    monkeypatch.setattr(Path, "open", no_read)
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="too large"):
        read(p)
    import_refused(db, p, "too large")
    assert time.perf_counter() - t0 < 20
