"""Report metadata read from the text: title, region and its level, years, date, speaker, kind.

Read from the header (title line, "——2024年1月23日在辽宁省第十四届人民代表大会第二次会议上",
"省长 李乐成", "各位代表："), the opening paragraph, the part titles and, when the header names
no region, the body ("我代表X市人民政府", "全省" + the province the text names). A report copied
from the web comes wrapped in page furniture (menus, 【字号】, breadcrumbs, 来源/时间 lines, photo
captions): those lines are recognised by the patterns of data/outline.toml and skipped, so the
header may sit anywhere in the first few dozen lines and be repeated after a breadcrumb.

Region and level come from suffix rules (省/自治区/市/州/县/旗/区 followed by 人民政府, 第…届人民代表大会
…) plus the short list of province-level names and the issuers of document numbers in
data/outline.toml; only a body that names its city without a suffix ("奋力谱写沈阳新篇章") is
read with the gazetteer's prefecture-level cities (luoshi.gazetteer). ``title`` is as written in the original text; every other
value is normalised (simplified, full-width folded) so that reports can be compared. A field the
document does not give is None.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date as Date
from functools import lru_cache
from itertools import repeat
from operator import methodcaller

from .. import gazetteer
from ..ingest.document import Document
from .lexicon import lexicon, part_role
from .roles import body_role, cues, inline_parts, is_unnumbered_heading, part_head_re
from .roles import part_role as role_of_part
from .text import PART, SECTION, SPACE, _lines, cn_int

HAN = r"\u4e00-\u9fff"
DATE = re.compile(r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
                  r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")
MEETING = re.compile(r"在(?P<pre>[^,;。在]{0,30}?)第?[一二三四五六七八九十百\d]+届"
                     r"(?P<post>[^,;。]{0,20}?)(?:人民代表大会|人大)")
MEETING_TAIL = re.compile(r"^[^。]{0,30}(?:会议|会)上[)）]?")  # "人民代表大会第五次会议上" on a line of its own
MEETING_END = re.compile(r"(?:会议|会)上[)）]?")
SHORT_LINE = re.compile(r"^[^\n。]{4,40}$", re.M)  # heading-like lines, numbered or not
TAG = re.compile(r"^[【\[][^】\]]{1,8}[】\]]\s*")  # a news page's "【两会】" before the title
YEAR_AT = re.compile(r"\d{4}年")
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
HEAD_MAX = 60  # a header line is short; a longer one is the body
FURNITURE_MAX = 90  # a longer line is text, never page furniture (a flattened report)
HEAD_LINES = 12  # header lines (furniture aside) before the body must have begun
SCAN_LINES = 60  # lines looked at, furniture included
BODY_SCAN = 4000  # characters of the body searched for the region when the header names none
OPENING = 1500  # characters of the opening paragraph (of a flattened page: menus, then the header)


@dataclass
class HeaderLine:
    kind: str  # title / date / speaker / number / salutation / furniture / other
    ns: int
    ne: int


@lru_cache(maxsize=1)
def _rx() -> dict[str, re.Pattern]:
    """The header's patterns, compiled once per process from the word lists."""
    lx = lexicon()
    roles = "|".join(sorted(lx.speaker_roles, key=len, reverse=True))
    suf = "|".join(sorted(lx.org_suffixes, key=len, reverse=True))
    rsuf = "|".join(re.escape(x) for x, _ in lx.suffixes)
    fol = "|".join(re.escape(x) for x in lx.followers)
    types = "|".join(lx.docno_types)
    body = "|".join(re.escape(x) for x in lx.body_strong + lx.body_weak)
    return {
        # "报告人：市长 张三（2024年1月8日）": a label before, the date after may come with it
        "speaker": re.compile(rf"^(?:报告人[{SPACE}]*:[{SPACE}]*)?(?P<office>[{HAN}]{{0,14}}?(?:{roles}))[{SPACE}]*"
                              rf"(?P<name>[{HAN}·](?:[{SPACE}]*[{HAN}·]){{1,3}})"
                              rf"(?:[{SPACE}]*\(?[{SPACE}]*{DATE.pattern}[{SPACE}]*\)?)?$"),
        "speaker_in": re.compile(rf"(?P<office>[{HAN}]{{0,14}}?(?:{roles}))[{SPACE}]*"
                                 rf"(?P<name>[{HAN}·]{{2,4}})(?=[{SPACE}]|各位|$)"),
        # one organisation, or several side by side ("X市统计局 国家统计局X调查队")
        "org": re.compile(rf"^[{HAN}]{{2,30}}(?:{suf})(?:[{SPACE}]+[{HAN}]{{2,30}}(?:{suf}))*$"),
        "region_head": re.compile(rf"[{HAN}]{{1,15}}?(?:{rsuf})(?={fol}|\d{{4}}\s*年)"),
        "docno": re.compile(rf"(?P<pre>[{HAN}]{{1,8}}?)(?:{types})\s*[〔\[【(]\s*(?P<y>(?:19|20)\d\d)\s*"
                            rf"[〕\]】)]\s*(?P<n>\d{{1,4}})\s*号"),
        "body_name": re.compile(rf"(?P<r>[{HAN}]{{2,12}}?(?:{rsuf}))(?={fol}|{body}|\d{{4}}\s*年)"),
        "part_line": re.compile(rf"^[{SPACE}]*(?:(?P<n>{PART.pattern})[^\n。]{{0,60}}|(?P<t>[^\n]{{4,40}}$))", re.M),
        "scope": re.compile("|".join(map(re.escape, lx.scope_words))),
        "province_short": re.compile("|".join(sorted(map(re.escape, lx.province_short), key=len, reverse=True))),
    }


