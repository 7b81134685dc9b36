"""The status of a task on four separate axes, never collapsed into one colour.

* **reported** — what the latest progress update says (no_update / not_started / in_progress /
  completed): the department's own account.
* **evidence** — whether the numbers bear it out. A numeric target gets a *trajectory*: from a
  baseline at the start of the plan year to the target at the deadline, linear, or piecewise
  through the milestones when there are any. The baseline is the previous year's actual when
  known, for rates and stocks (``starts_from_last_year``); else 0 for amounts — flows such as
  grain output or new jobs count afresh each year — and the target itself for rates (a year-to-date growth rate is
  read against the annual target all year). A ceiling (以内/低于, or an indicator where less
  is better) is flat at its bound. The
  latest actual — a reported current value, or an imported report's actual — is compared with
  the value expected *by its own date*; the shortfall decides on_track / at_risk / off_track
  (thresholds in data/tracking.toml). Without a usable number, percent complete is compared with
  the share of time elapsed. No data: unknown.
* **schedule** — not_due / due_soon / overdue (automatic once the deadline has passed without a
  completion) / done_on_time / done_late; no_deadline when neither a deadline nor a plan year.
* **confidence** — the supervision office's judgement (five levels or three, data/tracking.toml),
  shown beside the computed axes with its reason, never derived from them.

Pure: no database. Every status value has a label and a definition in Chinese and English
(``definitions()``), so an interface can show each status with what it means.
"""

from __future__ import annotations

import datetime as dt
import enum
import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources
from typing import Any

RATE_UNITS = ("%", "个百分点", "百分点")
REPORTED = ("no_update", "not_started", "in_progress", "completed")
EVIDENCE = ("on_track", "at_risk", "off_track", "unknown")
SCHEDULE = ("not_due", "due_soon", "overdue", "done_on_time", "done_late", "no_deadline")
SCALES = {"five": ("green", "amber_green", "amber", "amber_red", "red"),
          "three": ("green", "yellow", "red")}
AXES = ("reported", "evidence", "schedule", "confidence")


# ---- settings and definitions ----

@dataclass(frozen=True)
class Definition:
    code: str
    label_zh: str
    label_en: str
    zh: str
    en: str


@dataclass(frozen=True)
class Settings:
    due_soon_days: int = 30
    rate_at_risk_pp: float = 0.3
    rate_off_track_pp: float = 1.0
    amount_at_risk: float = 0.05
    amount_off_track: float = 0.15
    percent_at_risk: float = 10
    percent_off_track: float = 25
    scale: str = "five"
    silent_days: int = 30
    stock_indicators: tuple[str, ...] = ()
    raw_definitions: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict, hash=False)


def load_settings(text: str) -> Settings:
    """Settings from the text of a tracking.toml; missing keys take the defaults."""
    raw = tomllib.loads(text)
    s, e = raw.get("schedule", {}), raw.get("evidence", {})
    scale = raw.get("confidence", {}).get("scale", "five")
    if scale not in SCALES:
        raise ValueError(f"tracking.toml: confidence scale {scale!r} is not one of {', '.join(SCALES)}")
    d = Settings()
    return Settings(
        due_soon_days=int(s.get("due_soon_days", d.due_soon_days)),
        rate_at_risk_pp=float(e.get("rate_at_risk_pp", d.rate_at_risk_pp)),
        rate_off_track_pp=float(e.get("rate_off_track_pp", d.rate_off_track_pp)),
        amount_at_risk=float(e.get("amount_at_risk", d.amount_at_risk)),
        amount_off_track=float(e.get("amount_off_track", d.amount_off_track)),
        percent_at_risk=float(e.get("percent_at_risk", d.percent_at_risk)),
        percent_off_track=float(e.get("percent_off_track", d.percent_off_track)),
        scale=scale,
        silent_days=int(raw.get("reminders", {}).get("silent_days", d.silent_days)),
        stock_indicators=tuple(e.get("stock_indicators", ())),
        raw_definitions=raw.get("definitions", {}))


@lru_cache(maxsize=1)
def settings() -> Settings:
    """data/tracking.toml, read once."""
    return load_settings((resources.files("luoshi") / "data" / "tracking.toml").read_text(encoding="utf-8"))


def _num(x: float) -> str:
    s = f"{float(x):.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def definitions(cfg: Settings | None = None, scale: str | None = None) -> dict[str, dict[str, Definition]]:
    """Every status value of every axis with its labels and definitions; ``confidence`` on the
    given scale (default: the configured one). Settings named in braces are filled in."""
    cfg = cfg or settings()
    return {axis: dict(v) for axis, v in _definitions(cfg, scale or cfg.scale).items()}


