"""``luoshi tasks``: create the tasks of an imported report from its plan, or list tasks with
their status on every axis; for a new version of a report, list the earlier version's tasks the
rule could not pair (``--unmatched``) and settle them (``--link OLD=NEW``, ``--drop OLD``)."""

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


def _link(_ctx, _param, values: tuple[str, ...]) -> list[tuple[int, int]]:
    out = []
    for v in values:
        old, sep, new = v.partition("=")
        if not (sep and old.strip().isdigit() and new.strip().isdigit()):
            raise click.BadParameter(f"{v!r} is not OLD=NEW (two task ids)")
        out.append((int(old), int(new)))
    return out


def _unmatched(u, fmt: str) -> None:
    if fmt == "jsonl":
        click.echo(json.dumps(u.to_dict(), ensure_ascii=False))
    else:
        state = {"ambiguous": "有歧义", "no_counterpart": "无对应", "paired": "可配对"}
        click.echo("\t".join(["旧任务id", "版本", "编号", "情况", "进展", "评价", "候选（新任务id:相似度）", "任务"]))
        for o in u.open:
            cands = " ".join(f"{c.task.id}:{c.score:.2f}" for c in o.candidates) or "-"
            click.echo("\t".join([str(o.task.id), str(o.task.version), str(o.task.number), state[o.state],
                                  str(o.updates), str(o.ratings), cands, o.task.text]))
        if u.new:
            click.echo("\t".join(["新任务id", "版本", "编号", "", "", "", "", "任务"]))
            for t in u.new:
                click.echo("\t".join([str(t.id), str(t.version), str(t.number), "无上一版本", "", "", "", t.text]))
    click.echo(f"luoshi: report {u.report_id} (version {u.version}): {u.pending} earlier task(s) to settle, "
               f"{len(u.new)} task(s) continuing none; {u.followed} continue an earlier task, "
               f"{u.dropped} dropped", err=True)


@click.command("tasks")
@DB_OPTION
@click.option("--report", "report_id", type=int, metavar="ID", help="The report (its id from `luoshi import`).")
@click.option("--create", is_flag=True, help="Create the report's tasks from its plan (again: adds only new ones).")
@click.option("--department", metavar="NAME", help="Only tasks assigned to this department.")
@click.option("--unmatched", is_flag=True,
              help="For a new version of a report: the earlier version's tasks left to settle, with candidates.")
@click.option("--link", "links", multiple=True, callback=_link, metavar="OLD=NEW",
              help="Settle: task NEW of --report continues task OLD of an earlier version (repeatable).")
@click.option("--drop", "drops", multiple=True, type=int, metavar="OLD",
              help="Settle: close task OLD of an earlier version as dropped (repeatable; needs --reason).")
@click.option("--reason", default="", metavar="TEXT", help="Why (recorded with every --link and --drop).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@TODAY_OPTION
def command(db_url, report_id, create, department, unmatched, links, drops, reason, fmt, today) -> None:
    """Tasks with their status: reported, evidence, schedule, confidence (definitions in
    jsonl). With --create, make the tasks of an imported report from its draft plan, with the
    suggested lead and responsible departments assigned; for the current version of a report
    whose earlier version was tracked, its tasks take over the earlier ones the rule pairs (the
    same as a new version's import does). --unmatched lists what is left for a person; --link
    and --drop settle it, all of them or, on any error, none."""
    from ..track import services as S

    if links or drops:
        if report_id is None:
            fail("--link and --drop need --report ID (the current version)")
        from ..track.versions import Decision, settle

        decisions = [Decision(o, n, reason) for o, n in links] + [Decision(o, None, reason) for o in drops]
        done = run(db_url, lambda s: settle(s, report_id, decisions, S.SYSTEM))
        click.echo(json.dumps(done.to_dict(), ensure_ascii=False))
        click.echo(f"luoshi: {len(done.linked)} linked, {len(done.dropped)} dropped; {done.pending} left to settle",
                   err=True)
        return
    if unmatched:
        if report_id is None:
            fail("--unmatched needs --report ID")
        from ..track.versions import unmatched as find

        _unmatched(run(db_url, lambda s: find(s, report_id), write=False), fmt)
        return
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
        if made.followed:  # the earlier version's tasks these took over
            f = made.followed
            click.echo(f"luoshi: {f['by_key'] + f['by_wording']} task(s) continue the earlier version's "
                       f"({f['by_key']} by key, {f['by_wording']} by wording); {f['pending']} left to settle: "
                       f"luoshi tasks --unmatched --report {report_id}", err=True)
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
