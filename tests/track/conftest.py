"""Cheap argon2 parameters for the tests: the real ones take a fifth of a second per hash on
purpose, which only slows the suite; the code paths are the same."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from luoshi.track import users


@pytest.fixture(autouse=True)
def fast_password_hashes(monkeypatch):
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
