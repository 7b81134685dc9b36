"""``luoshi search``: find sentences, figures and tasks of the library by Chinese words."""

from __future__ import annotations

import json
import sys

import click


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--db", "db_url", metavar="URL", default=None,
              help="Database URL [default: env LUOSHI_DATABASE_URL, else sqlite:///luoshi.db].")
@click.option("--region", metavar="R", help="Only reports of this region (辽宁省 or 辽宁).")
@click.option("--year", type=int, metavar="Y", help="Only reports for this plan year.")
@click.option("--level", type=click.Choice(["national", "province", "city", "county", "district"]),
              help="Only reports of this level.")
@click.option("--role", metavar="R", help="Only figures of this role (target, actual …), and sentences or tasks holding one.")
@click.option("--indicator", metavar="ID", help="Only figures of this canonical indicator (gdp …), and sentences or tasks holding one.")
@click.option("--kind", type=click.Choice(["sentence", "figure", "task"]), help="Only hits of this kind.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, metavar="N")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
def command(query: tuple[str, ...], db_url: str | None, region: str | None, year: int | None,
            level: str | None, role: str | None, indicator: str | None, kind: str | None,
            limit: int, fmt: str) -> None:
    """Search report text, figures and tasks: words separated by spaces must all occur
    (老旧小区 改造). Each hit names the report and the start/end offsets of its text; matches
    are shown in 【】 (text) or <mark> (jsonl's snippet_html), with the path of the place in the
    web reader (`luoshi serve`). Newest plan year first."""
    from .. import store
    from ..cli import _open_db
    from ..services.search import QueryError, search, terms

    q = " ".join(query)
    if not terms(q):
        click.echo("luoshi: error: empty query", err=True)
        sys.exit(2)
    _, sessions = _open_db(db_url)
    try:
        with sessions() as session:
            hits = search(session, q, region=region, year=year, level=level, role=role,
                          indicator=indicator, kind=kind, limit=limit)
    except QueryError as e:
        click.echo(f"luoshi: error: {e}", err=True)
        sys.exit(2)
    finally:
        store.close(sessions)
    for h in hits:
        if fmt == "jsonl":
            click.echo(json.dumps(h.to_dict(), ensure_ascii=False))
        else:
            where = " ".join(str(x) for x in (h.region, h.year) if x is not None)
            click.echo(f"[{h.kind}] {where} report {h.report_id} {h.start}-{h.end}"
                       + (f"  {h.section}" if h.section else ""))
            click.echo(f"    {h.snippet}")
            click.echo(f"    {h.reader_path()}")
    click.echo(f"luoshi: {len(hits)} hit{'s' if len(hits) != 1 else ''}"
               + (f" (the first {limit}; --limit for more)" if len(hits) == limit else ""), err=True)