def _speaker_re() -> re.Pattern:
    return _rx()["speaker"]


def _org_re() -> re.Pattern:
    return _rx()["org"]


def _head_lines(text: str):
    """Stripped spans of the lines from the top, lazily: the header needs a few dozen of them,
    not the whole report's."""
    pos, n = 0, len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        a, b = pos, end
        while a < b and text[a] in SPACE:
            a += 1
        while b > a and text[b - 1] in SPACE:
            b -= 1
        yield a, b
        if nl < 0:
            return
        pos = nl + 1


def _furniture(line: str) -> bool:
    """A furniture line, or a row of furniture words ("打印本页 关闭窗口", "下载 | 打印")."""
    rx = lexicon().furniture
    if rx.search(line):
        return True
    words = [w for w in re.split(r"[\s|/]+", line) if w]
    return len(words) > 1 and all(rx.search(w) for w in words)


@lru_cache(maxsize=2)  # read by the metadata and the outline of one build (text.forget)
def header_lines(text: str) -> list[HeaderLine]:
    """The document header: title line(s), date/meeting line, speaker, salutation — and the
    web-page furniture around them (kind ``furniture``).

    Stops at the salutation (included), at a heading, at a long line or a line ending a
    sentence (the body), after a dozen header lines or a few dozen lines in all. A line repeating
    an earlier one (the title again after a breadcrumb) is furniture.
    """
    lx = lexicon()
    speaker, org, docno = _speaker_re(), _org_re(), _rx()["docno"]
    out: list[HeaderLine] = []
    seen = scanned = 0
    crumb_next = label_next = False
    crumb = None
    lines_seen: set[str] = set()
    for s, e in _head_lines(text):
        if e == s:
            continue
        scanned += 1
        line = text[s:e]
        if seen >= HEAD_LINES or scanned > SCAN_LINES or PART.match(line) or SECTION.match(line):
            break
        if is_unnumbered_heading(line) and not any(w in line for w in lx.title_words):
            break  # an excerpt opening at its part "“十四五”时期发展成就和2025年工作回顾": no header
        bare = line.rstrip(":,!：，！ ")
        if line.strip() in lx.breadcrumb:
            crumb_next = True
            out.append(HeaderLine("furniture", s, e))
            continue
        short = len(line) <= FURNITURE_MAX
        if short and (crumb_next or label_next or line == crumb or line in lines_seen or _furniture(line)):
            if crumb_next:
                crumb = line
            label_next = bare.strip() in lx.furniture_labels and not crumb_next and not label_next
            crumb_next = False
            out.append(HeaderLine("furniture", s, e))
            continue
        lines_seen.add(line)
        if bare in lx.salutations or (line[-1] in ":：" and len(line) <= HEAD_MAX):
            out.append(HeaderLine("salutation", s, e))  # "各位代表：", "各区、县(市)人民政府:"
            break
        prev = next((h for h in reversed(out) if h.kind != "furniture"), None)
        if prev is not None and prev.kind == "date" and not MEETING_END.search(text, prev.ns, prev.ne) \
                and MEETING_TAIL.match(line):
            kind = "date"  # "——2026年1月26日在广东省第十四届" / "人民代表大会第五次会议上"
        elif len(line) > HEAD_MAX or (line[-1] in "。;；!！?？" and not _headline(line)):
            break
        elif line.startswith(("——", "—", "--")) or MEETING.search(line) or DATE.fullmatch(line.strip("()（） ")):
            kind = "date"
        elif speaker.match(line) or org.match(line):
            kind = "speaker"
        elif docno.fullmatch(line.strip("()（） ")):
            kind = "number"
        else:
            kind = "title"
        seen += 1
        out.append(HeaderLine(kind, s, e))
    _settle_titles(text, out)
    return out


