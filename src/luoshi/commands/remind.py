"""``luoshi remind``: per department, the tasks due soon, overdue, and silent too long."""

from __future__ import annotations

import json

import click

from ..track.cliutil import DB_OPTION, TODAY_OPTION, run


def _text(groups, days: int, silent_days: int) -> str:
    lines = []
    for g in groups:
        lines.append(g.department)
        for label, items, unit in (("逾期 overdue", g.overdue, "天 past the deadline"),
                                   (f"{days}天内到期 due within {days} days", g.due_soon, "天 left"),
                                   (f"{silent_days}天以上未报送 no update for {silent_days}+ days", g.silent,
                                    "天 without an update")):
            if not items:
                continue
            lines.append(f"  {label}: {len(items)}")
            for x in items:
                text = x.text if len(x.text) <= 40 else x.text[:39] + "…"
                lines.append(f"    #{x.number} [{x.role or '-'}] {x.deadline or '-'} ({x.days}{unit}) {text}")
    return "\n".join(lines) + ("\n" if lines else "")


@click.command("remind")
@DB_OPTION
@click.option("--department", metavar="NAME", help="Only this department (as in the plans: 省发展改革委).")
@click.option("--days", type=click.IntRange(min=0), default=None, metavar="N",
              help="Due soon: within N days [default: tracking.toml, 30].")
@click.option("--silent-days", type=click.IntRange(min=1), default=None, metavar="M",
              help="Silent: no update for M days [default: tracking.toml, 30].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@TODAY_OPTION
def command(db_url, department, days, silent_days, fmt, today) -> None:
    """Reminders per department: tasks due soon, overdue, and without an update for a while.
    JSON is one line per department."""
    from ..track import services as S
    from ..track.status import settings

    groups = run(db_url, lambda s: S.reminders(s, department=department, days=days,
                                               silent_days=silent_days, today=today), write=False)
    cfg = settings()
    if fmt == "json":
        for g in groups:
            click.echo(json.dumps(g.to_dict(), ensure_ascii=False))
    else:
        click.echo(_text(groups, cfg.due_soon_days if days is None else days,
                         cfg.silent_days if silent_days is None else silent_days), nl=False)
    n = sum(len(g.overdue) + len(g.due_soon) + len(g.silent) for g in groups)
    click.echo(f"luoshi: {n} reminder(s) for {len(groups)} department(s)", err=True)
