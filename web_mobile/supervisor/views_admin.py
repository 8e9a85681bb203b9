"""Settings (audited; the setup role changes them) and operators with PINs and roles."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from flask import redirect, render_template, request, url_for

from tracking_core import ROLES, one_of
from tracking_core.errors import InvalidInput
from tracking_core.settings import Settings
from web_mobile.supervisor import blueprint as bp
from web_mobile.supervisor import forms
from web_mobile.supervisor import session as sv


def setting_fields() -> list[dict[str, Any]]:
    """Each setting with its kind (bool, int, str, or its choices), for the form."""
    hints = typing.get_type_hints(Settings)
    out = []
    for f in dataclasses.fields(Settings):
        hint = hints[f.name]
        choices = typing.get_args(hint) if typing.get_origin(hint) is typing.Literal else ()
        kind = "choice" if choices else {bool: "bool", int: "int", str: "str"}[hint]
        out.append({"name": f.name, "kind": kind, "choices": choices})
    return out


def _parse(field: dict[str, Any], raw: str) -> Any:
    if field["kind"] == "bool":
        if raw not in ("true", "false"):
            raise InvalidInput(field=field["name"], reason="must be true or false")
        return raw == "true"
    if field["kind"] == "int":
        if not raw.isascii() or not raw.isdigit():
            raise InvalidInput(field=field["name"], reason="must be a whole number >= 0")
        return int(raw)
    return raw


@bp.get("/settings")
@sv.requires("read")
def settings() -> Any:
    c = sv.core()
    return render_template(
        "supervisor/settings.html",
        settings=c.settings().as_dict(),
        fields=setting_fields(),
        changes=c.setting_changes(limit=50),
    )


@bp.post("/settings")
@sv.requires("settings")
def settings_save() -> Any:
    c = sv.core()
    current = c.settings().as_dict()
    changes = {}
    for field in setting_fields():
        if field["name"] in request.form:
            value = _parse(field, forms.form(field["name"]) or "")
            if value != current[field["name"]]:
                changes[field["name"]] = value
    who = sv.viewer()
    assert who is not None
    if changes:  # the core checks the role again and audits each change
        c.update_settings(changes, actor=who.actor_name, role=who.role)
    return redirect(url_for("supervisor.settings"))


@bp.get("/operators")
@sv.requires("read")
def operators() -> Any:
    c = sv.core()
    signins = c.operator_signins(limit=100) if sv.can("operators") else []
    return render_template(
        "supervisor/operators.html", operators=c.operators(), roles=ROLES, signins=signins
    )


def _back() -> Any:
    return redirect(url_for("supervisor.operators"))


@bp.post("/operators")
@sv.requires("operators")
def operator_create() -> Any:
    role = forms.choice("role", ROLES, source="form") or "operator"
    badge, name = forms.form("badge", required=True), forms.form("name", required=True)
    assert badge is not None and name is not None
    sv.core().create_operator(
        badge=badge, name=name, role=role, pin=request.form.get("pin") or None
    )
    return _back()


@bp.post("/operators/<badge>/pin")
@sv.requires("operators")
def operator_pin(badge: str) -> Any:
    sv.core().set_operator_pin(badge, request.form.get("pin", ""))
    return _back()


@bp.post("/operators/<badge>/role")
@sv.requires("operators")
def operator_role(badge: str) -> Any:
    role = one_of("role", forms.form("role"), ROLES)  # required: None is refused too
    sv.core().set_operator_role(badge, role)
    return _back()


@bp.post("/operators/<badge>/active")
@sv.requires("operators")
def operator_active(badge: str) -> Any:
    active = forms.choice("active", ("true", "false"), source="form")
    if active is None:
        raise InvalidInput(field="active", reason="must be true or false")
    c = sv.core()
    if active == "true":
        c.activate_operator(badge)
    else:
        c.deactivate_operator(badge)
    return _back()
