"""``luoshi backup PATH``: the whole library, consistently, in one file."""

from __future__ import annotations

import click

from ..track.cliutil import DB_OPTION, fail


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["zip", "sqlite"]), default=None,
              help="zip: portable (SQLite ↔ PostgreSQL) [default]; sqlite: a SQLite file via SQLite's "
                   "backup API (SQLite databases only; the default for a .db/.sqlite path).")
def command(path: str, db_url: str | None, fmt: str | None) -> None:
    """Back up every table (reports, tasks, progress, users, audit log …) while the server runs.

    The zip holds manifest.json (schema revision, row counts) and one JSON Lines file per
    table; `luoshi restore` loads it into an empty SQLite or PostgreSQL database."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..errors import LuoshiError
    from ..services.backup import backup

    try:
        r = backup(db_url, path, fmt=fmt)
    except LuoshiError as e:
        fail(str(e))
    except (SQLAlchemyError, OSError) as e:
        fail(f"backup failed: {str(getattr(e, 'orig', None) or e).strip().splitlines()[0]}", 1)
    rows = sum(r.tables.values())
    click.echo(f"luoshi: backed up {rows} rows of {len(r.tables)} tables (schema {r.revision}) to {r.path}",
               err=True)