@lru_cache(maxsize=16)
def _definitions(cfg: Settings, scale: str) -> dict[str, dict[str, Definition]]:
    values = {f.name: _num(getattr(cfg, f.name)) for f in fields(cfg)
              if isinstance(getattr(cfg, f.name), (int, float))}
    values |= {"amount_at_risk_pct": _num(cfg.amount_at_risk * 100),
               "amount_off_track_pct": _num(cfg.amount_off_track * 100)}
    wanted = {"reported": REPORTED, "evidence": EVIDENCE, "schedule": SCHEDULE,
              "confidence": ("unrated", *SCALES[scale])}
    out: dict[str, dict[str, Definition]] = {}
    for axis, codes in wanted.items():
        table = cfg.raw_definitions.get(f"confidence_{scale}" if axis == "confidence" else axis, {})
        out[axis] = {}
        for code in codes:
            d = table.get(code)
            if d is None:
                raise ValueError(f"tracking.toml: no definition for {axis} {code}")
            out[axis][code] = Definition(code, d["zh"], d["en"], d["zh_def"].format(**values),
                                         d["en_def"].format(**values))
    return out


# ---- what the engine is told ----

@dataclass(frozen=True)
class Target:
    """A numeric target as the task holds it (after revisions)."""

    value: float
    unit: str = ""
    measure: str = "amount"  # growth | share | pp | amount
    comparator: str = "eq"  # eq | approx | ge | gt | le | lt | range
    value_max: float | None = None
    direction: str = "up"  # the indicator's: up when more is better


@dataclass(frozen=True)
class Update:
    """One progress update, as reported (``order`` breaks ties on the same date: insertion order)."""

    on: dt.date
    status: str
    percent: float | None = None
    value: float | None = None
    unit: str | None = None
    order: int = 0


@dataclass(frozen=True)
class Actual:
    """An actual from an imported report (plan-execution report, bulletin …), as of ``on``."""

    on: dt.date
    value: float
    unit: str
    source: str = "report"


@dataclass(frozen=True)
class Judgement:
    level: str
    scale: str
    reason: str = ""
    on: dt.date | None = None
    by: str | None = None


@dataclass(frozen=True)
class Facts:
    plan_year: int | None
    deadline: dt.date | None = None
    target: Target | None = None
    canonical: str | None = None
    baseline: float | None = None
    milestones: tuple[tuple[dt.date, float], ...] = ()
    updates: tuple[Update, ...] = ()
    actuals: tuple[Actual, ...] = ()
    rating: Judgement | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Facts:
        """From plain JSON values (ISO dates): the shape of tests/track/status_cases.json."""
        day = dt.date.fromisoformat
        t = d.get("target")
        r = d.get("rating")
        return cls(
            plan_year=d.get("plan_year"),
            deadline=day(d["deadline"]) if d.get("deadline") else None,
            target=Target(**t) if t else None,
            canonical=d.get("canonical"),
            baseline=d.get("baseline"),
            milestones=tuple((day(m[0]), float(m[1])) for m in d.get("milestones", ())),
            updates=tuple(Update(**{**u, "on": day(u["on"]), "order": u.get("order", i)})
                          for i, u in enumerate(d.get("updates", ()))),
            actuals=tuple(Actual(**{**a, "on": day(a["on"])}) for a in d.get("actuals", ())),
            rating=Judgement(**{**r, "on": day(r["on"]) if r.get("on") else None}) if r else None)


# ---- what it answers ----

@dataclass(frozen=True)
class AxisValue:
    axis: str
    code: str
    label_zh: str
    label_en: str
    definition_zh: str
    definition_en: str
    detail: str = ""  # why, with the numbers


@dataclass(frozen=True)
class Evidence:
    """The numbers behind the evidence axis (all None when it is unknown)."""

    basis: str | None = None  # value | percent
    as_of: dt.date | None = None
    actual: float | None = None
    expected: float | None = None
    gap: float | None = None  # actual − expected; positive is ahead for an up target
    unit: str = ""
    source: str | None = None  # update | report (or the Actual's source)


@dataclass(frozen=True)
class Status:
    today: dt.date
    deadline: dt.date | None
    reported: AxisValue
    evidence: AxisValue
    schedule: AxisValue
    confidence: AxisValue
    numbers: Evidence
    completed_on: dt.date | None = None
    rating_reason: str = ""

    def axes(self) -> dict[str, AxisValue]:
        return {a: getattr(self, a) for a in AXES}

    def to_dict(self) -> dict[str, Any]:
        return plain_data(self)


_FIELDS: dict[type, tuple[str, ...]] = {}


