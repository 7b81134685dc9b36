"""The ``luoshi`` command line: parses arguments, calls one library function, prints the result.

Machine output goes to stdout (JSON Lines for --format jsonl), messages to stderr.
Exit codes: 0 success, 1 failure of the work, 2 bad input or usage.
"""

from __future__ import annotations

import json
import sys

import click

from . import __version__
from .commands.given_flags import given_for, given_options, warn_missing
from .outline.given import KINDS
from .errors import LuoshiError, one_line


def _fail(err: LuoshiError) -> None:
    click.echo(f"luoshi: error: {one_line(err)}", err=True)
    sys.exit(2)


def _resolve(path: str) -> str:
    """``sample`` (or ``sample:NAME``) names a bundled report."""
    from . import sample_path

    if path == "sample":
        return str(sample_path())
    if path.startswith("sample:"):
        return str(sample_path(path.split(":", 1)[1]))
    return path


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="luoshi")
def main() -> None:
    """luoshi (落实): turn a government work report into a trackable delivery plan.

    FILE may be `sample` for the bundled 2024 Liaoning report.
    """


@main.command("outline")
@click.argument("file")
@click.option("--format", "fmt", type=click.Choice(["tree", "json"]), default="tree", show_default=True)
@click.option("--sentences/--no-sentences", default=False, help="Show sentences in the tree (json always has them).")
@given_options
def outline_cmd(file: str, fmt: str, sentences: bool, region: str | None, level: str | None,
                year: int | None, kind: str | None, manifest: str | None) -> None:
    """The outline and metadata of a report (json: with the source of each metadata field:
    text, file name, flag or manifest)."""
    from . import build_outline, read
    from .outline.render import render_tree

    try:
        given = given_for(region, level, year, kind, manifest)
        path = _resolve(file)
        doc = read(path)
    except (LuoshiError, ValueError) as e:
        _fail(e)
    ol = build_outline(doc, given(path))
    warn_missing(file, ol.metadata)
    if fmt == "json":
        from .outline.meta import title_gap

        out = {"doc": doc.id, "format": doc.format, "encoding": doc.encoding,
               "traditional": doc.traditional, "length": len(doc.original),
               "metadata": ol.metadata, "sources": ol.sources,
               "title_gap": title_gap(doc, ol.metadata.get("title")), "outline": ol.root.to_dict()}
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        click.echo(render_tree(doc, ol, sentences=sentences))


@main.command("extract")
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]), default="jsonl", show_default=True)
@click.option("--explain", is_flag=True, help="Add the rule that produced each figure.")
@given_options
def extract_cmd(files: tuple[str, ...], fmt: str, explain: bool, region: str | None, level: str | None,
                year: int | None, kind: str | None, manifest: str | None) -> None:
    """Every figure of each report (indicator, value, unit, qualifier, role, year, region),
    read in the region and year the text says, or the flags/manifest say."""
    from . import build_outline, extract_figures, read
    from .extract.render import render

    docs = []
    try:
        given = given_for(region, level, year, kind, manifest)
    except (LuoshiError, ValueError) as e:
        _fail(e)
    for f in files:  # read everything first: a bad file fails before any output
        try:
            path = _resolve(f)
            docs.append((f, path, read(path)))
        except LuoshiError as e:
            _fail(e)
    rows = []
    for f, path, doc in docs:
        ol = build_outline(doc, given(path))
        warn_missing(f, ol.metadata)
        rows.extend(fig.to_dict(explain=explain) for fig in extract_figures(doc, ol))
    click.echo(render(rows, fmt), nl=False)


