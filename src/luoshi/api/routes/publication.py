"""What a report's public view shows beyond targets, verdicts and statuses: the supervision
office's ratings (with reasons) and the departments' progress notes, each only once published."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field
from sqlalchemy.orm import Session

from ...track.actor import Actor
from ...track.publication import publication, publish
from ..deps import current_actor, read_session
from ..schemas import Body, DbInt
from .common import out, write

router = APIRouter(tags=["reports"])


class PublicationBody(Body):
    """The parts to change; a part left out stays as it is."""

    ratings: bool | None = Field(None, description="show ratings with their reasons in the public view")
    notes: bool | None = Field(None, description="show the departments' latest progress notes in the public view")


@router.get("/reports/{report_id}/publication", summary="What the public view of a report shows")
def get_publication(report_id: DbInt, _actor: Actor = Depends(current_actor),
                    s: Session = Depends(read_session)) -> dict[str, Any]:
    return out(publication(s, report_id))


@router.put("/reports/{report_id}/publication",
            summary="Publish or withdraw a report's ratings and progress notes (admin, supervisor)")
def put_publication(request: Request, report_id: DbInt, body: PublicationBody,
                    actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return out(write(request, lambda s: publish(s, report_id, actor, ratings=body.ratings, notes=body.notes)))