def _headline(line: str) -> bool:
    """A short news headline ending in ！ or ？ ("…政府工作报告全文来了！") is a title, not the body."""
    return line[-1] in "!！?？" and len(line) <= 40 and any(w in line for w in lexicon().title_words)


def _menu_like(line: str) -> bool:
    """A short line with no year, title word, region or organisation: a menu entry, not the
    first half of a title broken over lines ("2026年沈阳市" / "政府工作报告" stays whole)."""
    lx = lexicon()
    return (len(line) <= 6 and not re.search(r"\d", line) and not any(w in line for w in lx.title_words)
            and not line.startswith("关于") and not line.endswith(tuple(x for x, _ in lx.suffixes))
            and _region_in(line) is None and not _org_re().match(line))


def _settle_titles(text: str, out: list[HeaderLine]) -> None:
    """The title is one run of consecutive title lines (a title broken over lines): the first run
    holding a title word, else the first run; other title lines become ``other``."""
    runs: list[list[HeaderLine]] = []
    last = None
    for h in out:
        if h.kind == "title":
            if last is None or last.kind != "title":
                runs.append([])
            runs[-1].append(h)
        last = h
    if not runs:
        return
    words = lexicon().title_words
    best = next((r for r in runs if any(w in text[h.ns:h.ne] for h in r for w in words)), runs[0])
    while len(best) > 1 and _menu_like(text[best[0].ns:best[0].ne]):
        best.pop(0).kind = "other"  # "新闻中心" of a site menu just above "2026年X市政府工作报告"
    for r in runs:
        if r is not best:
            for h in r:
                h.kind = "other"


def _generic(name: str) -> bool:
    lx = lexicon()
    return name in lx.generic_names or name in lx.level_words


def region_level(name: str) -> str | None:
    """The level of a region name by its suffix (a province-level name by the list); None for a
    word that only looks like one ("全省", "自治区", "开发区")."""
    lx = lexicon()
    if not name:
        return None
    if name == lx.national_name:
        return "national"
    if name in lx.provinces:
        return "province"
    if _generic(name) or any(w in name for w in lx.name_ban):
        return None
    for suffix, level in lx.suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return level
    return None


def _region_in(s: str) -> str | None:
    """A region name at the head of a title or organisation name ("辽宁省人民政府…")."""
    s = re.sub(r"^(?:关于|印发|\d{4}\s*年度?|[" + SPACE + "])+", "", s)
    m = _rx()["region_head"].match(s)
    if m and region_level(m.group()):
        return m.group()
    lx = lexicon()
    short = _rx()["province_short"].match(s)  # "福建2026年…", "浙江省" written short
    return lx.province_short[short.group()] if short and s[short.end():short.end() + 1] in ("", "省") else None


