"""``luoshi user add|list|disable``: accounts of the tracker, managed from the server's shell."""

from __future__ import annotations

import json

import click

from ..track.cliutil import DB_OPTION, run


@click.group("user")
def command() -> None:
    """Accounts: admin, supervisor (the supervision office), reporter (of a department), viewer."""


@command.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "supervisor", "reporter", "viewer"]), required=True)
@click.option("--department", metavar="NAME", help="The reporter's department (as in the plans: 省发展改革委).")
@click.option("--display-name", default="", help="The name shown to others.")
@click.option("--password", default=None, help="The password [default: asked for, not echoed].")
@DB_OPTION
def add(username: str, role: str, department: str | None, display_name: str, password: str | None,
        db_url: str | None) -> None:
    """Create an account."""
    from ..track import services as S

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    u = run(db_url, lambda s: S.create_user(s, username, password, role, S.SYSTEM,
                                            display_name=display_name, department=department))
    click.echo(json.dumps({"id": u.id, "username": u.username, "role": u.role,
                           "department": u.department}, ensure_ascii=False))


@command.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@DB_OPTION
def list_(fmt: str, db_url: str | None) -> None:
    """Every account."""
    from ..track import services as S

    users = run(db_url, S.list_users, write=False)
    for u in users:
        if fmt == "json":
            click.echo(json.dumps({"id": u.id, "username": u.username, "display_name": u.display_name,
                                   "role": u.role, "department": u.department, "active": u.active},
                                  ensure_ascii=False))
        else:
            click.echo("\t".join([u.username, u.role, u.department or "-",
                                  "active" if u.active else "disabled", u.display_name]))


@command.command("disable")
@click.argument("username")
@DB_OPTION
def disable(username: str, db_url: str | None) -> None:
    """Disable an account (kept for its history; its tokens stop working)."""
    from ..track import services as S

    u = run(db_url, lambda s: S.disable_user(s, username, S.SYSTEM))
    click.echo(f"luoshi: {u.username} disabled", err=True)
