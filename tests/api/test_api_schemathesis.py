"""Schemathesis over the OpenAPI document: generated requests for every operation, each sent
as an admin and as a department reporter, against the example (imported, tasks created) on
SQLite and PostgreSQL; no answer may be a server error.

Bounded for CI: EXAMPLES valid and NEGATIVE invalid cases per operation, at most BUDGET
seconds each (env LUOSHI_SCHEMATHESIS_EXAMPLES scales all three: 5 for a longer hunt),
in-process over ASGI, no shrinking, and every 500 collected before failing, so one run lists
them all. Most cases use the example's own report and task ids, so that they get past the 404.
Requests that would revoke the test's own tokens or disable its accounts are left out (the
rest of the run would be 401s).

The operations are driven with hypothesis directly (``operation.as_strategy``) rather than
through schemathesis's pytest plugin, whose lazy fixture loader does not run on pytest 9.
What the run found is kept as plain regression tests below.
"""

from __future__ import annotations

import itertools
import os
import re
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

import luoshi

SCALE = float(os.environ.get("LUOSHI_SCHEMATHESIS_EXAMPLES") or 1)
EXAMPLES = max(1, round(8 * SCALE))  # valid requests per operation
NEGATIVE = max(1, round(3 * SCALE))  # invalid ones (wrong types, missing fields)
BUDGET = 5.0 * SCALE  # seconds per operation, after which its remaining cases are not sent
ROLES = ("admin", "reporter")
ACCOUNTS = {"root", "duban", "fgw", "czt", "kan"}  # conftest.add_users


def _destroys_credentials(case) -> bool:
    """Revoking one of the test's tokens or disabling one of its accounts."""
    path, params = case.operation.path, case.path_parameters or {}
    if case.method.upper() == "DELETE" and path.endswith("/tokens/{token_id}"):
        return True  # token ids are small numbers: the generator finds ours at once
    return path.endswith("/users/{username}/disable") and params.get("username") in ACCOUNTS