def _date(s: str) -> str | None:
    m = DATE.search(s)
    if not m:
        return None
    y, mo, d = (cn_int(g) for g in m.groups())
    try:
        return Date(y, mo, d).isoformat() if y and mo and d else None
    except ValueError:
        return None


def _part_spans(text: str) -> list[tuple[str, int, int]]:
    """(title, start of its body, end of its body) of every part heading line: numbered, or a
    line of its own that heads a part without a number (“十四五”时期发展成就和2025年工作回顾)."""
    found = []
    rx = _rx()["part_line"]  # a match lies in one line and starts it: tried at line starts only
    for m in filter(None, map(rx.match, repeat(text), _line_starts(text))):
        if m.group("n"):  # a heading run into its body ("一、2025年工作回顾过去一年，…"): to its title word
            head = part_head_re().match(text, m.start("n")) if len(m.group(0)) > cues().title_max else None
            found.append(head or m)
        elif is_unnumbered_heading(m.group("t")):
            found.append(m)
    # a report flattened into one line: its headings inside the line ("…审议。一、2025年工作回顾…")
    heads = {m.end() for m in found}
    found += [m for m in inline_parts(text) if m.end() not in heads]
    found.sort(key=lambda m: m.start())
    ends = [m.start() for m in found[1:]] + [len(text)]
    return [(m.group(0).strip(SPACE), m.end(), e) for m, e in zip(found, ends)]


def _line_starts(text: str) -> list[int]:
    return [0, *map(_END, _NEWLINE.finditer(text))]


_NEWLINE = re.compile("\n")
_END = methodcaller("end")


def _first_year(patterns, texts: list[str]) -> int | None:
    """The year of the first pattern met, text by text, at the first year that starts one.

    Every pattern opens with the year (data/outline.toml [years]), so each is tried only where a
    year stands, not slid along a whole body of text."""
    for t in texts:
        for y in YEAR_AT.finditer(t):
            for p in patterns:
                m = p.match(t, y.start())
                if m:
                    return int(m.group(1))
    return None


def _period_years(text: str) -> tuple[int | None, int | None]:
    """(plan year, review year) from a five-year period opened or closed in the text, with no
    year written ("今年是“十五五”开局之年" → 2026; "“十四五”收官之年" → 2025)."""
    lx, periods = lexicon(), cues().periods
    m = lx.period_plan.search(text)
    if m and m.group(1) in periods:
        return periods[m.group(1)] - 4, None
    m = lx.period_review.search(text)
    if m and m.group(1) in periods:
        return None, periods[m.group(1)]
    return None, None


def _docno(lines: list[str]) -> tuple[str | None, int | None, int | None]:
    """(issuer's region, year, where it stands in its line) of the first document number
    ("辽政发〔2023〕2号") in the header; the region None when the table does not know the issuer."""
    lx = lexicon()
    for line in lines:
        if "号" not in line:
            continue
        for m in _rx()["docno"].finditer(line):
            pre = m.group("pre")
            # the issuer is the longest known tail of the prefix
            region = next((lx.issuers[pre[i:]] for i in range(len(pre)) if pre[i:] in lx.issuers), None)
            return region, int(m.group("y")), m.start()
    return None, None, None


def _trim(name: str) -> str:
    """A name found in running text without the words run into its head: words at its start
    ("在", "中共"), and a word of two or more characters anywhere ("…推动浑南区"), each cut only
    while two characters stay before the suffix ("和平区" keeps its 和, "呼和浩特市" its 和)."""
    lx = lexicon()
    suffix = next((s for s, _ in lx.suffixes if name.endswith(s)), "")

    def room(cut: int) -> bool:
        return len(name) - cut - len(suffix) >= 2

    cut = 0
    for h in lx.name_heads:
        if len(h) < 2:
            continue
        i = name.find(h)
        while i >= 0:
            if room(i + len(h)):
                cut = max(cut, i + len(h))
            i = name.find(h, i + 1)
    changed = True
    while changed:
        changed = False
        for h in lx.name_heads:
            if name.startswith(h, cut) and room(cut + len(h)):
                cut, changed = cut + len(h), True
                break
    return name[cut:]


