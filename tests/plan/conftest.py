"""The example report, read once for the plan tests (tasks without department suggestions)."""

from __future__ import annotations

import pytest

import luoshi
from luoshi.plan.tasks import build_tasks, segment


@pytest.fixture(scope="session")
def sample():
    doc = luoshi.read(luoshi.sample_path())
    outline = luoshi.build_outline(doc)
    figures = luoshi.extract_figures(doc, outline)
    return doc, outline, figures


@pytest.fixture(scope="session")
def sample_tasks(sample):
    doc, outline, figures = sample
    return build_tasks(doc, outline, figures)


@pytest.fixture(scope="session")
def sample_segmentation(sample):
    doc, outline, _ = sample
    return segment(doc, outline)
