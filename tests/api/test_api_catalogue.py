"""Uploading a report with a departments catalogue (SQLite and PostgreSQL): kept for the
report's region, the tasks then name its units; a bad or mismatched one is 422 with the reason
in English and Chinese, and nothing is written."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from luoshi.api.app import create_app
from luoshi.api.settings import Settings
from luoshi.store import AuditEntry, DepartmentCatalogue, Report

ROOT = Path(__file__).parent.parent.parent
HAIDIAN = ROOT / "tests" / "heldout" / "district-2024-work-report.txt"
JIANGXI = ROOT / "tests" / "plan" / "fixtures" / "jiangxi-2024-report-excerpt.txt"
CATALOGUE = ROOT / "tests" / "track" / "fixtures" / "haidian-departments.json"


def counts(sessions) -> tuple[int, ...]:
    with sessions() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Report, DepartmentCatalogue, AuditEntry))


def upload(c, token, report: Path, catalogue: tuple[str, bytes] | None = None, **form):
    files = {"file": (report.name, report.read_bytes(), "text/plain")}
    if catalogue:
        files["departments"] = (catalogue[0], catalogue[1], "application/json")
    return c.post("/api/v1/reports", headers={"Authorization": f"Bearer {token}"}, files=files, data=form)


def test_upload_with_a_catalogue(db_url, accounts):
    app = create_app(db_url, settings=Settings(include_web=False))
    tokens, _ = accounts(app.state.sessions)
    sup = {"Authorization": f"Bearer {tokens['supervisor']}"}
    with TestClient(app) as c:
        before = counts(app.state.sessions)
        bad = upload(c, tokens["supervisor"], HAIDIAN, ("mine.json", '{"units": [{"name": "区财政局", "weight": 0}]}'.encode()))
        assert bad.status_code == 422, bad.text
        err = bad.json()["error"]
        assert err["code"] == "bad_catalogue" and "weight must be a positive number" in err["message"]
        assert err["detail"]["file"] == "mine.json" and "weight 应为正数" in err["detail"]["zh"]
        other = upload(c, tokens["supervisor"], JIANGXI, (CATALOGUE.name, CATALOGUE.read_bytes()))
        assert other.status_code == 422 and "江西省" in other.json()["error"]["detail"]["zh"]
        assert counts(app.state.sessions) == before  # nothing written

        r = upload(c, tokens["supervisor"], HAIDIAN, (CATALOGUE.name, CATALOGUE.read_bytes()))
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["region"] == "北京市海淀区" and body["catalogue"]["origin"] == "library"
        assert body["kept_catalogue"]["region"] == "北京市海淀区" and body["kept_catalogue"]["new"]
        made = c.post(f"/api/v1/reports/{body['report_id']}/tasks", headers=sup).json()
        names = {a["department"] for t in made["tasks"] for a in t["assignments"]}
        assert {"区发展改革委", "区科信局"} <= names and "区发改局" not in names
        assert made["catalogue"]["origin"] == "library"

        j = upload(c, tokens["supervisor"], JIANGXI)  # no catalogue of its own: the generic one
        assert j.status_code == 201 and j.json()["catalogue"]["generic"] and j.json()["kept_catalogue"] is None
        assert upload(c, tokens["reporter"], HAIDIAN, (CATALOGUE.name, CATALOGUE.read_bytes())).status_code == 403


def test_kept_catalogues_listed_and_removed(db_url, accounts):
    app = create_app(db_url, settings=Settings(include_web=False))
    tokens, _ = accounts(app.state.sessions)
    sup = {"Authorization": f"Bearer {tokens['supervisor']}"}
    viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
    with TestClient(app) as c:
        assert upload(c, tokens["supervisor"], HAIDIAN, (CATALOGUE.name, CATALOGUE.read_bytes())).status_code == 201
        items = c.get("/api/v1/catalogues", headers=viewer).json()["items"]
        assert [(k["region"], k["source"], k["in_force"]) for k in items] == [("北京市海淀区", CATALOGUE.name, True)]
        assert c.get("/api/v1/catalogues", params={"region": "江西省"}, headers=viewer).json()["items"] == []
        assert c.delete(f"/api/v1/catalogues/{items[0]['id']}", headers=viewer).status_code == 403
        gone = c.delete(f"/api/v1/catalogues/{items[0]['id']}", headers=sup)
        assert gone.status_code == 200, gone.text
        assert gone.json()["removed"]["region"] == "北京市海淀区" and gone.json()["now"] is None
        assert counts(app.state.sessions)[1] == 0
        again = c.delete(f"/api/v1/catalogues/{items[0]['id']}", headers=sup)
        assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"
