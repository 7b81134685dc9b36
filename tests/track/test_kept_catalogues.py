"""A departments catalogue supplied with an import (SQLite and PostgreSQL): checked and fitted to
its report's region before anything is written, kept for the region, and then named by every
draft of that region's reports — tasks from the report, later reports, a person's assignment,
a 分工方案's reassignments — while other regions keep theirs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from luoshi import store
from luoshi.plan.assign import CatalogueError
from luoshi.services.supplied import import_report
from luoshi.store import DepartmentCatalogue, Report
from luoshi.track import catalogues as C
from luoshi.track import services as S
from luoshi.track.division import applied
from luoshi.track.replay import differences

ROOT = Path(__file__).parent.parent.parent
FIX = Path(__file__).parent / "fixtures"
HAIDIAN = ROOT / "tests" / "heldout" / "district-2024-work-report.txt"
HAIDIAN_CAT = FIX / "haidian-departments.json"
JIANGXI = ROOT / "tests" / "plan" / "fixtures" / "jiangxi-2024-report-excerpt.txt"
JIANGXI_CAT = FIX / "jiangxi-departments.json"
DIVISION = ROOT / "tests" / "corpus" / "province-2024-task-division.txt"


def supplied(path: Path, **change) -> C.Supplied:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(change)
    data = {k: v for k, v in data.items() if v is not None}
    return C.check(json.dumps(data, ensure_ascii=False).encode("utf-8"), path.name)


def leads(tasks) -> set[str]:
    return {a.department for t in tasks for a in t.assignments if a.role == "lead"}


def units(tasks) -> set[str]:
    return {a.department for t in tasks for a in t.assignments}


def count(sessions, model) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------- fitting (no database)

def test_a_catalogue_is_fitted_to_its_reports_region_or_refused():
    own = supplied(HAIDIAN_CAT)
    assert C.fit(own, "北京市海淀区", "district") is own  # it names its region and level
    assert C.fit(own, None, None) is own
    with pytest.raises(C.Mismatch) as e:
        C.fit(own, "江西省", "province")
    assert "北京市海淀区" in e.value.zh and "江西省" in e.value.zh
    anon = supplied(HAIDIAN_CAT, region=None, level=None)
    fitted = C.fit(anon, "北京市海淀区", "district")  # no region of its own: the report's
    assert (fitted.region, fitted.level) == ("北京市海淀区", "district")
    assert "区科信局" in fitted.departments.names() and fitted.sha256 == anon.sha256
    with pytest.raises(C.Mismatch) as e:
        C.fit(anon, None, None)
    assert "没有写明地区" in e.value.zh
    with pytest.raises(C.Mismatch) as e:  # a province's catalogue for a district's report
        C.fit(supplied(JIANGXI_CAT), "江西省", "city")
    assert "省级" in e.value.zh and "市级" in e.value.zh


def test_a_bad_file_is_a_catalogue_error_in_chinese():
    with pytest.raises(CatalogueError) as e:
        C.check(b"\xff\xfe not json", "x.json")
    assert e.value.zh and "UTF-8" in e.value.zh


# ---------------------------------------------------------------- kept in the library

def test_kept_for_its_region_and_level_only(sessions):
    with store.write_transaction(sessions) as s:
        info = C.keep(s, supplied(HAIDIAN_CAT), S.SYSTEM)
        assert info.new and info.units > 40
        again = C.keep(s, supplied(HAIDIAN_CAT), S.SYSTEM)  # the same file: nothing new
        assert not again.new and again.id == info.id
    with sessions() as s:
        deps = C.kept(s, "北京市海淀区", "district")
        assert deps.origin == "library" and not deps.generic and "区科信局" in deps.names()
        assert C.kept(s, "北京市海淀区", "province") is None  # another level
        assert C.kept(s, "北京市朝阳区", "district") is None  # another district
        assert C.for_report(s, "北京市朝阳区", "district").generic
        assert C.for_report(s, "辽宁省", "province").origin == "bundled"
        entries = S.audit_entries(s, entity=C.ENTITY)
        assert [e.after["source"] for e in entries] == [HAIDIAN_CAT.name]
    assert count(sessions, DepartmentCatalogue) == 1


def test_the_newest_catalogue_of_a_region_is_in_force(sessions):
    with store.write_transaction(sessions) as s:
        C.keep(s, supplied(HAIDIAN_CAT), S.SYSTEM)
        second = C.keep(s, supplied(HAIDIAN_CAT, names={"science": "区科委"}), S.SYSTEM)
    with sessions() as s:
        names = C.kept(s, "北京市海淀区", "district").names()
        assert "区科委" in names and "区科信局" not in names
        assert [c.info.id for c in C.list_kept(s)][0] == second.id  # the older one stays as history
        assert S.audit_entries(s, entity=C.ENTITY)[-1].before["source"] == HAIDIAN_CAT.name


def test_a_list_says_which_is_in_force_and_removing_one_brings_back_the_one_before(sessions):
    with store.write_transaction(sessions) as s:
        first = C.keep(s, supplied(HAIDIAN_CAT), S.SYSTEM)
        second = C.keep(s, supplied(HAIDIAN_CAT, names={"science": "区科委"}), S.SYSTEM)
    with sessions() as s:
        listed = C.list_kept(s)
        assert [(k.info.id, k.in_force, k.replaced_by) for k in listed] == \
            [(second.id, True, None), (first.id, False, second.id)]
        assert C.list_kept(s, "北京市朝阳区") == [] and len(C.list_kept(s, "海淀区")) == 2
    with store.write_transaction(sessions) as s:
        gone, now = C.remove(s, second.id, S.SYSTEM)
        assert gone.id == second.id and now is not None and "区科信局" in now.names()
    with sessions() as s:
        assert [(k.info.id, k.in_force) for k in C.list_kept(s)] == [(first.id, True)]
        entry = S.audit_entries(s, entity=C.ENTITY)[-1]
        assert entry.action == "delete" and entry.before["data"]["units"] and entry.after is None
    with store.write_transaction(sessions) as s:
        _, now = C.remove(s, first.id, S.SYSTEM)
        assert now is None and C.for_report(s, "北京市海淀区", "district").generic
    with pytest.raises(C.NotKept, match="no kept departments catalogue has id"):
        with store.write_transaction(sessions) as s:
            C.remove(s, first.id, S.SYSTEM)


# ---------------------------------------------------------------- imported with a report

def test_import_with_a_catalogue_drafts_its_units_and_later_drafts_too(sessions):
    made = []

    def then(s, result):
        made.extend(S.tasks_from_report(s, result.report_id, S.SYSTEM).created)

    done = import_report(sessions, HAIDIAN, actor=S.SYSTEM, catalogue=supplied(HAIDIAN_CAT), then=then)
    assert done.kept is not None and done.kept.region == "北京市海淀区"
    assert done.applies["origin"] == "library" and not done.applies["generic"]
    assert {"区发展改革委", "区科信局", "区住房城乡建设委"} <= leads(made)
    assert not {"区发改局", "区科技局", "区住建局"} & units(made)  # the generic names are gone
    with store.write_transaction(sessions) as s:
        t = made[-1]  # a person assigns a unit only the kept catalogue knows
        after = S.assign(s, t.id, ["中关村科学城管委会"], "responsible", S.SYSTEM)
        assert "中关村科学城管委会" in units([after])
        assert differences(s) == []


def test_a_bad_or_mismatched_catalogue_changes_nothing(sessions):
    with pytest.raises(C.Mismatch):  # the catalogue of Haidian with Jiangxi's report
        import_report(sessions, JIANGXI, actor=S.SYSTEM, catalogue=supplied(HAIDIAN_CAT))
    assert count(sessions, Report) == 0 and count(sessions, DepartmentCatalogue) == 0
    with pytest.raises(CatalogueError) as e:
        C.check('{"region": "江西省", "units": [{"name": "省财政厅", "remit": "财政"}]}'.encode(), "bad.json")
    assert "remit" in e.value.zh


def test_a_report_without_region_takes_its_catalogues(sessions, tmp_path):
    plain = tmp_path / "report.txt"  # the report's header cut off: no region in it nor its name
    plain.write_text(JIANGXI.read_text(encoding="utf-8").split("\n", 2)[2].replace("江西", ""), encoding="utf-8")
    done = import_report(sessions, plain, actor=S.SYSTEM, catalogue=supplied(JIANGXI_CAT))
    assert done.result.region == "江西省" and done.applies["origin"] == "library"


def test_a_division_imported_with_the_catalogue_reassigns_with_its_units(sessions):
    """Jiangxi's report drafted with the library's catalogue (its 设区市 governments), then its
    分工方案: the agreement, the tasks reassigned and kept are recorded for the report's page."""
    with store.write_transaction(sessions) as s:
        C.keep(s, supplied(JIANGXI_CAT), S.SYSTEM)
    report = import_report(sessions, JIANGXI, actor=S.SYSTEM).result
    with store.write_transaction(sessions) as s:
        made = S.tasks_from_report(s, report.report_id, S.SYSTEM).created
        assert "各设区市人民政府" in units(made) and "各市（州）人民政府" not in units(made)
        first = made[0]
        S.unassign(s, first.id, sorted(a.department for a in first.assignments if a.role == "lead")[0],
                   "lead", S.SYSTEM)
    div = import_report(sessions, DIVISION, actor=S.SYSTEM).result
    done = div.division
    assert done["reassigned"] == len(done["reassigned_ids"]) > 0
    assert done["kept_ids"] == [first.id] and done["kept"] == 1
    with sessions() as s:
        assert applied(s, div.report_id) == done
        assert applied(s, report.report_id) is None  # no 分工方案
