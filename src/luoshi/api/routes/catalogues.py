"""Departments catalogues kept in the library (supplied with imports): list them, remove one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from ...track import catalogues as C
from ...track.actor import Actor
from ..deps import current_actor, read_session, require_role
from ..schemas import DbInt
from .common import out, write

router = APIRouter(tags=["catalogues"])


@router.get("/catalogues", summary="Departments catalogues kept in the library, newest first (which is in force)")
def get_catalogues(region: str | None = None, actor: Actor = Depends(current_actor),
                   s: Session = Depends(read_session)) -> dict[str, Any]:
    require_role(s, actor, "admin", "supervisor", "reporter", "viewer")
    return {"items": out(C.list_kept(s, region))}


@router.delete("/catalogues/{catalogue_id}", summary="Remove a kept catalogue (admin, supervisor); the one "
               "kept before it for the region comes back in force")
def delete_catalogue(request: Request, catalogue_id: DbInt, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    def remove(s: Session) -> dict[str, Any]:
        gone, now = C.remove(s, catalogue_id, actor)
        return {"removed": out(gone), "now": now.info() if now is not None else None}

    return write(request, remove)
