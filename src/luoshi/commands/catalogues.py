"""``luoshi catalogues``: the departments catalogues kept in a library, and removing one."""

from __future__ import annotations

import json

import click

from ..track.cliutil import DB_OPTION, fail, run


@click.command("catalogues")
@click.option("--region", metavar="NAME", default=None, help="Only the catalogues of this region.")
@click.option("--remove", "remove_id", type=int, metavar="ID", default=None,
              help="Delete the kept catalogue ID (audited, its file kept in the audit entry); the one "
                   "kept before it for the region comes back in force, else luoshi's own.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@DB_OPTION
def command(region: str | None, remove_id: int | None, fmt: str, db_url: str | None) -> None:
    """List the departments catalogues users supplied with their imports (newest first: the
    newest of a region and level is in force, older ones are its history), or remove one."""
    from ..track import catalogues as C
    from ..track.actor import SYSTEM

    if remove_id is not None:
        if region:
            fail("--remove takes no --region")
        gone, now = run(db_url, lambda s: C.remove(s, remove_id, SYSTEM))
        click.echo(f"luoshi: removed catalogue {gone.id} ({gone.source}) of {gone.region} ({gone.level})", err=True)
        click.echo(f"luoshi: {gone.region} now drafts with "
                   + (now.source if now is not None else "luoshi's own catalogues"), err=True)
        return
    kept = run(db_url, lambda s: C.list_kept(s, region), write=False)
    if fmt == "json":
        for k in kept:
            click.echo(json.dumps(k.to_dict(), ensure_ascii=False))
        return
    if not kept:
        click.echo("luoshi: no departments catalogue is kept in this library" + (f" for {region}" if region else ""),
                   err=True)
        return
    for k in kept:
        i = k.info
        when = f"{i.created_at:%Y-%m-%d}" if i.created_at else "—"
        state = "in force" if k.in_force else f"replaced by {k.replaced_by}"
        click.echo(f"{i.id}\t{i.region}\t{i.level}\t{i.units} units\t{i.source}\t{when}\t{state}")
