"""Suggest the lead and responsible units (牵头单位/责任单位) for a task of a division-of-labour plan.

Deterministic and explainable: a task's words are matched against each unit's remit, the
indicators of its figures against the units that own them, and its place names against the
local governments. No network, no model: the knowledge is a replaceable JSON catalogue.

Which catalogue: a user's file (``--departments FILE``), else the region's own file in
data/departments (liaoning.json for 辽宁省), else the generic catalogue of government functions
named for the report's level (``catalogues.for_region``: 国家发展改革委 / 省发展改革委 /
市发展改革委 / 区发改局 …), which says so in ``Departments.note``.

Catalogue schema (``data/departments/liaoning.json``; another region's file has the same shape)::

A region's file may instead adapt the generic catalogue to local usage: ``{"region": "北京市",
"level": "province", "extends": "generic", "names": {"science": "市科委"}, "aliases": {…},
"remit": {…}, "drop": […], "units": […], "local": {…}}`` (see ``catalogues.overlay``).

    {"region": "辽宁省", "level": "province", "version": "2024",
     "default_lead": "省政府办公厅",          # optional: a plan's lead when no remit matched
     "ignore": ["高质量"],                   # optional: phrases that count for no unit
     "units": [
       {"name": "省发展改革委",              # short name as written in plans (required, unique)
        "full_name": "辽宁省发展和改革委员会",  # optional
        "kind": "department",             # department|special|affiliated|managed|central|local|party|mass
        "parent": "省发展改革委",            # optional: the department that manages it
        "aliases": ["…"],                 # optional: other names of the unit
        "weight": 1.0,                    # optional multiplier (central units < 1: they assist)
        "remit": ["重大项目", ["价格", 0.5]], # phrases; [phrase, w] for a weight other than 1
        "indicators": ["gdp"],            # canonical indicator ids it leads
        "supports": ["cpi"],              # ids it is responsible for (not lead)
        "places": ["沈阳", "沈阳市"]}]}       # local units: names that make it responsible

A remit phrase scores ``w × len(phrase)`` and the phrases of all units are matched longest first
without overlap, so 农村公路 (交通运输) is not also read as 农村 (农业农村), and an ``ignore``
phrase hides the words inside it (高质量 is not the remit word 质量). An owned indicator
scores like a long phrase. Units of kind ``local`` are never leads: they are added as responsible
units when the task names their places; the others lead by score. An indicator no unit claims
falls back to the ``department`` hint of indicators.json (matched as the unit name's ending).
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError

KINDS = ("department", "special", "affiliated", "managed", "central", "local", "party", "mass")
INDICATOR_SCORE = 8.0       # an owned indicator outweighs a few generic remit words
CO_LEAD = 0.8               # a second unit within 80% of the top one co-leads
RESP_SHARE = 0.3            # units scoring ≥ 30% of the top one are responsible
MAX_RESP = 4                # scored responsible units (supports and places come on top)
_DROP = str.maketrans("", "", " \u3000\t\r\n“”‘’\"'「」『』《》")


def _norm(text: str) -> str:
    """Simplified, NFKC, no quotes or spaces: “一網通辦” matches the remit phrase 一网通办."""
    from ..ingest.normalize import to_simplified

    return to_simplified(unicodedata.normalize("NFKC", text)).translate(_DROP)


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    remit: tuple[tuple[str, float], ...] = ()
    indicators: tuple[str, ...] = ()
    supports: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    weight: float = 1.0
    full_name: str = ""
    parent: str = ""
    function: str = ""  # the generic function it carries out (development_reform, finance…)


@dataclass
class Departments:
    """A loaded catalogue: units in file order (the order breaks ties) and lookup tables.
    ``generic`` says the names were drawn from the generic catalogue for ``region``/``level``
    (no catalogue of the region's own); ``note`` says so in words for the output."""

    units: list[Unit]
    region: str = ""
    source: str = ""
    ignore: tuple[str, ...] = ()
    level: str = ""
    generic: bool = False
    note: str = ""
    default_lead: str = ""  # the unit a plan names when no remit matched (政府办公厅)
    # where it came from: generic (named for the level), bundled (a region's file of luoshi's),
    # library (supplied by a user and kept for the region), file (a path given), "" (unsaid)
    origin: str = ""
    phrases: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # phrase → (unit, weight)
    owners: dict[str, list[int]] = field(default_factory=dict)
    supporters: dict[str, list[int]] = field(default_factory=dict)
    place_units: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for i, u in enumerate(self.units):
            for p, w in u.remit:
                self.phrases.setdefault(_norm(p), []).append((i, w))
            for c in u.indicators:
                self.owners.setdefault(c, []).append(i)
            for c in u.supports:
                self.supporters.setdefault(c, []).append(i)
            if u.kind == "local":
                for p in u.places:
                    self.place_units.setdefault(_norm(p), []).append(i)
        for p in self.ignore:
            self.phrases.setdefault(_norm(p), [])

    def names(self) -> list[str]:
        return [u.name for u in self.units]

    def resolve(self, name: str) -> str:
        """The catalogue's name for ``name`` written as a plan writes it (市发改委 → 市发展改革委,
        区科经局 → 区科技局): an exact name or alias first, then the longest alias ending; "" if none."""
        n = _norm(name)
        best, size = "", 0
        for u in self.units:
            for a in (u.name, *u.aliases):
                if n == _norm(a):
                    return u.name
                if n.endswith(_norm(a)) and len(a) > size and len(a) >= 3:
                    best, size = u.name, len(a)
        return best

    def info(self) -> dict[str, Any]:
        """Which catalogue answered: for the json output and the table's header line."""
        return {"region": self.region, "level": self.level, "generic": self.generic,
                "source": self.source, "note": self.note, "origin": self.origin}


@dataclass
class Suggestion:
    lead_units: list[str]
    resp_units: list[str]
    confidence: float
    reasons: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"lead_units": self.lead_units, "resp_units": self.resp_units,
                "confidence": self.confidence, "reasons": self.reasons}


