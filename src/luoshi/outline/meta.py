"""Report metadata read from the text: region, level, years, date, speaker, title."""

from __future__ import annotations

from ..ingest.document import Document


def read_metadata(doc: Document) -> dict:
    return {"title": None, "region": None, "level": None, "review_year": None,
            "plan_year": None, "date": None, "speaker": None}