def plain_data(value: Any) -> Any:
    """JSON-ready values from dataclasses, as ``plain(asdict(value))`` gives them (dataclasses as
    dicts, dates as ISO strings, enums as values, tuples as lists) without asdict's deep copies:
    a page of 50 task statuses is serialised on every API read, and asdict cost more than the
    (cached) statuses themselves."""
    cls = type(value)
    names = _FIELDS.get(cls)
    if names is None and hasattr(cls, "__dataclass_fields__") and not isinstance(value, type):
        names = _FIELDS[cls] = tuple(f.name for f in fields(value))
    if names is not None:
        return {n: plain_data(getattr(value, n)) for n in names}
    if cls is str or cls is int or cls is float or value is None or cls is bool:
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _axis(defs: dict[str, dict[str, Definition]], axis: str, code: str, detail: str = "") -> AxisValue:
    d = defs[axis][code]
    return AxisValue(axis, code, d.label_zh, d.label_en, d.zh, d.en, detail)


# ---- the engine ----

def effective_deadline(facts: Facts) -> dt.date | None:
    if facts.deadline is not None:
        return facts.deadline
    return dt.date(facts.plan_year, 12, 31) if facts.plan_year else None


def plan_start(facts: Facts, deadline: dt.date | None) -> dt.date | None:
    """The start of the trajectory: 1 January of the plan year (else of the deadline's year)."""
    if facts.plan_year:
        return dt.date(facts.plan_year, 1, 1)
    return dt.date(deadline.year, 1, 1) if deadline else None


def _is_rate(t: Target) -> bool:
    return t.unit in RATE_UNITS or t.measure in ("growth", "share", "pp")


def _aim(t: Target) -> tuple[float, str, str]:
    """(the value to reach, its unit, direction): the near end of a range; a ceiling points down."""
    value, vmax, unit = t.value, t.value_max, t.unit
    if unit == "倍" and t.measure in ("growth", "share"):  # 增长1倍 = 100%
        value, vmax, unit = value * 100, (vmax * 100 if vmax is not None else None), "%"
    down = t.direction == "down" or t.comparator in ("le", "lt")
    if t.comparator == "range" and vmax is not None:
        value = max(value, vmax) if down else min(value, vmax)
    return value, unit, "down" if down else "up"


def starts_from_last_year(target: Target, canonical: str | None, cfg: Settings | None = None) -> bool:
    """Whether the previous year's actual is the baseline: for rates and stocks, not for flows
    (an amount counted afresh each year starts at 0); see tracking.toml."""
    cfg = cfg or settings()
    return _is_rate(target) or (canonical is not None and canonical in cfg.stock_indicators)


def trajectory(facts: Facts, start: dt.date, end: dt.date) -> list[tuple[dt.date, float]]:
    """The points the expected value runs through, in date order (linear between them)."""
    assert facts.target is not None
    aim, _unit, direction = _aim(facts.target)
    if direction == "down":
        base = aim  # a ceiling (以内, or less is better) holds all year: flat at its bound
    elif facts.baseline is not None:
        base = facts.baseline
    elif _is_rate(facts.target):
        base = aim  # a year-to-date rate is read against the annual target all year
    else:
        base = 0.0
    points = [(start, base), *sorted(m for m in facts.milestones if m[0] > start)]
    if points[-1][0] < end:
        points.append((end, aim))
    return points


def expected_at(points: list[tuple[dt.date, float]], day: dt.date) -> float:
    """The trajectory's value on ``day``: linear between points, flat outside them."""
    if day <= points[0][0]:
        return points[0][1]
    if day >= points[-1][0]:
        return points[-1][1]
    i = bisect_right([p[0] for p in points], day)
    (d0, v0), (d1, v1) = points[i - 1], points[i]
    return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days


def _convert(value: float, unit: str | None, to: str, canonical: str | None) -> float | None:
    if not unit or unit == to:
        return value
    from ..link import convert  # pure; imported late so the engine loads without the catalogue

    try:
        return convert(value, unit, to, canonical)
    except ValueError:
        return None


def _grade(shortfall: float, at_risk: float, off_track: float) -> str:
    if shortfall <= at_risk + 1e-9:
        return "on_track"
    return "at_risk" if shortfall <= off_track + 1e-9 else "off_track"


def _latest(updates: list[Update]) -> Update | None:
    return max(updates, key=lambda u: (u.on, u.order)) if updates else None