@lru_cache(maxsize=1)
def _city_names() -> tuple[re.Pattern | None, dict[str, str]]:
    """The cities of the gazetteer (its city tier, with the zones places.json lists beside them)
    by full and short name — a city report says "奋力谱写沈阳新篇章" more often than "沈阳市";
    short names that are also ordinary words (大庆, 朝阳) are left out."""
    names: dict[str, str] = {}
    for d in gazetteer.city_tier():
        names.setdefault(d.name, d.name)
        for n in d.shorts:
            if not gazetteer.ordinary(n):
                names.setdefault(n, d.name)
    for n, full in gazetteer.zone_names().items():
        if not gazetteer.ordinary(n):
            names.setdefault(n, full)
    if not names:
        return None, names
    return re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True))), names


def _body_region(text: str, level: str | None) -> str | None:
    """The region the body names most at ``level`` (any level when None): province names in
    full or short, prefecture-level cities by the gazetteer, other names by the suffix rules
    (twice the weight where their party committee or government follows). None unless one
    name leads with two votes at least."""
    lx = lexicon()
    votes: Counter[str] = Counter()
    if level in (None, "province"):
        for p in lx.provinces:
            votes[p] += 2 * text.count(p)
        for m in _rx()["province_short"].finditer(text):
            votes[lx.province_short[m.group()]] += 1
    if level in (None, "city"):
        rx, names = _city_names()
        for m in rx.finditer(text) if rx else ():
            votes[names[m.group()]] += 2 if m.group() == names[m.group()] else 1  # full name, short
    if level != "province":
        strong = lx.body_strong + lx.followers
        for m in _rx()["body_name"].finditer(text):
            if m.group("r").endswith("地区") and text.startswith("生产总值", m.end()):
                continue  # "…地区生产总值": the indicator, not a 地区
            r = _trim(m.group("r"))
            lv = region_level(r)
            if not lv or lv == "province" or (level is not None and lv != level):
                continue
            # "X市委", "X市人民政府" name the report's own region; "X市地区生产总值" may be a
            # county-level city of a city report: it counts only where the gazetteer is silent
            if text.startswith(strong, m.end()):
                votes[r] += 2
            elif lv != "city":
                votes[r] += 1
    votes = Counter({k: v for k, v in votes.items() if v > 0})
    if not votes:
        return None
    (best, n), *rest = votes.most_common(2) + [(None, 0)]
    return best if n >= 2 and n > rest[0][1] else None


@dataclass
class _Head:
    """What the header says, gathered once for the readers of each field."""

    text: str
    lines: list[HeaderLine]  # furniture included
    real: list[HeaderLine]  # furniture left out
    title: str | None  # as written
    title_n: str  # normalised
    date_text: str
    header: str
    opening: str  # the paragraph after the header (the first OPENING characters of a flattened text)
    head_end: int
    foot: list[str]  # the last short lines: a notice is signed there
    meeting: re.Match | None

    @property
    def flat(self) -> bool:
        """No header lines: a report flattened into one line, or starting at its body."""
        return not self.real


def _head(doc: Document) -> _Head:
    text = doc.text
    hls = header_lines(text)
    real = [h for h in hls if h.kind != "furniture"]
    titles = [h for h in real if h.kind == "title"]
    head_end = hls[-1].ne if hls else 0
    nl = text.find("\n", head_end + 1)
    start = max(head_end, text.rfind("\n", 0, max(0, len(text) - 400)) + 1)  # the last lines, not all
    date_text = "".join(text[h.ns:h.ne] for h in real if h.kind == "date")
    opening = text[head_end: nl if nl > 0 else len(text)][:OPENING]
    return _Head(
        text=text, lines=hls, real=real,
        title=TAG.sub("", "".join(doc.original_span(h.ns, h.ne).strip() for h in titles)) or None,
        title_n=TAG.sub("", "".join(text[h.ns:h.ne] for h in titles)), date_text=date_text,
        header="\n".join(text[h.ns:h.ne] for h in real), opening=opening, head_end=head_end,
        foot=_signature(text, head_end) + [text[start + a:start + b] for a, b in _lines(text[start:])[-4:]
                                           if b > a and b - a <= 30],
        meeting=MEETING.search(date_text) if date_text else None)


