"""Anything that is not a readable report raises InputError naming the file and the reason, and
through the CLI gives one line on stderr, exit code 2, nothing on stdout, no traceback."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from luoshi.cli import main
from luoshi.errors import InputError, LuoshiError
from luoshi.ingest import MAX_BYTES, read

RNG = random.Random(1)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(RNG.randrange(256) for _ in range(300))
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00\x3e\x00" + bytes(RNG.randrange(256) for _ in range(2000))


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _scanned_pdf() -> bytes:
    """A page with only a drawing: what a scan without OCR looks like to a text extractor."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "hello")
    c.showPage()
    c.save()
    return buf.getvalue()


# name -> (file name, bytes, words expected in the reason)
BAD: dict[str, tuple[str, bytes, str]] = {
    "empty": ("empty.txt", b"", "empty"),
    "empty-docx": ("empty.docx", b"", "empty"),
    "whitespace": ("blank.txt", b" \n\t\r\n  \n", "empty"),
    "fullwidth-blank": ("blank2.txt", "　　\n　\n".encode(), "empty"),
    "utf16-blank": ("blank3.txt", "  \n".encode("utf-16"), "empty"),
    "random": ("random.txt", bytes(RNG.randrange(256) for _ in range(4096)), "binary"),
    # valid UTF-8, but a third of it control characters: not a text
    "control-chars": ("nuls.txt", ("全省地区生产总值增长5%。" + "\x00" * 10).encode() * 50, "binary"),
    "png": ("image.txt", PNG, "PNG"),
    "elf": ("program.txt", ELF, "ELF"),
    "docx-not-zip": ("fake.docx", "一、这不是Word文件".encode(), "not a zip"),
    "zip-not-docx": ("archive.docx", _zip({"notes.txt": b"hello"}), "not a Word"),
    "legacy-doc": ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), ".doc"),
    "broken-docx": ("broken.docx", _zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}), "not a readable .docx"),
    "scanned-pdf": ("scan.pdf", _scanned_pdf(), "no text layer"),
    "corrupt-pdf": ("corrupt.pdf", b"%PDF-1.7\n" + bytes(RNG.randrange(256) for _ in range(2000)), "PDF"),
    "not-pdf": ("text.pdf", "一、工作回顾".encode(), "not a PDF"),
    "encrypted-pdf": ("locked.pdf", _encrypted_pdf(), "encrypted"),
    "html-only-script": ("script.html", b"<html><script>var a='\xe6\x96\x87';</script><nav>\xe9\xa6\x96\xe9\xa1\xb5</nav></html>", "empty"),
    "unknown-ext": ("report.xyz", "一、工作回顾".encode(), "unsupported file type .xyz"),
    "no-ext": ("README", "一、工作回顾".encode(), "unsupported file type"),
}


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bad")
    out = {}
    for key, (name, data, _) in BAD.items():
        out[key] = d / name
        out[key].write_bytes(data)
    return out


def expect(path: Path, words: str, **kw) -> InputError:
    with pytest.raises(InputError) as ei:
        read(path, **kw)
    err = ei.value
    assert err.path == str(path)
    assert words.lower() in err.reason.lower(), err.reason
    assert "\n" not in str(err)
    return err


@pytest.mark.parametrize("key", sorted(BAD))
def test_bad_files(bad_files, key):
    expect(bad_files[key], BAD[key][2])


def test_few_control_characters_are_debris(tmp_path):
    """Under 1% control characters: a text with debris, read as UTF-8 and the debris dropped."""
    p = tmp_path / "debris.txt"
    p.write_bytes(("全省地区生产总值增长5%。" * 20 + "\x00").encode() * 20)
    doc = read(p)
    assert doc.encoding == "utf-8" and "\x00" not in doc.text and doc.original.count("\x00") == 20


