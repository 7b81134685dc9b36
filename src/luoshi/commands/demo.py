"""``luoshi demo``: the example loaded, accounts to try it with, and the web app served.

Migrates the database, imports the bundled report and its plan-execution sample (a no-op when
they are there), creates the report's tasks, creates an admin with a random password printed
once (plus a supervisor and two reporters, also printed once, and a few progress updates so the
pages have something to show), then serves the app (API and pages) with uvicorn.
"""

from __future__ import annotations

import datetime as dt
import secrets

import click

DB_OPTION = click.option("--db", "db_url", metavar="URL", default=None,
                         help="Database URL [default: env LUOSHI_DATABASE_URL, else sqlite:///luoshi.db].")

DEMO_USERS = (  # username, role, department
    ("duban", "supervisor", None),
    ("fgw", "reporter", "省发展改革委"),
    ("czt", "reporter", "省财政厅"),
)


def _password() -> str:
    return secrets.token_urlsafe(9)


def seed(sessions, *, admin: str = "admin", passwords: dict[str, str] | None = None) -> dict:
    """Load the example and the demo accounts; returns {report_id, created: {user: password}}.
    Accounts that exist are left alone (their passwords are not shown again)."""
    from sqlalchemy import select

    from .. import sample_path, store
    from ..services.importer import import_file
    from ..store import User
    from ..track import services as S

    report = import_file(sessions, sample_path())
    import_file(sessions, sample_path("ln-2024-plan-exec.txt"))
    created: dict[str, tuple[str, str]] = {}
    passwords = passwords or {}
    with store.write_transaction(sessions) as s:
        S.tasks_from_report(s, report.report_id, S.SYSTEM)
        have = set(s.scalars(select(User.username)))
        for name, role, dep in ((admin, "admin", None), *DEMO_USERS):
            if name in have:
                continue
            pw = passwords.get(name) or _password()
            S.create_user(s, name, pw, role, S.SYSTEM, department=dep)
            created[name] = (role, pw)
    if "fgw" in created and "czt" in created:
        _sample_progress(sessions, report.report_id)
    return {"report_id": report.report_id, "created": created}


def _sample_progress(sessions, report_id: int) -> None:
    """A few updates and a rating, as the departments and the office would have made them."""
    from .. import store
    from ..track import services as S
    from ..track.actor import Actor
    from ..store import User
    from sqlalchemy import select

    with store.write_transaction(sessions) as s:
        users = {u.username: Actor.of(u) for u in s.scalars(select(User))}
        tasks = {t.number: t for t in S.list_tasks(s, report_id=report_id)}
        D = dt.date
        plan = [
            ("fgw", 1, S.ProgressInput(D(2024, 6, 30), "in_progress", "上半年地区生产总值同比增长5.3%。",
                                       value=5.3, unit="%", problems="消费恢复偏慢。",
                                       next_steps="落实稳增长政策，推进重大项目建设。")),
            ("fgw", 4, S.ProgressInput(D(2024, 9, 30), "in_progress", "前三季度固定资产投资增长6.0%。",
                                       value=6.0, unit="%")),
            ("czt", 2, S.ProgressInput(D(2024, 12, 31), "completed", "全年一般公共预算收入增长5.5%，完成目标。",
                                       value=5.5, unit="%",
                                       evidence=[{"name": "2024年预算执行情况", "url": "https://www.ln.gov.cn/"}])),
            ("fgw", 12, S.ProgressInput(D(2024, 8, 31), "in_progress", "15项重大工程已开工建设，完成年度投资计划的60%。",
                                        percent=60)),
        ]
        for who, number, update in plan:
            if number in tasks and who in users:
                S.report_progress(s, tasks[number].id, update, users[who], None)
        if 1 in tasks and "duban" in users:
            S.rate(s, tasks[1].id, "amber", "上半年增速低于目标，需关注消费和投资。", users["duban"])


def make_app(sessions, *, public: bool = False):
    """The HTTP API with the pages mounted (``luoshi.api.app.create_app``); where the API is
    not installed, the pages alone on a bare FastAPI app."""
    from importlib.util import find_spec

    if find_spec("luoshi.api") is not None:
        from ..api.app import create_app
        from ..api.settings import Settings

        return create_app(sessions=sessions, settings=Settings(public_read=public))
    from fastapi import FastAPI

    from .. import web

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.sessions = sessions
    web.mount(app, public=public)
    return app


@click.command("demo")
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to serve on.")
@click.option("--public/--no-public", default=True, show_default=True,
              help="Also serve the public read-only pages (/public).")
@click.option("--no-serve", is_flag=True, help="Load the data and accounts, then stop.")
def command(db_url: str | None, host: str, port: int, public: bool, no_serve: bool) -> None:
    """Load the example and serve the web app on it (the first admin's password is printed once)."""
    from .. import store

    url = store.resolve_url(db_url)
    sessions = store.open(url)
    try:
        got = seed(sessions)
    except BaseException:
        store.close(sessions)
        raise
    click.echo(f"luoshi: the example is loaded in {url.render_as_string(hide_password=True)}", err=True)
    if got["created"]:
        click.echo("luoshi: accounts created — the passwords are shown this once:", err=True)
        for name, (role, pw) in got["created"].items():
            click.echo(f"  {name:8s} {role:10s} {pw}", err=True)
    else:
        click.echo("luoshi: the accounts exist already (passwords were shown when they were made; "
                   "`luoshi user add` makes more)", err=True)
    if no_serve:
        store.close(sessions)
        return
    import uvicorn

    app = make_app(sessions, public=public)
    click.echo(f"luoshi: open http://{host}:{port}/  (Ctrl-C stops)", err=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close(sessions)
