"""``luoshi restore PATH``: load a backup into an empty database."""

from __future__ import annotations

import click

from ..track.cliutil import DB_OPTION, fail


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@DB_OPTION
def command(path: str, db_url: str | None) -> None:
    """Restore a `luoshi backup` (zip, or SQLite file) into the database at --db, which must be
    empty (a new SQLite file, or an empty PostgreSQL database): everything in one transaction,
    or nothing. The backup may come from the other backend."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..errors import LuoshiError
    from ..services.backup import restore

    try:
        r = restore(path, db_url)
    except LuoshiError as e:
        fail(str(e))
    except (SQLAlchemyError, OSError) as e:
        fail(f"restore failed, nothing was written: {str(getattr(e, 'orig', None) or e).strip().splitlines()[0]}", 1)
    click.echo(f"luoshi: restored {sum(r.tables.values())} rows of {len(r.tables)} tables "
               f"(schema {r.revision}) from {r.path}", err=True)
