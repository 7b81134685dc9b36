"""Chinese words the pages show for codes, as the templates name them (``L.VERDICT_ZH`` …): all
drawn from ``data/labels.toml`` (``luoshi.labels``), the task statuses from tracking.toml."""

from __future__ import annotations

from typing import Any

from .. import labels as _labels
from ..link.verdicts import fmt, settings
from ..track.status import definitions as _definitions

_g = _labels.group
error_zh = _labels.error_zh

ROLES_ZH = _g("user_role")
ASSIGN_ZH = _g("assignment_role")
ASSIGN_SOURCE_ZH = _g("assignment_source")
FIGURE_ROLE_ZH = _g("figure_role")
MEASURE_ZH = _g("measure")
COMPARATOR_ZH = _g("comparator")
VERDICT_ZH = _g("verdict")
VERDICT_DEF = {code: _labels.definition("verdict_def", code, rate_pp=fmt(settings().rate_pp),
                                        amount_pct=fmt(settings().amount_relative * 100))
               for code in _g("verdict_def")}
GOAL_STATUS_ZH = _g("goal_status")
GOAL_STATUS_DEF = _g("goal_status_def")
STATUS_ZH = {code: d.label_zh for code, d in _definitions()["reported"].items() if code != "no_update"}
AXES_ZH = _g("status_axis")
ACTION_ZH = _g("audit_action")
ENTITY_ZH = _g("audit_entity")
ACTOR_ZH = _g("actor")
LEVEL_ZH = _g("level")
DOC_KIND_ZH = _g("doc_kind")
HIT_ZH = _g("search_hit")
KIND_ZH = _g("task_kind")
META_FIELD_ZH = _g("metadata_field")
META_SOURCE_ZH = _g("metadata_source")
LINEAGE_HOW_ZH = _g("lineage_how")
group_of = _g  # any other group, by name


def zh(group: str, code: Any, default: str | None = None) -> str:
    """``luoshi.labels.zh`` for templates: ``L.zh('doc_kind', r.kind)``."""
    return _labels.zh(group, code, default)


__all__ = ["ROLES_ZH", "ASSIGN_ZH", "ASSIGN_SOURCE_ZH", "FIGURE_ROLE_ZH", "MEASURE_ZH", "VERDICT_ZH",
           "VERDICT_DEF", "COMPARATOR_ZH", "GOAL_STATUS_ZH", "GOAL_STATUS_DEF", "STATUS_ZH", "AXES_ZH",
           "ACTION_ZH", "ENTITY_ZH", "ACTOR_ZH", "KIND_ZH", "LEVEL_ZH", "DOC_KIND_ZH", "HIT_ZH",
           "META_FIELD_ZH", "META_SOURCE_ZH", "LINEAGE_HOW_ZH", "group_of", "zh"]
