"""What a task is labelled with: deadline, projects, places, kind, verb."""

from __future__ import annotations

import pytest

from luoshi.plan.annotate import (deadline_label, deadline_of, has_verb, kind_of, places_in,
                                  projects_in)


@pytest.mark.parametrize("text, iso, phrase", [
    ("推进县域商业创新发展。", "2024-12-31", ""),
    ("年底前完成农村宅基地两项试点任务。", "2024-12-31", "年底前"),
    ("年内建成5G基站6000个。", "2024-12-31", "年内"),
    ("上半年出台支持措施。", "2024-06-30", "上半年"),
    ("一季度完成摸底。", "2024-03-31", "一季度"),
    ("第三季度前完成验收。", "2024-09-30", "第三季度前"),
    ("6月底前出台若干措施。", "2024-06-30", "6月底前"),
    ("六月底前出台若干措施。", "2024-06-30", "六月底前"),
    ("9月30日前完成。", "2024-09-30", "9月30日前"),
    ("2024年10月底前完成。", "2024-10-31", "2024年10月底前"),
    ("2月底前启动。", "2024-02-29", "2月底前"),
    ("6月底前出台措施，年底前新建概念验证中心10个。", "2024-12-31", "年底前"),
    ("到2026年，力争占比达到52%。", "2026-12-31", "到2026年"),
    ("到2025年底实现全覆盖。", "2025-12-31", "到2025年底"),
])
def test_deadlines(text, iso, phrase):
    assert deadline_of(text, 2024) == (iso, phrase)


def test_deadline_label():
    assert deadline_label("2024-12-31") == "2024年12月底前"
    assert deadline_label("2024-09-20") == "2024年9月20日前"
    assert deadline_label("") == ""


def test_projects_of_the_investment_sentences():
    s = ("推进大连金州湾国际机场、沈白高铁、京哈高速改扩建、辽河干流防洪提升工程等项目加快建设，"
         "开工建设秦沈和新阜高速公路等项目，加快推进沈阳桃仙机场二跑道、沈阳都市圈环线、本庄高速、"
         "辽东半岛水资源配置等前期工作。").replace("，", ",").replace("。", "。")
    assert projects_in(s, "辽宁省") == [
        "大连金州湾国际机场", "沈白高铁", "京哈高速改扩建", "辽河干流防洪提升工程", "秦沈高速公路",
        "新阜高速公路", "沈阳桃仙机场二跑道", "沈阳都市圈环线", "本庄高速", "辽东半岛水资源配置"]
    s = "稳步推进徐大堡、庄河核电基地建设,有序推进朝阳、兴城、大雅河等抽水蓄能电站建设"
    assert projects_in(s, "辽宁省") == ["徐大堡核电基地", "庄河核电基地", "朝阳抽水蓄能电站",
                                     "兴城抽水蓄能电站", "大雅河抽水蓄能电站"]
    assert projects_in("加快沈阳、大连、营口国家物流枢纽建设", "辽宁省") == [
        "沈阳国家物流枢纽", "大连国家物流枢纽", "营口国家物流枢纽"]


def test_no_projects_in_generic_or_quoted_lists():
    assert projects_in("加快建设现代化基础设施体系,深入实施15项重大工程。") == []
    assert projects_in("支持沈阳对标国家中心城市加快“一枢纽、四中心”建设。") == []
    assert projects_in("加快20个国家新型工业化产业示范基地建设。") == []


def test_places():
    s = "支持沈阳对标国家中心城市加快“一枢纽、四中心”建设,支持沈抚改革创新示范区“三区一引擎”建设。"
    assert places_in(s, "辽宁省") == ["沈阳", "沈抚改革创新示范区"]
    assert places_in("支持锦州建设区域中心城市,支持阜新、朝阳发展陆上风光新能源", "辽宁省") == [
        "锦州", "阜新", "朝阳"]
    # the report's own region is no place of a task
    assert places_in("加快建设辽宁实验室", "辽宁省") == []


def test_places_of_the_report_region_by_short_name():
    """Counties and districts by short name only in a report of their own region (the
    gazetteer's rule), ordinary words (共同富裕, 新兴产业) never, 西安区域 is 西安 + 区域."""
    assert places_in("支持海淀、朝阳建设国际科技创新中心", "北京市") == ["海淀", "朝阳"]
    assert places_in("推动庄河、瓦房店加快发展", "辽宁省") == ["庄河", "瓦房店"]
    assert places_in("推动庄河、瓦房店加快发展", "广东省") == []
    assert places_in("扎实推进共同富裕,发展新兴产业", "黑龙江省") == []
    assert places_in("以西安区域科技创新中心建设为牵引", "陕西省") == ["西安"]
    assert places_in("江都区、仪征市地区生产总值分别增长", "扬州市") == ["江都区", "仪征市"]
    # 县镇村 (counties, towns, villages) opens at the 县: no 浮山县 inside 罗浮山 (guangdong-2026)
    assert places_in("持续推进环南昆山—罗浮山县镇村高质量发展引领区", "广东省") == []
    assert places_in("支持浮山县农村产业发展", "山西省") == ["浮山县"]
    # a route between places keeps its own suffix
    assert projects_in("开工建设沪乍杭铁路、诸暨至嵊州高速公路等项目", "浙江省") == [
        "沪乍杭铁路", "诸暨至嵊州高速公路"]


def test_kind_and_verb():
    assert kind_of("深化国资国企改革,推进国有企业布局调整。") == "reform"
    assert kind_of("制定实施促进高质量充分就业的实施意见。") == "policy"
    assert kind_of("新增高新技术企业1500家。", has_figures=True) == "target"
    assert kind_of("推进大连金州湾国际机场建设。", has_projects=True) == "project"
    assert kind_of("推动对口合作走深走实。") == "action"
    assert has_verb("都市圈跨域通办事项超过200项。")
    assert has_verb("高端装备制造业规模占比提高到27.5%")
    assert not has_verb("向短板要增量,向差距要潜能,向劣势求突破。")