def _signature(text: str, head_end: int) -> list[str]:
    """The issuer and date signing a notice right after its few paragraphs ("西安市人民政府" /
    "2024年2月2日"), when an attachment (the 分工方案 itself) follows rather than ends the text."""
    lines = []
    for a, b in _head_lines(text[head_end:head_end + 3000]):
        if b > a:
            lines.append(text[head_end + a:head_end + b])
        if len(lines) >= 15:
            break
    for org, day in zip(lines, lines[1:]):
        if len(org) <= 30 and _org_re().match(org) and DATE.fullmatch(day.strip("()（） ")):
            return [org, day]
    return []


def _date_and_meeting(h: _Head) -> str | None:
    """The date of the meeting line (or of a meeting inside a flattened line), else the speaker
    line's, else the foot's; sets ``h.meeting`` from the opening when the header has none."""
    date = _date(h.date_text) if h.date_text else None
    if h.meeting is None:
        h.meeting = MEETING.search(h.opening)
        if h.meeting and date is None:  # "…——2024年1月5日在X市第…届人民代表大会…" inside a line
            date = _date(h.opening[max(0, h.meeting.start() - 16):h.meeting.start()])
    if date is None:  # "市长 王新伟（2024年1月8日）"
        date = next((d for x in h.real if x.kind == "speaker" for d in [_date(h.text[x.ns:x.ne])] if d), None)
    if date is None:
        date = next((_date(f) for f in h.foot if DATE.fullmatch(f.strip("()（） "))), None)
    return date


def _flat_title(h: _Head, docno_at: int | None) -> None:
    """A flattened page's title: the last piece with a title word before the meeting words or
    the document number (furniture runs before it)."""
    end = h.meeting.start() if h.meeting else docno_at
    if not (h.flat and h.title is None and end):
        return
    cut = h.opening[:end]
    cut = re.split(r"[—\-]{1,2}\s*$|[—\-]{2}|\(?" + DATE.pattern, cut)[0].strip(SPACE + "(")
    cut = next((t for t in reversed(cut.split()) if any(w in t for w in lexicon().title_words)), "")
    if 0 < len(cut) <= HEAD_MAX:
        h.title = h.title_n = cut


def _speaker(h: _Head) -> tuple[str | None, str | None]:
    """(speaker, office): a speaker line, the words after the meeting ("…会议上 陕西省省长 赵刚"),
    an organisation line, or the issuer signing at the foot."""
    after = [h.date_text[m.end():].strip(SPACE + "()") for m in [MEETING_END.search(h.date_text)] if m]
    if h.flat and h.meeting:  # the speaker after the meeting words, before 各位代表
        end = MEETING_END.search(h.opening, h.meeting.end())
        found = _rx()["speaker_in"].search(h.opening, end.end(), end.end() + 120) if end else None
        if found:
            after.append(found.group())
    for line in [h.text[x.ns:x.ne] for x in h.real if x.kind == "speaker"] + [t for t in after if t]:
        m = _speaker_re().match(line)
        if m:
            return re.sub(f"[{SPACE}]", "", m.group("name")), m.group("office")
        if _org_re().match(line):
            return line.split()[0], None  # the first of several issuers
    return next((f.split()[0] for f in h.foot if _org_re().match(f)), None), None


