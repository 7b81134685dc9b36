"""``luoshi panel``: the target panel for research, as CSV or Parquet with a codebook beside it."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("panel")
@click.option("--db", "db_url", metavar="URL", default=None,
              help="Database URL [default: env LUOSHI_DATABASE_URL, else sqlite:///luoshi.db].")
@click.option("--year", type=int, metavar="Y", help="Only targets for this year.")
@click.option("--indicator", metavar="ID", help="Only this canonical indicator id (gdp, grain_output …).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="FILE.csv or FILE.parquet; FILE.codebook.md is written beside it.")
def command(db_url: str | None, year: int | None, indicator: str | None, out: str) -> None:
    """Every target (region × level × year × indicator) with its type, verdict and flags:
    repeated unchanged, amplified above the parent's target, actual equal to target, provinces
    summing above the nation. Flags look at the whole library, whatever the filters."""
    from .. import link, store
    from ..cli import _open_db
    from ..services.panel import FORMATS, export, target_panel

    if Path(out).suffix.lower() not in FORMATS:
        click.echo(f"luoshi: error: --out {out}: the file must end in .csv or .parquet", err=True)
        sys.exit(2)
    if indicator is not None and link.indicator(indicator) is None and \
            indicator not in {r.id for r in link.qualitative_rules()}:
        click.echo(f"luoshi: error: --indicator {indicator}: not an indicator id of the catalogue", err=True)
        sys.exit(2)
    _, sessions = _open_db(db_url)
    try:
        with sessions() as session:
            rows = target_panel(session, year=year, indicator=indicator)
    finally:
        store.close(sessions)
    try:
        cb = export(rows, out)
    except OSError as e:
        click.echo(f"luoshi: error: cannot write {out}: {e.strerror or e}", err=True)
        sys.exit(1)
    click.echo(f"luoshi: {len(rows)} rows written to {out}, codebook {cb}", err=True)
