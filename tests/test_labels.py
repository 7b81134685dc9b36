"""data/labels.toml has words for every code luoshi shows people: the codes are read from the
modules that define them, so a new level, kind, measure, verdict or status without words fails
here instead of showing up as ``plan_execution`` on a page."""

from __future__ import annotations

import pytest

from luoshi import labels


def _codes() -> list[tuple[str, str]]:
    from luoshi.api import errors as api_errors
    from luoshi.link import verdicts
    from luoshi.outline import given
    from luoshi.plan.annotate import plan_words
    from luoshi.services import goals, search
    from luoshi.store.models.tasks import ASSIGNMENT_ROLES
    from luoshi.track import division, tasks
    from luoshi.outline.meta import TITLE_GAPS
    from luoshi.track.actor import ROLES, SYSTEM
    from luoshi.track.reread import LOOSE_REASONS

    kinds = plan_words()["kinds"]["order"]
    return [
        *[("level", c) for c in given.LEVELS], *[("doc_kind", c) for c in given.KINDS],
        *[("metadata_field", c) for c in given.FIELDS],
        *[("metadata_source", c) for c in (given.TEXT, given.FILE_NAME, given.FLAG, given.MANIFEST)],
        *[("measure", c) for c in tasks.MEASURES], *[("comparator", c) for c in tasks.COMPARATORS],
        *[("verdict", c) for c in (verdicts.MET, verdicts.MISSED, verdicts.NO_DATA, verdicts.NEEDS_JUDGEMENT)],
        *[("goal_status", c) for c in (goals.ON_TRACK, goals.BEHIND, goals.REACHED, goals.IN_PROGRESS, goals.NO_DATA)],
        *[("task_kind", c) for c in (*kinds, "project", "target", "action")],
        *[("user_role", c) for c in ROLES], *[("assignment_role", c) for c in ASSIGNMENT_ROLES],
        *[("assignment_source", c) for c in (division.SUGGESTED, division.DIVISION, division.WORK_REPORT)],
        *[("search_hit", c) for c in search.KINDS], ("actor", SYSTEM.username),
        ("audit_action", division.APPLIED), ("audit_action", "reread"),
        *[("title_gap", c) for c in TITLE_GAPS], *[("reread_loose", c) for c in LOOSE_REASONS],
        *[("error_code", c) for c in (*api_errors.CODES.values(), "busy", "bad_file", "bad_catalogue")],
    ]


@pytest.mark.parametrize(("group", "code"), _codes())
def test_every_code_has_words(group: str, code: str):
    words = labels.group(group).get(code)
    assert words is not None, f"data/labels.toml [{group}] has no words for {code!r}"
    assert words == "" or not words.isascii(), f"[{group}] {code} = {words!r} is not Chinese"


@pytest.mark.parametrize(("defs", "names"), [("verdict_def", "verdict"), ("goal_status_def", "goal_status")])
def test_every_label_with_a_definition_has_one(defs: str, names: str):
    assert set(labels.group(defs)) == set(labels.group(names))


def test_zh_and_definitions():
    assert labels.zh("doc_kind", "plan_execution") == "计划执行情况报告"
    assert labels.zh("level", None) == ""
    assert labels.zh("level", "galaxy") == "galaxy" and labels.zh("level", "galaxy", "—") == "—"
    assert "0.2个百分点" in labels.definition("verdict_def", "met", rate_pp="0.2", amount_pct="2")
    with pytest.raises(KeyError):
        labels.group("no_such_group")


@pytest.mark.parametrize(("message", "code", "words"), [
    ("anonymous readers may not do this; needs admin or supervisor", "forbidden", "当前账号无权进行此操作"),
    ("no kept departments catalogue has id 7 (luoshi catalogues lists them)", "not_found", "该部门目录已删除或不存在"),
    ("task 3 not found", "not_found", "请求的内容不存在"),  # no words of its own: the code's
    ("something new", None, ""),
])
def test_error_words_from_the_message_else_the_code(message: str, code: str | None, words: str):
    assert labels.error_zh(message, code) == words