# ---------------------------------------------------------------- loading

class CatalogueError(InputError):
    """A file that is not a departments catalogue: the reason in English (``reason``, for the
    command line and the API) and in Chinese (``zh``, for the web page)."""

    def __init__(self, path: object, reason: str, zh: str) -> None:
        super().__init__(path, f"not a departments catalogue: {reason}")
        self.zh = zh


def _bad(path: object, reason: str, zh: str) -> CatalogueError:
    return CatalogueError(path, reason, zh)


def _where_zh(n: int, name: str = "") -> str:
    return f"第 {n} 个单位" + (f"（{name}）" if name else "")


def _strs(v: Any, path: object, where: str, where_zh: str) -> tuple[str, ...]:
    if v is None:
        return ()
    if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
        raise _bad(path, f"{where} must be a list of strings", f"{where_zh}应为非空字符串的列表")
    return tuple(v)


def _parse(data: Any, path: object) -> Departments:
    if not isinstance(data, dict) or not isinstance(data.get("units"), list) or not data["units"]:
        raise _bad(path, "expected an object with a non-empty \"units\" list",
                   "应为一个 JSON 对象，其中 units 是非空的单位列表")
    units: list[Unit] = []
    seen: set[str] = set()
    for n, raw in enumerate(data["units"], 1):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
            raise _bad(path, f"unit {n} has no name", f"{_where_zh(n)}没有名称（name）")
        name = raw["name"].strip()
        where, wz = f"unit {n} ({name})", _where_zh(n, name)
        if name in seen:
            raise _bad(path, f"{where} is listed twice", f"{_where_zh(n, name)}重复列出")
        seen.add(name)
        kind = raw.get("kind", "department")
        if kind not in KINDS:
            raise _bad(path, f"{where}: kind must be one of {', '.join(KINDS)}",
                       f"{_where_zh(n, name)}的 kind 应为 {'、'.join(KINDS)} 之一")
        remit: list[tuple[str, float]] = []
        if not isinstance(raw.get("remit") or [], list):  # a string would be read as its characters
            raise _bad(path, f"{where}: remit must be a list", f"{wz}的 remit 应为列表")
        for r in raw.get("remit") or []:
            if isinstance(r, str) and r:
                remit.append((r, 1.0))
            elif (isinstance(r, list) and len(r) == 2 and isinstance(r[0], str) and r[0]
                  and isinstance(r[1], (int, float)) and not isinstance(r[1], bool) and r[1] > 0):
                remit.append((r[0], float(r[1])))
            else:
                raise _bad(path, f"{where}: remit entries are \"phrase\" or [\"phrase\", weight > 0], got {r!r}",
                           f"{_where_zh(n, name)}的 remit 每项应为“短语”或 [“短语”, 大于 0 的权重]，而不是 {r!r}")
        weight = raw.get("weight", 1.0)
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight <= 0:
            raise _bad(path, f"{where}: weight must be a positive number", f"{_where_zh(n, name)}的 weight 应为正数")
        units.append(Unit(name=name, kind=kind, remit=tuple(remit),
                          indicators=_strs(raw.get("indicators"), path, f"{where}: indicators", f"{wz}的 indicators"),
                          supports=_strs(raw.get("supports"), path, f"{where}: supports", f"{wz}的 supports"),
                          places=_strs(raw.get("places"), path, f"{where}: places", f"{wz}的 places"),
                          aliases=_strs(raw.get("aliases"), path, f"{where}: aliases", f"{wz}的 aliases"),
                          weight=float(weight), full_name=str(raw.get("full_name", "")),
                          parent=str(raw.get("parent", "")), function=str(raw.get("function", ""))))
    default = data.get("default_lead") or ""
    if default and default not in seen:
        raise _bad(path, f"default_lead {default!r} is not a unit of the catalogue",
                   f"default_lead（{default}）不是目录中的单位")
    return Departments(units=units, region=str(data.get("region", "")), source=str(path),
                       ignore=_strs(data.get("ignore"), path, "ignore", "ignore"),
                       level=str(data.get("level", "")), default_lead=str(default))