def _evidence(facts: Facts, today: dt.date, updates: list[Update], cfg: Settings) -> tuple[str, str, Evidence]:
    deadline = effective_deadline(facts)
    start = plan_start(facts, deadline)
    if start is None or deadline is None:
        return "unknown", "no plan year or deadline to lay a trajectory on", Evidence()
    t = facts.target
    if t is not None:
        aim, unit, direction = _aim(t)
        cands: list[tuple[dt.date, int, float, str]] = []
        unconvertible = []
        for u in updates:
            if u.value is not None:
                v = _convert(u.value, u.unit, unit, facts.canonical)
                if v is None:
                    unconvertible.append(u.unit)
                else:
                    cands.append((u.on, 0, v, "update"))
        for a in facts.actuals:
            if a.on <= today:
                v = _convert(a.value, a.unit, unit, facts.canonical)
                if v is None:
                    unconvertible.append(a.unit)
                else:
                    cands.append((a.on, 1, v, a.source))  # same date: the official report wins
        if cands:
            on, _, actual, source = max(cands, key=lambda c: (c[0], c[1]))
            expected = expected_at(trajectory(facts, start, deadline), on)
            gap = actual - expected
            shortfall = -gap if direction == "up" else gap
            if _is_rate(t):
                code = _grade(shortfall, cfg.rate_at_risk_pp, cfg.rate_off_track_pp)
                how = f"{_num(max(shortfall, 0))} point(s) behind" if shortfall > 0 else "not behind"
            else:
                scale = abs(aim) or 1.0
                code = _grade(shortfall / scale, cfg.amount_at_risk, cfg.amount_off_track)
                how = (f"{_num(round(100 * shortfall / scale, 2))}% of the target behind"
                       if shortfall > 0 else "not behind")
            detail = (f"actual {_num(actual)}{unit} on {on.isoformat()} ({source}) vs expected "
                      f"{_num(round(expected, 6))}{unit}: {how}")
            return code, detail, Evidence("value", on, actual, round(expected, 6), round(gap, 6), unit, source)
        if unconvertible and not any(u.percent is not None or u.status == "completed" for u in updates):
            return ("unknown", f"actual in {unconvertible[-1]} cannot be compared with a target in {unit}",
                    Evidence())
    # no usable number: percent complete against the time elapsed
    with_pct = [u for u in updates if u.percent is not None or u.status == "completed"]
    latest = _latest(with_pct)
    if latest is None:
        return "unknown", "no actual value and no percent complete reported", Evidence()
    pct = 100.0 if latest.status == "completed" and latest.percent is None else float(latest.percent or 0)
    span = max((deadline - start).days, 1)
    elapsed = min(max((latest.on - start).days / span, 0.0), 1.0)
    expected = 100 * elapsed
    code = _grade(expected - pct, cfg.percent_at_risk, cfg.percent_off_track)
    detail = (f"{_num(pct)}% complete on {latest.on.isoformat()} vs {_num(round(expected, 1))}% of the "
              "time elapsed")
    return code, detail, Evidence("percent", latest.on, pct, round(expected, 6), round(pct - expected, 6), "%",
                                  "update")


def _completed_on(updates: list[Update]) -> dt.date | None:
    """The date of the first update in the latest unbroken run of 'completed' reports."""
    done = None
    for u in sorted(updates, key=lambda u: (u.on, u.order)):
        if u.status == "completed":
            done = done or u.on
        else:
            done = None
    return done


def evaluate(facts: Facts, today: dt.date, cfg: Settings | None = None) -> Status:
    """All four axes of one task on ``today``. Updates and actuals dated after today are ignored."""
    cfg = cfg or settings()
    scale = facts.rating.scale if facts.rating and facts.rating.scale in SCALES else cfg.scale
    defs = definitions(cfg, scale)
    updates = [u for u in facts.updates if u.on <= today]
    latest = _latest(updates)
    reported = _axis(defs, "reported", latest.status if latest else "no_update",
                     f"latest update of {latest.on.isoformat()}" if latest else "")

    code, detail, numbers = _evidence(facts, today, updates, cfg)
    evidence = _axis(defs, "evidence", code, detail)

    deadline = effective_deadline(facts)
    done = _completed_on(updates)
    if deadline is None:
        sched = _axis(defs, "schedule", "done_on_time" if done else "no_deadline")
    elif done is not None:
        sched = _axis(defs, "schedule", "done_on_time" if done <= deadline else "done_late",
                      f"completed {done.isoformat()}, deadline {deadline.isoformat()}")
    elif today > deadline:
        sched = _axis(defs, "schedule", "overdue",
                      f"{(today - deadline).days} day(s) past the deadline {deadline.isoformat()}")
    elif (deadline - today).days <= cfg.due_soon_days:
        sched = _axis(defs, "schedule", "due_soon", f"{(deadline - today).days} day(s) left")
    else:
        sched = _axis(defs, "schedule", "not_due", f"{(deadline - today).days} day(s) left")

    r = facts.rating
    if r is not None and r.level in defs["confidence"]:
        who = " ".join(x for x in ("rated", r.on.isoformat() if r.on else "", f"by {r.by}" if r.by else "") if x)
        conf = _axis(defs, "confidence", r.level, f"{who}: {r.reason}" if r.reason else who)
    else:
        conf = _axis(defs, "confidence", "unrated")
    return Status(today, deadline, reported, evidence, sched, conf, numbers, done,
                  r.reason if r else "")
