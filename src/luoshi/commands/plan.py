"""``luoshi plan``: the draft 分工方案 of a report's plan part."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .given_flags import given_for, given_options, warn_missing

FORMATS = ["table", "jsonl", "xlsx", "docx"]


def _fail(msg: str, code: int = 2) -> None:
    click.echo(f"luoshi: error: {msg}", err=True)
    sys.exit(code)


@click.command("plan")
@click.argument("file", required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", "out", metavar="PATH", default=None,
              help="Write here [default: stdout for table/jsonl, DOC-分工方案.xlsx/.docx].")
@click.option("--edits", "edits_path", metavar="PATH", default=None,
              help="JSON file of changes made by hand: applied to the draft, and written by --set.")
@click.option("--set", "sets", nargs=2, multiple=True, metavar="ITEM FIELD=VALUE",
              help="Record a change for task ITEM (its number or key) in --edits, e.g. "
                   "--set 3 lead_units=省财政厅,省税务局. Fields: lead_units, resp_units, "
                   "lead_leader, deadline (YYYY-MM-DD), deadline_text, kind.")
@click.option("--departments", "departments", metavar="PATH", default=None,
              help="Department catalogue for the suggestions [default: the catalogue of the report's region and level — its own file where luoshi has one, else the generic one named for the level].")
@click.option("--db", "db_url", metavar="URL", default=None,
              help="A library: the catalogue kept there for the report's region (supplied with an import) "
                   "wins over luoshi's own [default: none — luoshi's catalogues only].")
@click.option("--no-suggest", is_flag=True, help="Leave 牵头单位/责任单位 empty (no suggestions).")
@click.option("--from-division", "division", metavar="DIV", default=None,
              help="A real 分工方案: alone, its items with their own 牵头单位/责任单位/牵头领导/完成时限; "
                   "with FILE (the work report it divides), the report's tasks take the units of the "
                   "items they match, and a line says how far the draft agreed.")
@given_options
def command(file: str, fmt: str, out: str | None, edits_path: str | None,
            sets: tuple[tuple[str, str], ...], departments: str | None, db_url: str | None, no_suggest: bool,
            division: str | None, region: str | None, level: str | None, year: int | None, kind: str | None,
            manifest: str | None) -> None:
    """The draft 分工方案 (division-of-labour plan) of a report: numbered tasks with
    牵头领导 (blank), 牵头单位, 责任单位 and 完成时限 suggested for each."""
    from .. import build_outline, extract_figures, read
    from ..cli import _resolve
    from ..errors import LuoshiError
    from ..plan import export
    from ..plan.draft import SuggestionsUnavailable, draft_plan
    from ..plan.edits import find_task, load_edits, parse_assignment, record, save_edits

    if sets and not edits_path:
        _fail("--set needs --edits PATH (the file that keeps the change)")
    if not file and not division:
        _fail("give a report FILE, or --from-division DIV")
    agreed = None
    try:
        given = given_for(region, level, year, kind, manifest)
        edits = load_edits(edits_path) if edits_path else None
        if division:
            from ..plan.division import read_division
            from ..plan.division_match import overlay

            dpath = _resolve(division)
            ddoc = read(dpath)
            doutline = build_outline(ddoc, given(dpath))
            warn_missing(division, doutline.metadata)
            dfigures = extract_figures(ddoc, doutline)
            items = read_division(ddoc, doutline, dfigures, departments=departments)
        path = _resolve(file or division)
        doc = read(path)
        outline = build_outline(doc, given(path))
        if file:
            warn_missing(file, outline.metadata)
            if not division and (outline.metadata or {}).get("kind") == "division":
                click.echo(f"luoshi: {Path(file).name} is a 分工方案: these are suggestions; "
                           "--from-division reads the units it names", err=True)
            figures = extract_figures(doc, outline)
            deps = departments
            if db_url and not departments and not no_suggest:
                from ..track.cliutil import kept_catalogue

                meta = outline.metadata or {}
                deps = kept_catalogue(db_url, meta.get("region"), meta.get("level"))
                if deps is not None:
                    click.echo(f"luoshi: catalogue: {deps.source}", err=True)
            tasks = draft_plan(doc, outline, figures, departments=deps, edits=edits,
                               suggest=not no_suggest)
            if division:
                agreed = overlay(tasks, figures, items, dfigures)
                rm, dm = outline.metadata or {}, doutline.metadata or {}
                for k in ("region", "plan_year"):
                    if rm.get(k) and dm.get(k) and rm[k] != dm[k]:
                        click.echo(f"luoshi: warning: the 分工方案 is of {k} {dm[k]}, the report of {rm[k]}",
                                   err=True)
        else:
            from ..plan.edits import apply_edits

            tasks = items
            apply_edits(tasks, edits)
        if sets:
            for item, assignment in sets:
                name, value = parse_assignment(assignment)
                task = find_task(tasks, item)
                record(edits, task, name, value)
                shown = "、".join(value) if isinstance(value, list) else value
                click.echo(f"luoshi: task {task.number} ({task.key}): {name} = {shown}", err=True)
            save_edits(edits_path, edits)
    except SuggestionsUnavailable as e:
        _fail(str(e), 1)
    except LuoshiError as e:  # a bad file, a bad edit
        _fail(str(e))
    if edits is not None:
        known = {t.key for t in tasks}
        orphans = [k for k in edits.tasks if k not in known]
        if orphans:
            click.echo(f"luoshi: warning: {len(orphans)} edit(s) match no task of this report: "
                       + ", ".join(orphans), err=True)

    meta = outline.metadata or {}
    if agreed is not None and fmt != "table":  # on stderr: jsonl, xlsx, docx stay a plan
        click.echo(f"luoshi: {agreed.line()}", err=True)
    if fmt in ("xlsx", "docx"):
        path = Path(out) if out else Path(f"{doc.id}-分工方案.{fmt}")
        writer = export.write_xlsx if fmt == "xlsx" else export.write_docx
        try:
            writer(tasks, path, meta)
        except OSError as e:
            _fail(f"cannot write {path}: {e}", 1)
        click.echo(f"luoshi: wrote {len(tasks)} tasks to {path}", err=True)
        return
    text = export.render_jsonl(tasks) if fmt == "jsonl" else export.render_text(tasks, meta)
    if agreed is not None and fmt == "table":
        text += f"\n{agreed.line()}\n"
    if out:
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as e:
            _fail(f"cannot write {out}: {e}", 1)
        click.echo(f"luoshi: wrote {len(tasks)} tasks to {out}", err=True)
    else:
        click.echo(text, nl=False)
