"""Metadata the user gives (flags, a manifest row) or the file name suggests, over what the text says.

One pure function, ``resolve_metadata``, decides the metadata a report is read in, for every
command (outline, extract, plan, import): the text's values; gaps of region, level and plan year
filled from the file name ("广东省2024年政府工作报告.docx"); then flags; then the file's manifest
row. Given values win because the user knows what a header cut off the page does not say. Each
field also gets its source (``text``, ``file name``, ``flag``, ``manifest``, or None when nobody
said it), so ``outline --format json`` can show where a value came from.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import gazetteer
from ..errors import LuoshiError
from .lexicon import lexicon

FIELDS = ("title", "region", "level", "review_year", "plan_year", "date", "speaker", "kind")
LEVELS = ("national", "province", "city", "county", "district")
KINDS = ("work_report", "plan_execution", "bulletin", "division", "budget", "other")
MANIFEST_COLUMNS = {"file", "year", *FIELDS}
TEXT, FILE_NAME, FLAG, MANIFEST = "text", "file name", "flag", "manifest"


@dataclass(frozen=True)
class Given:
    """What the user says of one file: values (FIELDS keys, ``year`` already ``plan_year``) with
    the source of each, and the file's name (for the gaps the text leaves)."""

    values: Mapping[str, Any] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    file_name: str | None = None


def given_from(flags: Mapping[str, Any] | None = None, row: Mapping[str, Any] | None = None,
          file_name: str | None = None) -> Given:
    """The flags' values, then the manifest row's on top (both already checked by ``overrides_from``)."""
    values = {**(flags or {}), **(row or {})}
    sources = {**dict.fromkeys(flags or {}, FLAG), **dict.fromkeys(row or {}, MANIFEST)}
    return Given(values, sources, file_name)


def overrides_from(values: Mapping[str, Any]) -> dict[str, Any]:
    """Metadata overrides from flag or manifest values: blanks dropped, ``year`` is the plan
    year, years are whole numbers, levels one of LEVELS and kinds one of KINDS."""
    out: dict[str, Any] = {}
    for k, v in values.items():
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        v = v.strip() if isinstance(v, str) else v
        k = "plan_year" if k == "year" else k
        if k in ("plan_year", "review_year"):
            try:
                v = int(v)
            except ValueError:
                raise ValueError(f"{k.replace('plan_year', 'year')} must be a year, not {v!r}") from None
        if k == "level" and v not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {v!r}")
        if k == "kind" and v not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {v!r}")
        out[k] = v
    return out


