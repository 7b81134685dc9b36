"""The target panel for research: one row per current target (region × level × year × indicator).

Each row carries the target as written, its type where the text says it (预期性 / 约束性), whether
it is specific (a number) or vague (a qualitative clause of the main-targets list), the verdict
and actual from ``services.compare``, and four flags a researcher would otherwise compute by
hand: repeated unchanged from the year before, amplified above the parent level's target
(层层加码), actual exactly equal to the target, and provinces' actuals summing above the
national figure. A flag is None when the library lacks what its rule needs, so "no" and "cannot
tell" stay apart. ``export`` writes CSV or Parquet with a Markdown codebook beside it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from sqlalchemy.orm import Session

from .. import gazetteer, link
from ..ingest import Document
from ..store import Report, ReportFigure, current_figures, current_reports
from .compare import compare, place_key, region_key

LEVELS = ("national", "province", "city", "county", "district")
NATIONAL = "全国"
# Amounts that do not add up across regions (per head, ratios, concentrations, days).
NON_ADDITIVE = frozenset({"gdp_per_capita", "disposable_income", "urban_income", "rural_income",
                          "urban_rural_income_ratio", "basic_pension_minimum", "pm25",
                          "patents_per_10k", "life_expectancy", "good_air_days"})
# Measures whose values are comparable between a place and its parent (amounts scale with size).
INTENSIVE = ("growth", "share", "pp")
_EPS = 1e-9


@dataclass
class PanelRow:
    region: str | None
    level: str | None
    year: int | None
    canonical: str | None
    indicator: str
    measure: str | None
    value: float | None
    value_max: float | None
    unit: str | None
    comparator: str | None
    target_type: str | None
    specific: bool
    verdict: str | None
    actual: float | None
    actual_unit: str | None
    gap: float | None
    gap_unit: str | None
    repeated_unchanged: bool | None
    amplified: bool | None
    parent_region: str | None
    parent_value: float | None
    amplification_gap: float | None
    actual_equals_target: bool | None
    regional_sum_exceeds_national: bool | None
    regional_sum_gap: float | None
    report_id: int
    doc: str
    text: str
    start: int
    end: int


# name -> (type, meaning); the order of PanelRow's fields. The codebook is written from this.
COLUMNS: dict[str, tuple[str, str]] = {
    "region": ("string", "The place the target is for, as the report names it (全国, 吉林省, 长春市)."),
    "level": ("string", "national | province | city | county | district: the report's level "
              "(from the gazetteer when a figure names another place)."),
    "year": ("int", "The year the target is for."),
    "canonical": ("string", "Catalogue indicator id (gdp, grain_output …); for a vague row the id of "
                  "the qualitative rule that recognises it; empty when unknown."),
    "indicator": ("string", "The indicator as written; for a vague row the whole clause."),
    "measure": ("string", "growth | share | pp | amount; empty for a vague row."),
    "value": ("float", "The target number (lower bound of a range); empty for a vague row."),
    "value_max": ("float", "Upper bound of a range target; else empty."),
    "unit": ("string", "Unit of value (%, 万人, 亿斤 …)."),
    "comparator": ("string", "eq | approx (左右) | ge (以上) | gt | le (以内) | lt | range."),
    "target_type": ("string", "约束性 or 预期性 when the text says so, else empty (see rules)."),
    "specific": ("bool", "1 for a number, 0 for a vague (qualitative) target."),
    "verdict": ("string", "met | missed | no_data | needs_judgement (luoshi compare); empty when "
                "the indicator is not in the catalogue."),
    "actual": ("float", "The actual compare chose (a later, more official source first)."),
    "actual_unit": ("string", "Unit of actual."),
    "gap": ("float", "actual − target in gap_unit (distance to the nearer bound for a range)."),
    "gap_unit": ("string", "个百分点 for % targets, else the target's unit."),
    "repeated_unchanged": ("bool", "Flag, see rules."),
    "amplified": ("bool", "Flag, see rules."),
    "parent_region": ("string", "The parent place: the nation for a province, the province of a city, "
                      "the city of a county or district of any province (the gazetteer of "
                      "administrative divisions, data/divisions.csv)."),
    "parent_value": ("float", "The parent's target for the same indicator, measure and year, in "
                     "this row's unit."),
    "amplification_gap": ("float", "This target − the parent's, in this row's unit (percentage "
                          "points when unit is %)."),
    "actual_equals_target": ("bool", "Flag, see rules."),
    "regional_sum_exceeds_national": ("bool", "Flag, see rules."),
    "regional_sum_gap": ("float", "Sum of the provinces' actuals − the national actual, in this "
                         "row's unit."),
    "report_id": ("int", "Database id of the report version holding the target."),
    "doc": ("string", "Document id of that report."),
    "text": ("string", "The target as written in the report."),
    "start": ("int", "Offset of text in the report's original text (characters)."),
    "end": ("int", "End offset of text."),
}
assert tuple(COLUMNS) == tuple(f.name for f in fields(PanelRow))

RULES = {
    "target_type": "约束性/预期性 (traditional 約束性/預期性 too) written right after the target "
                   "in its clause (单位GDP能耗下降3%（约束性）, …为约束性指标, a table row's 属性 cell), "
                   "else a lead such as 约束性指标为： / 预期性指标： whose list holds the target (to the "
                   "end of that sentence, or over the list lines after a lead that ends its line). "
                   "主要预期目标 names the whole list in this genre and is not read as a type.",
    "repeated_unchanged": "The same region and level had, the year before, a target for the same "
                          "indicator (canonical id, else the name as written) and measure with the "
                          "same comparator and the same value and upper bound once in the same "
                          "unit (a vague row: the same clause). Empty when the library has no target of that indicator there "
                          "the year before.",
    "amplified": "For growth/share/pp targets (amounts scale with a place's size): the target is "
                 "more demanding than the parent's for the same indicator, measure and year — "
                 "above it, or below it for an indicator where less is better (energy intensity, "
                 "prices, unemployment). A range counts by its midpoint. Empty for the nation, "
                 "amounts, vague rows, or when the parent's target is not in the library.",
    "actual_equals_target": "The actual, in the target's unit, equals the target's value (or a "
                            "range's upper bound) exactly. Empty when there is no actual.",
    "regional_sum_exceeds_national": "For additive amounts (not per-head, ratio or concentration "
                                     "indicators), on national and province rows: the provinces' "
                                     "actuals for that indicator and year, added up, exceed the "
                                     "national actual. Empty unless the national actual and at "
                                     "least one province's are in the library.",
}


def _level_rank(level: str | None) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


# ---------------------------------------------------------------- gazetteer: who is whose parent

def parent_of(region: str | None, level: str | None, within: str | None = None) -> tuple[str, str] | None:
    """(parent region, its level): the nation for a province, the province of a city (or of a
    county-level unit its province runs directly, 仙桃市), the city of a county or district of
    any province (the gazetteer; a name two places share, such as 朝阳区, only when written with
    its city, 北京市朝阳区, or read in the report's region ``within``); None for the nation or a
    place the gazetteer does not know."""
    if not region or level == "national":
        return None
    if level == "province":
        return NATIONAL, "national"
    if level in ("city", "county", "district"):
        d = gazetteer.resolve(region, within)
        up = gazetteer.parent(d) if d is not None and d.level != "province" else None
        if up is not None:
            return up.name, up.level
    return None


def _level_of(region: str | None, report: Report) -> str | None:
    """The report's level, unless the figure names another place: then the gazetteer's (read
    in the report's own region: 朝阳区 in a Beijing report is Beijing's)."""
    if region is None or place_key(region, report.region) == region_key(report.region):
        return report.level
    if region == NATIONAL:
        return "national"
    d = gazetteer.resolve(region, report.region)
    return d.level if d is not None else report.level


# ---------------------------------------------------------------- target type from the text

_MARK = re.compile(r"(约束性|预期性)")
_LEAD = re.compile(r"(约束性|预期性)(?:指标|目标)(?:(?:主要)?(?:是|为|有|包括))?(?:[:：]|(?=[ \t\u3000]*(?:\n|$)))"
                   r"|(约束性|预期性)(?:指标|目标)(?:主要)?(?:是|为|有|包括)(?![，,。；;\n])")
_CLAUSE_END = re.compile(r"[，,；;。\n]")
_LIST_LINE = re.compile(r"^[ \t\u3000]*(?:——|—|--|\d{1,2}[.．、]|[(（][一二三四五六七八九十\d]{1,3}[)）])")


def _lead_scopes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, type) of the text a 约束性指标为： / 预期性指标： lead governs."""
    leads = list(_LEAD.finditer(text))
    out = []
    for i, m in enumerate(leads):
        kind = m.group(1) or m.group(2)
        start = m.end()
        limit = leads[i + 1].start() if i + 1 < len(leads) else len(text)
        eol = text.find("\n", start)
        eol = len(text) if eol < 0 else eol
        if text[start:eol].strip(" \t\u3000"):
            stop = text.find("。", start, limit)
            end = limit if stop < 0 else stop + 1
        else:  # a heading line: the list lines below it
            end = pos = eol + 1
            while pos < limit:
                nl = text.find("\n", pos)
                nl = len(text) if nl < 0 else nl
                if not _LIST_LINE.match(text[pos:nl]):
                    break
                end = pos = nl + 1
            end = min(end, limit)
        out.append((start, end, kind))
    return out


def target_type(text: str, start: int, end: int, scopes: Sequence[tuple[int, int, str]] = ()) -> str | None:
    """约束性 / 预期性 for the target at normalised [start, end) of ``text``, or None.

    A marker after the target in its own clause wins; else the lead whose list holds it
    (``scopes`` from ``_lead_scopes``, computed once per document).
    """
    m = _CLAUSE_END.search(text, end)
    stop = m.start() if m else len(text)
    mark = _MARK.search(text, end, stop)
    if mark:
        return mark.group(1)
    return next((kind for a, b, kind in scopes if a <= start < b), None)


# ---------------------------------------------------------------- building the rows

def _mid(value: float, value_max: float | None, comparator: str | None) -> float:
    return (value + value_max) / 2 if comparator == "range" and value_max is not None else value


def _convert(value: float, unit_from: str, unit_to: str, cid: str | None) -> float | None:
    try:
        return link.convert(value, unit_from, unit_to, cid)
    except ValueError:
        return None


def _place(row: PanelRow, reports: dict[int, Report]) -> tuple[str, str | None]:
    """The row's place, read in its report's region (朝阳区 of a Beijing report is Beijing's)."""
    return place_key(row.region, reports[row.report_id].region), row.level


def _ident(row: PanelRow) -> str:
    """What makes two rows the same target across years: the catalogue id, else the words."""
    return (row.canonical or row.indicator) if row.specific else "text:" + row.indicator


def target_panel(session: Session, *, year: int | None = None, indicator: str | None = None) -> list[PanelRow]:
    """One row per current target (narrowed by year and canonical indicator id), flags set.

    Flags look at the whole library (the year before, the parent, the other provinces), not
    only at the rows returned.
    """
    import luoshi

    reports = {r.id: r for r in current_reports(session)}
    verdicts = {(c.target_source.report_id, c.target_source.start, c.target_source.end, c.measure): c
                for c in compare(session)}
    docs: dict[int, tuple[str, list[tuple[int, int, str]], Document]] = {}

    def doc_of(r: Report) -> tuple[str, list[tuple[int, int, str]], Document]:
        if r.id not in docs:
            d = luoshi.read_text(r.original, r.doc)
            docs[r.id] = (d.text, _lead_scopes(d.text), d)
        return docs[r.id]

    rows: list[PanelRow] = []
    for f in current_figures(session, role="target"):
        r = reports[f.report_id]
        region = f.region or r.region
        text, scopes, _ = doc_of(r)
        c = verdicts.get((f.report_id, f.start, f.end, f.measure))
        rows.append(PanelRow(
            region=region, level=_level_of(region, r), year=f.year if f.year is not None else r.plan_year,
            canonical=f.canonical, indicator=f.indicator, measure=f.measure, value=f.value,
            value_max=f.value_max, unit=f.unit, comparator=f.comparator,
            target_type=target_type(text, f.nstart, f.nend, scopes), specific=True,
            verdict=c.verdict if c else None, actual=c.actual_value if c else None,
            actual_unit=c.actual_unit if c else None, gap=c.gap if c else None,
            gap_unit=c.gap_unit if c else None, repeated_unchanged=None, amplified=None,
            parent_region=None, parent_value=None, amplification_gap=None,
            actual_equals_target=None, regional_sum_exceeds_national=None, regional_sum_gap=None,
            report_id=r.id, doc=r.doc, text=f.text, start=f.start, end=f.end))
    for c in verdicts.values():
        if c.measure != "rule":
            continue
        r = reports[c.target_source.report_id]
        text, scopes, d = doc_of(r)
        ns = d.to_normalised(c.target_source.start)
        rows.append(PanelRow(
            region=c.region, level=r.level, year=c.year, canonical=c.canonical, indicator=c.indicator,
            measure=None, value=None, value_max=None, unit=None, comparator=None,
            target_type=target_type(text, ns, d.to_normalised(c.target_source.end), scopes),
            specific=False, verdict=c.verdict, actual=None, actual_unit=None, gap=c.gap,
            gap_unit=c.gap_unit or None, repeated_unchanged=None, amplified=None, parent_region=None,
            parent_value=None, amplification_gap=None, actual_equals_target=None,
            regional_sum_exceeds_national=None, regional_sum_gap=None, report_id=r.id, doc=r.doc,
            text=c.target_source.text, start=c.target_source.start, end=c.target_source.end))

    _flag_repeated(rows, reports)
    _flag_amplified(rows, reports)
    _flag_equal(rows)
    _flag_regional_sum(rows, session, reports)
    out = [x for x in rows if (year is None or x.year == year)
           and (indicator is None or x.canonical == indicator)]
    out.sort(key=lambda x: (x.year or 0, _level_rank(x.level), region_key(x.region),
                            x.canonical or "~", x.report_id, x.start))
    return out


def _same_target(a: PanelRow, b: PanelRow) -> bool:
    if not a.specific:
        return True  # the ident already holds the clause
    if a.comparator != b.comparator or a.value is None or b.value is None:
        return False
    v = _convert(b.value, b.unit or "", a.unit or "", a.canonical)
    vm = _convert(b.value_max, b.unit or "", a.unit or "", a.canonical) if b.value_max is not None else None
    return (v is not None and abs(v - a.value) < _EPS
            and (a.value_max is None) == (vm is None)
            and (vm is None or abs(vm - a.value_max) < _EPS))


def _flag_repeated(rows: list[PanelRow], reports: dict[int, Report]) -> None:
    by: dict[tuple, list[PanelRow]] = {}
    for x in rows:
        by.setdefault((*_place(x, reports), x.year, _ident(x), x.measure), []).append(x)
    for x in rows:
        if x.year is None:
            continue
        prev = by.get((*_place(x, reports), x.year - 1, _ident(x), x.measure))
        if prev:
            x.repeated_unchanged = any(_same_target(x, p) for p in prev)


def _flag_amplified(rows: list[PanelRow], reports: dict[int, Report]) -> None:
    by: dict[tuple, list[PanelRow]] = {}
    for x in rows:
        if x.specific and x.canonical:
            by.setdefault((*_place(x, reports), x.year, x.canonical, x.measure), []).append(x)
    for x in rows:
        if not (x.specific and x.canonical and x.measure in INTENSIVE and x.value is not None):
            continue
        parent = parent_of(x.region, x.level, reports[x.report_id].region)
        if parent is None:
            continue
        x.parent_region = parent[0]
        ps = by.get((region_key(parent[0]), parent[1], x.year, x.canonical, x.measure))
        if not ps:
            continue
        p = min(ps, key=lambda p: (p.report_id, p.start))  # the parent's first statement of it
        pv = _convert(_mid(p.value, p.value_max, p.comparator), p.unit or "", x.unit or "", x.canonical)
        if pv is None:
            continue
        gap = round(_mid(x.value, x.value_max, x.comparator) - pv, 6)
        ind = link.indicator(x.canonical)
        down = ind is not None and ind.direction == "down"
        x.parent_value = round(pv, 6)
        x.amplification_gap = gap
        x.amplified = gap < 0 if down else gap > 0


def _flag_equal(rows: list[PanelRow]) -> None:
    for x in rows:
        if not x.specific or x.actual is None or x.value is None:
            continue
        unit = x.unit or ""
        if unit == "倍" and x.measure in ("growth", "share"):  # judge reads 增长1倍 as 100%
            a = _convert(x.actual, x.actual_unit or "", "%", x.canonical)
            a = None if a is None else a / 100
        else:
            a = _convert(x.actual, x.actual_unit or "", unit, x.canonical)
        if a is None:
            continue
        x.actual_equals_target = abs(a - x.value) < _EPS or (
            x.value_max is not None and abs(a - x.value_max) < _EPS)


def _chosen_actuals(session: Session, reports: dict[int, Report]) -> dict[tuple, dict[str, ReportFigure]]:
    """(canonical, year) -> {province full name or 全国: the actual compare would choose}."""
    cands: dict[tuple, dict[str, list[ReportFigure]]] = {}
    for role in ("actual", "estimate"):
        for f in current_figures(session, role=role):
            if (f.measure != "amount" or not f.canonical or f.canonical in NON_ADDITIVE
                    or f.year is None or not f.region):
                continue
            d = gazetteer.resolve(f.region) if f.region != NATIONAL else None
            place = NATIONAL if f.region == NATIONAL else d.name if d is not None and d.level == "province" else None
            if place is None:
                continue
            cands.setdefault((f.canonical, f.year), {}).setdefault(place, []).append(f)
    out: dict[tuple, dict[str, ReportFigure]] = {}
    for key, places in cands.items():
        for place, figs in places.items():
            r = [link.Sourced(f, reports[f.report_id].kind,
                              reports[f.report_id].date.isoformat() if reports[f.report_id].date else None)
                 for f in figs]
            chosen, _ = link.pick_actual(r)
            out.setdefault(key, {})[place] = chosen.figure
    return out


def _flag_regional_sum(rows: list[PanelRow], session: Session, reports: dict[int, Report]) -> None:
    actuals = _chosen_actuals(session, reports)
    for x in rows:
        if (not x.specific or x.measure != "amount" or not x.canonical or x.canonical in NON_ADDITIVE
                or x.level not in ("national", "province")):
            continue
        places = actuals.get((x.canonical, x.year), {})
        nat = places.get(NATIONAL)
        provs = [f for p, f in places.items() if p != NATIONAL]
        if nat is None or not provs:
            continue
        parts = [_convert(f.value, f.unit, nat.unit, x.canonical) for f in provs]
        if any(p is None for p in parts):
            continue
        total = sum(parts)  # type: ignore[arg-type]
        x.regional_sum_exceeds_national = total > nat.value * (1 + _EPS)
        gap = _convert(total - nat.value, nat.unit, x.unit or "", x.canonical)
        x.regional_sum_gap = None if gap is None else round(gap, 6)


# ---------------------------------------------------------------- export

def codebook_path(out: str | Path) -> Path:
    """``panel.csv`` → ``panel.codebook.md``."""
    p = Path(out)
    return p.with_name(p.stem + ".codebook.md")


def codebook(fmt: str) -> str:
    """The Markdown codebook: every column with its type and meaning, then each flag's rule."""
    cells = ("In the CSV, bools are 1/0 and a missing value is an empty cell; the file is UTF-8 "
             "with a BOM so that Excel shows the Chinese." if fmt == "csv" else
             "In the Parquet file, types are native (bool, int64, double, string) and a missing "
             "value is null.")
    lines = ["# luoshi target panel: codebook", "",
             "One row per target of the current version of every report in the library "
             "(region × level × year × indicator). Flags are empty (null) when the library "
             "lacks what the rule needs: empty means *cannot tell*, not *no*. " + cells, "",
             "| column | type | meaning |", "| --- | --- | --- |"]
    lines += [f"| {name} | {typ} | {meaning.replace('|', chr(92) + '|')} |"
              for name, (typ, meaning) in COLUMNS.items()]
    lines += ["", "## Rules", ""]
    lines += [f"- **{name}**: {rule}" for name, rule in RULES.items()]
    return "\n".join(lines) + "\n"


def _cell(v: object) -> object:
    if v is None:
        return ""
    if isinstance(v, bool):
        return int(v)
    return v


def write_csv(rows: Iterable[PanelRow], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([_cell(v) for v in astuple(r)])


def write_parquet(rows: Sequence[PanelRow], path: str | Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    schema = pa.schema([pa.field(n, types[t]) for n, (t, _) in COLUMNS.items()])
    data = {n: [getattr(r, n) for r in rows] for n in COLUMNS}
    pq.write_table(pa.Table.from_pydict(data, schema=schema), str(path))


FORMATS = {".csv": "csv", ".parquet": "parquet"}


def export(rows: Sequence[PanelRow], out: str | Path) -> Path:
    """Write ``rows`` to ``out`` (CSV or Parquet by its extension) and the codebook beside it;
    returns the codebook's path. ValueError for another extension."""
    fmt = FORMATS.get(Path(out).suffix.lower())
    if fmt is None:
        raise ValueError(f"{out}: the file must end in .csv or .parquet")
    (write_csv if fmt == "csv" else write_parquet)(rows, out)
    cb = codebook_path(out)
    cb.write_text(codebook(fmt), encoding="utf-8")
    return cb
