"""``luoshi tasks``: create the tasks of an imported report from its plan, or list tasks with
their status on every axis."""

from __future__ import annotations

import json

import click

from ..track.cliutil import DB_OPTION, TODAY_OPTION, fail, run


def _row(ts) -> list[str]:
    t, st = ts.task, ts.status
    lead = "、".join(a.department for a in t.assignments if a.role == "lead") or "-"
    text = t.text if len(t.text) <= 36 else t.text[:35] + "…"
    return [str(t.id), str(t.number), str(t.deadline or "-"), lead, st.reported.label_zh,
            st.evidence.label_zh, st.schedule.label_zh, st.confidence.label_zh, text]


@click.command("tasks")
@DB_OPTION
@click.option("--report", "report_id", type=int, metavar="ID", help="The report (its id from `luoshi import`).")
@click.option("--create", is_flag=True, help="Create the report's tasks from its plan (again: adds only new ones).")
@click.option("--department", metavar="NAME", help="Only tasks assigned to this department.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@TODAY_OPTION
def command(db_url, report_id, create, department, fmt, today) -> None:
    """Tasks with their status: reported, evidence, schedule, confidence (definitions in
    jsonl). With --create, make the tasks of an imported report from its draft plan, with the
    suggested lead and responsible departments assigned."""
    from ..track import services as S

    if create:
        if report_id is None:
            fail("--create needs --report ID")
        made = run(db_url, lambda s: S.tasks_from_report(s, report_id, S.SYSTEM, as_of=today))
        for t in made.created:
            click.echo(json.dumps(t.to_dict(), ensure_ascii=False))
        click.echo(f"luoshi: {len(made.created)} task(s) created for report {report_id}, "
                   f"{made.existing} there already", err=True)
        cat = made.catalogue or {}
        if made.created and (cat.get("generic") or cat.get("origin") == "library"):
            click.echo(f"luoshi: catalogue: {cat['note'] if cat.get('generic') else cat['source']}", err=True)
        if made.division:  # a stored 分工方案 of the region and year gave its units
            from ..plan.division_match import Agreement

            a = made.division
            click.echo("luoshi: " + Agreement(a["report_tasks"], a["division_items"], a["matched"], a["agree"]).line(),
                       err=True)
        return
    rows = run(db_url, lambda s: S.statuses(s, report_id=report_id, department=department, today=today),
               write=False)
    if fmt == "jsonl":
        for ts in rows:
            click.echo(json.dumps({"task": ts.task.to_dict(), "status": ts.status.to_dict()}, ensure_ascii=False))
    else:
        click.echo("\t".join(["id", "编号", "完成时限", "牵头单位", "报送", "数据", "时限", "评价", "任务"]))
        for ts in rows:
            click.echo("\t".join(_row(ts)))
    click.echo(f"luoshi: {len(rows)} task(s)", err=True)
