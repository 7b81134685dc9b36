"""What the tracking commands (luoshi user, token, remind, tasks) share: open the database,
run one service call in a transaction as the shell's operator, turn refusals into one line."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

T = TypeVar("T")

DB_OPTION = click.option("--db", "db_url", metavar="URL", default=None,
                         help="Database URL [default: env LUOSHI_DATABASE_URL, else sqlite:///luoshi.db].")


def fail(msg: str, code: int = 2) -> None:
    click.echo(f"luoshi: error: {msg}", err=True)
    sys.exit(code)


def run(db_url: str | None, fn: Callable[[Any], T], *, write: bool = True) -> T:
    """``fn(session)`` in one transaction (a write transaction when ``write``); exit 2 on a
    refusal (unknown user, bad input), 1 on a database failure."""
    from sqlalchemy.exc import SQLAlchemyError

    from .. import store
    from ..cli import _open_db
    from ..errors import LuoshiError

    _url, sessions = _open_db(db_url)
    try:
        if write:
            with store.write_transaction(sessions) as s:
                return fn(s)
        with sessions() as s:
            return fn(s)
    except LuoshiError as e:
        fail(str(e))
    except SQLAlchemyError as e:
        fail("database: " + str(getattr(e, "orig", None) or e).strip().splitlines()[0], 1)
    finally:
        store.close(sessions)
    raise AssertionError("unreachable")


def kept_catalogue(db_url: str, region: str | None, level: str | None):
    """The departments catalogue the library at ``db_url`` keeps for the region, or None."""
    from .catalogues import kept

    return run(db_url, lambda s: kept(s, region, level), write=False)


def parse_date(_ctx: Any, _param: Any, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


TODAY_OPTION = click.option("--today", callback=parse_date, metavar="YYYY-MM-DD", default=None,
                            help="Judge as of this date [default: today].")
