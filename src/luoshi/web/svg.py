"""Charts as inline SVG drawn on the server: no chart library, no script, nothing fetched.
Every text is escaped; colours come from CSS classes (the CSP forbids inline styles)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def num(x: float | None) -> str:
    """A value as the report writes it: 5.5, 46, 500 (no trailing .0)."""
    if x is None:
        return "—"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _nice(x: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``x``."""
    import math

    if x <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(x))
    return next(m * e for m in (1, 2, 2.5, 5, 10) if m * e >= x - 1e-12)


def _scale(lo: float, hi: float, *, zero: bool = True) -> tuple[float, float]:
    """Round bounds four nice steps apart (with zero inside when ``zero``)."""
    import math

    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    else:
        pad = (hi - lo) * 0.15 or abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    if hi == lo:
        hi = lo + 1
    step = _nice((hi - lo) / 4)
    lo, hi = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
    return lo, hi


def _ticks(lo: float, hi: float) -> list[float]:
    step = _nice((hi - lo) / 4)
    n = int(round((hi - lo) / step))
    return [lo + k * step for k in range(n + 1)]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    cls: str = "bar"  # CSS class: bar-target, bar-actual, v-met …
    note: str = ""


def bars(groups: Sequence[tuple[str, Sequence[Bar]]], *, title: str, unit: str = "",
         width: int = 640, height: int = 220) -> Markup:
    """Grouped vertical bars (e.g. years × target/actual, or regions × target/actual)."""
    vals = [b.value for _g, bs in groups for b in bs if b.value is not None]
    if not vals:
        return Markup(f'<p class="muted">{escape(title)}：暂无数据</p>')
    lo, hi = _scale(min(vals), max(vals))
    left, right, top, bottom = 44, 8, 22, 40
    pw, ph = width - left - right, height - top - bottom
    y = lambda v: top + ph * (hi - v) / (hi - lo)  # noqa: E731
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title>",
           f'<text class="ax" x="{left}" y="14">{escape(unit)}</text>']
    for v in _ticks(lo, hi):
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{_n(y(v))}" y2="{_n(y(v))}"/>'
                   f'<text class="ax" x="{left - 4}" y="{_n(y(v) + 4)}" text-anchor="end">{escape(num(round(v, 2)))}</text>')
    gw = pw / max(len(groups), 1)
    for i, (label, bs) in enumerate(groups):
        x0 = left + i * gw
        bw = min(28.0, gw * 0.8 / max(len(bs), 1))
        start = x0 + (gw - bw * len(bs)) / 2
        for j, b in enumerate(bs):
            if b.value is None:
                continue
            x = start + j * bw
            y0, y1 = sorted((y(0), y(b.value)))
            tip = f"{label} {b.label}：{num(b.value)}{unit}{('，' + b.note) if b.note else ''}"
            out.append(f'<rect class="{escape(b.cls)}" x="{_n(x)}" y="{_n(y0)}" width="{_n(bw - 2)}" '
                       f'height="{_n(max(y1 - y0, 1))}"><title>{escape(tip)}</title></rect>'
                       f'<text class="val" x="{_n(x + bw / 2 - 1)}" y="{_n(y(b.value) - 3 if b.value >= 0 else y(b.value) + 11)}" '
                       f'text-anchor="middle">{escape(num(b.value))}</text>')
        out.append(f'<text class="ax" x="{_n(x0 + gw / 2)}" y="{height - bottom + 16}" text-anchor="middle">'
                   f"{escape(label[:10])}</text>")
    out.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{_n(y(0))}" y2="{_n(y(0))}"/>')
    legend = dict.fromkeys((b.label, b.cls) for _g, bs in groups for b in bs)
    for k, (name, cls) in enumerate(legend):
        lx = left + k * 110
        out.append(f'<rect class="{escape(cls)}" x="{lx}" y="{height - 14}" width="10" height="10"/>'
                   f'<text class="ax" x="{lx + 14}" y="{height - 5}">{escape(name)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def trajectory(points: Sequence[tuple[dt.date, float]], observed: Sequence[tuple[dt.date, float, str]],
               *, title: str, unit: str, today: dt.date | None = None, width: int = 640,
               height: int = 240) -> Markup:
    """The expected path (line through ``points``) and the observed values (dots, labelled)."""
    if not points:
        return Markup("")
    days = [p[0] for p in points] + [o[0] for o in observed]
    d0, d1 = min(days), max(days)
    span = max((d1 - d0).days, 1)
    vals = [p[1] for p in points] + [o[1] for o in observed]
    lo, hi = _scale(min(vals), max(vals), zero=False)
    left, right, top, bottom = 44, 44, 22, 46
    pw, ph = width - left - right, height - top - bottom
    x = lambda d: left + pw * (d - d0).days / span  # noqa: E731
    y = lambda v: top + ph * (hi - v) / (hi - lo)  # noqa: E731
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title>", f'<text class="ax" x="{left}" y="14">{escape(unit)}</text>']
    for v in _ticks(lo, hi):
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{_n(y(v))}" y2="{_n(y(v))}"/>'
                   f'<text class="ax" x="{left - 4}" y="{_n(y(v) + 4)}" text-anchor="end">{escape(num(round(v, 2)))}</text>')
    for d in sorted({d0, d1, *(p[0] for p in points)}):
        out.append(f'<text class="ax" x="{_n(x(d))}" y="{height - bottom + 16}" text-anchor="middle">{d.isoformat()}</text>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{_n(x(d))},{_n(y(v))}" for i, (d, v) in enumerate(points))
    out.append(f'<path class="expected" d="{path}"><title>{escape("按时间推算的应达值")}</title></path>')
    if today is not None and d0 <= today <= d1:
        out.append(f'<line class="today" x1="{_n(x(today))}" x2="{_n(x(today))}" y1="{top}" y2="{top + ph}"/>')
    for d, v, label in observed:
        out.append(f'<circle class="obs" cx="{_n(x(d))}" cy="{_n(y(v))}" r="5"><title>'
                   f"{escape(f'{d.isoformat()} {label}：{num(v)}{unit}')}</title></circle>"
                   f'<text class="val" x="{_n(x(d) + 7)}" y="{_n(y(v) - 6)}">{escape(num(v))}</text>')
    out.append(f'<line class="expected" x1="{left}" x2="{left + 18}" y1="{height - 9}" y2="{height - 9}"/>'
               f'<text class="ax" x="{left + 22}" y="{height - 5}">应达值（轨迹）</text>'
               f'<circle class="obs" cx="{left + 140}" cy="{height - 9}" r="4"/>'
               f'<text class="ax" x="{left + 148}" y="{height - 5}">实际值（报送或统计）</text></svg>')
    return Markup("".join(out))
