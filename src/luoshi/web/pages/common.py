"""What several pages share: their query strings, the report a page is about and its label,
the report picker, and numbers as the pages write them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ...labels import zh
from ...services.compare import region_key
from ...services.readcache import StampedCache, engine
from ...services.render import source_name as source_label  # noqa: F401 (for the pages)
from ...store import Report
from ...track import services as S
from ...track.views import Choices, ReportChoice, choices, default_report_id
from ..svg import num


def query_string(params: dict[str, Any], **defaults: Any) -> str:
    """A page's query string: blank values left out, and so are ``page`` 1 and the given
    defaults, so each view of a page has one URL."""
    from urllib.parse import urlencode

    defaults = {"page": 1, **defaults}
    return urlencode({k: v for k, v in params.items()
                      if v not in ("", None, False) and not (k in defaults and v == defaults[k])})


PICK_REGION, PICK_TRACKED, PICK_RECENT = 12, 12, 8  # options per group of the report picker


@dataclass(frozen=True)
class Picker:
    """The report picker: a few groups of reports (never the whole library: 2,000 options cost
    more to render than the rest of the overview), and the library's size for the search."""

    groups: list[tuple[str, list[ReportChoice]]]
    selected: int
    total: int


def _choice_of(r: Report) -> ReportChoice:
    return ReportChoice(r.id, r.title, r.source, r.region, r.level, r.kind, r.plan_year, 0)


_PICKERS: StampedCache[Picker] = StampedCache(size=64)


def picker(s: Session, report: Report, actor: S.Actor | None) -> Picker:
    """The reports of the reader's region (its department's, else the report's), newest year
    first; the tracked reports; the latest imported — each report once, the shown one always.
    Kept per report and region while the reports to choose from are unchanged."""
    from ...store import Department

    dep = s.get(Department, actor.department_id) if actor is not None and actor.department_id else None
    region = (dep.region if dep is not None else "") or report.region or ""
    got = choices(s)
    if got.stamp is None:
        return _picker(got, report, region)
    return _PICKERS.get(engine(s), (report.id, region), got.stamp, lambda: _picker(got, report, region))


def _picker(got: Choices, report: Report, region: str) -> Picker:
    key = region_key(region)
    newest = sorted(got.rows, key=lambda r: (r.plan_year or 0, r.id), reverse=True)
    seen: set[int] = set()

    def take(rows: Any, n: int) -> list[ReportChoice]:
        out = []
        for r in rows:
            if len(out) == n:
                break
            if r.id not in seen:
                seen.add(r.id)
                out.append(r)
        return out

    groups = [(f"{region}的报告" if region else "未标地区的报告",
               take((r for r in newest if region_key(r.region) == key), PICK_REGION)),
              ("正在跟踪的报告", take((r for r in newest if r.tasks), PICK_TRACKED)),
              ("最近导入的报告", take(sorted(got.rows, key=lambda r: r.id, reverse=True), PICK_RECENT))]
    groups = [(name, rows) for name, rows in groups if rows]
    if report.id not in seen:
        shown = next((r for r in got.rows if r.id == report.id), None) or _choice_of(report)
        groups.insert(0, ("正在查看", [shown]))
    return Picker(groups, report.id, len(got.rows))


def choose_report(s: Session, report_id: int | None = None) -> Report | None:
    """The report a page is about: the one asked for, else the newest current report that has
    tasks, else the newest current report."""
    if report_id is None:
        report_id = default_report_id(s)
        if report_id is None:
            return None
    r = s.get(Report, report_id)
    if r is None:
        raise S.NotFound(f"没有编号为 {report_id} 的报告")
    return r


def report_label(r: Report | ReportChoice) -> str:
    """A report as people name it: its title, else its region, kind and plan year in words —
    never its file name (a file the title could not be read from is named by what it is)."""
    if r.title:
        return r.title
    year = f"（计划年度 {r.plan_year}）" if r.plan_year else ""
    return f"{r.region or ''}{zh('doc_kind', r.kind, '') or '报告'}{year}"


def num_text(x: float | None) -> str:
    return num(x)
