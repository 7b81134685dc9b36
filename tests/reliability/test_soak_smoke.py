"""A few seconds of bench/soak.py (3 reporters, a supervisor, one server process, SQLite), so
the soak script keeps working between the long runs whose figures are in the README: every
acknowledged write is in the database with its audit entry, and the server never answered 5xx."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

SOAK = Path(__file__).resolve().parents[2] / "bench" / "soak.py"


def _soak(monkeypatch):
    """bench/soak.py as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("soak", SOAK)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "soak", module)  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_soak_smoke(tmp_path, monkeypatch):
    from argon2 import PasswordHasher

    from luoshi.track import users

    # the accounts' passwords are hashed at setup; the library's slow parameters buy nothing here
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    out = tmp_path / "soak.json"
    rc = _soak(monkeypatch).main(["--minutes", "0.05", "--reporters", "3", "--departments", "2", "--workers", "1",
                       "--think-ms", "20", "--conflict-rate", "0.5", "--seed", "9", "--json", str(out)])
    got = json.loads(out.read_text("utf-8"))
    f, v = got["figures"], got["verify"]
    assert v["acknowledged_progress"] > 0 and f["conflicts_409_deliberate"] > 0, got
    assert v["lost"] == 0 and not v["problems"], v
    assert f["errors_5xx"] == 0 and f["connection_errors"] == 0 and f["stale_reads"] == 0, f
    assert rc == 0, got
