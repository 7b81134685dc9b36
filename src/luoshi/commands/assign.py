"""``luoshi assign``: the unit suggestion for one task, for a person drafting a plan by hand."""

from __future__ import annotations

import json
import sys

import click

from ..track.cliutil import kept_catalogue


@click.command("assign")
@click.argument("text")
@click.option("--departments", "departments", type=click.Path(dir_okay=False), metavar="FILE",
              help="Units catalogue (JSON) to use instead of the one REGION and LEVEL choose.")
@click.option("--region", metavar="NAME", help="The government the task belongs to (广东省, 西安市, "
              "北京市海淀区): its own catalogue if luoshi has one, else the generic one.")
@click.option("--level", metavar="LEVEL", help="national, province, city, county or district "
              "(also 省/市/县/区…) [default: read from REGION, else province].")
@click.option("--place", "places", multiple=True, metavar="NAME",
              help="A place the task concerns (repeatable); places named in TEXT are found anyway.")
@click.option("--db", "db_url", metavar="URL", default=None,
              help="A library: the catalogue kept there for REGION (supplied with an import) wins over "
                   "luoshi's own [default: none — luoshi's catalogues only].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(text: str, departments: str | None, region: str | None, level: str | None,
            places: tuple[str, ...], db_url: str | None, fmt: str) -> None:
    """Suggest lead and responsible units for TASK TEXT, with a confidence and the reasons.

    The figures in TEXT are linked to the indicator catalogue, so an indicator's owner counts
    (地区生产总值 → 省发展改革委). The units are those of REGION at LEVEL: a region without its
    own catalogue gets the generic functions named for the level (市发展改革委, 区发改局…), and
    the output says so. With --db, a catalogue kept in that library for REGION (one supplied
    with `luoshi import --departments`, or on the web import page) comes first. Deterministic:
    the same text always gives the same answer.
    """
    from ..errors import LuoshiError
    from ..plan.assign import indicators_in, load_departments, suggest
    from ..plan.tasks import strip_list_number

    if not text.strip():
        click.echo("luoshi: error: TASK TEXT is empty", err=True)
        sys.exit(2)
    try:
        deps = (kept_catalogue(db_url, region, level) if db_url and not departments else None) \
            or load_departments(departments, region=region, level=level)
    except LuoshiError as e:
        click.echo(f"luoshi: error: {e}", err=True)
        sys.exit(2)
    text = strip_list_number(text)  # a 分工方案 item's own number is no figure
    s = suggest(text, figures=indicators_in(text), places=places, departments=deps)
    if fmt == "json":
        click.echo(json.dumps({**s.to_dict(), "catalogue": deps.info()}, ensure_ascii=False))
        return
    if deps.generic:
        click.echo(f"catalogue: {deps.note}")
    elif deps.origin == "library":
        click.echo(f"catalogue: {deps.source}")
    click.echo(f"牵头单位: {'、'.join(s.lead_units) or '—'}")
    click.echo(f"责任单位: {'、'.join(s.resp_units) or '—'}")
    click.echo(f"confidence: {s.confidence:.2f}")
    for r in s.reasons:
        click.echo(f"  - {r}")

