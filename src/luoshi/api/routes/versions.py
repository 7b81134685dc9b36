"""A new version of a report: the earlier version's tasks the rule could not pair with its tasks
(ambiguous, without a counterpart) and its tasks that continue none, and a supervisor's
settlement of them (``track.versions``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field
from sqlalchemy.orm import Session

from ...track.actor import Actor
from ...track.errors import Forbidden
from ...track.versions import Decision, settle, unmatched
from ..deps import ANONYMOUS, current_actor, read_session
from ..schemas import Body, DbInt
from .common import out, write

router = APIRouter(tags=["reports"])


class DecisionBody(Body):
    old_task_id: DbInt = Field(..., description="an open task of an earlier version of the report")
    new_task_id: DbInt | None = Field(..., description="the task of this version that continues it; null: dropped")
    reason: str = Field("", description="why (required to drop)")


class SettleBody(Body):
    decisions: list[DecisionBody] = Field(..., min_length=1, max_length=1000)


@router.get("/reports/{report_id}/unmatched",
            summary="Earlier versions' tasks left to settle against this version, with candidates")
def get_unmatched(report_id: DbInt, actor: Actor = Depends(current_actor),
                  s: Session = Depends(read_session)) -> dict[str, Any]:
    if actor is ANONYMOUS:  # internal: what rides on each decision (updates, ratings)
        raise Forbidden("anonymous readers may not see the tasks left to settle")
    return out(unmatched(s, report_id))


@router.post("/reports/{report_id}/unmatched",
             summary="Settle them: link an earlier task to a task of this version, or drop it "
                     "(admin, supervisor; all decisions or none)")
def post_unmatched(request: Request, report_id: DbInt, body: SettleBody,
                   actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    decisions = [Decision(d.old_task_id, d.new_task_id, d.reason) for d in body.decisions]
    return out(write(request, lambda s: settle(s, report_id, decisions, actor)))
