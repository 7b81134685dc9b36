"""The install the README promises: ``make`` installs ``requirements.lock`` (exact versions with
hashes) into a new venv, so a fresh machine runs the suite on the versions it passed with here.

These checks catch the two ways that promise breaks: a dependency added to ``pyproject.toml``
without refreshing the lock (a fresh machine would then resolve it from today's releases), and a
test environment that drifted from the lock (a green run here that a fresh machine would not
repeat)."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
# the extras the lock is compiled with (the Makefile's `lock`: --extra test); `bench` (the
# benchmark's peer library) stays out of it on purpose
LOCKED_EXTRAS = ("test",)
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked() -> dict[str, tuple[Version, Marker | None]]:
    """Name → (version, marker) of every pin in the lock that applies to this interpreter."""
    pins: dict[str, tuple[Version, Marker | None]] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        m = PIN.match(line)
        if not m:
            continue
        marker = Marker(m.group(3)) if m.group(3) else None
        if marker is None or marker.evaluate():
            pins[canonicalize_name(m.group(1))] = (Version(m.group(2)), marker)
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    rows = list(project["dependencies"])
    for extra in LOCKED_EXTRAS:
        rows += project.get("optional-dependencies", {}).get(extra, [])
    return [Requirement(r) for r in rows]


def test_every_pin_has_hashes():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pinned = [b for b in blocks if PIN.match(b.splitlines()[0])]
    assert pinned, "the lock pins nothing"
    assert all("--hash=sha256:" in b for b in pinned)


@pytest.mark.parametrize("req", declared(), ids=str)
def test_lock_pins_every_declared_dependency_within_its_range(req: Requirement):
    pins = locked()
    name = canonicalize_name(req.name)
    if req.marker is not None and not req.marker.evaluate({"extra": "test"}):
        pytest.skip("not for this interpreter")
    assert name in pins, f"{req.name} is in pyproject.toml but not in requirements.lock: run `make lock`"
    assert req.specifier.contains(pins[name][0], prereleases=True), (
        f"{req.name} {pins[name][0]} in the lock is outside pyproject's {req.specifier}: run `make lock`")


def test_this_environment_is_the_lock():
    drift = []
    for name, (version, _marker) in sorted(locked().items()):
        try:
            have = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            drift.append(f"{name}: locked {version}, not installed")
            continue
        if have != version:
            drift.append(f"{name}: locked {version}, installed {have}")
    assert not drift, "the venv differs from requirements.lock (`make clean test` rebuilds it):\n" + "\n".join(drift)