def _open_db(db_url: str | None):
    """(url, session factory) or exit: 2 for a bad URL or missing driver, 1 if it cannot open."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from . import store

    url = None
    try:
        url = store.resolve_url(db_url)
        return url, store.open(url)
    except ArgumentError as e:
        click.echo(f"luoshi: error: database URL: {e}", err=True)
        sys.exit(2)
    except ImportError as e:  # a dialect whose driver is not installed (mysql://…)
        click.echo(f"luoshi: error: database URL {url.render_as_string()}: driver not installed ({e.name})",
                   err=True)
        sys.exit(2)
    except SQLAlchemyError as e:
        reason = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
        click.echo(f"luoshi: error: cannot open {url.render_as_string()}: {reason}", err=True)
        sys.exit(1)


@main.command("import")
@click.argument("files", nargs=-1, required=True)
@click.option("--db", "db_url", metavar="URL", default=None,
              help="Database URL [default: env LUOSHI_DATABASE_URL, else sqlite:///luoshi.db].")
@click.option("-r", "--recursive", is_flag=True, help="Import the supported files below each DIR, not just in it.")
@click.option("--workers", type=click.IntRange(1), default=None, metavar="N",
              help="Processes parsing in parallel [default: the number of CPUs].")
@click.option("--region", metavar="R", help="Region of every file (overrides the text and file name).")
@click.option("--level", type=click.Choice(["national", "province", "city", "county", "district"]),
              help="Level of every file.")
@click.option("--year", type=int, metavar="Y", help="Plan year of every file.")
@click.option("--kind", type=click.Choice(KINDS), help="Kind of every file.")
@click.option("--manifest", type=click.Path(dir_okay=False), metavar="CSV",
              help="Per-file metadata: columns file, region, level, year, kind (paths relative to the CSV).")
@click.option("--departments", "departments", type=click.Path(dir_okay=False), metavar="FILE",
              help="Your departments catalogue (JSON, as src/luoshi/data/departments/*.json), kept in the "
                   "library for the region it names (else --region): the tasks of that region's reports "
                   "name its units from now on.")
def import_cmd(files: tuple[str, ...], db_url: str | None, recursive: bool, workers: int | None,
               region: str | None, level: str | None, year: int | None, kind: str | None,
               manifest: str | None, departments: str | None) -> None:
    """Import reports (files or DIRs) into the database: one JSON line per file on stdout.

    Status is `imported`, `replaced` (a new version of a report: the old one is kept as
    history) or `unchanged` (the same bytes are already in the library, or earlier in this run:
    skipped before parsing, so an interrupted run can simply be started again). Files are parsed
    in parallel and written one transaction each. Metadata comes from the text, gaps from the
    file name; --region/--level/--year/--kind override both, a --manifest row overrides those. A bad
    file is reported and skipped; the exit code is 2 at the end if any file was bad, 1 if a
    write failed, 130 if interrupted.

    --departments FILE: a departments catalogue kept for its region and level before the files
    are imported (a bad catalogue, or one of no region and no --region, changes nothing: exit 2);
    a 分工方案 of that region then resolves its units to it, and tasks drafted later for its
    reports name them (`luoshi tasks --create`, the web, the API).
    """
    import os
    from pathlib import Path

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from . import store
    from .services import bulk

    try:
        rows = bulk.read_manifest(manifest) if manifest else None
        flags = bulk.overrides_from({"region": region, "level": level, "year": year, "kind": kind})
        catalogue = _catalogue(departments, region, level) if departments else None
    except LuoshiError as e:
        _fail(e)
    named = bulk.collect(((f, Path(_resolve(f))) for f in files), recursive=recursive)
    items = bulk.plan(named, overrides=flags, manifest=rows)
    url, sessions = _open_db(db_url)
    if catalogue is not None:
        from .track import catalogues
        from .track.actor import SYSTEM

        try:
            with store.write_transaction(sessions) as s:
                kept = catalogues.keep(s, catalogue, SYSTEM)
        except BaseException:
            store.close(sessions)
            raise
        click.echo(f"luoshi: departments catalogue {kept.source} {'kept' if kept.new else 'already kept'} "
                   f"for {kept.region} ({kept.level}): {kept.units} units", err=True)
    console = Console(stderr=True)
    progress = Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[failed]} failed"), TimeRemainingColumn(),
                        console=console, disable=not console.is_terminal, transient=True)

    def show(o: bulk.Outcome) -> None:
        progress.advance(task, 1)
        progress.update(task, failed=len(summary_failed) + (o.status == "failed"))
        if o.status == "failed":
            summary_failed.append(o)
            return
        r = o.result
        if r.warning and o.status != "unchanged":
            console.print(r.warning, markup=False, highlight=False, soft_wrap=True)  # above the bar
        line = {"file": o.label, "status": o.status, "report_id": r.report_id, "region": r.region,
                "year": r.year, "figures": r.figures, "version": r.version}
        if o.duplicate_of:
            line["duplicate_of"] = o.duplicate_of
        if getattr(r, "division", None):  # a 分工方案: its tasks, and the draft-vs-real agreement
            line["division"] = r.division
        if catalogue is not None and not _same_region(catalogue.region, r.region or ""):
            console.print(f"luoshi: warning: {o.label} is of {r.region or 'no region'}: the catalogue of "
                          f"{catalogue.region} does not apply to it", markup=False, highlight=False, soft_wrap=True)
        if getattr(r, "followed", None):  # a new version: the earlier version's tasks it took over
            line["followed"] = r.followed
        click.echo(json.dumps(line, ensure_ascii=False))

    summary_failed: list[bulk.Outcome] = []
    try:
        with progress:
            task = progress.add_task("import", total=len(items), failed=0)
            summary = bulk.import_files(sessions, items, workers=workers or os.cpu_count() or 1,
                                        on_outcome=show)
    finally:
        store.close(sessions)
    for o in summary.failures:
        click.echo(f"luoshi: error: {one_line(o.error)}", err=True)  # names a file
    done = ", ".join(f"{n} {k}" for k, n in summary.counts.items() if n or k != "relabelled")  # a rare one
    stopped = f"; interrupted after {sum(summary.counts.values())}: run it again to go on" if summary.interrupted else ""
    click.echo(f"luoshi: {done} ({summary.files} files) in {url.render_as_string()}{stopped}", err=True)
    if summary.interrupted:
        sys.exit(130)
    if any(o.bad_input for o in summary.failures):
        sys.exit(2)
    if summary.failures:
        sys.exit(1)


def _catalogue(path: str, region: str | None, level: str | None):
    """The catalogue file checked and filed for the region it names, else --region/--level."""
    from pathlib import Path

    from .errors import InputError
    from .track import catalogues

    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}") from None
    return catalogues.fit(catalogues.check(raw, Path(path).name), region, level)


def _same_region(a: str, b: str) -> bool:
    from .plan.catalogues import _same_region as same

    return same(a, b)


if __name__ == "__main__":  # pragma: no cover
    main()


@main.command("compare")
@click.option("--db", "db_url", metavar="URL", default=None,
              help="Database URL [default: env LUOSHI_DATABASE_URL, else sqlite:///luoshi.db].")
@click.option("--indicator", metavar="ID", help="Canonical indicator id (gdp, grain_output …).")
@click.option("--region", metavar="R", help="Region (辽宁省 or 辽宁).")
@click.option("--year", type=int, metavar="Y", help="The target year (with --goals: a year the goals' period covers).")
@click.option("--across-regions", is_flag=True,
              help="One indicator's annual targets of one year, one row per region (needs --indicator and --year).")
@click.option("--measure", type=click.Choice(["growth", "amount", "share", "pp"]),
              help="With --across-regions: the measure [default: the indicator's headline measure].")
@click.option("--sort", type=click.Choice(["region", "target", "prev_actual"]), default="region", show_default=True,
              help="With --across-regions: the order of the rows.")
@click.option("--within", metavar="R", help="With --across-regions: only places inside R (all cities of 辽宁省).")
@click.option("--level", type=click.Choice(["province", "city", "county"]),
              help="With --across-regions: only places of this level (all provinces).")
@click.option("--goals", is_flag=True, help="Multi-year goals (十五五…) and how they stand, apart from annual targets.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv", "xlsx"]), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to this file (required for xlsx).")
def compare_cmd(db_url, indicator, region, year, across_regions, measure, sort, within, level, goals, fmt,
                out) -> None:
    """Targets against actuals: target, actual, verdict, gap and the sources of both numbers."""
    from . import store
    from .services.compare import across_regions as across, compare
    from .services.goals import goals as multi_year
    from .services.render import render_comparisons, render_goals, render_regions

    if across_regions and not (indicator and year):
        click.echo("luoshi: error: --across-regions needs --indicator and --year", err=True)
        sys.exit(2)
    if across_regions and goals:
        click.echo("luoshi: error: --goals and --across-regions are two tables: choose one", err=True)
        sys.exit(2)
    if fmt == "xlsx" and not out:
        click.echo("luoshi: error: --format xlsx needs --out FILE", err=True)
        sys.exit(2)
    _, sessions = _open_db(db_url)
    try:
        with sessions() as session:
            if across_regions:
                rows = across(session, indicator=indicator, year=year, measure=measure, sort=sort, within=within,
                              level=level)
            elif goals:
                rows = multi_year(session, indicator=indicator, region=region, year=year)
            else:
                rows = compare(session, indicator=indicator, region=region, year=year)
    finally:
        store.close(sessions)
    data = (render_regions if across_regions else render_goals if goals else render_comparisons)(rows, fmt)
    if out:
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(out, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
        click.echo(f"luoshi: {len(rows)} rows written to {out}", err=True)
    else:
        click.echo(data, nl=False)


def _register(*names: str) -> None:
    """Add the ``command`` of each ``luoshi.commands.NAME`` module that exists."""
    from importlib import import_module
    from importlib.util import find_spec

    for name in names:
        if find_spec(f"luoshi.commands.{name}") is not None:
            main.add_command(import_module(f"luoshi.commands.{name}").command)


_register("plan", "assign", "panel", "user", "token", "remind", "tasks", "demo", "serve", "backup", "restore", "search",
          "audit", "catalogues", "reread")
