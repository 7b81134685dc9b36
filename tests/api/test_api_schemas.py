"""Request bodies built from the services' input dataclasses: the progress body is the
service's ProgressInput plus the version the caller read, bounded at the boundary."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from pydantic import Field, ValidationError

from luoshi.api.schemas import INT_MAX, DbInt, ProgressBody, body_from
from luoshi.track.progress import ProgressInput


def test_the_progress_body_is_the_service_input():
    assert list(ProgressBody.model_fields) == ["expected_version", *(f.name for f in dataclasses.fields(ProgressInput))]
    body = ProgressBody(expected_version=None, reported_on="2024-03-31", status="completed", percent=100)
    assert ProgressInput(**body.model_dump(exclude={"expected_version"})) == ProgressInput(
        dt.date(2024, 3, 31), "completed", percent=100)
    for bad in ({"status": "done"}, {"department_id": INT_MAX + 1}, {"narrative": "a\x00b"}, {"colour": "red"}):
        with pytest.raises(ValidationError):
            ProgressBody(**{"expected_version": None, "reported_on": "2024-03-31", "status": "in_progress", **bad})


def test_a_bound_keeps_the_services_default():
    with pytest.raises(TypeError, match="default"):
        body_from(ProgressInput, name="Wrong", doc="", bounds={"department_id": (DbInt | None, Field(0))})
