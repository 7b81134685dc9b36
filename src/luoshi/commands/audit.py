"""``luoshi audit --check | --rebuild``: the audit log against the ratings and assignments."""

from __future__ import annotations

import click

from ..track.cliutil import DB_OPTION, fail


@click.command("audit")
@click.option("--check", "mode", flag_value="check", default=True,
              help="Replay the log and list where the tables disagree (exit 1 if they do).")
@click.option("--rebuild", "mode", flag_value="rebuild",
              help="Replace the ratings and assignments tables by the replayed log (one transaction).")
@DB_OPTION
def command(mode: str, db_url: str | None) -> None:
    """Replay the audit log: every rating and assignment must be accounted for by it."""
    from .. import store
    from ..track.replay import differences, rebuild

    sessions = store.open(db_url)
    try:
        if mode == "rebuild":
            with store.write_transaction(sessions) as s:
                log = rebuild(s)
            click.echo(f"luoshi: rebuilt {len(log.assignments)} assignments and {len(log.ratings)} ratings "
                       f"from {log.entries} audit entries", err=True)
            return
        with sessions() as s:
            found = differences(s)
        for line in found:
            click.echo(line)
        if found:
            fail(f"{len(found)} difference(s) between the tables and the audit log", 1)
        click.echo("luoshi: the audit log accounts for every rating and assignment", err=True)
    finally:
        store.close(sessions)
