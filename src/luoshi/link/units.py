"""Unit conversion: magnitude words (万, 亿, 万亿, 千 …) times a base unit from the catalogue.

A unit string is read as [magnitude][base]: 亿斤 = 亿 × 斤, 万吨 = 万 × 吨, 亿千瓦时 = 亿 × 千瓦时.
Bases of the same dimension convert by the catalogue's factors (1 吨 = 2000 斤, 1 公顷 = 15 亩,
1 倍 = 100 %). A base the table does not know (个, 家, 户, 套 …) converts only to itself, so
1.5万户 = 15000户 but 个 and 家 do not mix unless an indicator declares them the same.
A bare magnitude (the contract's 3 "万亿") takes the base of the other side: 3万亿 → 30000亿元.
"""

from __future__ import annotations

from fractions import Fraction

from .catalogue import catalogue, indicator, normalise


def _q(x: float) -> Fraction:
    """Exact decimal arithmetic, so that 5000万吨 is exactly 1000亿斤 and bounds compare exactly."""
    return Fraction(repr(float(x)))


def _parse(unit: str, aliases: dict[str, str]) -> tuple[str | None, float, float]:
    """(dimension, magnitude, factor of the base to its dimension's unit).

    The dimension is None for a bare magnitude (万亿), ``unit:X`` for a base X the table does
    not know, "" for no unit at all.
    """
    cat = catalogue()
    u = normalise(unit)
    u = aliases.get(u, u)
    if u in cat.units:
        dim, f = cat.units[u]
        return dim, 1.0, f
    for m in sorted(cat.magnitudes, key=len, reverse=True):
        if u.startswith(m):
            base = aliases.get(u[len(m):], u[len(m):])
            if base == "":
                return None, cat.magnitudes[m], 1.0
            if base in cat.units:
                dim, f = cat.units[base]
                return dim, cat.magnitudes[m], f
            return "unit:" + base, cat.magnitudes[m], 1.0
    return ("unit:" + u if u else ""), 1.0, 1.0


def convert(value: float, unit_from: str, unit_to: str, indicator_id: str | None = None) -> float:
    """``value`` in ``unit_from`` expressed in ``unit_to``.

    ``indicator_id`` adds that indicator's unit aliases (high-tech enterprises: 个 = 家).
    Raises ValueError when the units measure different things (亿元 → 万吨, % → 个百分点).
    """
    ind = indicator(indicator_id) if indicator_id else None
    aliases = {normalise(k): normalise(v) for k, v in (ind.unit_aliases if ind else {}).items()}
    d1, m1, b1 = _parse(unit_from, aliases)
    d2, m2, b2 = _parse(unit_to, aliases)
    if d1 is None:  # a bare magnitude borrows the other side's base: 3 万亿 → 亿元
        b1 = b2
    elif d2 is None:
        b2 = b1
    elif d1 != d2:
        raise ValueError(f"cannot convert {unit_from or '(no unit)'} to {unit_to or '(no unit)'}")
    return float(_q(value) * _q(m1) * _q(b1) / (_q(m2) * _q(b2)))
