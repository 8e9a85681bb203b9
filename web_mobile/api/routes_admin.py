"""Settings (audited), API tokens and operators."""

from __future__ import annotations

from typing import Any

from tracking_core.codec import encode
from web_mobile.api import blueprint as bp
from web_mobile.api.answers import NewToken, OperatorList, SettingChanges, TokenList
from web_mobile.api.auth import core, current_token
from web_mobile.api.bodies import OperatorCreate, SettingsPatch, TokenCreate
from web_mobile.api.inputs import int_arg
from web_mobile.api.openapi import ADMIN, ANY_ROLE, INT32_MAX, OPERATORS, SETUP
from web_mobile.api.response_schema import present
from web_mobile.api.routing import endpoint


@endpoint(bp, "GET", "/settings", roles=ANY_ROLE)
def get_settings() -> Any:
    return core().settings().as_dict()


@endpoint(bp, "PATCH", "/settings", roles=SETUP, body="SettingsPatch")
def patch_settings(body: SettingsPatch) -> Any:
    token = current_token()
    # The core checks the role as well: settings never change without setup rights.
    return core().update_settings(body, actor=token.name, role=token.role).as_dict()


@endpoint(bp, "GET", "/settings/changes", roles=ANY_ROLE)
def setting_changes() -> Any:
    limit = int_arg("limit", 100, low=1, high=INT32_MAX)
    answer: SettingChanges = {"changes": encode(core().setting_changes(limit=limit))}
    return answer


@endpoint(bp, "GET", "/tokens", roles=ADMIN)
def list_tokens() -> Any:
    answer: TokenList = {"tokens": encode(core().tokens())}
    return answer


@endpoint(bp, "POST", "/tokens", roles=ADMIN, body="TokenCreate", status=201)
def create_token(body: TokenCreate) -> Any:
    secret, info = core().create_token(name=body["name"], role=body["role"])
    return {**present(info, NewToken), "token": secret}


@endpoint(bp, "DELETE", "/tokens/<int:token_id>", roles=ADMIN)
def revoke_token(token_id: int) -> Any:
    return encode(core().revoke_token(token_id))


@endpoint(bp, "GET", "/operators", roles=ANY_ROLE)
def list_operators() -> Any:
    answer: OperatorList = {"operators": encode(core().operators())}
    return answer


@endpoint(bp, "POST", "/operators", roles=OPERATORS, body="OperatorCreate", status=201)
def create_operator(body: OperatorCreate) -> Any:
    info = core().create_operator(
        badge=body["badge"],
        name=body["name"],
        role=body.get("role", "operator"),
        pin=body.get("pin"),
    )
    return encode(info)


@endpoint(bp, "POST", "/operators/<badge>/deactivate", roles=OPERATORS)
def deactivate_operator(badge: str) -> Any:
    return encode(core().deactivate_operator(badge))


@endpoint(bp, "POST", "/operators/<badge>/activate", roles=OPERATORS)
def activate_operator(badge: str) -> Any:
    return encode(core().activate_operator(badge))
