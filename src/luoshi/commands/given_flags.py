"""The metadata flags of outline, extract and plan (--region, --level, --year, --kind,
--manifest), as import has them: what the user says wins over the text (luoshi.outline.given)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..outline.given import KINDS, LEVELS, Given, given_from, overrides_from, read_manifest, row_finder, warning


def given_options(f: Callable) -> Callable:
    """Add the metadata flags to a command (keyword arguments region, level, year, kind, manifest)."""
    opts = [
        click.option("--region", metavar="R", help="Region of every file (wins over the text and file name)."),
        click.option("--level", type=click.Choice(LEVELS), help="Level of every file."),
        click.option("--year", type=int, metavar="Y", help="Plan year of every file (a bulletin's: the year it reports)."),
        click.option("--kind", type=click.Choice(KINDS), help="Kind of every file."),
        click.option("--manifest", type=click.Path(dir_okay=False), metavar="CSV",
                     help="Per-file metadata: columns file, region, level, year, kind (paths relative "
                          "to the CSV); a row wins over the flags."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def given_for(region: str | None, level: str | None, year: int | None, kind: str | None,
              manifest: str | None) -> Callable[[str], Given]:
    """file path → what the flags and its manifest row say of it (with its file name for the gaps).
    Raises LuoshiError for a bad manifest."""
    flags = overrides_from({"region": region, "level": level, "year": year, "kind": kind})
    row_of = row_finder(read_manifest(manifest)) if manifest else (lambda _p: None)

    def of(path: str) -> Given:
        p = Path(path)
        return given_from(flags, row_of(p), p.name)

    return of


def warn_missing(label: str, meta: dict[str, Any]) -> None:
    """One line on stderr when the region or the plan year is neither found nor given."""
    line = warning(Path(label).name, meta)
    if line:
        click.echo(line, err=True)