def _run(operation, mode: GenerationMode, n: int, shared, found: dict[str, str], ok: set[str],
         stop_at: float) -> int:
    """Send ``n`` generated cases of ``operation`` (none after ``stop_at``, a perf_counter
    time); the first server error is kept in ``found`` by operation, and the operation goes
    into ``ok`` when an answer was a success. Returns the number of requests sent."""
    sent = 0

    # cases on the example's own report and tasks (a generated id is a 404 and gets no further),
    # and cases with generated ids
    known = {"report_id": [shared.report_id], "task_id": [shared.own, shared.other]}
    names = [p for p in re.findall(r"{(\w+)}", operation.path) if p in known]
    real = [operation.as_strategy(generation_mode=mode, path_parameters=dict(zip(names, values)))
            for values in itertools.product(*(known[n] for n in names))] if names else []
    strategy = st.one_of(operation.as_strategy(generation_mode=mode), *real)

    @given(case=strategy)
    @settings(max_examples=n, deadline=None, phases=[Phase.generate], database=None,
              suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        nonlocal sent
        if _destroys_credentials(case) or time.perf_counter() > stop_at:
            return
        for role in ROLES:  # the same request from each: the reporter is refused more, differently
            try:
                response = case.call(headers={**(case.headers or {}), **shared.h(role)})
            except Exception as e:  # the test client re-raises what the app did not handle
                found.setdefault(operation.label, f"{role}: {type(e).__name__}: {str(e)[:300]}\n"
                                                   f"    {case.as_curl_command()}")
                raise
            sent += 1
            if response.status_code < 300:
                ok.add(operation.label)
            if response.status_code >= 500:
                found.setdefault(operation.label, f"{role}: {response.status_code} {response.text[:300]}\n"
                                                   f"    {case.as_curl_command()}")
            case.validate_response(response, checks=[not_a_server_error])  # a 500 stops this operation

    try:
        check()
    except Unsatisfiable:  # no invalid request exists (an operation without parameters)
        pass
    except Exception as e:  # noqa: BLE001 - collected, reported at the end
        found.setdefault(operation.label, f"{type(e).__name__}: {str(e)[:500]}")
    return sent


def test_no_server_error(shared):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", shared.client.app)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 20
    found: dict[str, str] = {}
    ok: set[str] = set()
    sent = 0
    took: dict[str, float] = {}
    for op in operations:
        t0 = time.perf_counter()
        sent += _run(op, GenerationMode.POSITIVE, EXAMPLES, shared, found, ok, t0 + BUDGET)
        sent += _run(op, GenerationMode.NEGATIVE, NEGATIVE, shared, found, ok, t0 + BUDGET)
        took[op.label] = time.perf_counter() - t0
    print("slowest operations (s):", sorted(((round(t, 1), k) for k, t in took.items()), reverse=True)[:6])
    assert not found, "server errors:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())
    # not a run of 401s and 422s: the tokens still work, and most operations got through
    assert sent >= len(operations) * 2 * len(ROLES)
    assert all(shared.get("/me", role).status_code == 200 for role in ROLES)
    assert len(ok) >= len(operations) // 2, sorted({op.label for op in operations} - ok)


# -- what the run found (each was a 500), as plain requests ------------------------------------

HUGE = 12631965059857102848  # > 2**63: SQLite's driver raised OverflowError
BIG = 17414271033  # > 2**31: PostgreSQL's integer out of range (DataError)


def _invalid(r, where: str | None = None) -> None:
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "invalid"
    if where is not None:
        assert where in err["message"], err


@pytest.mark.parametrize("number", [HUGE, BIG, -BIG])
def test_ids_out_of_the_databases_range_are_422(shared, number):
    for path in (f"/reports/{number}", f"/reports/{number}/outline", f"/reports/{number}/plan",
                 f"/reports/{number}/rollups", f"/reports/{number}/publication", f"/tasks/{number}"):
        _invalid(shared.get(path), "report_id" if "reports" in path else "task_id")
    _invalid(shared.put(f"/reports/{number}/publication", json={"ratings": True}), "report_id")
    _invalid(shared.post(f"/tasks/{number}/assignments", json={"departments": ["省财政厅"]}), "task_id")
    _invalid(shared.delete(f"/tasks/{number}/assignments", params={"department": "省财政厅"}), "task_id")
    _invalid(shared.post(f"/tasks/{number}/progress", json={
        "expected_version": None, "reported_on": "2024-05-01", "status": "in_progress"}), "task_id")
    _invalid(shared.post(f"/tasks/{number}/revisions", json={
        "effective": "0777-07-21", "fields": {"": []}, "reason": "x"}), "task_id")
    _invalid(shared.delete(f"/tokens/{number}"), "token_id")
    for path in ("/reports", "/figures", "/compare"):
        _invalid(shared.get(path, params={"year": number}), "year")
    _invalid(shared.get("/search", params={"q": "gdp", "year": number}), "year")
    _invalid(shared.get("/compare", params={"year": number, "indicator": "gdp", "across_regions": True}), "year")
    _invalid(shared.get("/tasks", params={"report": number}), "report")
    _invalid(shared.get("/audit", params={"offset": HUGE}), "offset")
    _invalid(shared.post("/users", json={"username": "x1", "password": "p", "role": "viewer",
                                         "department": number}), "department")


def test_department_given_as_a_number_the_database_cannot_hold(shared):
    """'²' passes str.isdigit (int() then raised); 20 digits overflowed the id column: both are
    read as names, of no department."""
    for ref in ("²", "١٢", str(HUGE)):
        for path in ("/tasks", "/reminders"):
            r = shared.get(path, params={"department": ref})
            assert r.status_code == 404 and r.json()["error"]["message"] == f"no department {ref!r}", r.text
    r = shared.delete(f"/tasks/{shared.own}/assignments", params={"department": str(HUGE)})
    assert r.status_code == 404, r.text


def test_nul_characters_are_422_not_a_database_error(shared):
    """PostgreSQL cannot store or compare text with NUL (DataError → 500); SQLite took it."""
    _invalid(shared.post("/tokens", json={"name": "d\u0000T"}), "NUL")
    _invalid(shared.post("/users", json={"username": "nul", "password": "p", "role": "supervisor",
                                         "department": "\u0013p\u0000)"}), "NUL")
    _invalid(shared.post(f"/tasks/{shared.own}/progress", json={
        "expected_version": None, "reported_on": "2024-05-01", "status": "in_progress",
        "evidence": [{"name\u0000": "x"}]}), "NUL")
    for path in ("/search?q=a%00b", "/tasks?q=%00", "/users/a%00b/disable", "/reports?region=%00"):
        r = shared.client.request("POST" if path.endswith("disable") else "GET", "/api/v1" + path,
                                  headers=shared.h("admin"))
        _invalid(r, "NUL")


@pytest.mark.parametrize("name", ["..", ".", "x" * 300 + ".txt", "a\\b\\..", "辽宁省" * 40 + "2024.txt"])
def test_upload_names_the_server_cannot_create(shared, name):
    """'..' named the temp directory itself (IsADirectoryError) and 300 characters passed the
    file system's 255-byte limit (ENAMETOOLONG): both were 500s."""
    text = luoshi.sample_path().read_text("utf-8").replace("辽宁省", "吉林省").replace("辽宁", "吉林")
    r = shared.post("/reports", "admin", files={"file": (name, text.encode(), "text/plain")})
    assert r.status_code == 201, r.text
    assert r.json()["status"] in ("imported", "unchanged")