def _folder() -> Path:
    return Path(str(resources.files("luoshi") / "data" / "departments"))


MAX_CATALOGUE_BYTES = 4 * 1024 * 1024  # the bundled ones are ~60 kB; a catalogue is no report


def read_catalogue(raw: bytes, label: object) -> tuple[dict[str, Any], Departments]:
    """(its data, the loaded catalogue) of a catalogue file's bytes (UTF-8, a BOM allowed), as a
    user uploads it: CatalogueError, in English and Chinese, for anything that is not one."""
    if len(raw) > MAX_CATALOGUE_BYTES:
        raise _bad(label, f"larger than {MAX_CATALOGUE_BYTES // 1048576} MB",
                   f"文件超过 {MAX_CATALOGUE_BYTES // 1048576} MB，不像部门目录")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad(label, "not UTF-8 text", "不是 UTF-8 编码的文本（应为 JSON 文件）") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise _bad(label, f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}",
                   f"不是有效的 JSON（第 {e.lineno} 行第 {e.colno} 列：{e.msg}）") from None
    return data, catalogue_of(data, label)


def catalogue_of(data: Any, label: object) -> Departments:
    """The catalogue a file's parsed JSON describes: a full one (``units``) or changes to the
    generic one (``"extends": "generic"``, see ``catalogues.overlay``)."""
    if not isinstance(data, dict):
        raise _bad(label, "expected a JSON object", "应为一个 JSON 对象（{…}），而不是列表或单个值")
    for key in ("region", "level", "version"):
        if not isinstance(data.get(key, ""), (str, int)) or isinstance(data.get(key), bool):
            raise _bad(label, f"{key} must be a string", f"{key} 应为字符串")
    if data.get("extends") == "generic":
        from .catalogues import overlay

        return overlay(data, label)
    if "extends" in data:
        raise _bad(label, f"extends must be \"generic\", got {data['extends']!r}",
                   f"extends 只能是 \"generic\"（在通用目录上修改），而不是 {data['extends']!r}")
    return _parse(data, label)


@lru_cache(maxsize=8)
def _load_cached(path: str, _stamp: tuple[int, int]) -> Departments:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e}") from None
    return read_catalogue(raw, path)[1]


def load_departments(path: str | Path | None = None, *, region: str | None = None,
                     level: str | None = None) -> Departments:
    """The catalogue at ``path``; without one, the catalogue of ``region`` at ``level``: the
    region's own file in data/departments when there is one, else the generic catalogue with the
    names of that level (see ``catalogues``). A bad file → InputError."""
    if path is None:
        from .catalogues import for_region

        return for_region(region, level)
    p = Path(path)
    try:  # the file's size and time are part of the key: an edited catalogue is read again
        st = p.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)
    deps = _load_cached(str(p), stamp)
    deps.origin = deps.origin or "file"
    return deps


# ---------------------------------------------------------------- suggesting

