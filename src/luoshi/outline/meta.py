"""Report metadata read from the text: title, region and its level, years, date, speaker, kind.

Read from the header (title line, "——2024年1月23日在辽宁省第十四届人民代表大会第二次会议上",
"省长 李乐成", "各位代表："), the opening paragraph and the part titles. Region and level come from
suffix rules (省/自治区/市/州/县/旗/区 followed by 人民政府, 第…届人民代表大会 …) plus the short list
of province-level names in data/outline.toml — no list of places. ``title`` is as written in the
original text; every other value is normalised (simplified, full-width folded) so that reports
can be compared. A field the document does not give is None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date

from ..ingest.document import Document
from .lexicon import lexicon, part_role
from .text import PART, SECTION, SPACE, _lines, cn_int

HAN = r"\u4e00-\u9fff"
DATE = re.compile(r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
                  r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")
MEETING = re.compile(r"在(?P<pre>[^,;。在]{0,30}?)第?[一二三四五六七八九十百\d]+届"
                     r"(?P<post>[^,;。]{0,20}?)(?:人民代表大会|人大)")
HEAD_MAX = 60  # a header line is short; a longer one is the body


@dataclass
class HeaderLine:
    kind: str  # title / date / speaker / salutation
    ns: int
    ne: int


def _speaker_re() -> re.Pattern:
    roles = "|".join(sorted(lexicon().speaker_roles, key=len, reverse=True))
    return re.compile(rf"^(?P<office>[{HAN}]{{0,14}}?(?:{roles}))[{SPACE}]*"
                      rf"(?P<name>[{HAN}·](?:[{SPACE}]*[{HAN}·]){{1,3}})$")


def _org_re() -> re.Pattern:
    suf = "|".join(sorted(lexicon().org_suffixes, key=len, reverse=True))
    return re.compile(rf"^[{HAN}]{{2,30}}(?:{suf})$")


def header_lines(text: str) -> list[HeaderLine]:
    """The document header: title line(s), date/meeting line, speaker, salutation.

    Stops at the salutation (included), at a heading, at a long line or a line ending a
    sentence (the body), and after a dozen lines.
    """
    lx = lexicon()
    speaker, org = _speaker_re(), _org_re()
    out: list[HeaderLine] = []
    seen = 0
    for s, e in _lines(text):
        if e == s:
            continue
        seen += 1
        line = text[s:e]
        if seen > 12 or PART.match(line) or SECTION.match(line):
            break
        bare = line.rstrip(":,!：，！ ")
        if bare in lx.salutations or line[-1] in ":：":  # "各位代表：", "各区、县(市)人民政府:"
            out.append(HeaderLine("salutation", s, e))
            break
        if len(line) > HEAD_MAX or line[-1] in "。;；!！?？":
            break
        if line.startswith(("——", "—", "--")) or MEETING.search(line) or DATE.fullmatch(line.strip("()（） ")):
            kind = "date"
        elif speaker.match(line) or org.match(line):
            kind = "speaker"
        else:
            kind = "title"
        out.append(HeaderLine(kind, s, e))
    # a title is the first run of title lines; later unclassified lines are not titles
    first = next((i for i, h in enumerate(out) if h.kind == "title"), None)
    if first is not None:
        for h in out[first + 1:]:
            if h.kind != "title":
                first = -1
            elif first == -1:
                h.kind = "other"
    return out


def region_level(name: str) -> str | None:
    """The level of a region name by its suffix (a province-level name by the list)."""
    lx = lexicon()
    if name == lx.national_name:
        return "national"
    if name in lx.provinces:
        return "province"
    for suffix, level in lx.suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return level
    return None


def _region_in(s: str) -> str | None:
    """A region name at the head of a title or organisation name ("辽宁省人民政府…")."""
    lx = lexicon()
    s = re.sub(r"^(?:关于|\d{4}\s*年度?|[" + SPACE + "])+", "", s)
    suf = "|".join(re.escape(x) for x, _ in lx.suffixes)
    fol = "|".join(re.escape(x) for x in lx.followers)
    m = re.match(rf"[{HAN}]{{1,15}}?(?:{suf})(?={fol}|\d{{4}}\s*年)", s)
    return m.group() if m and region_level(m.group()) else None


def _date(s: str) -> str | None:
    m = DATE.search(s)
    if not m:
        return None
    y, mo, d = (cn_int(g) for g in m.groups())
    try:
        return Date(y, mo, d).isoformat() if y and mo and d else None
    except ValueError:
        return None


def _part_titles(text: str) -> list[str]:
    out = []
    for m in re.finditer(rf"^[{SPACE}]*{PART.pattern}([^\n。]{{0,60}})", text, re.M):
        out.append(m.group(0).strip(SPACE))
    return out


def _first_year(patterns, texts: list[str]) -> int | None:
    for t in texts:
        for p in patterns:
            m = p.search(t)
            if m:
                return int(m.group(1))
    return None


def read_metadata(doc: Document) -> dict:
    """title, region, level, review_year, plan_year, date (ISO), speaker, kind."""
    lx = lexicon()
    text = doc.text
    hls = header_lines(text)
    titles = [h for h in hls if h.kind == "title"]
    title = "".join(doc.original_span(h.ns, h.ne).strip() for h in titles) or None
    title_n = "".join(text[h.ns:h.ne] for h in titles)
    date_lines = [text[h.ns:h.ne] for h in hls if h.kind == "date"]
    head_end = hls[-1].ne if hls else 0
    nl = text.find("\n", head_end + 1)
    opening = text[head_end: nl if nl > 0 else len(text)][:800]
    header = "\n".join(text[h.ns:h.ne] for h in hls)
    parts = _part_titles(text)

    # a notice is signed at its foot: issuer, then date
    foot = [text[a:b] for a, b in _lines(text)[-4:] if b > a and b - a <= 30 and a >= head_end]
    date = next((d for d in map(_date, date_lines) if d), None)
    if date is None:
        date = next((_date(f) for f in foot if DATE.fullmatch(f.strip("()（） "))), None)

    speaker = office = None
    for h in hls:
        if h.kind == "speaker":
            line = text[h.ns:h.ne]
            m = _speaker_re().match(line)
            if m:
                office, speaker = m.group("office"), re.sub(f"[{SPACE}]", "", m.group("name"))
            else:
                speaker = line
            break
    if speaker is None:
        speaker = next((f for f in foot if _org_re().match(f)), None)

    kind = "other"
    for src in (title_n, header + "\n" + opening):
        found = next((k for k, words in lx.kinds.items() if any(w in src for w in words)), None)
        if found:
            kind = found
            break

    region = level = None
    meeting = next((m for m in map(MEETING.search, date_lines + [opening]) if m), None)
    national = (meeting and "全国" in meeting.group("post")) or any(
        w in src for w in lx.national for src in (header, office or ""))
    if national:
        region, level = lx.national_name, "national"
    else:
        cands = []
        if meeting:
            cands += [meeting.group("pre").strip(SPACE), meeting.group("post").strip(SPACE)]
        cands += [_region_in(title_n) or "", _region_in(speaker or "") if office is None else ""]
        cands += [p for p in sorted(lx.provinces) if p in opening[:300]][:1]
        region = next((c for c in cands if c and region_level(c)), None)
        level = region_level(region) if region else None
        if level is None and office:
            level = next((lv for r, lv in lx.role_levels if office.endswith(r)), None)

    texts = [title_n, header, opening, *parts]
    review = _first_year(lx.review_years, texts)
    plan = _first_year(lx.plan_years, texts)
    # a part titled with a year and no year pattern still says which year is which
    for p in parts:
        role = part_role(p)
        y = re.search(r"(\d{4})年", p)
        if y and role == "review" and review is None:
            review = int(y.group(1))
        if y and role == "plan" and plan is None:
            plan = int(y.group(1))
    if kind in ("work_report", "plan_execution"):
        if plan is None and review is None:
            ty = re.search(r"(\d{4})\s*年", title_n)
            if ty:
                plan = int(ty.group(1))
            elif date:
                plan = int(date[:4]) + (0 if int(date[5:7]) <= 6 else 1)
        if plan is None and review is not None:
            plan = review + 1
        if review is None and plan is not None:
            review = plan - 1
    elif kind == "bulletin" and review is None:
        ty = re.search(r"(\d{4})\s*年", title_n)
        review = int(ty.group(1)) if ty else None

    return {"title": title, "region": region, "level": level, "review_year": review,
            "plan_year": plan, "date": date, "speaker": speaker, "kind": kind}