def read_manifest(path: str | os.PathLike[str]) -> dict[Path, dict[str, Any]]:
    """A CSV manifest (columns: file, region, level, year, kind — or any metadata field) as
    resolved path → overrides. Paths are relative to the manifest; empty cells override nothing.
    Raises LuoshiError naming the row for a bad one."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            columns = {c.strip() for c in reader.fieldnames or []}
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise LuoshiError(f"manifest {p}: {e}") from None
    unknown = columns - MANIFEST_COLUMNS
    if "file" not in columns or unknown:
        raise LuoshiError(f"manifest {p}: needs a 'file' column" if "file" not in columns else
                          f"manifest {p}: unknown column(s) {', '.join(sorted(unknown))}; "
                          "use file, region, level, year, kind")
    out: dict[Path, dict[str, Any]] = {}
    for n, raw in enumerate(rows, start=2):
        row = {k.strip(): v for k, v in raw.items() if k}
        if not (row.get("file") or "").strip():
            continue
        try:
            meta = overrides_from({k: v for k, v in row.items() if k != "file"})
        except ValueError as e:
            raise LuoshiError(f"manifest {p}, line {n}: {e}") from None
        out[(p.parent / row["file"].strip()).resolve()] = meta
    return out


def row_finder(manifest: Mapping[Path, Mapping[str, Any]]) -> Callable[[Path], Mapping[str, Any] | None]:
    """path → its manifest row: by path, else by file name when only one row has that name
    (the name index is built once: a manifest may list thousands of files)."""
    by_name: dict[str, list[Path]] = {}
    for mp in manifest:
        by_name.setdefault(mp.name, []).append(mp)

    def row(path: Path) -> Mapping[str, Any] | None:
        found = manifest.get(path.resolve())
        if found is None and len(by_name.get(path.name, [])) == 1:
            found = manifest[by_name[path.name][0]]
        return found

    return row


_NAME_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def from_file_name(name: str) -> dict[str, Any]:
    """Region, level and plan year read from a file name (广东省2024年政府工作报告.docx)."""
    from .meta import region_level

    stem = Path(name).stem
    out: dict[str, Any] = {}
    m = _NAME_YEAR.search(stem)
    if m:
        out["plan_year"] = int(m.group(1))
    place = gazetteer.place_in(stem)  # 广东省…, 2024-辽宁-…, 辽宁省沈阳市…
    if place is not None:
        region = gazetteer.qualified_name(place)
        out["region"], out["level"] = region, region_level(region)
    return out


def resolve_metadata(found: Mapping[str, Any], given: Given | None = None) -> tuple[dict[str, Any], dict[str, str | None]]:
    """(metadata, source of each field): the text's values, gaps of region/level/plan year from
    the file name, then the given values. A given plan year without a given review year makes
    the review year the year before (a work report reviews the year it follows); a bulletin's
    year, given or in its file name, is the year it reports (it plans none). A given region
    without a given level gives its level when the suffix rules know it."""
    from .meta import region_level

    meta = {k: found.get(k) for k in FIELDS}
    src: dict[str, str | None] = {k: TEXT if meta[k] is not None else None for k in FIELDS}
    if given is None:
        return meta, src
    if given.file_name and any(meta[k] is None for k in ("region", "plan_year")):
        guess = from_file_name(given.file_name)
        if meta["region"] is None and "region" in guess:
            meta["region"], src["region"] = guess["region"], FILE_NAME
            if meta["level"] is None and guess.get("level"):
                meta["level"], src["level"] = guess["level"], FILE_NAME
        year = "review_year" if meta["kind"] == "bulletin" else "plan_year"
        if meta[year] is None and "plan_year" in guess:
            meta[year], src[year] = guess["plan_year"], FILE_NAME
    for k, v in given.values.items():
        if k not in FIELDS:
            raise ValueError(f"unknown metadata field {k!r}; use one of {', '.join(FIELDS)}")
        if k == "region" and v:  # "辽宁" given is 辽宁省, "深圳" 深圳市, as the text would say it
            v = lexicon().province_short.get(v) or gazetteer.region_key(v) or v
        meta[k], src[k] = v, given.sources.get(k, FLAG)
    year = given.values.get("plan_year")
    if year is not None and "review_year" not in given.values:
        if meta["kind"] == "bulletin":  # a bulletin's year is the year it reports; it plans none
            meta["review_year"], meta["plan_year"] = int(year), None
            src["review_year"], src["plan_year"] = given.sources.get("plan_year", FLAG), None
        else:
            meta["review_year"] = int(year) - 1
            src["review_year"] = given.sources.get("plan_year", FLAG)
    if given.values.get("region") and "level" not in given.values:
        level = region_level(str(meta["region"]))
        if level:
            meta["level"], src["level"] = level, given.sources.get("region", FLAG)
    return meta, src


def missing(meta: Mapping[str, Any]) -> list[str]:
    """The fields figures need that nobody said: region, plan year (a bulletin's reviewed year
    will do: it plans nothing)."""
    out = [] if meta.get("region") is not None else ["region"]
    year = meta.get("plan_year") if meta.get("kind") != "bulletin" else meta.get("plan_year") or meta.get("review_year")
    return out + ([] if year is not None else ["plan_year"])


def warning(file_label: str, meta: Mapping[str, Any]) -> str | None:
    """One line for stderr when the region or the plan year is neither found nor given."""
    gaps = missing(meta)
    if not gaps:
        return None
    words = {"region": ("region", "--region"), "plan_year": ("plan year", "--year")}
    what = " or ".join(words[g][0] for g in gaps)
    flags = "/".join(words[g][1] for g in gaps)
    return f"luoshi: {file_label}: no {what} found in the text; give {flags} or a manifest row"
