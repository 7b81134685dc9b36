"""``luoshi token create|revoke|list``: API tokens. A token is printed once, at creation; only
its hash is kept."""

from __future__ import annotations

import json

import click

from ..track.cliutil import DB_OPTION, run


@click.group("token")
def command() -> None:
    """API tokens for the HTTP interface."""


@command.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for (a script, a machine).")
@DB_OPTION
def create(username: str, name: str, db_url: str | None) -> None:
    """Make a token for USERNAME and print it (the only time it is shown)."""
    from ..track import services as S

    new = run(db_url, lambda s: S.create_token(s, username, name, S.SYSTEM))
    click.echo(new.token)
    click.echo(f"luoshi: token {new.info.id} for {username}: store it now, it cannot be shown again",
               err=True)


@command.command("revoke")
@click.argument("token_id", type=int)
@DB_OPTION
def revoke(token_id: int, db_url: str | None) -> None:
    """Revoke the token with this id (see `luoshi token list`)."""
    from ..track import services as S

    t = run(db_url, lambda s: S.revoke_token(s, token_id, S.SYSTEM))
    click.echo(f"luoshi: token {t.id} of {t.username} revoked", err=True)


@command.command("list")
@click.option("--user", "username", default=None, help="Only this user's tokens.")
@DB_OPTION
def list_(username: str | None, db_url: str | None) -> None:
    """Tokens (ids, owners, names, dates; never the tokens themselves), as JSON lines."""
    from ..track import services as S
    from ..track.audit import plain

    for t in run(db_url, lambda s: S.list_tokens(s, username), write=False):
        click.echo(json.dumps(plain({"id": t.id, "user": t.username, "name": t.name,
                                     "created_at": t.created_at, "revoked_at": t.revoked_at,
                                     "last_used_at": t.last_used_at}), ensure_ascii=False))
