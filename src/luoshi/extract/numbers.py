"""Parse numbers as written in Chinese reports: Arabic (1,234.5), full-width (folded earlier),
Chinese numerals (一千五百, 两, 三十万, 百), and mixed forms (1.5万 is handled by the unit)."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6,
          "柒": 7, "捌": 8, "玖": 9}
SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
LARGE = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "".join(DIGITS) + "".join(SMALL) + "".join(LARGE)


def parse_arabic(s: str) -> float:
    """'1,234.5' -> 1234.5."""
    return float(s.replace(",", "").replace("，", ""))


def parse_chinese(s: str) -> float | None:
    """'一千五百' -> 1500, '三十万' -> 300000, '十' -> 10, '百' -> 100, '二〇二四' -> 2024.

    Returns None when the string is not a well-formed numeral.
    """
    if not s or any(ch not in CN_CHARS for ch in s):
        return None
    if len(s) > 1 and all(ch in DIGITS for ch in s):  # digit by digit: 二〇二四
        return float("".join(str(DIGITS[ch]) for ch in s))
    total = 0.0
    section = 0.0
    digit: float | None = None
    for ch in s:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in SMALL:
            section += (1 if digit is None else digit) * SMALL[ch]
            digit = None
        elif ch in LARGE:
            section += digit or 0
            if section == 0:
                section = 1
            total = (total + section) * LARGE[ch] if LARGE[ch] > 10_000 else total + section * LARGE[ch]
            section = 0
            digit = None
    return total + section + (digit or 0)


def fmt_number(x: float) -> float | int:
    """Whole numbers as int (5 not 5.0) so JSON reads like the document."""
    if x == int(x) and abs(x) < 1e15:
        return int(x)
    return round(x, 10)