@lru_cache(maxsize=1)
def _hints() -> dict[str, tuple[str, str]]:
    """canonical id → (department hint, first name) from the indicator catalogue."""
    path = Path(str(resources.files("luoshi") / "data" / "indicators.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    return {e["id"]: (e.get("department") or "", (e.get("names") or [e["id"]])[0])
            for e in data.get("indicators", []) if "id" in e}


def _owners(deps: Departments, cid: str) -> list[int]:
    if cid in deps.owners:
        return deps.owners[cid]
    hint = _hints().get(cid, ("", ""))[0]
    if not hint:
        return []
    # the hint is in the provincial form (财政厅); a city or county catalogue says 财政局
    forms = (hint, hint[:-1] + "局") if hint.endswith("厅") else (hint,)
    return [i for i, u in enumerate(deps.units) if u.kind != "local"
            and any(n.endswith(f) for n in (u.name, *u.aliases) for f in forms)][:1]


def _matches(text: str, table: dict[str, Any]) -> list[str]:
    """Phrases of ``table`` in ``text``, longest first, never overlapping an accepted one."""
    found: list[tuple[int, int, str]] = []
    for p in table:
        start = text.find(p)
        while start >= 0:
            found.append((start, start + len(p), p))
            start = text.find(p, start + 1)
    found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    taken = [False] * len(text)
    kept: list[tuple[int, str]] = []
    for s, e, p in found:
        if not any(taken[s:e]):
            taken[s:e] = [True] * (e - s)
            kept.append((s, p))
    kept.sort()
    out: list[str] = []
    for _, p in kept:  # each phrase counts once, in the order of the text
        if p not in out:
            out.append(p)
    return out


def _ids(figures: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for f in figures:
        c = f if isinstance(f, str) else getattr(f, "canonical", None)
        if c and c not in out:
            out.append(c)
    return out


def suggest(text: str, *, figures: Iterable[Any] = (), places: Iterable[str] = (),
            departments: Departments | str | Path | None = None) -> Suggestion:
    """Ranked lead and responsible units for one task, with a confidence and the reasons."""
    deps = departments if isinstance(departments, Departments) else load_departments(departments)
    body = _norm(text)
    ids = _ids(figures)  # once: ``figures`` may be a generator
    n = len(deps.units)
    score = [0.0] * n
    why: list[list[str]] = [[] for _ in range(n)]

    for p in _matches(body, deps.phrases):
        for i, w in deps.phrases[p]:
            if deps.units[i].kind == "local":
                continue
            score[i] += w * len(p) * deps.units[i].weight
            why[i].append(p)
    ind_why: dict[int, list[str]] = {}
    supported: list[int] = []
    for cid in ids:
        label = f"{_hints().get(cid, ('', cid))[1]} ({cid})"
        for i in _owners(deps, cid):
            score[i] += INDICATOR_SCORE * deps.units[i].weight
            ind_why.setdefault(i, []).append(label)
        for i in deps.supporters.get(cid, []):
            if i not in supported:
                supported.append(i)

    ranked = sorted((i for i in range(n) if score[i] > 0 and deps.units[i].kind != "local"),
                    key=lambda i: (-score[i], -len(why[i]), i))  # a tie: more phrases matched lead
    lead: list[int] = ranked[:1]
    if len(ranked) > 1 and score[ranked[1]] >= CO_LEAD * score[ranked[0]]:
        lead.append(ranked[1])
    resp = [i for i in ranked[len(lead):len(lead) + MAX_RESP] if score[i] >= RESP_SHARE * score[ranked[0]]]
    supported.sort(key=lambda i: deps.units[i].kind == "local")  # local governments last
    resp += [i for i in supported if i not in lead and i not in resp]

    local: list[tuple[int, str]] = []
    named = _matches(body, deps.place_units) + [p for p in (_norm(x) for x in places) if p]
    for p in named:
        for key in (p, p[:-1] if p.endswith("市") else p + "市"):
            for i in deps.place_units.get(key, []):
                if i not in lead and i not in resp and all(i != j for j, _ in local):
                    local.append((i, p))
            if key in deps.place_units:
                break
    resp += [i for i, _ in local]

    if ranked:
        top = score[ranked[0]]
        runner = score[ranked[len(lead)]] if len(ranked) > len(lead) else 0.0
        strength = 1 - math.exp(-top / 8)          # ~0.4 for one 4-character phrase, ~0.9 for 18 points
        margin = (top - runner) / top
        confidence = round(strength * (0.5 + 0.5 * margin), 2)
    else:
        confidence = 0.0

    reasons: list[str] = []
    for i in ranked[:len(lead) + MAX_RESP]:
        if i not in lead and i not in resp:
            continue
        parts = []
        if i in ind_why:
            parts.append("indicator " + ", ".join(ind_why[i]))
        if why[i]:
            parts.append("remit " + "、".join(why[i]))
        role = "lead" if i in lead else "responsible"
        reasons.append(f"{deps.units[i].name} ({role}, {score[i]:.1f}): " + "; ".join(parts))
    for i in supported:
        if i not in lead and i not in ranked[:len(lead) + MAX_RESP]:
            own = [c for c in deps.units[i].supports if c in ids]
            reasons.append(f"{deps.units[i].name} (responsible): supports indicator " + ", ".join(own))
    for i, p in local:
        reasons.append(f"{deps.units[i].name} (responsible): place {p}")
    if not ranked:
        reasons.insert(0, "no unit's remit or indicator matched the task")
    return Suggestion(lead_units=[deps.units[i].name for i in lead],
                      resp_units=[deps.units[i].name for i in resp],
                      confidence=confidence, reasons=reasons)


def indicators_in(text: str) -> list[str]:
    """Canonical indicator ids of the figures in ``text`` (luoshi's extractor and linker)."""
    from .. import extract_figures, read_text

    try:
        figs = extract_figures(read_text(text, "task"))
    except Exception:  # noqa: BLE001 - a sentence the extractor cannot read has no figures
        return []
    return _ids(figs)
