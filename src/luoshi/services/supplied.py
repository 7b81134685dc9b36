"""Importing a report with the departments catalogue a user supplies (web, API, CLI).

The order makes a bad input change nothing: the report is read (``importer.prepare``: InputError
for a file that is no report), the catalogue checked and fitted to the report's region and level
(``track.catalogues.fit``: CatalogueError, Mismatch) — and only then one transaction keeps the
catalogue for the region and stores the report, so a 分工方案 imported with it resolves its units
to it and every task drafted in that transaction (``then``) names its units. A report that
names no region is filed under its catalogue's, as if the region were given.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ..track import catalogues
from ..track.actor import Actor
from . import importer


@dataclass(frozen=True)
class Imported:
    """An import's result, the catalogue kept with it (if one was supplied), and the catalogue
    the report's drafts use (``Departments.info()``: origin, region, level, generic, note)."""

    result: importer.ImportResult
    kept: catalogues.CatalogueInfo | None
    applies: dict[str, Any]


def applies(session: Session, region: str | None, level: str | None) -> dict[str, Any]:
    """Which catalogue the drafts of a report of ``region`` at ``level`` name units from."""
    return catalogues.for_report(session, region, level).info()


def import_report(session_factory: sessionmaker[Session], path: str | os.PathLike[str], *, actor: Actor,
                  catalogue: catalogues.Supplied | None = None, overrides: Mapping[str, Any] | None = None,
                  then: Callable[[Session, importer.ImportResult], Any] | None = None) -> Imported:
    """Import one report, keeping ``catalogue`` (checked, see ``catalogues.check``) for its
    region first, in the same transaction; see the module docstring for the order of checks."""
    prepared = importer.prepare(path, overrides)
    if catalogue is not None and catalogue.region and not prepared.meta.get("region"):
        # the report names no region, its catalogue does: filed under it, as if given (--region)
        prepared = importer.prepare(path, {**dict(overrides or {}), "region": catalogue.region})
    fitted = (catalogues.fit(catalogue, prepared.meta.get("region"), prepared.meta.get("level"))
              if catalogue is not None else None)
    kept: list[catalogues.CatalogueInfo] = []

    def keep(session: Session) -> None:
        kept.append(catalogues.keep(session, fitted, actor))

    result = importer.write(session_factory, prepared, then=then, before=keep if fitted is not None else None)
    with session_factory() as s:
        used = applies(s, prepared.meta.get("region"), prepared.meta.get("level"))
    return Imported(result, kept[0] if kept else None, used)