def test_truncated_pdf(files, tmp_path):
    data = files["pdf"].read_bytes()
    p = tmp_path / "half.pdf"
    p.write_bytes(data[: len(data) // 3])
    # pdfminer may recover some pages from a cut file; if it cannot, the error says so
    try:
        doc = read(p)
    except InputError as e:
        assert e.path == str(p) and "PDF" in e.reason
    else:
        assert doc.text.strip()


def test_missing(tmp_path):
    expect(tmp_path / "nope.txt", "no such file")
    expect(tmp_path / "nope.xyz", "no such file")


def test_directory(tmp_path):
    (tmp_path / "dir.txt").mkdir()
    expect(tmp_path / "dir.txt", "directory")
    expect(tmp_path, "directory")


def test_not_regular(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    expect(fifo, "not a regular file")


def test_size_limit(tmp_path, monkeypatch):
    p = tmp_path / "big.txt"
    p.write_bytes("一、工作回顾\n".encode() * 10)
    assert MAX_BYTES == 20 * 1024 * 1024
    assert read(p).text
    expect(p, "too large", max_bytes=50)
    monkeypatch.setenv("LUOSHI_MAX_BYTES", "50")
    expect(p, "too large")
    assert read(p, max_bytes=1000).text  # the argument wins over the environment
    monkeypatch.setenv("LUOSHI_MAX_BYTES", "lots")
    with pytest.raises(LuoshiError, match="LUOSHI_MAX_BYTES"):
        read(p)


def test_permission_denied_simulated(tmp_path, monkeypatch):
    p = tmp_path / "locked.txt"
    p.write_text("一、工作回顾")

    def deny(self, *a, **kw):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    monkeypatch.setattr(Path, "open", deny)  # read() opens the file to read at most limit + 1 bytes
    expect(p, "permission denied")


def _without_dac_override() -> None:
    """Run as root but without the capabilities that let root ignore file permissions
    (dropped from the bounding set, so the exec'd python never has them)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_permission_denied_really(tmp_path):
    """chmod 000: as root (tests run as root), read it in a child without DAC override."""
    p = tmp_path / "locked.txt"
    p.write_text("一、工作回顾")
    p.chmod(0)
    if os.geteuid() != 0:
        expect(p, "permission denied")
        return
    code = ("import sys\nfrom luoshi.cli import main\nmain(['outline', sys.argv[1]])\n")
    try:
        r = subprocess.run([sys.executable, "-c", code, str(p)], capture_output=True, text=True,
                           preexec_fn=_without_dac_override, timeout=60)
    except subprocess.SubprocessError as e:
        pytest.skip(f"cannot drop capabilities here: {e}")
    _check_cli(r.returncode, r.stdout, r.stderr, p)
    assert "permission denied" in r.stderr


# -- through the CLI ---------------------------------------------------------------------------

def _check_cli(result_code: int, out: str, err: str, path: Path) -> None:
    assert result_code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0] and "Traceback" not in err


@pytest.mark.parametrize("key", sorted(BAD))
def test_cli_bad_files(bad_files, key):
    path = bad_files[key]
    r = CliRunner().invoke(main, ["outline", str(path)])
    _check_cli(r.exit_code, r.stdout, r.stderr, path)
    assert BAD[key][2].lower() in r.stderr.lower()


def test_cli_missing_and_directory(tmp_path):
    for path in (tmp_path / "missing.pdf", tmp_path):
        r = CliRunner().invoke(main, ["outline", str(path)])
        _check_cli(r.exit_code, r.stdout, r.stderr, path)


@pytest.mark.parametrize("key", ["corrupt-pdf", "scanned-pdf", "random"])
def test_cli_subprocess(bad_files, key):
    """The real executable: nothing else (pdfminer's log warnings) reaches stderr."""
    exe = Path(sys.executable).with_name("luoshi")
    if not exe.exists():
        pytest.skip("luoshi script not installed next to python")
    r = subprocess.run([str(exe), "outline", str(bad_files[key])], capture_output=True, text=True, timeout=60)
    _check_cli(r.returncode, r.stdout, r.stderr, bad_files[key])


def test_cli_too_large(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes("一、工作回顾\n".encode() * 10)
    r = CliRunner(env={"LUOSHI_MAX_BYTES": "20"}).invoke(main, ["outline", str(p)])
    _check_cli(r.exit_code, r.stdout, r.stderr, p)
    assert "too large" in r.stderr


def test_small_pdf_chinese_page_numbers(tmp_path, pdf_writer):
    """No running header, 第1页 page numbers, a two-paragraph page."""
    p = pdf_writer("一、标题\n　　正文第一段。\n", tmp_path / "small.pdf", header=None, page_no="第{}页")
    assert read(p).text.split() == ["一、标题", "正文第一段。"]
