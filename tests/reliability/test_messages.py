"""One-line errors whatever the file is called, and a size limit that does not trust stat.

A file name may hold a newline, a carriage return or an escape sequence: the error naming it
must still be one line (a log line, a terminal line), with the character escaped as repr writes
it. ``read`` checks the size by stat first (cheap), then reads at most limit + 1 bytes, so a
file that grew after the stat, or whose stat lies, is refused too without reading all of it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from luoshi.cli import main
from luoshi.errors import InputError, one_line
from luoshi.ingest import read

ODD = "报告\n第二行\r\x1b[31m红\u2028.txt"
ESCAPED = "报告\\n第二行\\r\\x1b[31m红\\u2028.txt"


def test_one_line_escapes_control_characters_only():
    assert one_line(ODD) == ESCAPED
    assert one_line("辽宁省 2024\t年.txt") == "辽宁省 2024\\t年.txt"
    assert one_line("C:\\报告.docx") == "C:\\报告.docx"  # no control characters: unchanged


def test_input_error_is_one_line_and_keeps_the_name(tmp_path):
    p = tmp_path / ODD
    p.write_bytes(b"")
    with pytest.raises(InputError) as e:
        read(p)
    assert str(e.value) == f"{tmp_path}/{ESCAPED}: empty file"
    assert e.value.path == str(p)  # the name as given, for code that opens it
    err = InputError("a.txt", "bad\nthing")  # a library's multi-line reason, too
    assert str(err) == "a.txt: bad\\nthing"


@pytest.mark.parametrize("command", ["outline", "extract"])
def test_cli_error_is_one_line(tmp_path, command):
    p = tmp_path / ODD
    p.write_bytes(b"\x89PNG\r\n\x1a\n....")
    r = CliRunner().invoke(main, [command, str(p)])
    assert r.exit_code == 2
    assert r.stderr == f"luoshi: error: {tmp_path}/{ESCAPED}: binary file (a PNG image), not text\n"


def test_bulk_import_errors_are_one_line(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / ODD).write_bytes(b"")
    r = CliRunner().invoke(main, ["import", str(root), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert r.exit_code == 2
    errors = [line for line in r.stderr.splitlines() if line.startswith("luoshi: error:")]
    assert errors == [f"luoshi: error: {root}/{ESCAPED}: empty file"]


def test_bulk_import_errors_it_words_itself_are_one_line(tmp_path):
    """Not an InputError: 'same bytes as FILE, which failed' names two files."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "a\n1.txt").write_bytes(b"")
    (root / "b\n2.txt").write_bytes(b"")
    r = CliRunner().invoke(main, ["import", str(root), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert r.exit_code == 2
    errors = [line for line in r.stderr.splitlines() if line.startswith("luoshi: error:")]
    assert errors == [f"luoshi: error: {root}/a\\n1.txt: empty file",
                      f"luoshi: error: {root}/b\\n2.txt: same bytes as {root}/a\\n1.txt, which failed"]


def _lying_stat(monkeypatch, target: Path, size: int) -> None:
    """``target``'s stat says ``size`` bytes (as /proc files and some network file systems do)."""
    real = Path.stat

    def stat(self, *a, **kw):
        st = real(self, *a, **kw)
        if self == target:
            fields = list(st[:10])
            fields[6] = size
            return os.stat_result(fields)
        return st

    monkeypatch.setattr(Path, "stat", stat)


def test_a_file_larger_than_its_stat_is_refused_after_limit_plus_one_bytes(tmp_path, monkeypatch):
    p = tmp_path / "grows.txt"
    p.write_bytes("全省地区生产总值增长5%。\n".encode() * 50_000)  # ~1.7 MB
    _lying_stat(monkeypatch, p, 10)
    asked: list[int] = []
    real_open = Path.open

    def spy_open(self, *a, **kw):
        fh = real_open(self, *a, **kw)
        if self != p:
            return fh
        real_read = fh.read

        class Spy:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                fh.close()

            def read(self, n=-1):
                asked.append(n)
                return real_read(n)

        return Spy()

    monkeypatch.setattr(Path, "open", spy_open)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read_bytes reads all of it"))
    with pytest.raises(InputError, match=r"file too large \(more than 100000 bytes"):
        read(p, max_bytes=100_000)
    assert asked == [100_001]
    monkeypatch.setenv("LUOSHI_MAX_BYTES", "1000")  # the env limit works the same way
    with pytest.raises(InputError, match="more than 1000 bytes"):
        read(p)


def test_a_file_exactly_at_the_limit_is_read(tmp_path):
    data = "全省地区生产总值增长5%。\n".encode()
    p = tmp_path / "exact.txt"
    p.write_bytes(data)
    doc = read(p, max_bytes=len(data))
    assert doc.original == data.decode()
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    with pytest.raises(InputError, match="too large"):
        read(p, max_bytes=len(data) - 1)
