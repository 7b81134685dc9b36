"""Unit suggestions (luoshi.plan.assign, `luoshi assign`): accuracy on hand-checked tasks,
indicator owners, places, the catalogue and its replacement, the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import luoshi
from luoshi.cli import main
from luoshi.errors import InputError
from luoshi.plan.assign import Suggestion, indicators_in, load_departments, suggest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
CASES = json.loads((HERE / "assign_cases.json").read_text(encoding="utf-8"))
INDICATORS = json.loads((ROOT / "src/luoshi/data/indicators.json").read_text(encoding="utf-8"))["indicators"]


@pytest.fixture(scope="module")
def deps():
    return load_departments(region="辽宁省", level="province")


def score(cases, deps) -> tuple[int, int, list[str]]:
    """(right @1, right @3, misses): @3 ranks leads, then responsible units that are not local."""
    local = {u.name for u in deps.units if u.kind == "local"}
    at1 = at3 = 0
    misses = []
    for c in cases:
        s = suggest(c["text"], figures=indicators_in(c["text"]), departments=deps)
        ranked = s.lead_units + [u for u in s.resp_units if u not in local]
        hit1 = bool(s.lead_units) and s.lead_units[0] in c["lead"]
        at1 += hit1
        at3 += any(u in c["lead"] for u in ranked[:3])
        if not hit1:
            misses.append(f"{c['text'][:30]}… gold {c['lead']} got {s.lead_units}")
    return at1, at3, misses


def report(name, at1, at3, n, misses):
    print(f"\n{name}: accuracy@1 {at1}/{n} = {at1 / n:.3f}, accuracy@3 {at3}/{n} = {at3 / n:.3f}")
    for m in misses:
        print("  miss:", m)


# ---------------------------------------------------------------- the hand-checked sample

def test_sample_is_verbatim_and_covers_every_section(deps):
    report_text = luoshi.sample_path().read_text(encoding="utf-8")
    names = set(deps.names())
    for c in CASES["sample"]:
        assert c["text"] in report_text, c["text"]
        assert c["lead"] and set(c["lead"]) <= names, c["lead"]
    sections = {c["section"] for c in CASES["sample"]}
    assert sections == {"targets", "一", "二", "三", "四", "五", "六", "七", "八"}
    assert all(sum(c["section"] == s for c in CASES["sample"]) >= 8 for s in sections)
    assert len(CASES["sample"]) >= 60


def test_sample_accuracy(deps):
    cases = CASES["sample"]
    at1, at3, misses = score(cases, deps)
    report("sample (liaoning-2024)", at1, at3, len(cases), misses)
    assert at1 / len(cases) >= 0.95
    assert at3 / len(cases) >= 0.99


def test_other_reports_accuracy(deps):
    names = set(deps.names())
    for c in CASES["corpus"]:
        assert c["text"] in (ROOT / "tests/corpus" / f"{c['source']}.txt").read_text(encoding="utf-8")
        assert set(c["lead"]) <= names
    at1, at3, misses = score(CASES["corpus"], deps)
    report("corpus (other reports)", at1, at3, len(CASES["corpus"]), misses)
    assert at1 / len(CASES["corpus"]) >= 0.9


def test_blind_set_accuracy(deps):
    at1, at3, misses = score(CASES["blind"], deps)
    report("blind (other provinces' style)", at1, at3, len(CASES["blind"]), misses)
    assert at1 / len(CASES["blind"]) >= 0.85
    assert at3 / len(CASES["blind"]) >= 0.95


def test_real_plan_of_another_province(deps):
    """The Jiangxi 2024 分工方案 names its own lead units: the engine should agree."""
    text = (ROOT / "tests/corpus/province-2024-task-division.txt").read_text(encoding="utf-8")
    cases = [{"text": m.group(1), "lead": m.group(2).split("、")}
             for m in re.finditer(r"\d+．(.*?)（牵头单位：([^；）]*)", text)]
    assert len(cases) >= 20
    at1, at3, misses = score(cases, deps)
    report("jiangxi plan", at1, at3, len(cases), misses)
    assert at1 / len(cases) >= 0.9
    assert at3 / len(cases) >= 0.95


# ---------------------------------------------------------------- headline targets and owners

@pytest.mark.parametrize("text, lead, resp", [
    ("地区生产总值增长5.5%左右", "省发展改革委", {"省统计局", "各市人民政府"}),
    ("一般公共预算收入增长5%", "省财政厅", {"省税务局"}),
    ("规模以上工业增加值增长5.5%", "省工业和信息化厅", {"省统计局"}),
    ("固定资产投资增长10%", "省发展改革委", {"省统计局"}),
    ("社会消费品零售总额增长8%", "省商务厅", {"省统计局"}),
    ("进出口总额增长6%", "省商务厅", {"沈阳海关", "大连海关"}),
    ("城镇新增就业46万人", "省人力资源社会保障厅", {"各市人民政府"}),
    ("居民消费价格涨幅3%左右", "省发展改革委", {"国家统计局辽宁调查总队"}),
    ("粮食产量500亿斤左右", "省农业农村厅", {"省粮食和储备局"}),
])
def test_headline_targets(deps, text, lead, resp):
    s = suggest(text, figures=indicators_in(text), departments=deps)
    assert s.lead_units[0] == lead
    assert resp <= set(s.resp_units)
    assert any("indicator" in r for r in s.reasons)


class Fig:
    def __init__(self, canonical):
        self.canonical = canonical


def test_indicator_owner_from_figures_alone(deps):
    """Figures decide when the words do not: ids as strings or objects with .canonical."""
    assert suggest("完成年度目标", figures=["budget_revenue"], departments=deps).lead_units == ["省财政厅"]
    s = suggest("完成年度目标", figures=[Fig("urban_new_jobs"), Fig(None)], departments=deps)
    assert s.lead_units == ["省人力资源社会保障厅"]
    assert "城镇新增就业 (urban_new_jobs)" in s.reasons[0]
    s = suggest("完成年度目标", figures=(f for f in ["gdp"]), departments=deps)  # a generator
    assert s.lead_units == ["省发展改革委"] and "省统计局 (responsible): supports indicator gdp" in s.reasons
    # deposits are owned by nobody in the catalogue: the indicator catalogue's hint decides
    assert suggest("完成年度目标", figures=["deposits"], departments=deps).lead_units == ["省地方金融管理局"]


def test_every_indicator_has_an_owner_and_every_id_exists(deps):
    from luoshi.plan.assign import _owners

    ids = {e["id"] for e in INDICATORS}
    for e in INDICATORS:
        assert _owners(deps, e["id"]), e["id"]
    for u in deps.units:
        assert set(u.indicators) | set(u.supports) <= ids, u.name


# ---------------------------------------------------------------- places

def test_named_cities_are_responsible_never_leads(deps):
    s = suggest("加快沈阳、大连创建国际消费中心城市步伐", departments=deps)
    assert s.lead_units == ["省商务厅"]
    assert {"沈阳市人民政府", "大连市人民政府"} <= set(s.resp_units)
    assert "大连金融监管局" not in s.resp_units  # central units are not named by places
    assert "沈阳市人民政府 (responsible): place 沈阳" in s.reasons


def test_areas_and_local_execution(deps):
    s = suggest("支持辽西打造京津冀科技成果孵化基地", departments=deps)
    assert {"锦州市人民政府", "阜新市人民政府", "朝阳市人民政府", "葫芦岛市人民政府"} <= set(s.resp_units)
    s = suggest("推进紧密型城市医联体和县域医共体建设。", departments=deps)
    assert s.lead_units == ["省卫生健康委"] and "各市人民政府" in s.resp_units
    s = suggest("加快建设长城国家文化公园", places=["鞍山市"], departments=deps)
    assert "鞍山市人民政府" in s.resp_units
    s = suggest("支持沈抚改革创新示范区“三区一引擎”建设", departments=deps)
    assert "沈抚示范区管委会" in s.resp_units


# ---------------------------------------------------------------- behaviour

def test_longest_phrase_wins_overlaps(deps):
    """农村公路 is transport, not agriculture; 高质量 is not the remit word 质量."""
    s = suggest("建设改造农村公路", departments=deps)
    assert s.lead_units == ["省交通运输厅"] and "省农业农村厅" not in s.resp_units
    assert "省市场监管局" not in suggest("推动高质量发展", departments=deps).resp_units


def test_co_leads_when_close_and_confidence_from_margin(deps):
    s = suggest("实施文艺精品创作工程和广电视听提质创优工程，推进文化惠民和智慧广电建设。", departments=deps)
    assert set(s.lead_units) == {"省文化和旅游厅", "省广播电视局"}
    clear = suggest("推动基本医疗保险省级统筹，完善大病保险和医疗救助制度，扩大药品耗材带量采购品类。",
                    departments=deps)
    assert clear.lead_units == ["省医保局"] and clear.confidence > 0.9 > s.confidence


def test_nothing_matched():
    s = suggest("各位代表，让我们团结奋斗！", departments=load_departments(region="辽宁省"))
    assert s.lead_units == [] and s.confidence == 0.0 and s.reasons


def test_suggestion_shape_and_determinism(deps):
    text = "严格落实一揽子化债方案，妥善处置存量债务，坚决遏制隐性债务。"
    a, b = suggest(text, departments=deps), suggest(text, departments=deps)
    assert isinstance(a, Suggestion) and a == b
    d = a.to_dict()
    assert list(d) == ["lead_units", "resp_units", "confidence", "reasons"]
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert 0 <= d["confidence"] <= 1


def test_traditional_script(deps):
    assert suggest("籌集保障性租賃住房3萬套", departments=deps).lead_units == ["省住房城乡建设厅"]


def test_confidence_in_range_over_the_whole_plan(deps):
    doc = luoshi.read(luoshi.sample_path())
    for sent in re.split(r"[。！]", doc.text[6509:16184]):
        s = suggest(sent, departments=deps)
        assert 0 <= s.confidence <= 1
        assert not set(s.lead_units) & set(s.resp_units)


# ---------------------------------------------------------------- the catalogue

def test_bundled_catalogue_is_complete(deps):
    names = set(deps.names())
    aliases = {a for u in deps.units for a in u.aliases}
    required = ("省发展改革委 省教育厅 省科技厅 省工业和信息化厅 省财政厅 省人力资源社会保障厅 省自然资源厅 "
                "省生态环境厅 省住房城乡建设厅 省交通运输厅 省水利厅 省农业农村厅 省商务厅 省文化和旅游厅 "
                "省卫生健康委 省应急管理厅 省国资委 省市场监管局 省数据局 省税务局 人民银行辽宁省分行 "
                "辽宁证监局 沈阳海关 大连海关 省通信管理局 省气象局 国网辽宁省电力公司 各市人民政府 "
                "沈抚示范区管委会").split()
    assert set(required) <= names
    assert "国家金融监督管理总局辽宁监管局" in aliases
    cities = "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛".split()
    assert {f"{c}市人民政府" for c in cities} <= names
    government = [u for u in deps.units if u.kind in ("department", "special", "affiliated", "managed")]
    assert len(government) >= 40
    assert all(u.remit for u in deps.units if u.kind != "local")


def _write(tmp_path, data) -> Path:
    p = tmp_path / "deps.json"
    p.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


def test_another_region_catalogue(tmp_path):
    """A city catalogue: its own names, the indicator hint adapted (财政厅 → 财政局)."""
    p = _write(tmp_path, {"region": "某市", "units": [
        {"name": "市财政局", "remit": ["财政", ["预算", 2]]},
        {"name": "市交通运输局", "remit": ["公路"]},
        {"name": "某区人民政府", "kind": "local", "places": ["某区"]}]})
    deps = load_departments(p)
    s = suggest("某区新改建农村公路100公里", departments=deps)
    assert s.lead_units == ["市交通运输局"] and s.resp_units == ["某区人民政府"]
    assert suggest("完成目标", figures=["budget_revenue"], departments=str(p)).lead_units == ["市财政局"]


@pytest.mark.parametrize("content, words", [
    ("{not json", "invalid JSON"),
    ({"units": []}, "non-empty \"units\""),
    ({"units": [{"remit": ["a"]}]}, "no name"),
    ({"units": [{"name": "甲"}, {"name": "甲"}]}, "listed twice"),
    ({"units": [{"name": "甲", "kind": "club"}]}, "kind must be"),
    ({"units": [{"name": "甲", "remit": [["a", -1]]}]}, "remit entries"),
    ({"units": [{"name": "甲", "places": "沈阳"}]}, "places must be"),
    ({"units": [{"name": "甲"}], "default_lead": "乙"}, "default_lead"),
    ({"extends": "generic", "region": "某市", "level": "city", "names": {"no_such": "市甲局"}}, "no function"),
])
def test_bad_catalogue_is_one_clear_error(tmp_path, content, words):
    p = _write(tmp_path, content)
    with pytest.raises(InputError) as e:
        load_departments(p)
    assert str(p) in str(e.value) and words in str(e.value)


def test_user_overlay_of_the_generic_catalogue(tmp_path):
    """A user's file may adapt the generic catalogue to a region's usage instead of listing it all."""
    p = _write(tmp_path, {"extends": "generic", "region": "某区", "level": "district",
                          "names": {"science": "区科经局"}, "drop": ["industry"]})
    deps = load_departments(p)
    assert "区科经局" in deps.names() and "区工信局" not in deps.names() and not deps.generic
    assert suggest("新增国家高新技术企业100家", departments=deps).lead_units == ["区科经局"]
    assert deps.resolve("区科技局") == "区科经局"


def test_missing_catalogue(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_departments(tmp_path / "nope.json")


def test_edited_catalogue_is_read_again(tmp_path):
    p = _write(tmp_path, {"units": [{"name": "甲", "remit": ["公路"]}]})
    assert load_departments(p).names() == ["甲"]
    p.write_text(json.dumps({"units": [{"name": "乙乙", "remit": ["公路"]}]}), encoding="utf-8")
    assert load_departments(p).names() == ["乙乙"]


# ---------------------------------------------------------------- luoshi assign

def run(*args):
    return CliRunner().invoke(main, ["assign", *args])


def test_cli_json():
    r = run("地区生产总值增长5.5%左右", "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["lead_units"] == ["省发展改革委"] and "省统计局" in d["resp_units"]
    assert set(d) == {"lead_units", "resp_units", "confidence", "reasons", "catalogue"}
    assert d["catalogue"]["generic"] is True  # no region given: the generic provincial names


def test_cli_text_and_places():
    r = run("加快建设长城国家文化公园", "--place", "葫芦岛", "--region", "辽宁省")
    assert r.exit_code == 0, r.output
    assert "牵头单位: 省文化和旅游厅" in r.output and "葫芦岛市人民政府" in r.output


def test_cli_departments_file(tmp_path):
    p = _write(tmp_path, {"units": [{"name": "县交通运输局", "remit": ["公路"]}]})
    r = run("新改建农村公路100公里", "--departments", str(p), "--format", "json")
    assert r.exit_code == 0 and json.loads(r.output)["lead_units"] == ["县交通运输局"]


def test_cli_bad_input(tmp_path):
    r = run("就业", "--departments", str(_write(tmp_path, "[]")))
    assert r.exit_code == 2 and "not a departments catalogue" in r.output
    r = run("就业", "--departments", str(tmp_path / "missing.json"))
    assert r.exit_code == 2 and "no such file" in r.output
    assert run("  ").exit_code == 2
