"""A catalogue file a user supplies (``plan.assign.read_catalogue``): every kind of bad file is
refused with a reason in English and in Chinese, never a crash or a silently wrong catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from luoshi.plan.assign import MAX_CATALOGUE_BYTES, CatalogueError, read_catalogue

CASES = json.loads((Path(__file__).parent / "bad_catalogues.json").read_text(encoding="utf-8"))["cases"]
JIANGXI = Path(__file__).parent.parent / "track" / "fixtures" / "jiangxi-departments.json"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["why"])
def test_a_bad_file_is_refused_with_a_reason(case):
    with pytest.raises(CatalogueError) as e:
        read_catalogue(case["text"].encode("utf-8"), "upload.json")
    assert case["zh"] in e.value.zh, e.value.zh
    assert str(e.value).startswith("upload.json: not a departments catalogue: ")


def test_a_good_file_with_a_bom_is_read():
    raw = "\ufeff".encode("utf-8") + JIANGXI.read_bytes()
    data, deps = read_catalogue(raw, JIANGXI.name)
    assert data["region"] == "江西省" and "省林业局" in deps.names() and "各设区市人民政府" in deps.names()


def test_too_large_and_not_utf8_are_refused():
    with pytest.raises(CatalogueError) as e:
        read_catalogue(b" " * (MAX_CATALOGUE_BYTES + 1), "big.json")
    assert "MB" in e.value.zh
    with pytest.raises(CatalogueError) as e:
        read_catalogue("{\"region\": \"江西省\"}".encode("gbk"), "gbk.json")
    assert "UTF-8" in e.value.zh
