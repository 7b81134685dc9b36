"""Health and who-am-I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from ... import __version__
from ...track.actor import Actor
from ..deps import current_actor

router = APIRouter(tags=["meta"])


@router.get("/health", summary="Liveness (no authentication)")
def health() -> dict[str, Any]:
    return {"ok": True, "version": __version__}


@router.get("/me", summary="The calling user")
def me(actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return {"id": actor.id, "username": actor.username, "role": actor.role,
            "department_id": actor.department_id}