def _kind(h: _Head, speaker: str | None, spans: list[tuple[str, int, int]]) -> str:
    """The first kind (in the order of [kinds]) whose words the title has; else the kind whose
    word comes first in the header and opening (a long opening may name other documents later);
    else the author's; else, for an excerpt with no header, the first kind whose words its part
    titles have, or a work report when it has a review part and a plan part."""
    lx = lexicon()
    found = next((k for k, words in lx.kinds.items() if any(w in h.title_n for w in words)), None)
    if found:
        return found
    src = h.header + "\n" + h.opening
    first = [(min(i for i in (src.find(w) for w in words) if i >= 0), n, k)
             for n, (k, words) in enumerate(lx.kinds.items()) if any(w in src for w in words)]
    if first:
        return min(first)[2]
    found = next((k for a, k in lx.author_kinds if speaker and speaker.endswith(a)), None)
    if found:
        return found
    found = next((k for k, words in lx.kinds.items() if any(w in t for t, _, _ in spans for w in words)), None)
    if found:
        return found
    roles = {role_of_part(t, h.text, a, b) for t, a, b in spans}
    if lx.paragraph_flags["main_targets"].search(h.text):  # "今年…的主要预期目标是：" sets the plan
        roles.add("plan")
    if "review" not in roles and body_role(h.text, h.head_end, len(h.text)) == "review":
        roles.add("review")  # no heading found (one line, unnumbered titles): it opens with results
    return "work_report" if {"review", "plan"} <= roles else "other"


def _region(h: _Head, speaker: str | None, office: str | None, doc_region: str | None,
            body: str) -> tuple[str | None, str | None]:
    """(region, level): the meeting line, the title, a document number, the speaker's office or
    organisation, "我代表X人民政府"; then a level word alone ("我代表省人民政府", "在县第…届") with
    the region the body names most at that level."""
    lx = lexicon()
    meeting = h.meeting
    if (meeting and "全国" in meeting.group("post")) or doc_region == lx.national_name or any(
            src.startswith(lx.national) for src in (*h.header.split("\n"), office or "")) or any(
            w in body[:1500] for w in lx.national_cues):
        return lx.national_name, "national"
    cands = []
    if meeting:
        cands += [meeting.group("pre").strip(SPACE), meeting.group("post").strip(SPACE)]
    cands += [_region_in(h.title_n) or "", doc_region or ""]
    if speaker:  # "福建省人民政府省长", "北京市市长", "江口县统计局"
        role = next((r for r in lx.speaker_roles if office and office.endswith(r)), "")
        head = office[:len(office) - len(role)] if office else speaker
        cands += [head, _region_in(head) or ""]
    cue_words = [meeting.group("pre").strip(SPACE)] if meeting else []  # "在县第十八届…"
    for rx in lx.body_cues:
        for m in rx.finditer(h.header + "\n" + body[:1500]):
            cands.append(m.group("r"))
            cue_words.append(m.group("r"))
    cands += [p for p in sorted(lx.provinces) if p in h.opening[:300]][:1]
    region = next((c for c in cands if c and region_level(c)), None)
    level = region_level(region) if region else None
    if level is None and office:
        level = next((lv for r, lv in lx.role_levels if office.endswith(r)), None)
    if level is None:  # "我代表省人民政府": the level word alone
        level = next((lx.level_words[w] for w in cue_words if w in lx.level_words), None)
    if level is None:  # only "全县…": the scope word the body uses most
        scope = Counter(m.group() for m in _rx()["scope"].finditer(body)).most_common(1)
        level = lx.scope_words[scope[0][0]] if scope and scope[0][1] >= 2 else None
        if level is not None:
            # 全市 is also 北京市's word, 全区 内蒙古自治区's: a province-level region whose name
            # ends as the scope word does and that the body names most is the report's own
            prov = _body_region(body, "province")
            if prov and prov.endswith(scope[0][0][-1]) and _body_region(body, None) == prov:
                region, level = prov, "province"
    if region is None and level is not None:
        region = _body_region(body, level)
        if region and level == "province" and region not in lx.provinces:
            region = None
    if region is not None and level == "city" and region in lx.provinces:
        level = "province"  # "我代表市人民政府" in 北京市
    return region, level


