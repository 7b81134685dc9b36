"""Accounts (admins) and API tokens (your own; admins anyone's)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from ...track import services as S
from ...track.actor import Actor
from ..deps import current_actor, read_session, require_role
from ..schemas import DbInt, TokenBody, UserBody
from .common import out, write

router = APIRouter(tags=["users"])


@router.get("/users", summary="Every account (admin)")
def get_users(actor: Actor = Depends(current_actor), s: Session = Depends(read_session)) -> dict[str, Any]:
    require_role(s, actor, "admin")
    return {"items": out(S.list_users(s))}


@router.post("/users", status_code=201, summary="Create an account (admin)")
def post_user(request: Request, body: UserBody, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return out(write(request, lambda s: S.create_user(s, body.username, body.password, body.role, actor,
                                                      display_name=body.display_name,
                                                      department=body.department)))


@router.post("/users/{username}/disable", summary="Disable an account and its tokens (admin)")
def disable_user(request: Request, username: str, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return out(write(request, lambda s: S.disable_user(s, username, actor)))


@router.get("/tokens", summary="Your tokens (admins: everyone's, or one user's with ?user=)")
def get_tokens(user: str | None = None, actor: Actor = Depends(current_actor),
               s: Session = Depends(read_session)) -> dict[str, Any]:
    me = require_role(s, actor, "admin", "supervisor", "reporter", "viewer")
    if me.role != "admin" or me.id is None:
        if user not in (None, me.username):
            raise S.Forbidden(f"{me.username} may only list their own tokens")
        user = me.username
    return {"items": out(S.list_tokens(s, user))}


@router.post("/tokens", status_code=201, summary="Make an API token (shown once)")
def post_token(request: Request, body: TokenBody, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    made = write(request, lambda s: S.create_token(s, body.username or actor.username, body.name, actor))
    return {"token": made.token, **out(made.info)}


@router.delete("/tokens/{token_id}", summary="Revoke a token (yours; admins any)")
def delete_token(request: Request, token_id: DbInt, actor: Actor = Depends(current_actor)) -> dict[str, Any]:
    return out(write(request, lambda s: S.revoke_token(s, token_id, actor)))
