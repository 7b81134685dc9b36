"""Shared fixtures of the outline tests: the bundled example and the small genre fixtures."""

from __future__ import annotations

import pytest

import luoshi
from luoshi.outline import build

from outline_paths import FIXTURES, SHARED  # noqa: F401  (re-exported for the fixtures below)


@pytest.fixture(scope="session")
def example_text() -> str:
    return luoshi.sample_path().read_text("utf-8")


@pytest.fixture(scope="session")
def example_doc():
    return luoshi.read(luoshi.sample_path())


@pytest.fixture(scope="session")
def example(example_doc):
    return build(example_doc)


def fixture_doc(name: str):
    return luoshi.read(FIXTURES / name)