def _years(h: _Head, kind: str, date: str | None, doc_year: int | None, body: str,
           spans: list[tuple[str, int, int]]) -> tuple[int | None, int | None]:
    """(review year, plan year) by the patterns of [years] in the title, header, opening and part
    titles (then heading-like lines and the body), part titles with a year, and the genre: a
    work report's title year is its plan year and it reviews the year before; a bulletin
    reviews its year; a 分工方案 plans the year of the report it divides."""
    lx = lexicon()
    text, title_n = h.text, h.title_n
    parts = [t for t, _, _ in spans]
    texts = [title_n, h.header, h.opening, *parts]
    review = _first_year(lx.review_years, texts)
    plan = _first_year(lx.plan_years, texts)
    if review is None and plan is None:  # no year in the header: heading-like lines, the body
        more = ["\n".join(SHORT_LINE.findall(text)), body]
        review, plan = _first_year(lx.review_years, more), _first_year(lx.plan_years, more)
    if review is None and plan is None:  # "今年是“十五五”开局之年": the period tells the year
        plan, review = _period_years(title_n + "\n" + h.opening + "\n" + body)
    # a part titled with a year and no year pattern still says which year is which
    for p, start, end in spans:
        role = part_role(p)
        y = re.search(r"(\d{4})年", p)
        if y and role == "other" and (review is None or plan is None):
            # "三、2026年主要工作": words that head reviews too ("2025年主要工作…"); its body tells
            role = body_role(text, start, end) or "other"
        if y and role == "review" and review is None:
            review = int(y.group(1))
        if y and role == "plan" and plan is None:
            plan = int(y.group(1))
    ty = YEAR.search(title_n)
    title_year = int(ty.group(1)) if ty else None
    if kind == "work_report" and title_year and any(w in title_n for w in lx.kinds["work_report"]):
        plan, review = title_year, title_year - 1  # "2026年X省政府工作报告": the year it plans
    if kind in ("work_report", "plan_execution", "budget"):
        if plan is None:
            if review is not None:
                plan = review + 1
            elif title_year:
                plan = title_year
            elif date:  # delivered in the first half of a year: it plans that year
                plan = int(date[:4]) + (0 if int(date[5:7]) <= 6 else 1)
        if review is None and plan is not None:
            review = plan - 1
    elif kind == "bulletin" and review is None:
        if title_year:
            review = title_year
        elif date:
            review = int(date[:4]) - 1  # a bulletin comes out in the spring after its year
    elif kind == "division" and plan is None:
        plan = title_year or doc_year or (int(date[:4]) if date else None)
    return review, plan


TITLE_GAPS = ("date_line_first", "no_header", "no_title_line")


def title_gap(doc: Document, title: str | None) -> str | None:
    """Why the text gives no title (one of TITLE_GAPS; ``title``: the one ``read_metadata``
    found), None when it gives one: so that a report whose text was cut below its title says so,
    rather than showing nothing — or a date line as its title.

    ``date_line_first``: the header begins at its date/meeting line ("——2025年1月16日在…"), which
    follows the title in a report: the title was above it; ``no_header``: the text begins at its
    body (a flattened page, an excerpt); ``no_title_line``: a header without a title line."""
    if title is not None:
        return None
    h = _head(doc)
    if h.flat:
        return "no_header"
    return "date_line_first" if h.real[0].kind == "date" else "no_title_line"


def read_metadata(doc: Document) -> dict:
    """title, region, level, review_year, plan_year, date (ISO), speaker, kind."""
    h = _head(doc)
    date = _date_and_meeting(h)
    doc_region, doc_year, docno_at = _docno([h.opening[:200]] if h.flat else [h.text[x.ns:x.ne] for x in h.lines])
    _flat_title(h, docno_at)
    speaker, office = _speaker(h)
    spans = _part_spans(h.text)
    kind = _kind(h, speaker, spans)
    body = h.text[h.head_end:h.head_end + BODY_SCAN]
    region, level = _region(h, speaker, office, doc_region, body)
    review, plan = _years(h, kind, date, doc_year, body, spans)
    return {"title": h.title, "region": region, "level": level, "review_year": review,
            "plan_year": plan, "date": date, "speaker": speaker, "kind": kind}
